-- +goose Up
-- Dossiers: the append-only event log (hash-chained per dossier), the
-- current-state projection that every reader uses, the per-day counters
-- that dashboards read, the gap-free code sequences, idempotency records
-- and API tokens.

CREATE TABLE dossier_sequences (
    agency_id TEXT NOT NULL,
    unit_id   TEXT NOT NULL,
    day       TEXT NOT NULL,                      -- YYMMDD of acceptance, Asia/Ho_Chi_Minh
    last      INTEGER NOT NULL,
    PRIMARY KEY (agency_id, unit_id, day)
);

CREATE TABLE dossiers (
    agency_id         TEXT NOT NULL,
    id                TEXT NOT NULL,
    code              TEXT,                        -- mã hồ sơ; NULL before acceptance
    status            TEXT NOT NULL,
    portal_status     INTEGER NOT NULL,
    channel           INTEGER NOT NULL,
    procedure_id      TEXT NOT NULL,
    procedure_version INTEGER NOT NULL,
    receiving_unit    TEXT NOT NULL,
    step              INTEGER NOT NULL,
    step_unit         TEXT NOT NULL DEFAULT '',
    assignee          TEXT NOT NULL DEFAULT '',
    applicant_name    TEXT NOT NULL,
    applicant_search  TEXT NOT NULL,               -- name folded to ASCII lower case, ID number, phone
    secret            TEXT NOT NULL DEFAULT '',
    accepted_at       TIMESTAMPTZ,
    legal_due_at      TIMESTAMPTZ,
    promised_at       TIMESTAMPTZ,
    step_due_at       TIMESTAMPTZ,
    next_wake_at      TIMESTAMPTZ,
    finished_at       TIMESTAMPTZ,
    class             TEXT NOT NULL DEFAULT '',    -- early, on_time, late once finished
    paused            BOOLEAN NOT NULL DEFAULT FALSE,
    counts_overdue    BOOLEAN NOT NULL DEFAULT FALSE,
    sort_due          TIMESTAMPTZ NOT NULL,        -- legal due, or far future: the urgency order
    version           INTEGER NOT NULL,
    last_hash         TEXT NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (agency_id, id)
);
CREATE UNIQUE INDEX dossiers_code ON dossiers (agency_id, code);
CREATE INDEX dossiers_urgency ON dossiers (agency_id, sort_due, id);
CREATE INDEX dossiers_step_unit ON dossiers (agency_id, step_unit, sort_due, id);
CREATE INDEX dossiers_assignee ON dossiers (agency_id, assignee, sort_due, id);
CREATE INDEX dossiers_status ON dossiers (agency_id, status, sort_due, id);
CREATE INDEX dossiers_wake ON dossiers (next_wake_at) WHERE next_wake_at IS NOT NULL;

CREATE TABLE dossier_events (
    agency_id   TEXT NOT NULL,
    dossier_id  TEXT NOT NULL,
    seq         INTEGER NOT NULL CHECK (seq >= 1),
    type        TEXT NOT NULL,
    at          TIMESTAMPTZ NOT NULL,
    actor       TEXT NOT NULL DEFAULT '',
    body        TEXT NOT NULL,                     -- the event as JSON
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL,                     -- sha256(prev_hash || body)
    recorded_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (agency_id, dossier_id, seq)
);

-- Flows per receiving unit, procedure and day (Asia/Ho_Chi_Minh).
CREATE TABLE dossier_counters (
    agency_id        TEXT NOT NULL,
    unit_id          TEXT NOT NULL,
    procedure_id     TEXT NOT NULL,
    day              TEXT NOT NULL,                -- YYYY-MM-DD
    received         INTEGER NOT NULL DEFAULT 0,
    received_online  INTEGER NOT NULL DEFAULT 0,
    resolved_early   INTEGER NOT NULL DEFAULT 0,
    resolved_on_time INTEGER NOT NULL DEFAULT 0,
    resolved_late    INTEGER NOT NULL DEFAULT 0,
    ended_other      INTEGER NOT NULL DEFAULT 0,   -- refused after acceptance, stopped, withdrawn
    PRIMARY KEY (agency_id, unit_id, procedure_id, day)
);

-- Dossiers open now per receiving unit and procedure.
CREATE TABLE dossier_open (
    agency_id    TEXT NOT NULL,
    unit_id      TEXT NOT NULL,
    procedure_id TEXT NOT NULL,
    open_count   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (agency_id, unit_id, procedure_id)
);

CREATE TABLE idempotency_keys (
    agency_id    TEXT NOT NULL,
    idem_key     TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    dossier_id   TEXT NOT NULL,
    version      INTEGER NOT NULL,                 -- the dossier version the first call produced
    created_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (agency_id, idem_key)
);

CREATE TABLE api_tokens (
    token_hash TEXT PRIMARY KEY,                   -- sha256 of the bearer token
    agency_id  TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
