-- A spoken reply the technician talked over was only partly heard: the turn keeps what was said up to that point
-- and says it was interrupted, so nobody later reads it as something Clara told them in full.

ALTER TABLE conversation_turns ADD COLUMN interrupted boolean NOT NULL DEFAULT false;
