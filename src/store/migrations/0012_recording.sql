-- 0012: call recording with consent, and voicemail.
-- recording_settings: whether a tenant's calls are recorded by default, the announcement
-- played first ("this call is recorded", a prompt name), the key that declines during it
-- ('' = none), the rate of the files and how long call recordings are kept (0 = forever).
-- No row: nothing is recorded.
CREATE TABLE recording_settings (
	tenant_id INTEGER PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
	record_calls INTEGER NOT NULL DEFAULT 0,
	announce_prompt TEXT NOT NULL DEFAULT 'recording-notice',
	optout_key TEXT NOT NULL DEFAULT '9',
	rate INTEGER NOT NULL DEFAULT 8000,
	retention_days INTEGER NOT NULL DEFAULT 90,
	updated_at INTEGER NOT NULL DEFAULT 0
);

-- Exceptions to the tenant's default: calls of an extension (as caller or callee) or to a
-- number (DID) are recorded (record 1) or not (0). A number's rule wins over an extension's,
-- the callee's over the caller's.
CREATE TABLE recording_rules (
	id INTEGER PRIMARY KEY,
	tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	kind TEXT NOT NULL,
	value TEXT NOT NULL,
	record INTEGER NOT NULL DEFAULT 1,
	created_at INTEGER NOT NULL,
	UNIQUE (tenant_id, kind, value)
);

-- Every recorded file: a call's (kind 'call', both parties), a scenario's record step
-- ('step', the caller) or a voicemail message ('voicemail', with its mailbox and folder).
-- name is the file under <data_dir>/recordings/<tenant id>/. status: 'recording' until the
-- file is finished ('done') or lost ('failed'); start-up settles rows left 'recording'.
CREATE TABLE recordings (
	id INTEGER PRIMARY KEY,
	tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	name TEXT NOT NULL UNIQUE,
	kind TEXT NOT NULL,
	call_uuid TEXT NOT NULL DEFAULT '',
	caller TEXT NOT NULL DEFAULT '',
	callee TEXT NOT NULL DEFAULT '',
	mailbox TEXT,
	folder TEXT,
	status TEXT NOT NULL DEFAULT 'recording',
	seconds INTEGER NOT NULL DEFAULT 0,
	channels INTEGER NOT NULL DEFAULT 2,
	rate INTEGER NOT NULL DEFAULT 8000,
	created_at INTEGER NOT NULL,
	ended_at INTEGER
);
CREATE INDEX recordings_tenant_time ON recordings (tenant_id, created_at);
CREATE INDEX recordings_mailbox ON recordings (tenant_id, mailbox);

-- Voicemail boxes, one per extension that has one: its PIN (digits, never shown by the API),
-- the longest message, the greeting prompt ('' = the shipped vm-greeting).
CREATE TABLE mailboxes (
	id INTEGER PRIMARY KEY,
	tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	extension TEXT NOT NULL,
	pin TEXT NOT NULL DEFAULT '',
	max_seconds INTEGER NOT NULL DEFAULT 120,
	greeting TEXT NOT NULL DEFAULT '',
	enabled INTEGER NOT NULL DEFAULT 1,
	created_at INTEGER NOT NULL,
	UNIQUE (tenant_id, extension)
);

-- The consent decision of each call: the recording's name, 'declined' (the caller pressed
-- the opt-out key), 'failed', or NULL (not recorded).
ALTER TABLE cdrs ADD COLUMN recording TEXT;
