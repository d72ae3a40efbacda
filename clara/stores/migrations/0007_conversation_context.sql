-- A write Clara has read back and is waiting for the technician's yes on (a deficiency or a job status change),
-- kept with its conversation so a reconnect, or another instance, can still confirm or correct it.

ALTER TABLE conversations ADD COLUMN draft jsonb;
