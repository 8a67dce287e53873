-- A version imported from another server's signed .ntpkg keeps that publisher's public key (base64): it verifies the
-- publisher signature there, the namespace being bound to that key on this server (NULL for versions published here,
-- whose key is the local publisher's).
ALTER TABLE marketplace_versions ADD COLUMN publisher_key TEXT NULL;
