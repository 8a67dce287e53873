-- Per-minute rollups of finished runs and of the minutes each flow was running (the SLA dashboard reads these, not
-- the traces, so it stays fast whatever the retention). b0..b15: run counts per duration bucket (RunRollups.BucketsMs).
CREATE TABLE run_rollups (
    tenant_id TEXT NOT NULL,
    flow_id   TEXT NOT NULL,
    minute    TIMESTAMPTZ NOT NULL,
    runs      BIGINT NOT NULL DEFAULT 0,
    succeeded BIGINT NOT NULL DEFAULT 0,
    failed    BIGINT NOT NULL DEFAULT 0,
    b0 BIGINT NOT NULL DEFAULT 0,
    b1 BIGINT NOT NULL DEFAULT 0,
    b2 BIGINT NOT NULL DEFAULT 0,
    b3 BIGINT NOT NULL DEFAULT 0,
    b4 BIGINT NOT NULL DEFAULT 0,
    b5 BIGINT NOT NULL DEFAULT 0,
    b6 BIGINT NOT NULL DEFAULT 0,
    b7 BIGINT NOT NULL DEFAULT 0,
    b8 BIGINT NOT NULL DEFAULT 0,
    b9 BIGINT NOT NULL DEFAULT 0,
    b10 BIGINT NOT NULL DEFAULT 0,
    b11 BIGINT NOT NULL DEFAULT 0,
    b12 BIGINT NOT NULL DEFAULT 0,
    b13 BIGINT NOT NULL DEFAULT 0,
    b14 BIGINT NOT NULL DEFAULT 0,
    b15 BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, flow_id, minute)
);
CREATE INDEX run_rollups_minute ON run_rollups (tenant_id, minute);

CREATE TABLE run_rollup_errors (
    tenant_id TEXT NOT NULL,
    flow_id   TEXT NOT NULL,
    minute    TIMESTAMPTZ NOT NULL,
    code      TEXT NOT NULL,
    count     BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, flow_id, minute, code)
);

CREATE TABLE flow_running_minutes (
    tenant_id TEXT NOT NULL,
    flow_id   TEXT NOT NULL,
    minute    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, flow_id, minute)
);
