-- Per-minute rollups of finished runs and of the minutes each flow was running (the SLA dashboard reads these, not
-- the traces, so it stays fast whatever the retention). b0..b15: run counts per duration bucket (RunRollups.BucketsMs).
CREATE TABLE run_rollups (
    tenant_id TEXT NOT NULL,
    flow_id   TEXT NOT NULL,
    minute    TEXT NOT NULL,
    runs      INTEGER NOT NULL DEFAULT 0,
    succeeded INTEGER NOT NULL DEFAULT 0,
    failed    INTEGER NOT NULL DEFAULT 0,
    b0 INTEGER NOT NULL DEFAULT 0,
    b1 INTEGER NOT NULL DEFAULT 0,
    b2 INTEGER NOT NULL DEFAULT 0,
    b3 INTEGER NOT NULL DEFAULT 0,
    b4 INTEGER NOT NULL DEFAULT 0,
    b5 INTEGER NOT NULL DEFAULT 0,
    b6 INTEGER NOT NULL DEFAULT 0,
    b7 INTEGER NOT NULL DEFAULT 0,
    b8 INTEGER NOT NULL DEFAULT 0,
    b9 INTEGER NOT NULL DEFAULT 0,
    b10 INTEGER NOT NULL DEFAULT 0,
    b11 INTEGER NOT NULL DEFAULT 0,
    b12 INTEGER NOT NULL DEFAULT 0,
    b13 INTEGER NOT NULL DEFAULT 0,
    b14 INTEGER NOT NULL DEFAULT 0,
    b15 INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, flow_id, minute)
) WITHOUT ROWID;
CREATE INDEX run_rollups_minute ON run_rollups(tenant_id, minute);

CREATE TABLE run_rollup_errors (
    tenant_id TEXT NOT NULL,
    flow_id   TEXT NOT NULL,
    minute    TEXT NOT NULL,
    code      TEXT NOT NULL,
    count     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, flow_id, minute, code)
) WITHOUT ROWID;

CREATE TABLE flow_running_minutes (
    tenant_id TEXT NOT NULL,
    flow_id   TEXT NOT NULL,
    minute    TEXT NOT NULL,
    PRIMARY KEY (tenant_id, flow_id, minute)
) WITHOUT ROWID;
