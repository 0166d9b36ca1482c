-- Emergency ("break-glass") access: a receptionist who needs one sensitive detail to book
-- safely records why, and sees that patient's whole record until `expires_at`. Rows are never
-- deleted; an administrator marks each reviewed.
CREATE TABLE break_glass (
    id          INTEGER PRIMARY KEY,
    username    TEXT NOT NULL,
    patient_id  TEXT NOT NULL REFERENCES patients (id),
    reason      TEXT NOT NULL,
    granted_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    reviewed_by TEXT,
    reviewed_at TEXT
);

CREATE INDEX break_glass_by_user_patient ON break_glass (username, patient_id, expires_at);

-- A grant is evidence: it is never deleted, and only its review is ever added.
CREATE TRIGGER break_glass_never_deleted BEFORE DELETE ON break_glass
BEGIN
    SELECT RAISE(ABORT, 'emergency access grants are never deleted');
END;

CREATE TRIGGER break_glass_only_reviewed BEFORE UPDATE ON break_glass
WHEN OLD.reviewed_by IS NOT NULL
  OR NEW.username IS NOT OLD.username
  OR NEW.patient_id IS NOT OLD.patient_id
  OR NEW.reason IS NOT OLD.reason
  OR NEW.granted_at IS NOT OLD.granted_at
  OR NEW.expires_at IS NOT OLD.expires_at
BEGIN
    SELECT RAISE(ABORT, 'an emergency access grant can only be marked reviewed, once');
END;
