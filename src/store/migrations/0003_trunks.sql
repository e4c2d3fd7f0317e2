-- 0003: SIP trunks to providers, the numbers (DIDs) they bring in, and outbound routes.
-- A trunk's password is kept as written: answering a provider's digest challenge needs it
-- (unlike our own users' secrets, of which only HA1 is stored).

CREATE TABLE trunks (
	id INTEGER PRIMARY KEY,
	tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	host TEXT NOT NULL,            -- ip:port of the provider's proxy (calls from it are its)
	transport TEXT NOT NULL DEFAULT 'udp',
	domain TEXT NOT NULL DEFAULT '', -- provider domain for Request-URI/To/From; '' = host
	username TEXT NOT NULL DEFAULT '',
	password TEXT NOT NULL DEFAULT '',
	register INTEGER NOT NULL DEFAULT 0,
	expires INTEGER NOT NULL DEFAULT 600,
	caller_id TEXT NOT NULL DEFAULT '', -- number presented on outbound calls
	created_at INTEGER NOT NULL,
	UNIQUE (tenant_id, name)
);

-- A number is one tenant's, wherever it comes in.
CREATE TABLE numbers (
	id INTEGER PRIMARY KEY,
	tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	number TEXT NOT NULL UNIQUE,
	trunk_id INTEGER REFERENCES trunks(id) ON DELETE SET NULL,
	extension TEXT NOT NULL,
	created_at INTEGER NOT NULL
);

CREATE TABLE routes (
	id INTEGER PRIMARY KEY,
	tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	prefix TEXT NOT NULL,
	trunk_id INTEGER NOT NULL REFERENCES trunks(id) ON DELETE CASCADE,
	strip INTEGER NOT NULL DEFAULT 0,
	prepend TEXT NOT NULL DEFAULT '',
	caller_id TEXT NOT NULL DEFAULT '', -- overrides the trunk's
	created_at INTEGER NOT NULL,
	UNIQUE (tenant_id, prefix)
);
