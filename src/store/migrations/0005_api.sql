-- 0005: people who use the API and web UI, their sessions and API tokens, the audit log,
-- and webhooks with their persisted deliveries. Secrets are stored only as hashes:
-- passwords as argon2id strings, session ids and API tokens as SHA-256 hex (they are
-- 256-bit random values, so a fast hash is enough). Times are Unix milliseconds.

CREATE TABLE users (
	id INTEGER PRIMARY KEY,
	tenant_id INTEGER REFERENCES tenants(id) ON DELETE CASCADE, -- NULL: platform operator
	login TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL DEFAULT '',
	email TEXT NOT NULL DEFAULT '',
	role TEXT NOT NULL,            -- operator, owner, admin, supervisor, agent, readonly
	password_hash TEXT NOT NULL,   -- argon2id (libsodium crypto_pwhash_str)
	status TEXT NOT NULL DEFAULT 'active', -- active, blocked, archived
	failed_logins INTEGER NOT NULL DEFAULT 0,
	locked_until INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE INDEX users_tenant ON users (tenant_id, id);

CREATE TABLE sessions (
	id INTEGER PRIMARY KEY,
	token_hash TEXT NOT NULL UNIQUE,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	ip TEXT NOT NULL DEFAULT '',
	user_agent TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
);

CREATE TABLE api_tokens (
	id INTEGER PRIMARY KEY,
	tenant_id INTEGER REFERENCES tenants(id) ON DELETE CASCADE,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	prefix TEXT NOT NULL,          -- the first characters, to recognise a token in a list
	token_hash TEXT NOT NULL UNIQUE,
	scope TEXT NOT NULL DEFAULT 'write', -- read: GET only; write: what the user's role allows
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL DEFAULT 0, -- 0: never
	last_used_at INTEGER NOT NULL DEFAULT 0,
	revoked_at INTEGER NOT NULL DEFAULT 0
);

-- Append-only; each row's hash covers its fields and the previous row's hash of the same
-- tenant (0 = the platform), and audit_heads holds each chain's last row, so an edited,
-- deleted or inserted row breaks `zvonarctl audit verify`.
CREATE TABLE audit_log (
	id INTEGER PRIMARY KEY,
	tenant_id INTEGER NOT NULL,
	at INTEGER NOT NULL,
	user_id INTEGER NOT NULL DEFAULT 0,
	actor TEXT NOT NULL DEFAULT '',
	ip TEXT NOT NULL DEFAULT '',
	user_agent TEXT NOT NULL DEFAULT '',
	action TEXT NOT NULL,          -- login.ok, login.failed, create, update, delete, read, ...
	object_type TEXT NOT NULL DEFAULT '',
	object_id TEXT NOT NULL DEFAULT '',
	before TEXT NOT NULL DEFAULT '',
	after TEXT NOT NULL DEFAULT '',
	prev_hash TEXT NOT NULL,
	hash TEXT NOT NULL
);
CREATE INDEX audit_log_tenant ON audit_log (tenant_id, id);

CREATE TABLE audit_heads (
	tenant_id INTEGER PRIMARY KEY,
	last_id INTEGER NOT NULL,
	last_hash TEXT NOT NULL
);

CREATE TABLE webhooks (
	id INTEGER PRIMARY KEY,
	tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	url TEXT NOT NULL,
	secret TEXT NOT NULL,          -- whsec_ base64, used to sign (so kept as written)
	events TEXT NOT NULL DEFAULT '*', -- comma-separated event types or *
	enabled INTEGER NOT NULL DEFAULT 1,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);

CREATE TABLE webhook_deliveries (
	id INTEGER PRIMARY KEY,
	webhook_id INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
	tenant_id INTEGER NOT NULL,
	event_id TEXT NOT NULL,
	event_type TEXT NOT NULL,
	payload TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'pending', -- pending, delivered, failed
	attempts INTEGER NOT NULL DEFAULT 0,
	next_at INTEGER NOT NULL,
	last_code INTEGER NOT NULL DEFAULT 0,
	last_error TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	delivered_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_at);

-- CDR search by number within a tenant.
CREATE INDEX cdrs_tenant_caller ON cdrs (tenant_id, caller, start_at);
CREATE INDEX cdrs_tenant_callee ON cdrs (tenant_id, callee, start_at);
