"""Next-action prediction from tool-call sequences: each technician's own habits, with everyone's as the prior.

The model is a smoothed variable-order Markov chain over the tools called in a session. Counts of (two previous
actions -> next action) are aggregated in SQL; the probabilities are a chain of Dirichlet-smoothed estimates where
each level is the prior of the next: everyone's frequencies, then everyone's bigrams and trigrams, then the
technician's own bigrams and trigrams. A newcomer gets the crowd's habits; a technician with history gets their own.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Iterable, Sequence

from psycopg import sql

from clara.stores import postgres

START = "^"  # the context before a session's first action
LOOKBACK = timedelta(days=90)
PRIOR_WEIGHT = 2.0  # pseudo-counts a context needs before its own counts outweigh the level below
PERSONAL_WEIGHT = 1.0


@dataclass(frozen=True)
class Suggestion:
    action: str
    confidence: float
    basis: str  # personal | everyone


@dataclass
class Counts:
    trigrams: dict[tuple[str, str], Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    bigrams: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    unigrams: Counter[str] = field(default_factory=Counter)

    def add(self, prev2: str, prev1: str, action: str, n: int = 1) -> None:
        self.trigrams[(prev2, prev1)][action] += n
        self.bigrams[prev1][action] += n
        self.unigrams[action] += n

    @property
    def empty(self) -> bool:
        return not self.unigrams


def context_of(last_actions: Sequence[str]) -> tuple[str, str]:
    padded = [START, START, *last_actions]
    return padded[-2], padded[-1]


def counts_from_sequences(sequences: Iterable[Sequence[str]]) -> Counts:
    """Counts from in-memory sessions (the same counting the SQL does; used for what is still in the buffer)."""
    counts = Counts()
    for actions in sequences:
        for i, action in enumerate(actions):
            prev2, prev1 = context_of(actions[:i])
            counts.add(prev2, prev1, action)
    return counts


def _level(counter: Counter[str] | None, prior: dict[str, float], weight: float) -> dict[str, float]:
    if not counter:
        return prior
    total = sum(counter.values())
    return {a: (counter.get(a, 0) + weight * p) / (total + weight) for a, p in prior.items()}


def rank(personal: Counts, everyone: Counts, last_actions: Sequence[str], *, limit: int = 3) -> list[Suggestion]:
    """The `limit` most likely next actions after `last_actions`, most likely first."""
    vocabulary = set(everyone.unigrams) | set(personal.unigrams)
    if not vocabulary:
        return []
    prev2, prev1 = context_of(last_actions)
    total = sum(everyone.unigrams.values())
    p = {a: (everyone.unigrams.get(a, 0) + 1) / (total + len(vocabulary)) for a in vocabulary}
    p = _level(everyone.bigrams.get(prev1), p, PRIOR_WEIGHT)
    p = _level(everyone.trigrams.get((prev2, prev1)), p, PRIOR_WEIGHT)
    p = _level(personal.bigrams.get(prev1), p, PERSONAL_WEIGHT)
    p = _level(personal.trigrams.get((prev2, prev1)), p, PERSONAL_WEIGHT)
    own = personal.bigrams.get(prev1) or Counter()
    best = sorted(p.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return [Suggestion(a, round(prob, 4), "personal" if own.get(a) else "everyone") for a, prob in best]


_COUNTS_SQL = """
SELECT prev2, prev1, action, count(*) AS n FROM (
    SELECT properties->>'name' AS action,
           lag(properties->>'name', 1, {start}) OVER w AS prev1,
           lag(properties->>'name', 2, {start}) OVER w AS prev2
    FROM analytics_events
    WHERE type = 'tool_called' AND session_id IS NOT NULL AND occurred_at >= %(since)s {user_filter}
    WINDOW w AS (PARTITION BY user_id, session_id ORDER BY occurred_at, received_at)
) AS calls
WHERE action IS NOT NULL
GROUP BY prev2, prev1, action
"""


async def load_counts(pool: postgres.Pool, *, user_id: int | None, now: datetime | None = None) -> Counts:
    """N-gram counts over the last 90 days of tool calls: one technician's, or everyone's when `user_id` is None."""
    since = (now or datetime.now(timezone.utc)) - LOOKBACK
    user_filter = sql.SQL("AND user_id = %(user_id)s") if user_id is not None else sql.SQL("")
    query = sql.SQL(_COUNTS_SQL).format(start=sql.Literal(START), user_filter=user_filter)
    counts = Counts()
    async with pool.connection() as conn:
        cur = await conn.execute(query, {"since": since, "user_id": user_id})
        for row in await cur.fetchall():
            counts.add(row["prev2"], row["prev1"], row["action"], row["n"])
    return counts
