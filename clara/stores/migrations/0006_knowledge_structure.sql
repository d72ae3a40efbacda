-- Knowledge with its structure and evidence: where each chunk sits (heading path, page), its spans (sentences, rows)
-- with their own section and page and their late-chunked vectors for the second ranking stage, and documents that
-- are ingested in the background, private to their uploader unless shared.

ALTER TABLE knowledge_chunks
    ADD COLUMN heading      text NOT NULL DEFAULT '',     -- "KX-400 Installation Manual > 3 Pressure > 3.2 Cut-in"
    ADD COLUMN page         integer,                      -- first page of the chunk in a PDF
    ADD COLUMN spans        jsonb NOT NULL DEFAULT '[]',  -- [[start, end, section, page], ...] into text
    ADD COLUMN span_vectors bytea;                        -- one int8 vector per span (clara.knowledge.vectors)

-- Both indexes read a chunk under its document and headings: "KX-400 cut-in" matches a paragraph that only says
-- "set the cut-in to 115 psi". Heading words weigh as A, the passage's as D.
ALTER TABLE knowledge_chunks DROP COLUMN search;
ALTER TABLE knowledge_chunks ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', heading || ' ' || coalesce(section, '')), 'A')
    || setweight(to_tsvector('english', text), 'D')
) STORED;
CREATE INDEX knowledge_chunks_search_idx ON knowledge_chunks USING gin (search) WITH (fastupdate = off);

-- Term statistics now live in the in-process lexical index (clara.knowledge.lexical), rebuilt from the chunks.
DROP TABLE knowledge_terms;

ALTER TABLE knowledge_documents
    ADD COLUMN parser_version integer NOT NULL DEFAULT 1,  -- documents parsed by an older parser are parsed again
    ADD COLUMN pages          integer,
    ADD COLUMN status         text NOT NULL DEFAULT 'ready' CHECK (status IN ('processing', 'ready', 'failed')),
    ADD COLUMN error          text,
    ADD COLUMN visibility     text NOT NULL DEFAULT 'company' CHECK (visibility IN ('private', 'company'));
