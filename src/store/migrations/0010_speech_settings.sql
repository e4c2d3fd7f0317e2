-- 0010: each tenant's speech settings: which backend speaks (TTS), listens (ASR) and
-- summarises, each HTTP backend's own connection (base URL, key, folder, models, voice),
-- and the prompt template of LLM summaries. No row: everything offline. The API keys are
-- kept as given (the server must send them) and never shown by the API.

CREATE TABLE speech_settings (
	tenant_id INTEGER PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
	tts_backend TEXT NOT NULL DEFAULT 'offline',
	asr_backend TEXT NOT NULL DEFAULT 'offline',
	summary_backend TEXT NOT NULL DEFAULT 'offline',
	language TEXT NOT NULL DEFAULT '',
	summary_prompt TEXT NOT NULL DEFAULT '',
	openai_base_url TEXT NOT NULL DEFAULT '',
	openai_api_key TEXT NOT NULL DEFAULT '',
	openai_asr_model TEXT NOT NULL DEFAULT '',
	openai_chat_model TEXT NOT NULL DEFAULT '',
	yandex_base_url TEXT NOT NULL DEFAULT '',
	yandex_api_key TEXT NOT NULL DEFAULT '',
	yandex_folder_id TEXT NOT NULL DEFAULT '',
	yandex_voice TEXT NOT NULL DEFAULT '',
	timeout_ms INTEGER NOT NULL DEFAULT 30000,
	retries INTEGER NOT NULL DEFAULT 2,
	updated_at INTEGER NOT NULL DEFAULT 0
);
