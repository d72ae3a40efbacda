"""A site's open deficiencies said when the technician has no job there today ("anything open on the books at the
Hall of Justice"): that there is no job, and what is on file, worst first, in one sentence (a brief answer keeps it).
"""

from __future__ import annotations

from clara.jobs.models import Deficiency

LISTED = 3  # open deficiencies named one by one; more are counted and the worst named


def open_there(site: str, on_file: list[Deficiency]) -> str:
    """"You have no job at X today; on file there: 2 open deficiencies, the worst deficient: ...; also ..."."""
    if not on_file:
        return f"You have no job at {site} today, and no open deficiencies are on file there."
    worst, count = on_file[0], len(on_file)
    said = (f"You have no job at {site} today; on file there: {count} open deficienc{'ies' if count != 1 else 'y'}, "
            f"the worst {worst.severity}: {worst.description.rstrip('.')}")
    if 1 < count <= LISTED:
        said += "; also " + "; ".join(f"{d.description.rstrip('.')} ({d.severity})" for d in on_file[1:])
    return said + "."
