-- What the last preference change replaced ({"units": "imperial"}), so "switch me back" restores it from any
-- conversation, a reopened one or MCP, on any instance.

ALTER TABLE user_preferences ADD COLUMN replaced jsonb NOT NULL DEFAULT '{}';
