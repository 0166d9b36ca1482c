-- Name search by any part of a name through a trigram index (SQLite's 0004 uses FTS5): pg_trgm's
-- GIN index answers `search_name LIKE '%…%'` without reading every patient. pg_trgm ships with
-- PostgreSQL (Debian: postgresql-contrib) and is a trusted extension: the database's owner may
-- create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX patient_names ON patients USING gin (search_name gin_trgm_ops);
