-- The unit last read from a nameplate photo (the vision service's identification, as JSON): "how old is it?" after
-- a reconnect, or on another instance, is still answered from the photo.

ALTER TABLE conversations ADD COLUMN nameplate jsonb;
