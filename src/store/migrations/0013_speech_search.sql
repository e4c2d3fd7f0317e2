-- 0013: the offline TTS engine of each tenant (espeak-ng or Flite, with Flite's voice), chat
-- summaries through the tenant's LLM with a size cap, and transcripts made searchable.
ALTER TABLE speech_settings ADD COLUMN tts_engine TEXT NOT NULL DEFAULT 'espeak';
ALTER TABLE speech_settings ADD COLUMN flite_voice TEXT NOT NULL DEFAULT '';
ALTER TABLE speech_settings ADD COLUMN chat_summary_backend TEXT NOT NULL DEFAULT 'offline';
ALTER TABLE speech_settings ADD COLUMN chat_summary_max_bytes INTEGER NOT NULL DEFAULT 32000;

-- One row per finished transcription job (rowid = jobs.id): the Snowball stems of what was
-- said, space-separated, written by the job queue (speech/stem.c), so a query stemmed the
-- same way finds other forms of its words. The tenant comes from the join with jobs.
-- SQLite FTS5; a PostgreSQL driver would keep a tsvector column instead.
CREATE VIRTUAL TABLE transcripts_fts USING fts5(stems, tokenize = 'unicode61 remove_diacritics 0');

CREATE TRIGGER jobs_transcripts_gone AFTER DELETE ON jobs
BEGIN
	DELETE FROM transcripts_fts WHERE rowid = old.id;
END;
