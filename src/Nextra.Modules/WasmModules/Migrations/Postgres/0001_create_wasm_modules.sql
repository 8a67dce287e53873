-- Registered WebAssembly modules (Postgres twin of ../0001_create_wasm_modules.sql), versioned per (tenant, name).
-- content is what was uploaded (.wasm bytes, WAT text or AssemblyScript source); wasm is the built binary. Both live
-- in bytea here; each instance keeps its own compiled-module disk cache.
CREATE TABLE wasm_modules (
    id         TEXT PRIMARY KEY,
    tenant_id  TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    version    TEXT NOT NULL,
    kind       TEXT NOT NULL,
    content    BYTEA NOT NULL,
    wasm       BYTEA NULL,
    wit        TEXT NULL,
    size       BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NULL,
    UNIQUE (tenant_id, name, version)
);
