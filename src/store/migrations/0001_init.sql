-- 0001: tenants, SIP users (digest HA1 only, never a plaintext secret) and registrations.
-- Times are Unix seconds written by the application, so every backend stores the same thing.

CREATE TABLE tenants (
	id INTEGER PRIMARY KEY,
	name TEXT UNIQUE NOT NULL,
	domain TEXT UNIQUE NOT NULL,
	created_at INTEGER NOT NULL
);

CREATE TABLE sip_users (
	id INTEGER PRIMARY KEY,
	tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	number TEXT NOT NULL,
	realm TEXT NOT NULL,
	ha1_md5 TEXT NOT NULL,
	ha1_sha256 TEXT NOT NULL,
	display_name TEXT NOT NULL DEFAULT '',
	enabled INTEGER NOT NULL DEFAULT 1,
	max_contacts INTEGER NOT NULL DEFAULT 0, -- 0: the node's default
	created_at INTEGER NOT NULL,
	UNIQUE (tenant_id, number)
);

-- One row per bound contact; UNIQUE(tenant_id, aor, contact) also serves lookups by AOR.
CREATE TABLE registrations (
	id INTEGER PRIMARY KEY,
	tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	aor TEXT NOT NULL,
	contact TEXT NOT NULL,
	received TEXT NOT NULL DEFAULT '',
	path TEXT NOT NULL DEFAULT '',
	transport TEXT NOT NULL DEFAULT '',
	expires_at INTEGER NOT NULL,
	call_id TEXT NOT NULL,
	cseq INTEGER NOT NULL,
	instance TEXT NOT NULL DEFAULT '',
	reg_id INTEGER NOT NULL DEFAULT 0,
	user_agent TEXT NOT NULL DEFAULT '',
	q REAL, -- NULL when the Contact had no q parameter
	updated_at INTEGER NOT NULL,
	UNIQUE (tenant_id, aor, contact)
);

-- The periodic purge walks only what has expired.
CREATE INDEX registrations_expires_at ON registrations (expires_at);
