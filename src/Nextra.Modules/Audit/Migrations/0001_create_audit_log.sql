-- The audit log: append-only (updates are refused); rows leave only through retention (the tier's audit_days).
-- ids are UUIDv7 text: they sort by time, so they are the paging cursor (before = the last id seen).
CREATE TABLE audit_log (
    id            TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    at            TEXT NOT NULL,
    actor_user_id TEXT NULL,
    actor_email   TEXT NULL,
    via           TEXT NOT NULL,
    action        TEXT NOT NULL,
    target        TEXT NULL,
    detail        TEXT NULL,
    ip            TEXT NULL
);
CREATE INDEX ix_audit_log_tenant ON audit_log (tenant_id, id);
CREATE INDEX ix_audit_log_tenant_action ON audit_log (tenant_id, action, id);
CREATE INDEX ix_audit_log_at ON audit_log (at);
CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
