-- The directory of organisations (issue 14): the current version of each organisation here, every
-- superseded version in directory_history. Organisations are never deleted; one that no longer
-- helps is marked inactive, so referrals made to it still name it. `help` holds
-- haven_core::directory::HelpKind ids and `languages` BCP-47 tags, each space-separated.
CREATE TABLE directory (
    id           TEXT COLLATE "C" PRIMARY KEY,
    seq          BIGINT NOT NULL UNIQUE,
    version      BIGINT NOT NULL,
    name         TEXT COLLATE "C" NOT NULL,
    help         TEXT COLLATE "C" NOT NULL,
    area         TEXT COLLATE "C" NOT NULL,
    languages    TEXT COLLATE "C" NOT NULL,
    accepts      TEXT COLLATE "C" NOT NULL,
    how_to_refer TEXT COLLATE "C" NOT NULL,
    website      TEXT COLLATE "C" NOT NULL,
    active       BOOLEAN NOT NULL,
    changed_at   TEXT COLLATE "C" NOT NULL,
    changed_by   TEXT COLLATE "C" NOT NULL
);

CREATE TABLE directory_history (
    id           TEXT COLLATE "C" NOT NULL REFERENCES directory (id),
    version      BIGINT NOT NULL,
    name         TEXT COLLATE "C" NOT NULL,
    help         TEXT COLLATE "C" NOT NULL,
    area         TEXT COLLATE "C" NOT NULL,
    languages    TEXT COLLATE "C" NOT NULL,
    accepts      TEXT COLLATE "C" NOT NULL,
    how_to_refer TEXT COLLATE "C" NOT NULL,
    website      TEXT COLLATE "C" NOT NULL,
    active       BOOLEAN NOT NULL,
    changed_at   TEXT COLLATE "C" NOT NULL,
    changed_by   TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (id, version)
);

CREATE TRIGGER directory_no_delete BEFORE DELETE ON directory
FOR EACH ROW EXECUTE FUNCTION haven_refuse('directory entries are never deleted; mark them inactive');
CREATE TRIGGER directory_history_no_change BEFORE UPDATE OR DELETE ON directory_history
FOR EACH ROW EXECUTE FUNCTION haven_refuse('directory history is append-only');

-- The seed: the national organisations the guidance names (shared facts, guidance.md, "directory
-- seeds"), with their names and public web addresses exactly as given there and nothing invented:
-- no address, telephone number or criteria the facts do not give. Applied once, with this
-- migration; ON CONFLICT keeps it harmless should it ever meet rows already there.
INSERT INTO directory (id, seq, version, name, help, area, languages, accepts, how_to_refer, website, active, changed_at, changed_by) VALUES
    ('org-1', 1, 1, 'Freedom from Torture', 'specialist-trauma medico-legal', 'National', '', '', '', 'https://www.freedomfromtorture.org', TRUE, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), 'haven:seed'),
    ('org-2', 2, 1, 'Helen Bamber Foundation', 'specialist-trauma', 'National', '', '', 'Referral with the person''s signed consent.', 'https://www.helenbamber.org', TRUE, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), 'haven:seed'),
    ('org-3', 3, 1, 'Refugee Council', 'refugee-support', 'National', '', '', '', 'https://www.refugeecouncil.org.uk', TRUE, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), 'haven:seed'),
    ('org-4', 4, 1, 'Doctors of the World UK', 'healthcare-access', 'National', '', '', '', 'https://www.doctorsoftheworld.org.uk', TRUE, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), 'haven:seed'),
    ('org-5', 5, 1, 'British Red Cross', 'refugee-support', 'National', '', '', '', 'https://www.redcross.org.uk', TRUE, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), 'haven:seed'),
    ('org-6', 6, 1, 'Asylum Seeker Mental Health resources', 'information', 'National', '', '', '', 'https://asylummentalhealth.uk', TRUE, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), 'haven:seed'),
    ('org-7', 7, 1, 'Samaritans', 'crisis-support', 'National', '', '', 'Telephone 116 123.', 'https://www.samaritans.org', TRUE, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), 'haven:seed')
ON CONFLICT (id) DO NOTHING;
