-- The bytes of each uploaded knowledge file, kept in PostgreSQL so every instance sees them, a deploy (a fresh,
-- empty disk) keeps them, and pg_dump backs them up with everything else. Keyed by the sha256 of the bytes, the
-- same key as knowledge_documents.content_hash (no foreign key: ingest owns that table and may re-key it).
CREATE TABLE knowledge_originals (
    content_hash  text PRIMARY KEY,
    media_type    text NOT NULL,
    byte_size     integer NOT NULL,
    data          bytea NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- PDFs are compressed already: TOAST stores them out of line without trying to compress them again.
ALTER TABLE knowledge_originals ALTER COLUMN data SET STORAGE EXTERNAL;
