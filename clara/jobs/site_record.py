"""What is on file at a site the technician has no job at today: its open deficiencies. "Anything open on the books
at the Hall of Justice" is asked of a site named, job or not; the job's details carry them when there is a job, and
without one the site's record still answers.
"""

from __future__ import annotations

from clara.jobs import queries
from clara.jobs.models import Deficiency
from clara.stores import Stores


async def open_at_site(stores: Stores, *, site_id: int) -> list[Deficiency]:
    """The site's deficiencies nobody has fixed yet, worst first."""
    async with stores.db.connection() as conn:
        return await queries.open_deficiencies(conn, stores.settings.company_tz, [site_id])
