-- +goose Up
-- The Decision 766 scorecard and the periodic reports (Biểu 06, delay
-- attribution): facts kept on the projection so that a period is judged
-- without replaying events, and counters per handling unit, procedure and
-- day, and per step unit, officer and day, written in the transaction of
-- every command. A database that already held dossiers before this
-- migration fills them once with "dunghan scorecard rebuild".

-- The unit a dossier's figures belong to: the division that handles it
-- (its last specialist or division-head step), before that its receiving unit.
ALTER TABLE dossiers ADD COLUMN handling_unit TEXT NOT NULL DEFAULT '';
-- The promised date at acceptance: what the 766 view compares with.
ALTER TABLE dossiers ADD COLUMN promised_at_acceptance TIMESTAMP;
-- The legal due instant fixed at acceptance (before any restart or shift).
ALTER TABLE dossiers ADD COLUMN original_legal_due_at TIMESTAMP;
-- The start of the first pause: before it, the dossier's deadline picture
-- follows from the acceptance facts alone.
ALTER TABLE dossiers ADD COLUMN first_pause_at TIMESTAMP;
-- Finished and not on time by the 766 rules; set once, when it finished.
ALTER TABLE dossiers ADD COLUMN late_766 BOOLEAN NOT NULL DEFAULT FALSE;

CREATE INDEX dossiers_accepted ON dossiers (agency_id, accepted_at);
-- The open dossiers of a period, and per procedure (status first, so that
-- SQLite, which keeps no statistics, reads only the open ones).
CREATE INDEX dossiers_status_accepted ON dossiers (agency_id, status, accepted_at);
CREATE INDEX dossiers_finished ON dossiers (agency_id, finished_at);
CREATE INDEX dossiers_late_766 ON dossiers (agency_id, late_766, accepted_at);
CREATE INDEX dossiers_class ON dossiers (agency_id, class, finished_at);
CREATE INDEX dossier_ratings_rating ON dossier_ratings (agency_id, rating);

-- Per handling unit, procedure and day (Asia/Ho_Chi_Minh). The columns of
-- the first block count dossiers by the day they were accepted (the
-- period's cohort); those of the second, by the day they finished.
CREATE TABLE score_counters (
    agency_id        TEXT NOT NULL,
    unit_id          TEXT NOT NULL,
    procedure_id     TEXT NOT NULL,
    day              TEXT NOT NULL,               -- YYYY-MM-DD
    received         INTEGER NOT NULL DEFAULT 0,
    received_online  INTEGER NOT NULL DEFAULT 0,
    on_time_766      INTEGER NOT NULL DEFAULT 0,  -- finished, on time by the 766 rules
    late_766         INTEGER NOT NULL DEFAULT 0,  -- finished, late by the 766 rules
    resolved_early   INTEGER NOT NULL DEFAULT 0,  -- resolved or returned, against the legal due
    resolved_on_time INTEGER NOT NULL DEFAULT 0,
    resolved_late    INTEGER NOT NULL DEFAULT 0,
    ended_other      INTEGER NOT NULL DEFAULT 0,  -- stopped or withdrawn
    results          INTEGER NOT NULL DEFAULT 0,  -- resolved with a result (approved)
    e_results        INTEGER NOT NULL DEFAULT 0,  -- of those, an electronic result
    digitised        INTEGER NOT NULL DEFAULT 0,  -- of those, every document digitised too
    fee_dossiers     INTEGER NOT NULL DEFAULT 0,  -- finished after a payment request
    paid_online      INTEGER NOT NULL DEFAULT 0,  -- of those, paid online
    PRIMARY KEY (agency_id, unit_id, procedure_id, day)
);
CREATE INDEX score_counters_day ON score_counters (agency_id, day);

-- Finished step visits per step unit, officer ('' when nobody was
-- assigned) and the day the visit ended (Asia/Ho_Chi_Minh).
CREATE TABLE step_counters (
    agency_id       TEXT NOT NULL,
    unit_id         TEXT NOT NULL,
    assignee        TEXT NOT NULL,
    day             TEXT NOT NULL,                -- YYYY-MM-DD
    steps           INTEGER NOT NULL DEFAULT 0,
    early           INTEGER NOT NULL DEFAULT 0,   -- timed steps, against their budget
    on_time         INTEGER NOT NULL DEFAULT 0,
    late            INTEGER NOT NULL DEFAULT 0,
    overrun_minutes INTEGER NOT NULL DEFAULT 0,   -- working minutes over budget, late steps
    PRIMARY KEY (agency_id, unit_id, assignee, day)
);
CREATE INDEX step_counters_day ON step_counters (agency_id, day);
