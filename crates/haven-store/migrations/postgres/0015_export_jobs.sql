-- Bulk Data export jobs, kept in the database so their state survives a restart and every
-- Haven server on this database answers for them (see SQLite's 0015).
CREATE TABLE export_jobs (
    id               TEXT COLLATE "C" PRIMARY KEY,
    owner_token      TEXT COLLATE "C" NOT NULL REFERENCES api_tokens (id),
    request_url      TEXT COLLATE "C" NOT NULL,
    transaction_time TEXT COLLATE "C" NOT NULL,
    -- 'system', 'patient' or 'group'; `group_id` names the group of a group export.
    kind             TEXT COLLATE "C" NOT NULL CHECK (kind IN ('system', 'patient', 'group')),
    group_id         TEXT COLLATE "C",
    -- The parsed request (types, since, type filters, sensitive) as JSON.
    parameters       TEXT COLLATE "C" NOT NULL,
    state            TEXT COLLATE "C" NOT NULL CHECK (state IN ('running', 'complete', 'failed', 'cancelled', 'expired')),
    done             BIGINT NOT NULL DEFAULT 0,
    total            BIGINT NOT NULL DEFAULT 0,
    -- JSON list of {type, file, count}, once complete.
    output           TEXT COLLATE "C" NOT NULL DEFAULT '[]',
    error            TEXT COLLATE "C",
    started_at       BIGINT NOT NULL,
    heartbeat_at     BIGINT NOT NULL,
    finished_at      BIGINT
);

CREATE INDEX export_jobs_by_state ON export_jobs (state, finished_at);

-- Whether a token sees sensitive history (disclosures of abuse): chosen by the admin when the
-- token is made, never changed afterwards (a new token is made instead).
ALTER TABLE api_tokens ADD COLUMN sensitive BOOLEAN NOT NULL DEFAULT FALSE;
