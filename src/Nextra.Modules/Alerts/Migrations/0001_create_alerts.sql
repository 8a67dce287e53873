-- Alerts: at most one firing row per tenant, rule and flow (the partial unique index), whichever instance fires it.
CREATE TABLE alerts (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL,
    rule        TEXT NOT NULL,
    flow_id     TEXT NOT NULL,
    state       TEXT NOT NULL,
    since       TEXT NOT NULL,
    resolved_at TEXT,
    detail      TEXT NOT NULL
);
CREATE UNIQUE INDEX alerts_one_firing ON alerts(tenant_id, rule, flow_id) WHERE state = 'firing';
CREATE INDEX alerts_tenant ON alerts(tenant_id, since);

CREATE TABLE alert_channels (
    tenant_id   TEXT NOT NULL,
    name        TEXT NOT NULL,
    type        TEXT NOT NULL,
    url         TEXT,
    secret_name TEXT,
    to_address  TEXT,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (tenant_id, name)
);

-- One row per transition and channel, written with the transition; sent by whichever instance claims it.
CREATE TABLE alert_deliveries (
    id           TEXT PRIMARY KEY,
    tenant_id    TEXT NOT NULL,
    alert_id     TEXT NOT NULL,
    channel      TEXT NOT NULL,
    state        TEXT NOT NULL,
    status       TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_at      TEXT NOT NULL,
    last_error   TEXT,
    delivered_at TEXT
);
CREATE INDEX alert_deliveries_due ON alert_deliveries(status, next_at);
CREATE INDEX alert_deliveries_tenant ON alert_deliveries(tenant_id, alert_id);
