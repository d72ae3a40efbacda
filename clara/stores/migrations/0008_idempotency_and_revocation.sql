-- The HTTP edge: idempotent writes (clara/idempotency.py), revocable identity (clara/auth/identity.py), login
-- back-off (clara/auth/service.py).

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

-- Password attempts per email address (known or not, so the answers reveal nothing), for the per-account
-- back-off of clara/auth/service.py. A row goes when its login succeeds, or an hour after its last attempt.
CREATE TABLE login_attempts (
    email         text PRIMARY KEY,
    failures      integer NOT NULL CHECK (failures > 0),
    last_attempt  timestamptz NOT NULL,
    locked_until  timestamptz
);
CREATE INDEX login_attempts_last_idx ON login_attempts (last_attempt);
