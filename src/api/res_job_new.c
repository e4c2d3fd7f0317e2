/*
 * Creating speech jobs: a chat export to summarise (the raw WhatsApp .txt or Telegram
 * result.json as the body), a text to summarise, a text to speak, a recording to
 * transcribe (the audio file as the body). Each answers 202 with the queued job; the work
 * runs on the job workers (jobs/).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/resource.h"
#include "core/mem.h"
#include "core/time.h"
#include "jobs/jobs.h"
#include "speech/audio.h"
#include "speech/summary.h"
#include "speech/tts.h"
#include "store/db.h"

struct job_new {
	const char *kind;  /* static */
	char *input;       /* owned: parameters as JSON text */
	char *data;        /* owned: the uploaded export, or NULL */
	const char *body;  /* borrowed: the request's body (an audio upload), or NULL */
	size_t len;
};

static void job_new_free(void *arg)
{
	struct job_new *n = arg;

	free(n->input);
	free(n->data);
	free(n);
}

static void job_new_op(struct db *db, struct api_ctx *c)
{
	struct job_new *n = c->extra;
	int64_t id, exists = 0;
	char *json, ids[24];

	if (!c->scope) {
		api_fail(c, 400, "invalid_query", "the platform operator names the tenant with "
						  "?tenant_id=");
		return;
	}
	if (db_query_int(db, "SELECT COUNT(*) FROM tenants WHERE id = ?",
			 (struct db_value[]){ DBV_INT(c->scope) }, 1, &exists) || !exists) {
		api_fail(c, 404, "not_found", "no tenant %lld", (long long)c->scope);
		return;
	}
	if (jobs_db_add(db, c->scope, n->kind, n->input, n->data ? n->data : n->body, n->len,
			(int64_t)time_wall_ms(), &id) ||
	    !(json = jobs_db_json(db, id, c->scope))) {
		api_fail(c, 500, "internal", "cannot queue the job: %s", db_errmsg(db));
		return;
	}
	c->result = json_loads(json, 0, NULL);
	free(json);
	snprintf(ids, sizeof(ids), "%lld", (long long)id);
	api_audit(db, c, c->scope, "create", "job", ids, NULL, c->result);
	c->status = 202;
}

static void job_new_live(struct api_ctx *c)
{
	jobs_kick(c->api->jobs);
	api_reply(c);
}

static struct job_new *job_new_start(struct api_ctx *c, const char *kind)
{
	struct job_new *n = xcalloc(1, sizeof(*n));

	n->kind = kind;
	c->extra = n;
	c->extra_free = job_new_free;
	c->perm = "jobs";
	c->act = ACT_CREATE;
	c->db_fn = job_new_op;
	c->live_fn = job_new_live;
	return n;
}

