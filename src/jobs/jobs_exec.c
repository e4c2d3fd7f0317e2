/* Running one job on a worker thread: each kind's steps, backend calls retried with back-off. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/mem.h"
#include "jobs/jobs_int.h"
#include "speech/chat.h"


void jobs_progress(struct exec *x, unsigned pct)
{
	if (x->progress)
		x->progress(x->arg, x->r->id, pct);
}

bool jobs_is_cancelled(const struct exec *x)
{
	return x->cancel && atomic_load(x->cancel);
}

/* Bad input and missing operations do not get better by asking again. */
static bool retryable(int rc)
{
	return rc != EINVAL && rc != EBADMSG && rc != EOVERFLOW && rc != ENOTSUP && rc != ENOENT;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Up to cfg->retries calls of fn, waiting backoff_ms, then twice that, ... in between. */
int jobs_with_retries(struct exec *x, jobs_call_fn *fn)
{
	unsigned tries = x->cfg->retries ? x->cfg->retries : 3;
	unsigned wait = x->cfg->backoff_ms ? x->cfg->backoff_ms : 200;
	int rc = 0;

	for (unsigned i = 0; i < tries && !jobs_is_cancelled(x); i++) {
		x->o->attempts++;
		x->o->error[0] = '\0';
		if (!(rc = fn(x, x->o->error, sizeof(x->o->error))) || !retryable(rc))
			break;
		if (i + 1 < tries) {
			sleep_ms(wait);
			wait = wait * 2 > 8000 ? 8000 : wait * 2;
		}
	}
	if (rc && !x->o->error[0])
		snprintf(x->o->error, sizeof(x->o->error), "%s", strerror(rc));
	return rc;
}

static unsigned sentences_of(const struct exec *x)
{
	json_int_t n = json_integer_value(json_object_get(x->in, "sentences"));

	return n > 0 && n <= 50 ? (unsigned)n : 3;
}

static json_t *strings(char **s, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(s[i]));
	return a;
}

static json_t *keywords(const struct summary *s)
{
	json_t *a = json_array();

	for (size_t i = 0; i < s->nkeyword; i++)
		json_array_append_new(a, json_string(s->keyword[i].word));
	return a;
}

static int chat_parse(struct exec *x, struct chat *c)
{
	const char *fmt = json_string_value(json_object_get(x->in, "format"));
	const char *d = x->r->data ? x->r->data : "";
	char *err = x->o->error;
	size_t el = sizeof(x->o->error);

	if (fmt && !strcmp(fmt, "whatsapp"))
		return chat_parse_whatsapp(d, x->r->data_len, c, err, el);
	if (fmt && !strcmp(fmt, "telegram"))
		return chat_parse_telegram(d, x->r->data_len, c, err, el);
	return chat_parse_auto(d, x->r->data_len, c, err, el);
}

static json_t *conversation(const struct summary_conv *cv)
{
	return json_pack("{s:I,s:I,s:I,s:s,s:s,s:o,s:o}", "start", (json_int_t)cv->start, "end",
			 (json_int_t)cv->end, "messages", (json_int_t)cv->nmessages, "authors",
			 cv->authors ? cv->authors : "", "lang", cv->sum.lang ? cv->sum.lang : "none",
			 "summary", strings(cv->sum.sentence, cv->sum.nsentence), "keywords",
			 keywords(&cv->sum));
}

/* The tenant's LLM for chats, or NULL: chat digests stay extractive unless the settings name
 * another backend in chat_summary_backend. */
static const struct speech_backend *chat_llm(const struct exec *x)
{
	const char *name = json_string_value(json_object_get(x->speech, "chat_summary_backend"));

	if (!name || !*name || !strcmp(name, "offline"))
		return NULL;
	return jobs_backend(x, "chat_summary_backend");
}

static int call_chat_llm(struct exec *x, char *err, size_t errlen)
{
	struct summary_opts o = { .sentences = sentences_of(x) };
	const struct speech_backend *b = chat_llm(x);
	struct speech_config sc;
	char *out = NULL;
	int rc;

	jobs_speech_config(x, b, &sc);
	rc = speech_summarize(b, &sc, x->state, &o, &out, &x->o->usage, err, errlen);
	if (!rc)
		json_object_set_new(x->in, "_summary", json_string(out ? out : ""));
	free(out);
	return rc;
}

/* The chat's text messages as "author: text" lines, the newest that fit in the tenant's
 * chat_summary_max_bytes, through the LLM with the tenant's prompt template. */
