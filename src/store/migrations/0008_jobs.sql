-- 0008: the speech job queue and the usage ledger. A job belongs to a tenant, runs on a
-- worker thread and keeps its input (parameters as JSON, an uploaded export as a blob), its
-- result (JSON) or error. pick_seq orders the starts: the tenant whose last start is oldest
-- goes next (round-robin over tenants). usage_records holds what each finished job consumed,
-- written in the same transaction as the job's result.

CREATE TABLE jobs (
	id INTEGER PRIMARY KEY,
	tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	kind TEXT NOT NULL CHECK (kind IN ('chat_summary', 'text_summary', 'tts', 'transcribe')),
	status TEXT NOT NULL DEFAULT 'queued'
		CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
	progress INTEGER NOT NULL DEFAULT 0,
	attempts INTEGER NOT NULL DEFAULT 0,
	input TEXT NOT NULL DEFAULT '{}',
	input_data BLOB,
	result TEXT,
	error TEXT NOT NULL DEFAULT '',
	pick_seq INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL,
	started_at INTEGER NOT NULL DEFAULT 0,
	finished_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX jobs_queue ON jobs (status, tenant_id, id);
CREATE INDEX jobs_picks ON jobs (tenant_id, pick_seq);
CREATE INDEX jobs_pick_seq ON jobs (pick_seq);

CREATE TABLE usage_records (
	id INTEGER PRIMARY KEY,
	tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
	job_id INTEGER REFERENCES jobs(id) ON DELETE SET NULL,
	at INTEGER NOT NULL,
	op TEXT NOT NULL,
	backend TEXT NOT NULL,
	recognized_ms INTEGER NOT NULL DEFAULT 0,
	synthesized_ms INTEGER NOT NULL DEFAULT 0,
	synthesized_chars INTEGER NOT NULL DEFAULT 0,
	summaries INTEGER NOT NULL DEFAULT 0,
	llm_prompt_tokens INTEGER NOT NULL DEFAULT 0,
	llm_completion_tokens INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX usage_by_time ON usage_records (tenant_id, at);
