-- +goose Up
-- Every table carries agency_id so that one database serves a province and
-- the schema can be distributed by agency (Citus): no cross-agency keys.

CREATE TABLE agencies (
    id          TEXT PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,            -- national unit identifier, e.g. 000.00.08.H44
    name        TEXT NOT NULL,
    province    TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL
);

CREATE TABLE units (
    agency_id   TEXT NOT NULL REFERENCES agencies (id),
    id          TEXT NOT NULL,
    parent_id   TEXT,
    code        TEXT NOT NULL,                   -- short code, unique in the agency
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('agency', 'division', 'one_stop', 'office')),
    PRIMARY KEY (agency_id, id),
    UNIQUE (agency_id, code),
    FOREIGN KEY (agency_id, parent_id) REFERENCES units (agency_id, id)
);

CREATE TABLE users (
    agency_id     TEXT NOT NULL REFERENCES agencies (id),
    id            TEXT NOT NULL,
    username      TEXT NOT NULL,
    full_name     TEXT NOT NULL,
    email         TEXT NOT NULL DEFAULT '',
    unit_id       TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    created_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (agency_id, id),
    FOREIGN KEY (agency_id, unit_id) REFERENCES units (agency_id, id)
);
-- Log-in names are unique across the province (on Citus: a reference lookup table).
CREATE UNIQUE INDEX users_username ON users (username);

CREATE TABLE user_roles (
    agency_id TEXT NOT NULL,
    user_id   TEXT NOT NULL,
    role      TEXT NOT NULL CHECK (role IN ('reception', 'specialist', 'division_head', 'leadership', 'clerk', 'admin')),
    PRIMARY KEY (agency_id, user_id, role),
    FOREIGN KEY (agency_id, user_id) REFERENCES users (agency_id, id)
);

CREATE TABLE procedures (
    agency_id  TEXT NOT NULL REFERENCES agencies (id),
    id         TEXT NOT NULL,
    source_key TEXT NOT NULL,                    -- stable key from the catalogue source
    code       TEXT NOT NULL DEFAULT '',         -- national TTHC code
    latest     INTEGER NOT NULL,                 -- newest version number
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (agency_id, id),
    UNIQUE (agency_id, source_key)
);
CREATE INDEX procedures_code ON procedures (agency_id, code);

CREATE TABLE procedure_versions (
    agency_id          TEXT NOT NULL,
    procedure_id       TEXT NOT NULL,
    version            INTEGER NOT NULL CHECK (version >= 1),
    name               TEXT NOT NULL,
    field              TEXT NOT NULL DEFAULT '',
    field_code         TEXT NOT NULL DEFAULT '',
    level              TEXT NOT NULL DEFAULT '',
    duration_value     INTEGER NOT NULL DEFAULT 0 CHECK (duration_value >= 0),
    duration_unit      TEXT NOT NULL CHECK (duration_unit IN ('working_days', 'working_hours', 'calendar_days', 'same_day', 'none')),
    same_day_cutoff    INTEGER NOT NULL DEFAULT 0 CHECK (same_day_cutoff >= 0 AND same_day_cutoff < 1440),
    duration_text      TEXT NOT NULL DEFAULT '',
    online_level       TEXT NOT NULL CHECK (online_level IN ('full', 'partial', 'none')),
    fee                TEXT NOT NULL DEFAULT '',
    required_documents TEXT NOT NULL DEFAULT '[]',  -- JSON array of strings
    source             TEXT NOT NULL DEFAULT '',
    steps_generated    BOOLEAN NOT NULL,
    fingerprint        TEXT NOT NULL,
    effective_from     TIMESTAMP NOT NULL,
    created_at         TIMESTAMP NOT NULL,
    PRIMARY KEY (agency_id, procedure_id, version),
    FOREIGN KEY (agency_id, procedure_id) REFERENCES procedures (agency_id, id)
);

CREATE TABLE procedure_steps (
    agency_id      TEXT NOT NULL,
    procedure_id   TEXT NOT NULL,
    version        INTEGER NOT NULL,
    position       INTEGER NOT NULL CHECK (position >= 1),
    role           TEXT NOT NULL DEFAULT '',      -- '' for a step outside the agency
    actor          TEXT NOT NULL DEFAULT '',
    unit_id        TEXT,
    budget_minutes INTEGER NOT NULL CHECK (budget_minutes >= 0),
    external       BOOLEAN NOT NULL DEFAULT FALSE,
    note           TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (agency_id, procedure_id, version, position),
    FOREIGN KEY (agency_id, procedure_id, version) REFERENCES procedure_versions (agency_id, procedure_id, version)
);
