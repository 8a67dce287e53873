-- Run traces (Postgres twin of ../0001_create_traces.sql). run_id is a time-ordered UUIDv7 (hex), so ORDER BY
-- run_id is creation order. Times are the same ISO-8601 UTC text as on SQLite.
CREATE TABLE runs (
    run_id        TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL,
    flow_id       TEXT NOT NULL,
    trigger       TEXT NOT NULL,
    status        TEXT NOT NULL,
    started_at    TEXT NOT NULL,
    duration_ms   BIGINT NOT NULL,
    step_count    INTEGER NOT NULL,
    error_code    TEXT,
    error_message TEXT,
    outputs       TEXT NOT NULL,
    injection     TEXT NOT NULL
);
CREATE INDEX runs_started ON runs (started_at);

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
    duration_ms       BIGINT NOT NULL,
    payload_in        INTEGER,
    payloads_out      TEXT,
    fuel              BIGINT,
    prompt_tokens     BIGINT,
    completion_tokens BIGINT,
    model             TEXT,
    cost_usd          TEXT,
    error_code        TEXT,
    error_message     TEXT,
    PRIMARY KEY (run_id, idx)
);

CREATE TABLE payloads (
    run_id TEXT NOT NULL,
    n      INTEGER NOT NULL,
    body   TEXT NOT NULL,
    PRIMARY KEY (run_id, n)
);
