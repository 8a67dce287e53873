-- Run traces (traces.db, its own file so trace writes never block control-plane writes).
-- run_id is a time-ordered UUIDv7 (hex), so ORDER BY run_id is creation order.
CREATE TABLE runs (
    run_id        TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL,
    flow_id       TEXT NOT NULL,
    trigger       TEXT NOT NULL,
    status        TEXT NOT NULL,
    started_at    TEXT NOT NULL,
    duration_ms   INTEGER NOT NULL,
    step_count    INTEGER NOT NULL,
    error_code    TEXT,
    error_message TEXT,
    outputs       TEXT NOT NULL,
    injection     TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX runs_flow ON runs(flow_id, run_id);
CREATE INDEX runs_started ON runs(started_at);

-- Steps point at payloads by number; a payload (one step's output is the next step's input)
-- is stored once per run however many steps carry it.
CREATE TABLE steps (
    run_id            TEXT NOT NULL,
    idx               INTEGER NOT NULL,
    listener          TEXT NOT NULL,
    from_name         TEXT NOT NULL,
    to_name           TEXT,
    class             TEXT NOT NULL,
    thread            TEXT NOT NULL,
    started_at        TEXT NOT NULL,
    duration_ms       INTEGER NOT NULL,
    payload_in        INTEGER,
    payloads_out      TEXT,
    fuel              INTEGER,
    prompt_tokens     INTEGER,
    completion_tokens INTEGER,
    model             TEXT,
    cost_usd          TEXT,
    error_code        TEXT,
    error_message     TEXT,
    PRIMARY KEY (run_id, idx)
) WITHOUT ROWID;

CREATE TABLE payloads (
    run_id TEXT NOT NULL,
    n      INTEGER NOT NULL,
    body   TEXT NOT NULL,
    PRIMARY KEY (run_id, n)
) WITHOUT ROWID;
