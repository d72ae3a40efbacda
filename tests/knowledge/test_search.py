from __future__ import annotations

from psycopg import sql

from clara.knowledge.search import TERM_BUDGET, LexicalHit, fuse, text_query
from clara.stores.chroma import DenseHit


def _render(query: sql.Composable | None) -> str:
    assert query is not None
    return query.as_string(None)


def test_rare_terms_are_ored_within_the_budget() -> None:
    rendered = _render(text_query([("churn", 3), ("diesel", 40), ("pump", TERM_BUDGET)]))
    assert "'churn'" in rendered and "'diesel'" in rendered and " || " in rendered
    assert "'pump'" not in rendered  # would push the match count past the budget


def test_when_even_the_rarest_term_is_common_the_rarest_few_are_required_together() -> None:
    rendered = _render(text_query([("point", 6_000), ("flow", 9_000), ("year", 12_000), ("test", 20_000)]))
    assert " && " in rendered and "'test'" not in rendered
    assert all(f"'{term}'" in rendered for term in ("point", "flow", "year"))


def test_no_known_terms_means_no_text_query() -> None:
    assert text_query([]) is None


def test_fusion_rewards_agreement_and_puts_exact_identifiers_first() -> None:
    dense = [DenseHit(1, 0.9), DenseHit(2, 0.8), DenseHit(3, 0.7)]
    lexical = [LexicalHit(9, exact=True), LexicalHit(2, exact=False)]
    ranked = [chunk_id for chunk_id, _ in fuse(dense, lexical)]
    assert ranked[0] == 9  # its own section number was asked for, whatever the embedding thought
    assert ranked.index(2) < ranked.index(1)  # found by both lists beats first in one
