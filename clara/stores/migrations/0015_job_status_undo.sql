-- Who last changed a job's status, when, and from what: the same technician may take their own change back for a
-- short while ("undo that" after an en route tapped by mistake); after that, or for anyone else, a dispatcher can.

ALTER TABLE jobs ADD COLUMN previous_status text
    CHECK (previous_status IN ('scheduled', 'en_route', 'in_progress', 'completed', 'cancelled'));
ALTER TABLE jobs ADD COLUMN status_changed_by bigint REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE jobs ADD COLUMN status_changed_at timestamptz;
