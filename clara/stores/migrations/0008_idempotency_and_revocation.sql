-- Idempotent writes and revocable identity (the HTTP edge: clara/idempotency.py, clara/auth/identity.py).

-- One row per (user, Idempotency-Key): claimed before the request acts, completed with the answer to replay.
-- While `status` is NULL the request is in flight and `lease_until` says how long its instance holds the claim
-- (renewed while it runs), so a claim left by a crashed instance frees itself instead of blocking retries for a day.
CREATE TABLE idempotency_keys (
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key          text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
    claim_id     uuid NOT NULL,
    lease_until  timestamptz,
    fingerprint  bytea,
    status       smallint,
    headers      jsonb,
    body         bytea,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);

-- A deactivated user's tokens stop working at once; reactivating bumps token_version too, so tokens issued before
-- the deactivation stay dead.
ALTER TABLE users
    ADD COLUMN active boolean NOT NULL DEFAULT true,
    ADD COLUMN token_version integer NOT NULL DEFAULT 0;

-- Tokens revoked by logout, until they would have expired anyway.
CREATE TABLE revoked_tokens (
    jti         uuid PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at  timestamptz NOT NULL
);
CREATE INDEX revoked_tokens_user_idx ON revoked_tokens (user_id, expires_at);
