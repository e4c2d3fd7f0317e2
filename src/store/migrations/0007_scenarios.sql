-- 0007: call scenarios per tenant. A scenario is a name; each save is a new row in
-- scenario_versions holding the validated JSON, and the scenario names the one version that
-- runs (active_version, 0 before the first activation). A number (DID) or an extension may
-- point at a scenario; it then runs the scenario's active version instead of ringing directly.

CREATE TABLE scenarios (
	id INTEGER PRIMARY KEY,
	tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	active_version INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	UNIQUE (tenant_id, name)
);

CREATE TABLE scenario_versions (
	scenario_id INTEGER NOT NULL REFERENCES scenarios(id) ON DELETE CASCADE,
	version INTEGER NOT NULL,
	json TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	PRIMARY KEY (scenario_id, version)
);

ALTER TABLE numbers ADD COLUMN scenario_id INTEGER REFERENCES scenarios(id) ON DELETE SET NULL;
ALTER TABLE sip_users ADD COLUMN scenario_id INTEGER REFERENCES scenarios(id) ON DELETE SET NULL;
