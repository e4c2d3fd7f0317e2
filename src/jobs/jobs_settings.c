/*
 * Each tenant's speech settings: which backend speaks, listens and summarises, each HTTP
 * backend's connection and the LLM prompt template. Read by the store thread with every
 * claim (a change applies to the next job, no cache to invalidate) and by the API.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "jobs/jobs_int.h"
#include "store/db.h"

const struct jobs_setting jobs_settings[] = {
    {"tts_backend", JS_BACKEND, "synthesize", 0, 16, "offline", "offline or yandex"},
    /* the offline backend's engine; Flite speaks English, Russian texts stay with espeak */
    {"tts_engine", JS_CHOICE, "espeak|flite", 0, 16, "espeak", "espeak or flite"},
    {"flite_voice", JS_CHOICE, "|kal|kal16|slt|rms|awb", 0, 16, "",
     "kal, kal16, slt, rms, awb or empty (slt for female, rms for male)"},
    {"asr_backend", JS_BACKEND, "transcribe", 0, 16, "offline", "offline, openai or yandex"},
    {"summary_backend", JS_BACKEND, "summarize", 0, 16, "offline", "offline or openai (an LLM)"},
    {"chat_summary_backend", JS_BACKEND, "summarize", 0, 16, "offline",
     "offline (extractive only) or openai (an LLM, beside the extractive digest)"},
    {"chat_summary_max_bytes", JS_INT, NULL, 1000, 1000000, "32000",
     "chats sent to the LLM: the latest messages that fit"},
    {"language", JS_TEXT, NULL, 0, 16, "", "language hint of transcriptions (en, ru-RU, ...)"},
    {"summary_prompt", JS_TEXT, NULL, 0, 4000, "",
     "LLM summaries: the system prompt, or a template holding {text}"},
    {"openai_base_url", JS_URL, NULL, 0, 512, "", "OpenAI-compatible server (http:// or https://)"},
    {"openai_api_key", JS_SECRET, NULL, 0, 512, "", "sent as a bearer token; never shown"},
    {"openai_asr_model", JS_TEXT, NULL, 0, 128, "", "transcription model (whisper-1)"},
    {"openai_chat_model", JS_TEXT, NULL, 0, 128, "", "summary model (gpt-4o-mini)"},
    {"yandex_base_url", JS_URL, NULL, 0, 512, "", "empty: the SpeechKit hosts"},
    {"yandex_api_key", JS_SECRET, NULL, 0, 512, "", "a service account's API key; never shown"},
    {"yandex_folder_id", JS_TEXT, NULL, 0, 50, "", "Yandex Cloud folder (user accounts)"},
    {"yandex_voice", JS_TEXT, NULL, 0, 32, "", "SpeechKit voice; empty: by language and gender"},
    {"timeout_ms", JS_INT, NULL, 1000, 300000, "30000", "per HTTP request"},
    {"retries", JS_INT, NULL, 0, 5, "2", "HTTP retries on 429, 5xx and connection failures"},
    {NULL, 0, NULL, 0, 0, NULL, NULL},
};

const struct jobs_setting *jobs_setting_find(const char *name)
{
	for (const struct jobs_setting *s = jobs_settings; name && s->name; s++)
		if (!strcmp(s->name, name))
			return s;
	return NULL;
}

static void put(json_t *j, const struct jobs_setting *s, const struct db_value *v, bool secrets)
{
	char set[64];

	if (s->kind == JS_INT) {
		json_object_set_new(j, s->name, json_integer(v->i));
	} else if (s->kind == JS_SECRET && !secrets) {
		snprintf(set, sizeof(set), "%s_set", s->name);
		json_object_set_new(j, set, json_boolean(v->len > 0));
	} else {
		json_object_set_new(j, s->name, json_stringn(v->s ? v->s : "", v->len));
	}
}

struct speech_row {
	json_t *j;
	bool secrets;
};

static int speech_row(const struct db_row *row, void *arg)
{
	struct speech_row *r = arg;
	size_t i = 0;

	for (const struct jobs_setting *s = jobs_settings; s->name && i < row->ncols; s++, i++)
		put(r->j, s, &row->cols[i], r->secrets);
	json_object_set_new(r->j, "updated_at", json_integer(row->cols[i].i));
	return 1;
}

static void put_defaults(json_t *j, bool secrets)
{
	for (const struct jobs_setting *s = jobs_settings; s->name; s++) {
		struct db_value v = s->kind == JS_INT ? DBV_INT(atoll(s->def)) : DBV_TEXT(s->def);
		put(j, s, &v, secrets);
	}
	json_object_set_new(j, "updated_at", json_integer(0));
}

char *jobs_db_speech(struct db *db, int64_t tenant, bool secrets)
{
	struct speech_row r = {json_object(), secrets};
	struct buf sql;
	char *out;

	buf_init(&sql, 0);
	buf_puts(&sql, "SELECT ");
	for (const struct jobs_setting *s = jobs_settings; s->name; s++)
		buf_printf(&sql, "%s, ", s->name);
	buf_puts(&sql, "updated_at FROM speech_settings WHERE tenant_id = ?");
	json_object_set_new(r.j, "tenant_id", json_integer(tenant));
	if (db_query(db, sql.data, (struct db_value[]){DBV_INT(tenant)}, 1, speech_row, &r) != 1)
		put_defaults(r.j, secrets);
	out = json_dumps(r.j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(r.j);
	buf_free(&sql);
	return out;
}

const struct speech_backend *jobs_backend(const struct exec *x, const char *which)
{
	const struct speech_backend *b;

	if (x->cfg->backend)
		return x->cfg->backend;
	b = speech_backend_find(json_string_value(json_object_get(x->speech, which)));
	return b ? b : &speech_backend_offline;
}

/* A setting's text, or fallback when it is empty (the backend's default then). */
static const char *or_else(const struct exec *x, const char *name, const char *fallback)
{
	const char *v = json_string_value(json_object_get(x->speech, name));

	return v && *v ? v : fallback;
}

void jobs_speech_config(const struct exec *x, const struct speech_backend *b,
			struct speech_config *sc)
{
	json_t *t = json_object_get(x->speech, "timeout_ms");
	json_t *r = json_object_get(x->speech, "retries");

	*sc = x->cfg->speech ? *x->cfg->speech : (struct speech_config){0};
	sc->language = or_else(x, "language", sc->language);
	sc->prompt = or_else(x, "summary_prompt", sc->prompt);
	if (t)
		sc->timeout_ms = (long)json_integer_value(t);
	if (r)
		sc->retries = (unsigned)json_integer_value(r);
	if (b == &speech_backend_openai) {
		sc->base_url = or_else(x, "openai_base_url", sc->base_url);
		sc->api_key = or_else(x, "openai_api_key", sc->api_key);
		sc->asr_model = or_else(x, "openai_asr_model", sc->asr_model);
		sc->chat_model = or_else(x, "openai_chat_model", sc->chat_model);
	} else if (b == &speech_backend_yandex) {
		sc->base_url = or_else(x, "yandex_base_url", sc->base_url);
		sc->api_key = or_else(x, "yandex_api_key", sc->api_key);
		sc->folder_id = or_else(x, "yandex_folder_id", sc->folder_id);
		sc->voice = or_else(x, "yandex_voice", sc->voice);
	}
}
