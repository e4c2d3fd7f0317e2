-- 0013: the offline TTS engine of each tenant (espeak-ng or Flite, with Flite's voice).
ALTER TABLE speech_settings ADD COLUMN tts_engine TEXT NOT NULL DEFAULT 'espeak';
ALTER TABLE speech_settings ADD COLUMN flite_voice TEXT NOT NULL DEFAULT '';
