-- Metering (Postgres twin of ../0001_create_usage.sql): what each tenant used in each UTC month (period = yyyy-MM), added to by every instance in place.
CREATE TABLE usage_months (
    tenant_id             TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    period                TEXT NOT NULL,
    runs                  BIGINT NOT NULL DEFAULT 0,
    steps                 BIGINT NOT NULL DEFAULT 0,
    wasm_fuel             BIGINT NOT NULL DEFAULT 0,
    llm_prompt_tokens     BIGINT NOT NULL DEFAULT 0,
    llm_completion_tokens BIGINT NOT NULL DEFAULT 0,
    llm_cost_micros       BIGINT NOT NULL DEFAULT 0,
    webhook_bytes_in      BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, period)
);
