-- Haven schema, version 2: bearer tokens for the FHIR API and CDS Hooks, issued by an admin.
-- Only the SHA-256 of each token is stored; a token is revoked, never deleted.

CREATE TABLE api_tokens (
    id         TEXT COLLATE "C" PRIMARY KEY,
    name       TEXT COLLATE "C" NOT NULL,
    token_hash TEXT COLLATE "C" NOT NULL UNIQUE,
    scope      TEXT COLLATE "C" NOT NULL CHECK (scope IN ('read', 'write')),
    created_by TEXT COLLATE "C" NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL,
    revoked_at TEXT COLLATE "C"
);

CREATE TRIGGER api_tokens_no_delete BEFORE DELETE ON api_tokens
FOR EACH ROW EXECUTE FUNCTION haven_refuse('API tokens are revoked, never deleted');
