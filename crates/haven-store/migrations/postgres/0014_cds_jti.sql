-- CDS Hooks JWT ids already used, per issuer, kept until the token could no longer be accepted.
CREATE TABLE cds_jti (
    key        TEXT COLLATE "C" PRIMARY KEY,
    expires_at BIGINT NOT NULL
);

CREATE INDEX cds_jti_by_expiry ON cds_jti (expires_at);
