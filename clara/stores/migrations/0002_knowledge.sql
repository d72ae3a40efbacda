-- Knowledge: documents, their chunks (the lexical half of hybrid search; the vectors live in Chroma under the
-- chunk ids) and equipment specifications.

CREATE TABLE knowledge_documents (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source        text NOT NULL CHECK (source IN ('nfpa', 'specs', 'manuals', 'uploads')),
    title         text NOT NULL,
    standard      text,
    edition       text,
    media_type    text NOT NULL,
    filename      text,
    origin        text UNIQUE,             -- a shipped file's path under the corpus dir; NULL for uploads
    content_hash  text NOT NULL UNIQUE,    -- sha256 of the bytes: the same content is stored (and embedded) once
    byte_size     bigint NOT NULL CHECK (byte_size >= 0),
    chunk_count   integer NOT NULL DEFAULT 0 CHECK (chunk_count >= 0),
    uploaded_by   bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX knowledge_documents_source_idx ON knowledge_documents (source, id);

CREATE TABLE knowledge_chunks (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_id   bigint NOT NULL REFERENCES knowledge_documents (id) ON DELETE CASCADE,
    ordinal       integer NOT NULL,
    source        text NOT NULL,
    title         text NOT NULL,
    section       text,                    -- "NFPA 25 5.2.4.2", a spec's model, or NULL
    standard      text,
    standard_key  text,                    -- the standard normalised ("NFPA25"), to favour it when a query names it
    edition       text,
    text          text NOT NULL,
    keys          text[] NOT NULL DEFAULT '{}',  -- the chunk's own identifiers (section number, model), normalised
    identifiers   text[] NOT NULL DEFAULT '{}',  -- every identifier it mentions, keys included, normalised
    search        tsvector GENERATED ALWAYS AS (
                      setweight(to_tsvector('english', title || ' ' || coalesce(section, '')), 'A')
                      || setweight(to_tsvector('english', text), 'D')
                  ) STORED,
    UNIQUE (document_id, ordinal)
);
CREATE INDEX knowledge_chunks_search_idx ON knowledge_chunks USING gin (search);
CREATE INDEX knowledge_chunks_identifiers_idx ON knowledge_chunks USING gin (identifiers);
CREATE INDEX knowledge_chunks_source_idx ON knowledge_chunks (source);

-- In how many chunks each lexeme occurs: search ORs only the rarer query terms, so a query full of common words
-- ("fire", "test") does not rank half the corpus. Kept in step with knowledge_chunks by the same transactions.
CREATE TABLE knowledge_terms (
    lexeme  text PRIMARY KEY,
    chunks  integer NOT NULL CHECK (chunks >= 0)
);

CREATE TABLE equipment_specs (
    model_key     text PRIMARY KEY,        -- the model upper-cased with punctuation and spaces removed
    model         text NOT NULL,
    document_id   bigint NOT NULL REFERENCES knowledge_documents (id) ON DELETE CASCADE,
    manufacturer  text,
    series        text,
    type          text,
    category      text,
    description   text,
    details       jsonb NOT NULL
);
CREATE INDEX equipment_specs_document_idx ON equipment_specs (document_id);
