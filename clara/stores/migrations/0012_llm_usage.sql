-- LLM usage: one row per model request (Gemini text, Gemini Live, the offline LLM), as livekit-agents reported it.
-- Append-only and small (a few rows per turn); read by time range, per user and per model.
CREATE TABLE llm_usage (
    id                  bigserial PRIMARY KEY,
    occurred_at         timestamptz NOT NULL DEFAULT now(),
    user_id             bigint,
    session_id          text,
    turn_id             text NOT NULL,
    channel             text NOT NULL,              -- text | voice
    provider            text NOT NULL,
    model               text NOT NULL,
    request_id          text,
    input_tokens        bigint NOT NULL DEFAULT 0,  -- all input tokens (text, audio, cached included)
    output_tokens       bigint NOT NULL DEFAULT 0,
    input_audio_tokens  bigint NOT NULL DEFAULT 0,
    output_audio_tokens bigint NOT NULL DEFAULT 0,
    audio_seconds       double precision NOT NULL DEFAULT 0,
    latency_seconds     double precision NOT NULL DEFAULT 0,
    cost_usd            numeric(18, 9) NOT NULL DEFAULT 0,
    counted             text NOT NULL               -- reported (the API's own count) | none (no count exists)
);
CREATE INDEX llm_usage_time_idx ON llm_usage (occurred_at);
CREATE INDEX llm_usage_user_time_idx ON llm_usage (user_id, occurred_at);
