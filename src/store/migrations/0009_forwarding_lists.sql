-- 0009: call forwarding and number privacy per extension, and black/white lists of numbers per tenant.
-- Forwarding targets are an extension of the tenant, an outside number (dialed by the
-- extension's outbound routes) or 'voicemail' (the extension's mailbox); '' is none.
-- A list is a set of numbers and prefixes ("7495*"): mode 'block' refuses its callers
-- (action 'busy' or 'reject'), mode 'allow' lets only its callers through, 'plain' is only
-- for scenarios' conditions. number_id NULL: for every number of the tenant, else for that
-- number (DID) only.

ALTER TABLE sip_users ADD COLUMN dnd INTEGER NOT NULL DEFAULT 0;
-- privacy: calls out through a trunk withhold the caller's number (From anonymous, the
-- number only in P-Asserted-Identity with Privacy: id)
ALTER TABLE sip_users ADD COLUMN privacy INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sip_users ADD COLUMN forward_always TEXT NOT NULL DEFAULT '';
ALTER TABLE sip_users ADD COLUMN forward_busy TEXT NOT NULL DEFAULT '';
ALTER TABLE sip_users ADD COLUMN forward_no_answer TEXT NOT NULL DEFAULT '';
ALTER TABLE sip_users ADD COLUMN forward_no_answer_s INTEGER NOT NULL DEFAULT 20;
ALTER TABLE sip_users ADD COLUMN forward_unavailable TEXT NOT NULL DEFAULT '';

CREATE TABLE number_lists (
	id INTEGER PRIMARY KEY,
	tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	mode TEXT NOT NULL DEFAULT 'block' CHECK (mode IN ('block', 'allow', 'plain')),
	action TEXT NOT NULL DEFAULT 'busy' CHECK (action IN ('busy', 'reject')),
	number_id INTEGER REFERENCES numbers(id) ON DELETE CASCADE,
	created_at INTEGER NOT NULL,
	UNIQUE (tenant_id, name)
);

CREATE TABLE number_list_entries (
	id INTEGER PRIMARY KEY,
	tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	list_id INTEGER NOT NULL REFERENCES number_lists(id) ON DELETE CASCADE,
	pattern TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	UNIQUE (list_id, pattern)
);
CREATE INDEX number_list_entries_tenant ON number_list_entries (tenant_id, list_id);
