-- Conversations with Clara, typed or spoken: the turns, and what the conversation is about (tracked entities), so
-- a reconnect, or another Clara instance, picks up where the technician left off.

CREATE TABLE conversations (
    id          uuid PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    job_id      bigint REFERENCES jobs (id) ON DELETE SET NULL,
    channel     text NOT NULL CHECK (channel IN ('text', 'voice')),
    entities    jsonb NOT NULL DEFAULT '{}',
    turns       integer NOT NULL DEFAULT 0 CHECK (turns >= 0),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX conversations_user_recent_idx ON conversations (user_id, updated_at DESC);

CREATE TABLE conversation_turns (
    conversation_id  uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq              integer NOT NULL CHECK (seq > 0),
    turn_id          uuid NOT NULL UNIQUE,
    user_text        text NOT NULL,
    reply            text NOT NULL,
    tool_calls       jsonb NOT NULL DEFAULT '[]',
    llm              text NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (conversation_id, seq)
);
