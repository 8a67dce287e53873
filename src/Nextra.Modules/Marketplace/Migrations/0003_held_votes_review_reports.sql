-- Abuse handling (R5, R7). A vote counts (votes_up / votes_down) from counts_at: when the voting tenant is
-- [marketplace] min_voter_age_days old; until then it is held (counted = 0) and a sweep releases it. A review (a vote's
-- text) gets an id other tenants report it by; after 3 reports from distinct tenants it is hidden (hidden_at) from
-- everyone but its author until an operator restores it (nextra marketplace review restore), which drops those reports.
ALTER TABLE marketplace_votes ADD COLUMN id TEXT NULL;
ALTER TABLE marketplace_votes ADD COLUMN counts_at TEXT NOT NULL DEFAULT '';
ALTER TABLE marketplace_votes ADD COLUMN counted INTEGER NOT NULL DEFAULT 1;
ALTER TABLE marketplace_votes ADD COLUMN hidden_at TEXT NULL;
UPDATE marketplace_votes SET id = 'rv_' || lower(hex(randomblob(8))) WHERE id IS NULL;
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
