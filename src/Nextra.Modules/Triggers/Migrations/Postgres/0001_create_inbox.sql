-- Durable trigger inbox (Postgres twin of ../0001_create_inbox.sql): a row is written (and committed) before a
-- trigger is acknowledged; its id is the run id. Rows are deleted once the run's trace has committed.
CREATE TABLE inbox (
    id            TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL,
    flow_id       TEXT NOT NULL,
    source        TEXT NOT NULL,
    target        TEXT,
    payload_class TEXT,
    payload_xml   TEXT,
    payload_json  TEXT,
    attempts      INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL
);
CREATE INDEX inbox_flow ON inbox (flow_id);

-- Exactly one fire per (trigger, slot): inserted in the same transaction as the inbox row.
CREATE TABLE schedule_slots (
    flow_id      TEXT NOT NULL,
    trigger_name TEXT NOT NULL,
    slot         TEXT NOT NULL,
    inbox_id     TEXT NOT NULL,
    PRIMARY KEY (flow_id, trigger_name, slot)
);

-- One secret token per webhook trigger: 32 random bytes, base64url. Kept in clear (not hashed)
-- because GET /api/flows/{id}/triggers lists the full URL again; compared in constant time.
CREATE TABLE webhook_tokens (
    flow_id      TEXT NOT NULL,
    trigger_name TEXT NOT NULL,
    token        TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (flow_id, trigger_name)
);

-- Per-flow run-time settings owned by orchestration (its tenant_id comes with 0004 here; on SQLite orchestration adds it).
CREATE TABLE flow_runtime (
    flow_id    TEXT PRIMARY KEY,
    keep_alive BOOLEAN NOT NULL DEFAULT false
);
