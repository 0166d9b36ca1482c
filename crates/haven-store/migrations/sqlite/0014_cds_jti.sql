-- CDS Hooks JWT ids already used, per issuer, kept until the token could no longer be
-- accepted anyway: a replayed token is refused after a restart and by every Haven server that
-- shares this database.
CREATE TABLE cds_jti (
    key        TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL
);

CREATE INDEX cds_jti_by_expiry ON cds_jti (expires_at);