static void job_new_submit(struct api_ctx *c, json_t *input)
{
	struct job_new *n = c->extra;

	if (c->status >= 400) {
		json_decref(input);
		api_reply(c);
		return;
	}
	n->input = json_dumps(input, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(input);
	api_run(c);
}

/* The first bytes a chat export can start with: a digit or '[' of a WhatsApp header
 * (after a BOM or direction mark), '{' of a Telegram export. */
static bool looks_like_chat(const char *s, size_t len, const char *fmt)
{
	size_t i = 0;

	while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
		i++;
	while (i + 3 <= len && (!memcmp(s + i, "\xef\xbb\xbf", 3) ||
				!memcmp(s + i, "\xe2\x80\x8e", 3) || !memcmp(s + i, "\xe2\x80\x8f", 3)))
		i += 3;
	if (i >= len)
		return false;
	if (s[i] == '{')
		return strcmp(fmt, "whatsapp") && memmem(s, len, "\"messages\"", 10);
	return strcmp(fmt, "telegram") && ((s[i] >= '0' && s[i] <= '9') || s[i] == '[');
}

static unsigned query_sentences(struct api_ctx *c)
{
	const char *s = json_string_value(json_object_get(c->query, "sentences"));
	char *end;
	long v = s ? strtol(s, &end, 10) : 3;

	if (s && (*end || v < 1 || v > 50))
		api_fail(c, 400, "invalid_query", "sentences is 1 to 50");
	return (unsigned)v;
}

void api_jobs_chat_summary(struct http_req *r, void *arg)
{
	struct api_ctx *c = api_ctx_new_raw(arg, r);
	const char *fmt;
	const char *body;
	size_t len;
	unsigned sentences;

	if (!c)
		return;
	struct job_new *n = job_new_start(c, "chat_summary");
	fmt = json_string_value(json_object_get(c->query, "format"));
	fmt = fmt ? fmt : "auto";
	body = http_req_body(r, &len);
	sentences = query_sentences(c);
	if (strcmp(fmt, "auto") && strcmp(fmt, "whatsapp") && strcmp(fmt, "telegram"))
		api_fail(c, 400, "invalid_query", "format is whatsapp, telegram or auto");
	else if (!len)
		api_fail(c, 400, "bad_request", "send the chat export as the body");
	else if (!looks_like_chat(body, len, fmt))
		api_fail(c, 400, "bad_request", "the body is not a %s chat export",
			 !strcmp(fmt, "auto") ? "WhatsApp or Telegram" : fmt);
	if (c->status < 400) {
		n->data = xmalloc(len);
		memcpy(n->data, body, len);
		n->len = len;
	}
	job_new_submit(c, json_pack("{s:s,s:i}", "format", fmt, "sentences", (int)sentences));
}

void api_jobs_text_summary(struct http_req *r, void *arg)
{
	static const char *const keys[] = { "text", "sentences", NULL };
	struct api_ctx *c = api_ctx_new(arg, r);
	const char *text = NULL;
	json_int_t sentences = 3;

	if (!c)
		return;
	job_new_start(c, "text_summary");
	if (!c->body)
		api_fail(c, 400, "bad_json", "send {\"text\": ..., \"sentences\": N}");
	else if (api_json_only_keys(c, keys, "text, sentences") &&
		 api_json_str(c, c->body, "text", true, SUMMARY_MAX_BYTES, &text) &&
		 api_json_int(c, "sentences", 1, 50, &sentences) && !*text)
		api_fail(c, 400, "invalid", "field 'text' is empty");
	job_new_submit(c, json_pack("{s:s,s:I}", "text", text ? text : "", "sentences",
				    sentences));
}

/* voice is female, male or a Flite voice (which implies the flite engine); engine, when given,
 * overrides the tenant's tts_engine. */
static void check_tts_voice(struct api_ctx *c, const char *lang, const char *voice,
			    const char *engine)
{
	struct tts_voice v = { .lang = lang, .engine = "flite", .name = voice };
	bool gender = !voice || !strcmp(voice, "female") || !strcmp(voice, "male");

	if (!gender && !tts_flite_voice(&v))
		api_fail(c, 400, "invalid", "field 'voice' is female, male or a Flite voice "
			 "(kal, kal16, slt, rms, awb)");
	else if (engine && strcmp(engine, "espeak") && strcmp(engine, "flite"))
		api_fail(c, 400, "invalid", "field 'engine' is espeak or flite");
	else if (!gender && engine && !strcmp(engine, "espeak"))
		api_fail(c, 400, "invalid", "voice '%s' is a Flite voice", voice);
	else if ((!gender || (engine && !strcmp(engine, "flite"))) && !strcmp(lang, "ru"))
		api_fail(c, 400, "invalid", "flite speaks English only");
}

void api_jobs_tts(struct http_req *r, void *arg)
{
	static const char *const keys[] = { "text", "language", "voice", "engine", "rate", NULL };
	struct api_ctx *c = api_ctx_new(arg, r);
	const char *text = NULL, *lang = "en", *voice = NULL, *engine = NULL;
	json_int_t rate = 8000;

	if (!c)
		return;
	job_new_start(c, "tts");
	if (!c->body)
		api_fail(c, 400, "bad_json", "send {\"text\", \"language\", \"voice\"}");
	else if (api_json_only_keys(c, keys, "text, language, voice, engine, rate") &&
		 api_json_str(c, c->body, "text", true, TTS_MAX_CHARS * 4, &text) &&
		 api_json_str(c, c->body, "language", false, 8, &lang) &&
		 api_json_str(c, c->body, "voice", false, 8, &voice) &&
		 api_json_str(c, c->body, "engine", false, 8, &engine) &&
		 api_json_int(c, "rate", 8000, 16000, &rate)) {
		lang = lang ? lang : "en";
		if (!*text)
			api_fail(c, 400, "invalid", "field 'text' is empty");
		else if (strcmp(lang, "ru") && strcmp(lang, "en"))
			api_fail(c, 400, "invalid", "field 'language' is ru or en");
		else if (rate != 8000 && rate != 16000)
			api_fail(c, 400, "invalid", "field 'rate' is 8000 or 16000");
		else
			check_tts_voice(c, lang, voice, engine);
	}
	/* voice and engine stay null when not given: the tenant's settings decide then */
	job_new_submit(c, json_pack("{s:s,s:s,s:s?,s:s?,s:I}", "text", text ? text : "",
				    "language", lang ? lang : "en", "voice", voice, "engine",
				    engine, "rate", rate));
}

static bool query_known(struct api_ctx *c, const char *const *known)
{
	const char *k;
	json_t *v;

	json_object_foreach(c->query, k, v) {
		bool ok = false;
		for (const char *const *q = known; *q; q++)
			ok |= !strcmp(*q, k);
		if (!ok) {
			api_fail(c, 400, "invalid_query", "unknown parameter '%s'", k);
			return false;
		}
	}
	return true;
}

/* ?speakers=agent,customer: one name per channel, in channel order. */
static json_t *query_speakers(struct api_ctx *c, unsigned channels)
{
	const char *s = json_string_value(json_object_get(c->query, "speakers"));
	json_t *a = json_array();

	while (s && *s && c->status < 400) {
		size_t n = strcspn(s, ",");
		if (n == 0 || n > 32)
			api_fail(c, 400, "invalid_query", "a speaker name is 1 to 32 characters");
		else if (json_array_size(a) == channels)
			api_fail(c, 400, "invalid_query", "%u speaker name(s) for %u channel(s)",
				 (unsigned)json_array_size(a) + 1, channels);
		else
			json_array_append_new(a, json_stringn(s, n));
		s += n + (s[n] == ',');
	}
	return a;
}

/* ?language=en (ISO 639-1, or a tag like ru-RU): a hint passed to the backend. */
static const char *query_language(struct api_ctx *c)
{
	const char *s = json_string_value(json_object_get(c->query, "language"));
	size_t n = s ? strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-") : 0;

	if (s && (n < 2 || n > 8 || s[n]))
		api_fail(c, 400, "invalid_query", "language is a tag such as en or ru-RU");
	return s;
}

/* The audio is checked here (its header only) so that what is not audio is refused at
 * once; the body is stored with the job without a copy (it lives until the reply). */
void api_jobs_transcribe(struct http_req *r, void *arg)
{
	static const char *const known[] = { "speakers", "language", "tenant_id", NULL };
	struct api_ctx *c = api_ctx_new_raw(arg, r);
	struct audio_info info = { .channels = AUDIO_MAX_CHANNELS };
	char err[256];
	const char *body, *lang = NULL;
	json_t *speakers = NULL;
	size_t len;

	if (!c)
		return;
	struct job_new *n = job_new_start(c, "transcribe");
	body = http_req_body(r, &len);
	if (!query_known(c, known))
		;
	else if (!len)
		api_fail(c, 400, "bad_request", "send the audio file (WAV, Ogg, MP3, FLAC) as the body");
	else if (audio_probe_mem(body, len, &info, err, sizeof(err)))
		api_fail(c, 400, "not_audio", "%s", err);
	else if (info.seconds < 0.1)
		api_fail(c, 400, "not_audio", "the recording is empty (%.3f s)", info.seconds);
	if (c->status < 400) {
		speakers = query_speakers(c, info.channels);
		lang = query_language(c);
		n->body = body;
		n->len = len;
	}
	job_new_submit(c, json_pack("{s:s,s:i,s:f,s:o*,s:s*}", "format", info.format, "channels",
				    (int)info.channels, "seconds", info.seconds, "speakers",
				    speakers, "language", lang));
}
