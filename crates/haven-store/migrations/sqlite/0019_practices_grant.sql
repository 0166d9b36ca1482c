-- A user granted the whole deployment's practices (issue #17 §3): an administrator who may see
-- and manage every practice (`/admin/practices`), an analyst or administrator who may see the
-- reports across practices (`/reports/practices`). Set only from the command line
-- (`haven org grant` / `haven org revoke`), audited; never from the web, so nobody can widen
-- their own access. A user's patient-level access stays their own practice's, granted or not.
ALTER TABLE users ADD COLUMN spans_practices INTEGER NOT NULL DEFAULT 0;
