-- Registered WebAssembly modules, versioned per (tenant, name). content is what was uploaded
-- (.wasm bytes, WAT text or AssemblyScript source); wasm is the built binary for AssemblyScript.
CREATE TABLE wasm_modules (
    id         TEXT PRIMARY KEY,
    tenant_id  TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    version    TEXT NOT NULL,
    kind       TEXT NOT NULL,
    content    BLOB NOT NULL,
    wasm       BLOB NULL,
    wit        TEXT NULL,
    size       INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NULL,
    UNIQUE (tenant_id, name, version)
);
