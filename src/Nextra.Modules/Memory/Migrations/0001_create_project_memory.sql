-- Project memory: key/value per flow. Rows go with their flow (ON DELETE CASCADE), so deleting
-- a flow clears its memory; keys are only ever looked up by (flow_id, key), never across flows.
CREATE TABLE project_memory (
    flow_id    TEXT NOT NULL REFERENCES flows (id) ON DELETE CASCADE,
    tenant_id  TEXT NOT NULL,
    key        TEXT NOT NULL,
    value      BLOB NOT NULL,
    size       INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (flow_id, key)
);
