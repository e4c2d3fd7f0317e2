-- 0002: call detail records, and the journal of calls in progress that makes them crash-safe.
-- A call is journaled in calls_open when it starts; its CDR is inserted and its journal row
-- deleted in one transaction when it ends. Rows left in calls_open after a crash become CDRs
-- with disposition INTERRUPTED at the next start. Times are Unix milliseconds.

CREATE TABLE cdrs (
	id INTEGER PRIMARY KEY,
	tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	call_id TEXT NOT NULL,          -- Call-ID of the caller's leg
	uuid TEXT NOT NULL UNIQUE,      -- our id of the call: makes a CDR write idempotent
	caller TEXT NOT NULL,
	caller_name TEXT NOT NULL DEFAULT '',
	callee TEXT NOT NULL,
	direction TEXT NOT NULL,        -- internal, inbound, outbound
	start_at INTEGER NOT NULL,
	answer_at INTEGER,              -- NULL when never answered
	end_at INTEGER NOT NULL,
	duration_s INTEGER NOT NULL,    -- end - start, rounded up
	billsec INTEGER NOT NULL,       -- end - answer, rounded up; 0 when unanswered
	disposition TEXT NOT NULL,      -- ANSWERED, NO ANSWER, BUSY, FAILED, CANCELLED, INTERRUPTED
	hangup_cause TEXT NOT NULL DEFAULT '',
	hangup_side TEXT NOT NULL DEFAULT '', -- caller, callee, system
	codec TEXT NOT NULL DEFAULT '',
	trunk TEXT NOT NULL DEFAULT '',
	rtp_stats TEXT NOT NULL DEFAULT '' -- per leg: packets, lost, jitter
);

CREATE INDEX cdrs_tenant_start ON cdrs (tenant_id, start_at);

CREATE TABLE calls_open (
	uuid TEXT PRIMARY KEY,
	tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	call_id TEXT NOT NULL,
	caller TEXT NOT NULL,
	caller_name TEXT NOT NULL DEFAULT '',
	callee TEXT NOT NULL,
	direction TEXT NOT NULL,
	start_at INTEGER NOT NULL,
	answer_at INTEGER,
	heartbeat_at INTEGER NOT NULL
);
