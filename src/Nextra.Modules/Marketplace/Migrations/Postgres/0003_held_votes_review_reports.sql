-- Postgres twin of ../0003_held_votes_review_reports.sql. A vote counts from counts_at (the voting tenant is
-- [marketplace] min_voter_age_days old), held until then; a review is hidden after 3 reports from distinct tenants
-- until an operator restores it.
ALTER TABLE marketplace_votes ADD COLUMN id TEXT NULL;
ALTER TABLE marketplace_votes ADD COLUMN counts_at TEXT NOT NULL DEFAULT '';
ALTER TABLE marketplace_votes ADD COLUMN counted BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE marketplace_votes ADD COLUMN hidden_at TEXT NULL;
UPDATE marketplace_votes SET id = 'rv_' || substr(md5(random()::text || listing_id || tenant_id), 1, 16) WHERE id IS NULL;
CREATE UNIQUE INDEX marketplace_votes_id ON marketplace_votes (id);
CREATE INDEX marketplace_votes_held ON marketplace_votes (counted, counts_at);

CREATE TABLE marketplace_review_reports (
    review_id  TEXT NOT NULL,
    tenant_id  TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    reason     TEXT NOT NULL,
    text       TEXT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (review_id, tenant_id)
);
