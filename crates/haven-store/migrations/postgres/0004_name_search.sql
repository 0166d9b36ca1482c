-- Name search: SQLite's 0004 adds an FTS5 trigram index. On PostgreSQL name search is not yet
-- ported (issue #17); its trigram index (pg_trgm) comes with it, in a later migration. This
-- file keeps the two folders' version numbers in step.
SELECT 1;
