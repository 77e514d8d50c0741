-- +goose Up
-- Staff web sessions (server-side, cookie holds the token), log-in
-- lock-out, and the citizens' satisfaction ratings.

ALTER TABLE users ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN locked_until TIMESTAMP;

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,                   -- sha256 of the cookie value
    agency_id  TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions (agency_id, user_id);

-- The public lookup finds a dossier by its code alone (the code carries the agency identifier).
CREATE INDEX dossiers_code_only ON dossiers (code);

CREATE TABLE dossier_ratings (
    agency_id  TEXT NOT NULL,
    dossier_id TEXT NOT NULL,
    rating     INTEGER NOT NULL CHECK (rating IN (1, 2, 3)),  -- 3 hài lòng, 2 bình thường, 1 không hài lòng
    comment    TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (agency_id, dossier_id)
);
