/* The backend table, calls through descriptors, and the built-in offline backend. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "speech/speech.h"

static const struct speech_backend *const backends[] = {
    &speech_backend_offline,
    &speech_backend_openai,
    &speech_backend_yandex,
};

const struct speech_backend *speech_backend_at(size_t i)
{
	return i < sizeof(backends) / sizeof(*backends) ? backends[i] : NULL;
}

const struct speech_backend *speech_backend_find(const char *name)
{
	for (size_t i = 0; name && speech_backend_at(i); i++)
		if (!strcmp(backends[i]->name, name))
			return backends[i];
	return NULL;
}

static size_t code_points(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static int unsupported(const struct speech_backend *b, const char *op, char *err, size_t errlen)
{
	snprintf(err, errlen, "backend %s cannot %s", b ? b->name : "(none)", op);
	return ENOTSUP;
}

static void usage_start(struct speech_usage *u, const struct speech_backend *b, const char *op)
{
	memset(u, 0, sizeof(*u));
	u->backend = b ? b->name : "(none)";
	u->op = op;
}

int speech_synthesize(const struct speech_backend *b, const struct speech_config *c,
		      const struct speech_tts_req *req, struct speech_usage *u, char *err, size_t errlen)
{
	usage_start(u, b, "synthesize");
	if (!b || !b->synthesize)
		return unsupported(b, "synthesize", err, errlen);
	return b->synthesize(c, req, u, err, errlen);
}

int speech_transcribe_file(const struct speech_backend *b, const struct speech_config *c,
			   const char *path, struct asr_result *r, struct speech_usage *u, char *err,
			   size_t errlen)
{
	usage_start(u, b, "transcribe");
	memset(r, 0, sizeof(*r));
	r->intent = -1;
	if (!b || !b->transcribe_file)
		return unsupported(b, "transcribe", err, errlen);
	return b->transcribe_file(c, path, r, u, err, errlen);
}

int speech_recognize(const struct speech_backend *b, const struct speech_config *c, const char *path,
		     const struct asr_grammar *g, struct asr_result *r, struct speech_usage *u,
		     char *err, size_t errlen)
{
	usage_start(u, b, "recognize");
	memset(r, 0, sizeof(*r));
	r->intent = -1;
	if (!b || !b->recognize)
		return unsupported(b, "recognize with a grammar", err, errlen);
	return b->recognize(c, path, g, r, u, err, errlen);
}

int speech_summarize(const struct speech_backend *b, const struct speech_config *c, const char *text,
		     const struct summary_opts *o, char **out, struct speech_usage *u, char *err,
		     size_t errlen)
{
	usage_start(u, b, "summarize");
	*out = NULL;
	if (!b || !b->summarize)
		return unsupported(b, "summarize", err, errlen);
	return b->summarize(c, text, o, out, u, err, errlen);
}

void speech_usage_json(const struct speech_usage *u, struct buf *out)
{
	buf_printf(out,
		   "{\"backend\":\"%s\",\"op\":\"%s\",\"recognized_seconds\":%.3f,"
		   "\"synthesized_seconds\":%.3f,\"synthesized_chars\":%zu,\"summaries\":%u,"
		   "\"llm_prompt_tokens\":%u,\"llm_completion_tokens\":%u,\"http_attempts\":%u,"
		   "\"cached\":%s}",
		   u->backend, u->op, u->recognized_seconds, u->synthesized_seconds,
		   u->synthesized_chars, u->summaries, u->llm_prompt_tokens, u->llm_completion_tokens,
		   u->http_attempts, u->cached ? "true" : "false");
}

/* Offline: espeak-ng or Flite, through the cache when one is configured. */
static int offline_synthesize(const struct speech_config *c, const struct speech_tts_req *req,
			      struct speech_usage *u, char *err, size_t errlen)
{
	struct audio a;
	int rc;

	if (!req->text || !req->path) {
		snprintf(err, errlen, "text and output path are required");
		return EINVAL;
	}
	u->synthesized_chars = code_points(req->text);
	if (c && c->cache_dir) {
		char cached[4096];
		bool hit;
		rc = tts_cache_say(c->cache_dir, req->text, &req->voice, req->rate, cached, sizeof(cached),
				   &hit, &u->synthesized_seconds, err, errlen);
		if (rc || (rc = audio_read(cached, &a, err, errlen)))
			return rc;
		u->cached = hit;
	} else if ((rc = tts_synth(req->text, &req->voice, req->rate, &a, err, errlen))) {
		return rc;
	}
	u->synthesized_seconds = audio_seconds(&a);
	rc = audio_write_wav(req->path, &a, err, errlen);
	audio_free(&a);
	return rc;
}

static int offline_transcribe(const struct speech_config *c, const char *path, struct asr_result *r,
			      struct speech_usage *u, char *err, size_t errlen)
{
	struct audio a;
	int rc = audio_read(path, &a, err, errlen);

	if (rc)
		return rc;
	rc = asr_transcribe(&a, c ? c->model_dir : NULL, r, err, errlen);
	u->recognized_seconds = audio_seconds(&a);
	audio_free(&a);
	return rc;
}

static int offline_recognize(const struct speech_config *c, const char *path,
			     const struct asr_grammar *g, struct asr_result *r, struct speech_usage *u,
			     char *err, size_t errlen)
{
	struct audio a;
	int rc = audio_read(path, &a, err, errlen);

	if (rc)
		return rc;
	rc = asr_recognize(&a, g, c ? c->model_dir : NULL, r, err, errlen);
	u->recognized_seconds = audio_seconds(&a);
	audio_free(&a);
	return rc;
}

static int offline_summarize(const struct speech_config *c, const char *text,
			     const struct summary_opts *o, char **out, struct speech_usage *u,
			     char *err, size_t errlen)
{
	struct summary s;
	struct buf b;
	int rc = summary_text(text, o, &s);

	if (rc) {
		snprintf(err, errlen, rc == EOVERFLOW ? "text too long" : "text is not UTF-8");
		return rc;
	}
	buf_init(&b, 0);
	summary_format(&s, &b);
	summary_free(&s);
	*out = b.data ? b.data : xstrdup("");
	u->summaries = 1;
	return 0;
}

const struct speech_backend speech_backend_offline = {
    .name = "offline",
    .synthesize = offline_synthesize,
    .transcribe_file = offline_transcribe,
    .recognize = offline_recognize,
    .summarize = offline_summarize,
};
