-- Billing: a tenant's Stripe customer and subscription state, Stripe events already processed (each once),
-- and metered executions already reported. Times are UTC ISO-8601 text.
CREATE TABLE billing_accounts (
    tenant_id            TEXT PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    customer_id          TEXT NULL,
    subscription_id      TEXT NULL,
    status               TEXT NOT NULL,
    plan_tier            TEXT NULL,
    price_id             TEXT NULL,
    current_period_end   TEXT NULL,
    cancel_at_period_end INTEGER NOT NULL DEFAULT 0,
    past_due_since       TEXT NULL,
    -- The Stripe timestamp (seconds * 10 + rank) of the state applied last: an older event never overwrites it.
    state_at             INTEGER NOT NULL,
    version              INTEGER NOT NULL,
    updated_at           TEXT NOT NULL
);
CREATE UNIQUE INDEX ux_billing_accounts_customer ON billing_accounts (customer_id) WHERE customer_id IS NOT NULL;

CREATE TABLE billing_events (
    event_id    TEXT PRIMARY KEY,
    type        TEXT NOT NULL,
    received_at TEXT NOT NULL
);

CREATE TABLE billing_meter_reports (
    tenant_id  TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    period     TEXT NOT NULL,
    reported   INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, period)
);
