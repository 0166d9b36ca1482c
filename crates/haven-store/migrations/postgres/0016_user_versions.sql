-- Users are served over FHIR as Practitioners, which carry a version and when it was stored
-- (see SQLite's 0016). Until a user first changes, `changed_at` is NULL and `created_at` stands
-- for it.
ALTER TABLE users ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN changed_at TEXT COLLATE "C";