static int chat_through_llm(struct exec *x, const struct chat *c, json_t *res)
{
	json_int_t max = json_integer_value(json_object_get(x->speech, "chat_summary_max_bytes"));
	struct buf lines;
	size_t kept, left;
	int rc;

	buf_init(&lines, 0);
	kept = chat_lines(c, max >= 1000 ? (size_t)max : 32000, &lines, &left);
	if (!kept) {
		buf_free(&lines);
		snprintf(x->o->error, sizeof(x->o->error), "the chat has no text messages");
		return EINVAL;
	}
	x->state = lines.data;
	rc = jobs_with_retries(x, call_chat_llm);
	x->state = NULL;
	x->o->has_usage = true;
	buf_free(&lines);
	if (rc)
		return rc;
	json_object_set(res, "summary_text", json_object_get(x->in, "_summary"));
	json_object_set_new(res, "llm_messages", json_integer((json_int_t)kept));
	json_object_set_new(res, "llm_messages_left_out", json_integer((json_int_t)left));
	return 0;
}

/* Parsing errors name the line or message and are final: no retry. */
static int run_chat(struct exec *x, json_t *res)
{
	struct summary_opts o = { .sentences = sentences_of(x) };
	struct summary_chat sc;
	struct chat c;
	json_t *convs, *all, *kw;
	int rc;

	chat_init(&c);
	if ((rc = chat_parse(x, &c)))
		return rc;
	jobs_progress(x, 40);
	if ((rc = summary_chat(&c, &o, &sc))) {
		snprintf(x->o->error, sizeof(x->o->error), "cannot summarise the chat: %s",
			 strerror(rc));
		chat_free(&c);
		return rc;
	}
	convs = json_array();
	all = json_array();
	kw = json_array();
	for (size_t i = 0; i < sc.n; i++) {
		json_t *cv = conversation(&sc.conv[i]);
		json_array_extend(all, json_object_get(cv, "summary"));
		for (size_t k = 0; k < sc.conv[i].sum.nkeyword; k++)
			json_array_append_new(kw, json_string(sc.conv[i].sum.keyword[k].word));
		json_array_append_new(convs, cv);
	}
	json_object_set_new(res, "messages", json_integer((json_int_t)c.n));
	json_object_set_new(res, "summary", all);
	json_object_set_new(res, "keywords", kw);
	json_object_set_new(res, "conversations", convs);
	x->o->has_usage = true;
	x->o->usage = (struct speech_usage){ .backend = "offline", .op = "summarize",
					    .summaries = (unsigned)sc.n };
	summary_chat_free(&sc);
	/* the extractive digest stays beside the LLM's (its usage record replaces ours) */
	if (chat_llm(x)) {
		jobs_progress(x, 70);
		rc = chat_through_llm(x, &c, res);
	}
	chat_free(&c);
	return rc;
}

static int call_summarize(struct exec *x, char *err, size_t errlen)
{
	struct summary_opts o = { .sentences = sentences_of(x) };
	const struct speech_backend *b = jobs_backend(x, "summary_backend");
	struct speech_config sc;
	char *out = NULL;
	const char *text = json_string_value(json_object_get(x->in, "text"));
	int rc;

	jobs_speech_config(x, b, &sc);
	rc = speech_summarize(b, &sc, text, &o, &out, &x->o->usage, err, errlen);

	x->o->has_usage = true;
	if (!rc)
		json_object_set_new(x->in, "_summary", json_string(out ? out : ""));
	free(out);
	return rc;
}

/* The backend's summary, and the sentences and keywords of the extractive ranking. */
static int run_text(struct exec *x, json_t *res)
{
	struct summary_opts o = { .sentences = sentences_of(x) };
	struct summary s;
	int rc = jobs_with_retries(x, call_summarize);

	if (rc)
		return rc;
	jobs_progress(x, 70);
	json_object_set(res, "summary_text", json_object_get(x->in, "_summary"));
	if (!summary_text(json_string_value(json_object_get(x->in, "text")), &o, &s)) {
		json_object_set_new(res, "summary", strings(s.sentence, s.nsentence));
		json_object_set_new(res, "keywords", keywords(&s));
		json_object_set_new(res, "lang", json_string(s.lang ? s.lang : "none"));
		json_object_set_new(res, "total_sentences", json_integer((json_int_t)s.total_sentences));
		summary_free(&s);
	}
	return 0;
}

/* The job's voice: female/male or a Flite voice by name, the engine given or the tenant's
 * tts_engine; Russian never goes to Flite by the tenant's choice (the API refuses it when
 * asked for). */
static struct tts_voice job_voice(const struct exec *x)
{
	const char *lang = json_string_value(json_object_get(x->in, "language"));
	const char *voice = json_string_value(json_object_get(x->in, "voice"));
	const char *engine = json_string_value(json_object_get(x->in, "engine"));
	const char *own = json_string_value(json_object_get(x->speech, "flite_voice"));
	bool gender = !voice || !strcmp(voice, "female") || !strcmp(voice, "male");
	struct tts_voice v = { .lang = lang ? lang : "en", .female = !voice || strcmp(voice, "male") };

