-- Metering: what each tenant used in each UTC month (period = yyyy-MM), added to by every instance in place.
CREATE TABLE usage_months (
    tenant_id             TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    period                TEXT NOT NULL,
    runs                  INTEGER NOT NULL DEFAULT 0,
    steps                 INTEGER NOT NULL DEFAULT 0,
    wasm_fuel             INTEGER NOT NULL DEFAULT 0,
    llm_prompt_tokens     INTEGER NOT NULL DEFAULT 0,
    llm_completion_tokens INTEGER NOT NULL DEFAULT 0,
    llm_cost_micros       INTEGER NOT NULL DEFAULT 0,
    webhook_bytes_in      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, period)
);
