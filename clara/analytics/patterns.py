"""Next-action prediction from tool-call sequences: each technician's own habits, with everyone's as the prior.

The model is a smoothed variable-order Markov chain over the tools called in a session. Counts of (two previous
actions -> next action) are aggregated in SQL; each source (the technician, everyone) gives a distribution where
trigram counts are Dirichlet-smoothed towards bigrams and bigrams towards plain frequencies, and the two are mixed
by how much history the technician has in that context. A newcomer gets the crowd's habits; a regular, their own.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Literal, Sequence

from psycopg import sql

from clara.stores import postgres

START = "^"  # the context before a session's first action
LOOKBACK = timedelta(days=90)
BACKOFF_WEIGHT = 2.0  # pseudo-counts a context needs before its own counts outweigh the shorter context's
PERSONAL_PRIOR = 3.0  # visits to a context after which a technician's own habit counts as much as the crowd's


@dataclass(frozen=True)
class Suggestion:
    action: str
    confidence: float
    basis: Literal["personal", "everyone"]


@dataclass
class Counts:
    trigrams: dict[tuple[str, str], Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    bigrams: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    unigrams: Counter[str] = field(default_factory=Counter)

    def add(self, prev2: str, prev1: str, action: str, n: int = 1) -> None:
        self.trigrams[(prev2, prev1)][action] += n
        self.bigrams[prev1][action] += n
        self.unigrams[action] += n


def context_of(last_actions: Sequence[str]) -> tuple[str, str]:
    padded = [START, START, *last_actions]
    return padded[-2], padded[-1]


def _level(counter: Counter[str] | None, prior: dict[str, float], weight: float) -> dict[str, float]:
    if not counter:
        return prior
    total = sum(counter.values())
    return {a: (counter.get(a, 0) + weight * p) / (total + weight) for a, p in prior.items()}


def _distribution(counts: Counts, vocabulary: set[str], prev2: str, prev1: str) -> dict[str, float]:
    """P(next | two previous actions): trigram counts smoothed towards bigrams, bigrams towards frequencies."""
    total = sum(counts.unigrams.values())
    p = {a: (counts.unigrams.get(a, 0) + 1) / (total + len(vocabulary)) for a in vocabulary}
    p = _level(counts.bigrams.get(prev1), p, BACKOFF_WEIGHT)
    return _level(counts.trigrams.get((prev2, prev1)), p, BACKOFF_WEIGHT)


def rank(personal: Counts, everyone: Counts, last_actions: Sequence[str], *, limit: int = 3) -> list[Suggestion]:
    """The `limit` most likely next actions after `last_actions`, most likely first.

    The technician's own distribution and everyone's are mixed by how often the technician has been in this
    context: a few visits already tilt it towards their own habit, a newcomer gets the crowd's.
    """
    vocabulary = set(everyone.unigrams) | set(personal.unigrams)
    if not vocabulary:
        return []
    prev2, prev1 = context_of(last_actions)
    own = personal.bigrams.get(prev1) or Counter()
    visits = sum(own.values())
    weight = visits / (visits + PERSONAL_PRIOR)
    mine = _distribution(personal, vocabulary, prev2, prev1)
    crowd = _distribution(everyone, vocabulary, prev2, prev1)
    p = {a: weight * mine[a] + (1 - weight) * crowd[a] for a in vocabulary}
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