	if (!engine)
		engine = gender ? json_string_value(json_object_get(x->speech, "tts_engine")) : "flite";
	if (!engine || strcmp(engine, "flite") || (!strcmp(v.lang, "ru") && gender))
		return v;
	v.engine = "flite";
	v.name = !gender ? voice : !voice && own && *own ? own : NULL;
	if (!v.name) /* the default voice of the gender: slt or rms */
		v.name = tts_flite_voice(&v);
	v.female = !strcmp(v.name, "slt");
	return v;
}

static int call_synthesize(struct exec *x, char *err, size_t errlen)
{
	json_int_t rate = json_integer_value(json_object_get(x->in, "rate"));
	char path[4096];
	struct speech_tts_req req = {
		.text = json_string_value(json_object_get(x->in, "text")),
		.voice = job_voice(x),
		.rate = rate == 16000 ? 16000 : 8000,
		.path = path,
	};

	const struct speech_backend *b = jobs_backend(x, "tts_backend");
	struct speech_config sc;

	jobs_speech_config(x, b, &sc);
	jobs_audio_path(x->cfg, x->r->id, path, sizeof(path));
	x->o->has_usage = true;
	return speech_synthesize(b, &sc, &req, &x->o->usage, err, errlen);
}

static int run_tts(struct exec *x, json_t *res)
{
	char url[64], voice[32];
	json_int_t rate = json_integer_value(json_object_get(x->in, "rate"));
	struct tts_voice v = job_voice(x);
	int rc;

	mkdir(x->cfg->spool_dir, 0750); /* exists after the first job */
	if ((rc = jobs_with_retries(x, call_synthesize)))
		return rc;
	snprintf(url, sizeof(url), "/api/v1/jobs/%lld/audio", (long long)x->r->id);
	/* the built-in engines' voice that spoke ("en+f3", "flite/slt") */
	if (jobs_backend(x, "tts_backend") == &speech_backend_offline &&
	    !tts_voice_name(&v, voice, sizeof(voice)))
		json_object_set_new(res, "voice", json_string(voice));
	json_object_set_new(res, "audio", json_string(url));
	json_object_set_new(res, "rate", json_integer(rate == 16000 ? 16000 : 8000));
	json_object_set_new(res, "seconds", json_real(x->o->usage.synthesized_seconds));
	json_object_set_new(res, "chars", json_integer((json_int_t)x->o->usage.synthesized_chars));
	return 0;
}

static int run_kind(struct exec *x, json_t *res)
{
	const char *k = x->r->kind;

	if (!strcmp(k, "chat_summary"))
		return run_chat(x, res);
	if (!strcmp(k, "text_summary"))
		return run_text(x, res);
	if (!strcmp(k, "tts"))
		return run_tts(x, res);
	if (!strcmp(k, "transcribe"))
		return jobs_run_transcribe(x, res);
	snprintf(x->o->error, sizeof(x->o->error), "unknown job kind '%s'", k);
	return EINVAL;
}

void jobs_exec(const struct jobs_cfg *cfg, const struct jobs_row *r, atomic_bool *cancel,
	       jobs_progress_fn *progress_fn, void *arg, struct jobs_outcome *o)
{
	struct exec x = { cfg, r, cancel, progress_fn, arg, o, NULL, NULL, NULL };
	json_t *res = json_object();
	int rc;

	memset(o, 0, sizeof(*o));
	x.in = json_loads(r->input ? r->input : "{}", 0, NULL);
	if (!json_is_object(x.in)) {
		json_decref(x.in);
		x.in = json_object();
	}
	x.speech = json_loads(r->speech ? r->speech : "{}", 0, NULL);
	if (!json_is_object(x.speech)) {
		json_decref(x.speech);
		x.speech = json_object();
	}
	jobs_progress(&x, 10);
	rc = run_kind(&x, res);
	if (!rc && jobs_is_cancelled(&x))
		snprintf(o->error, sizeof(o->error), "cancelled");
	o->ok = !rc && !jobs_is_cancelled(&x);
	if (o->ok)
		o->result = json_dumps(res, JSON_COMPACT | JSON_PRESERVE_ORDER);
	else if (!o->error[0])
		snprintf(o->error, sizeof(o->error), "%s", strerror(rc ? rc : ECANCELED));
	json_decref(res);
	json_decref(x.in);
	json_decref(x.speech);
}

void jobs_outcome_free(struct jobs_outcome *o)
{
	free(o->result);
	free(o->search);
	o->result = NULL;
	o->search = NULL;
}

void jobs_audio_path(const struct jobs_cfg *cfg, int64_t id, char *out, size_t len)
{
	snprintf(out, len, "%s/job-%lld.wav", cfg->spool_dir, (long long)id);
}
