-- Bulk Data export jobs, kept in the database so their state survives a restart and every
-- Haven server on this database answers for them. A running job writes `heartbeat_at` every
-- few seconds; one whose heartbeat has stopped was left by a process that died and is marked
-- failed. Finished jobs expire after the configured retention: their files are deleted and
-- the row stays, state 'expired', so a client polling it is told so rather than "unknown".
CREATE TABLE export_jobs (
    id               TEXT PRIMARY KEY,
    owner_token      TEXT NOT NULL REFERENCES api_tokens (id),
    request_url      TEXT NOT NULL,
    transaction_time TEXT NOT NULL,
    -- 'system', 'patient' or 'group'; `group_id` names the group of a group export.
    kind             TEXT NOT NULL CHECK (kind IN ('system', 'patient', 'group')),
    group_id         TEXT,
    -- The parsed request (types, since, type filters, sensitive) as JSON.
    parameters       TEXT NOT NULL,
    state            TEXT NOT NULL CHECK (state IN ('running', 'complete', 'failed', 'cancelled', 'expired')),
    done             INTEGER NOT NULL DEFAULT 0,
    total            INTEGER NOT NULL DEFAULT 0,
    -- JSON list of {type, file, count}, once complete.
    output           TEXT NOT NULL DEFAULT '[]',
    error            TEXT,
    started_at       INTEGER NOT NULL,
    heartbeat_at     INTEGER NOT NULL,
    finished_at      INTEGER
);

CREATE INDEX export_jobs_by_state ON export_jobs (state, finished_at);

-- Whether a token sees sensitive history (disclosures of abuse): chosen by the admin when the
-- token is made, never changed afterwards (a new token is made instead).
ALTER TABLE api_tokens ADD COLUMN sensitive INTEGER NOT NULL DEFAULT 0 CHECK (sensitive IN (0, 1));
