-- +goose Up
-- Synchronisation with the National Public Service Portal (DVCQG).
-- portal_sync has one row per dossier the portal should hold. Every command
-- raises want_version in its own transaction; a worker claims the row,
-- pushes the dossier and its new steps, and records how far the portal got
-- (created, payload_hash, steps_synced) after each call, so that a crash
-- repeats at most one idempotent call. One row per dossier keeps the
-- dossier's updates in order and folds an outage's backlog into one push.

CREATE TABLE portal_sync (
    agency_id       TEXT NOT NULL,
    dossier_id      TEXT NOT NULL,
    portal_key      TEXT NOT NULL,                 -- what the portal files it under (MaHoSo or MaHoSoQG)
    received_at     TIMESTAMP NOT NULL,          -- accepted, or submitted when never accepted: the period it belongs to
    want_version    INTEGER NOT NULL,              -- the dossier's version the portal should show
    synced_version  INTEGER NOT NULL DEFAULT 0,    -- the version it was last shown in full
    steps_synced    INTEGER NOT NULL DEFAULT 0,    -- steps the portal acknowledged (STT 1..n)
    created         BOOLEAN NOT NULL DEFAULT FALSE,
    payload_hash    TEXT NOT NULL DEFAULT '',      -- of the dossier record last acknowledged
    status          TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'synced', 'failed')),
    claim           TEXT NOT NULL DEFAULT '',      -- the worker holding a 'sending' row
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,          -- pending: not before (backoff); sending: end of the lease
    last_error      TEXT NOT NULL DEFAULT '',
    changed_at      TIMESTAMP NOT NULL,          -- when want_version last moved
    synced_at       TIMESTAMP,
    PRIMARY KEY (agency_id, dossier_id)
);
CREATE INDEX portal_sync_due ON portal_sync (next_attempt_at) WHERE status IN ('pending', 'sending');
CREATE INDEX portal_sync_status ON portal_sync (agency_id, status, changed_at);
CREATE INDEX portal_sync_period ON portal_sync (agency_id, received_at);

-- Online dossiers pulled from the portal: one row per portal identifier,
-- whatever became of it, so that the same dossier never arrives twice.
CREATE TABLE portal_inbound (
    agency_id   TEXT NOT NULL,
    portal_ref  TEXT NOT NULL,
    dossier_id  TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL CHECK (status IN ('created', 'rejected')),
    reason      TEXT NOT NULL DEFAULT '',
    received_at TIMESTAMP NOT NULL,
    PRIMARY KEY (agency_id, portal_ref)
);
CREATE INDEX portal_inbound_recent ON portal_inbound (agency_id, received_at);

-- Per agency: where the inbound pull resumes.
CREATE TABLE portal_cursors (
    agency_id  TEXT PRIMARY KEY,
    cursor     TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Reconciliation runs and what they found.
CREATE TABLE portal_runs (
    agency_id   TEXT NOT NULL,
    id          TEXT NOT NULL,
    period_from TIMESTAMP NOT NULL,
    period_to   TIMESTAMP NOT NULL,
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP NOT NULL,
    checked     INTEGER NOT NULL,                  -- dossiers that should be on the portal
    matched     INTEGER NOT NULL,                  -- the portal's copy equals ours
    missing     INTEGER NOT NULL,                  -- the portal has nothing
    different   INTEGER NOT NULL,                  -- the portal's copy differs
    unreachable INTEGER NOT NULL,                  -- the lookup failed
    unsyncable  INTEGER NOT NULL,                  -- ours cannot be sent (e.g. a procedure without a national code)
    report      TEXT NOT NULL,                     -- the differences, one line each
    PRIMARY KEY (agency_id, id)
);
CREATE INDEX portal_runs_recent ON portal_runs (agency_id, started_at);

-- Dossiers accepted before this version: the portal should hold them too.
INSERT INTO portal_sync (agency_id, dossier_id, portal_key, received_at, want_version, status, next_attempt_at, changed_at)
SELECT agency_id, id, code, accepted_at, version, 'pending', updated_at, updated_at FROM dossiers
WHERE code IS NOT NULL AND accepted_at IS NOT NULL;
