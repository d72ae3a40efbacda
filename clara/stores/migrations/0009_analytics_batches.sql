-- Ids of the analytics batches written, each recorded in the transaction that writes its events. A batch can reach
-- PostgreSQL twice: a group commit that outlived its deadline (so the batch was also journalled and acknowledged)
-- may still commit, and the journal replays it later; the second arrival finds its id here and is skipped.
-- Re-runnable: a TIMESCALE_URL database gets it applied at every start (clara.analytics.storage).
CREATE TABLE IF NOT EXISTS analytics_batches (
    id          uuid PRIMARY KEY,
    created_at  timestamptz NOT NULL DEFAULT now()
);
