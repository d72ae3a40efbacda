"""Which uploaded documents a question names by their product, brand or model.

A technician's question about the manual they uploaded names its product ("the Tavistrom package unit", "a Brennholt
PMC-200"), yet reads like a question about the site's rooftop unit, a customer's contact or their settings. The words
that name a document are those search already reads as a product (`clara.knowledge.search`): in its title, and in at
most PRODUCT_DOCUMENTS documents at all, so "controller" or "manual" name none.
"""

from __future__ import annotations

from clara.knowledge.search import names_a_product
from clara.stores import Stores

# The ready uploads a viewer may read whose titles share a lexeme with the question, with the lexemes shared.
_SHARED = """
WITH asked AS (SELECT tsvector_to_array(to_tsvector('english', %(text)s)) AS lexemes),
titled AS (SELECT d.title, tsvector_to_array(to_tsvector('english', d.title)) AS lexemes FROM knowledge_documents d
           WHERE d.source = 'uploads' AND d.status = 'ready'
             AND (%(viewer)s::int IS NULL OR d.visibility = 'company' OR d.uploaded_by = %(viewer)s::int))
SELECT titled.title, ARRAY(SELECT unnest(titled.lexemes) INTERSECT SELECT unnest(asked.lexemes)) AS shared
FROM titled, asked WHERE titled.lexemes && asked.lexemes
"""


async def uploads_named(stores: Stores, *, text: str, viewer: int | None) -> list[str]:
    """The titles of the uploads `viewer` may read (None: staff, every one) that `text` names by a product word."""
    matrix = await stores.lexical.current()
    uploads = matrix.of_source.get("uploads")
    if uploads is None or not uploads.any():  # nothing uploaded to name: the turn is spared a round trip
        return []
    async with stores.db.connection() as conn:
        cur = await conn.execute(_SHARED, {"text": text, "viewer": viewer})
        rows = await cur.fetchall()
    return [row["title"] for row in rows if any(names_a_product(matrix, lexeme) for lexeme in row["shared"])]

