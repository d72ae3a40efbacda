"""The command line every conversation-set checker (check_heldout14.py onwards) runs: check a set against a Clara
seeded today, or plant each of its wrong expectations in turn and report whether the check catches it.

A checker supplies its set's name, default file, how to read the API (`demo`), its `check` (conversations ->
turns, problems), its `plant` and its PLANTS; the loop is the same for every set, so it lives here once.
"""

from __future__ import annotations

import argparse
import copy
import json
from pathlib import Path
from typing import Any, Callable, Sequence


def main(name: str, doc: str, default: Path, demo: Callable[[str], Any],
         check: Callable[[Any, list[dict]], tuple[int, list[str]]], plant: Callable[..., None],
         plants: Sequence[tuple[Any, ...]]) -> int:
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--api", required=True, help="a Clara seeded today, e.g. http://127.0.0.1:8000")
    parser.add_argument("--set", type=Path, default=default, help="the set to check")
    parser.add_argument("--plant", choices=["all"], help="plant each wrong expectation in PLANTS, one at a time")
    args = parser.parse_args()
    conversations = json.loads(args.set.read_text())
    api = demo(args.api)
    turns, problems = check(api, conversations)
    if not args.plant:
        for problem in problems:
            print(problem)
        print(f"{name}: {len(conversations)} conversations, {turns} turns, {len(problems)} problems")
        return 1 if problems else 0
    caught = 0
    for what, *where in plants:
        planted = copy.deepcopy(conversations)
        plant(planted, *where)
        new = [p for p in check(api, planted)[1] if p not in problems]
        caught += bool(new)
        print(f"{'caught' if new else 'MISSED'}  {what}" + (f": {new[0]}" if new else ""))
    print(f"{name} plants: {caught} of {len(plants)} caught")
    return 0 if caught == len(plants) else 1
