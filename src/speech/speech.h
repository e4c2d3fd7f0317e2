/* Speech backends: one descriptor per backend (TTS, ASR, grammar intents, summaries) and usage. */
#ifndef SPEECH_SPEECH_H
#define SPEECH_SPEECH_H

#include <stddef.h>

#include "speech/asr.h"
#include "speech/summary.h"
#include "speech/tts.h"

/* What one operation consumed, for billing: every call fills it, also on failure. */
struct speech_usage {
	const char *backend; /* static: the descriptor's name */
	const char *op;      /* static: "synthesize", "transcribe", "recognize", "summarize" */
	double recognized_seconds;
	double synthesized_seconds;
	size_t synthesized_chars; /* code points of the text as given */
	unsigned summaries;
	unsigned llm_prompt_tokens, llm_completion_tokens;
	unsigned http_attempts;   /* HTTP backends: requests sent, retries included */
	bool cached;              /* TTS answered from the cache */
};

/* Settings shared by the backends; NULL/0 fields take the defaults. Borrowed strings. */
struct speech_config {
	const char *model_dir; /* pocketsphinx model (ASR_DEFAULT_MODEL) */
	const char *cache_dir; /* TTS cache; NULL: no cache */
	const char *base_url;  /* OpenAI-compatible server, e.g. http://127.0.0.1:8080; Yandex:
				* NULL = the SpeechKit hosts, else one server for both */
	const char *api_key;   /* "Authorization: Bearer" (OpenAI), "Api-Key" (Yandex); NULL: none */
	const char *folder_id; /* Yandex Cloud folder, sent as folderId when set */
	const char *voice;     /* the backend's own voice name (Yandex "alena"); NULL: by language */
	const char *asr_model; /* "whisper-1" */
	const char *chat_model; /* "gpt-4o-mini" */
	const char *language;  /* ISO-639-1 hint for transcription, NULL: detect */
	const char *prompt;    /* system prompt of summaries */
	long timeout_ms;       /* per request (30000) */
	unsigned retries;      /* on 429, 5xx and connection failures (2) */
	unsigned backoff_ms;   /* first retry delay, doubled each time (500) */
};

struct speech_tts_req {
	const char *text;
	struct tts_voice voice;
	unsigned rate;    /* 8000 or 16000 */
	const char *path; /* the WAV to write (crash-safe) */
};

struct speech_backend {
	const char *name;
	int (*synthesize)(const struct speech_config *c, const struct speech_tts_req *req,
			  struct speech_usage *u, char *err, size_t errlen);
	int (*transcribe_file)(const struct speech_config *c, const char *path, struct asr_result *r,
			       struct speech_usage *u, char *err, size_t errlen);
	int (*recognize)(const struct speech_config *c, const char *path, const struct asr_grammar *g,
			 struct asr_result *r, struct speech_usage *u, char *err, size_t errlen);
	/* *out: owned summary text */
	int (*summarize)(const struct speech_config *c, const char *text, const struct summary_opts *o,
			 char **out, struct speech_usage *u, char *err, size_t errlen);
};

extern const struct speech_backend speech_backend_offline; /* espeak + pocketsphinx + extractive */
extern const struct speech_backend speech_backend_openai;  /* OpenAI-compatible HTTP */
extern const struct speech_backend speech_backend_yandex;  /* Yandex SpeechKit v1 REST */

/* By name ("offline", "openai", "yandex"), or NULL. */
const struct speech_backend *speech_backend_find(const char *name);
const struct speech_backend *speech_backend_at(size_t i); /* NULL past the end */

/* Calls through a descriptor: ENOTSUP when the backend lacks the operation. */
int speech_synthesize(const struct speech_backend *b, const struct speech_config *c,
		      const struct speech_tts_req *req, struct speech_usage *u, char *err, size_t errlen);
int speech_transcribe_file(const struct speech_backend *b, const struct speech_config *c,
			   const char *path, struct asr_result *r, struct speech_usage *u, char *err,
			   size_t errlen);
int speech_recognize(const struct speech_backend *b, const struct speech_config *c, const char *path,
		     const struct asr_grammar *g, struct asr_result *r, struct speech_usage *u,
		     char *err, size_t errlen);
int speech_summarize(const struct speech_backend *b, const struct speech_config *c, const char *text,
		     const struct summary_opts *o, char **out, struct speech_usage *u, char *err,
		     size_t errlen);
/* One line of JSON for the usage ledger. */
void speech_usage_json(const struct speech_usage *u, struct buf *out);

#endif
