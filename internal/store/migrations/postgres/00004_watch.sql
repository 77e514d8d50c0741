-- +goose Up
-- The deadline watcher: each agency's warning ladder; the rungs fired, each
-- once per dossier (the primary key is what makes a rung fire exactly once,
-- written in the same transaction as its notifications); the in-app
-- notifications; the outbox of e-mails and webhook calls with their
-- retries and dead letters; and why a dossier's wake-up was re-derived.

CREATE TABLE watch_settings (
    agency_id  TEXT PRIMARY KEY,
    ladder     TEXT NOT NULL,                      -- dossier.Ladder as JSON
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE watch_rungs (
    agency_id   TEXT NOT NULL,
    dossier_id  TEXT NOT NULL,
    rung_key    TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('step', 'due', 'overdue', 'apology')),
    rung_at     TIMESTAMPTZ NOT NULL,                -- when the rung was due
    fired_at    TIMESTAMPTZ NOT NULL,                -- when the watcher fired it
    merged_into TEXT NOT NULL DEFAULT '',          -- a later rung of its family fired for it (the watcher was behind)
    deadline_at TIMESTAMPTZ,                         -- apology: issue it by then
    settled_at  TIMESTAMPTZ,                         -- apology: the dossier was rescheduled or finished
    PRIMARY KEY (agency_id, dossier_id, rung_key)
);
CREATE INDEX watch_rungs_apology ON watch_rungs (agency_id, fired_at) WHERE kind = 'apology' AND settled_at IS NULL;

CREATE TABLE notifications (
    agency_id    TEXT NOT NULL,
    id           TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    dossier_id   TEXT NOT NULL,
    dossier_code TEXT NOT NULL,
    rung_key     TEXT NOT NULL,
    kind         TEXT NOT NULL,
    title        TEXT NOT NULL,
    body         TEXT NOT NULL,
    urgent       BOOLEAN NOT NULL DEFAULT FALSE,
    mail         TEXT NOT NULL DEFAULT 'none' CHECK (mail IN ('none', 'pending', 'queued')),
    digest_id    TEXT NOT NULL DEFAULT '',         -- the outbox e-mail that carries it
    created_at   TIMESTAMPTZ NOT NULL,
    read_at      TIMESTAMPTZ,
    PRIMARY KEY (agency_id, id),
    UNIQUE (agency_id, dossier_id, rung_key, user_id)
);
CREATE INDEX notifications_user ON notifications (agency_id, user_id, created_at);
CREATE INDEX notifications_unread ON notifications (agency_id, user_id) WHERE read_at IS NULL;
CREATE INDEX notifications_mail ON notifications (agency_id, user_id) WHERE mail = 'pending';

CREATE TABLE outbox (
    agency_id       TEXT NOT NULL,
    id              TEXT NOT NULL,
    channel         TEXT NOT NULL CHECK (channel IN ('email', 'webhook')),
    kind            TEXT NOT NULL,                 -- digest, citizen, alert
    recipient       TEXT NOT NULL DEFAULT '',      -- e-mail address; '' for the webhook
    subject         TEXT NOT NULL DEFAULT '',
    body            TEXT NOT NULL,                 -- plain text, or the webhook's JSON
    dossier_code    TEXT NOT NULL DEFAULT '',
    urgent          BOOLEAN NOT NULL DEFAULT FALSE,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'dead')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,            -- pending: not before (office hours, backoff); sending: end of the lease
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL,
    sent_at         TIMESTAMPTZ,
    PRIMARY KEY (agency_id, id)
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status IN ('pending', 'sending');
CREATE INDEX outbox_status ON outbox (agency_id, status, created_at);

CREATE TABLE wake_changes (
    agency_id       TEXT NOT NULL,
    id              TEXT NOT NULL,
    dossier_id      TEXT NOT NULL,
    reason          TEXT NOT NULL,
    old_wake_at     TIMESTAMPTZ,
    new_wake_at     TIMESTAMPTZ,
    old_step_due_at TIMESTAMPTZ,
    new_step_due_at TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (agency_id, id)
);
CREATE INDEX wake_changes_dossier ON wake_changes (agency_id, dossier_id, created_at);

-- Open dossiers of an agency, for re-deriving their wake-ups.
CREATE INDEX dossiers_open ON dossiers (agency_id, id) WHERE finished_at IS NULL AND accepted_at IS NOT NULL;
