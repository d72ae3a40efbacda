-- Knowledge search at 50,000 chunks: an index for exact own-identifier hits, and GIN indexes without a pending
-- list. With fastupdate on, inserts park entries in a pending list that every search then scans linearly until
-- vacuum merges it (measured: 9 ms instead of 0.04 ms for one identifier lookup after a bulk load). Knowledge is
-- read far more often than written, so writes pay the merge instead.

CREATE INDEX knowledge_chunks_keys_idx ON knowledge_chunks USING gin (keys) WITH (fastupdate = off);
ALTER INDEX knowledge_chunks_search_idx SET (fastupdate = off);
ALTER INDEX knowledge_chunks_identifiers_idx SET (fastupdate = off);
SELECT gin_clean_pending_list('knowledge_chunks_search_idx'::regclass);
SELECT gin_clean_pending_list('knowledge_chunks_identifiers_idx'::regclass);
