-- Analytics events: append-only, queried by time range.
-- A TimescaleDB hypertable where the extension can be used, else native monthly range partitions plus a default
-- partition; the columns, indexes and every query are the same either way.

-- TimescaleDB is usable when it is installed here, or available and preloaded (CREATE EXTENSION needs both).
CREATE FUNCTION analytics_timescale_available() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb')
        OR (EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb')
            AND current_setting('shared_preload_libraries') LIKE '%timescaledb%')
$$;

DO $$
DECLARE
    columns constant text := '(
        id           uuid NOT NULL,
        occurred_at  timestamptz NOT NULL,
        type         text NOT NULL,
        user_id      bigint,
        session_id   text,
        properties   jsonb NOT NULL DEFAULT ''{}''::jsonb,
        received_at  timestamptz NOT NULL DEFAULT now()
    )';
BEGIN
    IF analytics_timescale_available() THEN
        CREATE EXTENSION IF NOT EXISTS timescaledb;
        EXECUTE 'CREATE TABLE analytics_events ' || columns;
        PERFORM create_hypertable('analytics_events', 'occurred_at', chunk_time_interval => interval '7 days',
                                  create_default_indexes => false);
    ELSE
        EXECUTE 'CREATE TABLE analytics_events ' || columns || ' PARTITION BY RANGE (occurred_at)';
        CREATE TABLE analytics_events_default PARTITION OF analytics_events DEFAULT;
    END IF;
END $$;

-- BRIN: events arrive in time order, so a tiny block-range index prunes time ranges inside each partition.
CREATE INDEX analytics_events_time_brin ON analytics_events USING brin (occurred_at);
CREATE INDEX analytics_events_type_time_idx ON analytics_events (type, occurred_at);
CREATE INDEX analytics_events_user_time_idx ON analytics_events (user_id, occurred_at);
CREATE INDEX analytics_events_session_idx ON analytics_events (session_id, occurred_at) WHERE session_id IS NOT NULL;

-- Ids of events sent with a client `event_id`: a partitioned table cannot hold a unique key on `id` alone, so
-- retries are recognised here (kept a week, far beyond any client's retry window).
CREATE TABLE analytics_event_keys (
    id          uuid PRIMARY KEY,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- The month partition holding `month` (UTC), created when missing; rows that already fell into the default
-- partition for that month are moved into it first, since ATTACH refuses a default that overlaps the new range.
CREATE FUNCTION analytics_ensure_partition(month date) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    lo timestamptz := date_trunc('month', month::timestamp) AT TIME ZONE 'UTC';
    hi timestamptz := (date_trunc('month', month::timestamp) + interval '1 month') AT TIME ZONE 'UTC';
    part text := 'analytics_events_' || to_char(month, 'YYYY_MM');
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_partitioned_table WHERE partrelid = 'analytics_events'::regclass) THEN
        RETURN false;  -- a hypertable makes its own chunks
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('analytics_events_partitions'));
    IF to_regclass(part) IS NOT NULL THEN
        RETURN false;
    END IF;
    EXECUTE format('CREATE TABLE %I (LIKE analytics_events INCLUDING DEFAULTS)', part);
    EXECUTE format('WITH moved AS (DELETE FROM analytics_events_default WHERE occurred_at >= $1 AND occurred_at < $2'
                   ' RETURNING *) INSERT INTO %I SELECT * FROM moved', part) USING lo, hi;
    EXECUTE format('ALTER TABLE analytics_events ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
    RETURN true;
END $$;

SELECT analytics_ensure_partition((now() + make_interval(months => m))::date) FROM generate_series(-1, 2) AS m;
