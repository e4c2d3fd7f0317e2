/* OpenAI-compatible HTTP backend: /v1/audio/transcriptions (verbose_json) and /v1/chat/completions. */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/mem.h"
#include "speech/http_client.h"
#include "speech/speech.h"

#define MAX_UPLOAD (25u << 20) /* the OpenAI limit for one audio file */
#define DEFAULT_PROMPT                                                                           \
	"Summarise the following conversation or text in three to five sentences, in its own "   \
	"language. Name the participants' decisions, promises, complaints and amounts of money."

static int url_of(const struct speech_config *c, const char *path, char *url, size_t size,
		  char *err, size_t errlen)
{
	if (!c || !c->base_url || strncmp(c->base_url, "http", 4)) {
		snprintf(err, errlen, "no base URL (http:// or https://) for the openai backend");
		return EINVAL;
	}
	size_t n = strlen(c->base_url);
	while (n && c->base_url[n - 1] == '/')
		n--;
	if (snprintf(url, size, "%.*s%s", (int)n, c->base_url, path) >= (int)size) {
		snprintf(err, errlen, "base URL too long");
		return EINVAL;
	}
	return 0;
}

static void req_of(const struct speech_config *c, const char *url, struct http_req *r)
{
	memset(r, 0, sizeof(*r));
	r->url = url;
	r->api_key = c->api_key;
	r->timeout_ms = c->timeout_ms;
	r->retries = c->retries;
	r->backoff_ms = c->backoff_ms;
}

/* A non-2xx answer: the server's {"error":{"message"}} when it sent one. */
static void explain(struct buf *body, char *err, size_t errlen)
{
	json_t *j = json_loadb(body->data ? body->data : "", body->len, 0, NULL);
	const char *msg = json_string_value(json_object_get(json_object_get(j, "error"), "message"));
	size_t n = strlen(err);

	if (msg && n + 3 < errlen)
		snprintf(err + n, errlen - n, ": %s", msg);
	json_decref(j);
}

static void add_word(struct asr_result *r, json_t *w, size_t *cap)
{
	const char *word = json_string_value(json_object_get(w, "word"));
	if (!word)
		return;
	if (r->nwords == *cap) {
		*cap = *cap ? *cap * 2 : 32;
		r->words = xrealloc(r->words, *cap * sizeof(*r->words));
	}
	r->words[r->nwords++] = (struct asr_word){xstrdup(word),
						  json_number_value(json_object_get(w, "start")),
						  json_number_value(json_object_get(w, "end")), 1.0};
}

/* verbose_json: text, duration, words[], segments[].avg_logprob (confidence = exp of its mean). */
static int parse_transcript(struct buf *body, struct asr_result *r, char *err, size_t errlen)
{
	json_error_t je;
	json_t *j = json_loadb(body->data ? body->data : "", body->len, 0, &je), *v;
	const char *text = json_string_value(json_object_get(j, "text"));
	size_t i, cap = 0, nseg = 0;
	double lp = 0;

	if (!text) {
		snprintf(err, errlen, "transcription answer without \"text\"%s%s", j ? "" : ": ",
			 j ? "" : je.text);
		json_decref(j);
		return EBADMSG;
	}
	r->text = xstrdup(text);
	r->seconds = json_number_value(json_object_get(j, "duration"));
	json_array_foreach(json_object_get(j, "words"), i, v) add_word(r, v, &cap);
	json_array_foreach(json_object_get(j, "segments"), i, v) {
		lp += json_number_value(json_object_get(v, "avg_logprob"));
		nseg++;
	}
	r->confidence = nseg ? exp(lp / (double)nseg) : 0;
	json_decref(j);
	return 0;
}

static int openai_transcribe(const struct speech_config *c, const char *path, struct asr_result *r,
			     struct speech_usage *u, char *err, size_t errlen)
{
	char url[2048];
	struct http_req req;
	struct buf body;
	struct audio a;
	long status;
	int rc;

	if ((rc = url_of(c, "/v1/audio/transcriptions", url, sizeof(url), err, errlen)))
		return rc;
	if ((rc = audio_read(path, &a, err, errlen))) /* refuses what is not audio, before uploading */
		return rc;
	struct stat st;
	if (stat(path, &st) != 0 || (uint64_t)st.st_size > MAX_UPLOAD) {
		audio_free(&a);
		snprintf(err, errlen, "%s: larger than %u bytes, the upload limit", path, MAX_UPLOAD);
		return EOVERFLOW;
	}
	double secs = audio_seconds(&a);
	audio_free(&a);
	CURL *tmp = curl_easy_init();
	curl_mime *m = curl_mime_init(tmp);
	curl_mimepart *p = curl_mime_addpart(m);
	curl_mime_name(p, "file");
	curl_mime_filedata(p, path);
	curl_mime_type(p, "audio/wav");
	const char *fields[][2] = {{"model", c->asr_model ? c->asr_model : "whisper-1"},
				   {"response_format", "verbose_json"},
				   {"timestamp_granularities[]", "word"},
				   {"timestamp_granularities[]", "segment"},
				   {"language", c->language}};
	for (size_t i = 0; i < sizeof(fields) / sizeof(*fields); i++)
		if (fields[i][1]) {
			p = curl_mime_addpart(m);
			curl_mime_name(p, fields[i][0]);
			curl_mime_data(p, fields[i][1], CURL_ZERO_TERMINATED);
		}
	req_of(c, url, &req);
	req.mime = m;
	buf_init(&body, 0);
	rc = http_post(&req, &body, &status, &u->http_attempts, err, errlen);
	if (rc == EPROTO)
		explain(&body, err, errlen);
	if (!rc && !(rc = parse_transcript(&body, r, err, errlen))) {
		if (r->seconds <= 0)
			r->seconds = secs;
		u->recognized_seconds = r->seconds;
	}
	buf_free(&body);
	curl_mime_free(m);
	curl_easy_cleanup(tmp);
	return rc;
}

/* A prompt holding {text} is a template: the text goes in its place and the whole is the
 * user's message; any other prompt is the system message before the text. */
static json_t *chat_messages(const struct speech_config *c, const char *text)
{
	const char *p = c->prompt ? c->prompt : DEFAULT_PROMPT, *at = strstr(p, "{text}");
	struct buf b;
	json_t *m;

	if (!at)
		return json_pack("[{s:s,s:s},{s:s,s:s}]", "role", "system", "content", p, "role",
				 "user", "content", text);
	buf_init(&b, 0);
	buf_printf(&b, "%.*s%s%s", (int)(at - p), p, text, at + 6);
	m = json_pack("[{s:s,s:s}]", "role", "user", "content", b.data);
	buf_free(&b);
	return m;
}

static char *chat_body(const struct speech_config *c, const char *text, const struct summary_opts *o)
{
	json_t *msgs = chat_messages(c, text);
	json_t *j = msgs ? json_pack("{s:s,s:o,s:f,s:b}", "model",
				     c->chat_model ? c->chat_model : "gpt-4o-mini", "messages", msgs,
				     "temperature", 0.0, "stream", 0)
			 : NULL;
	if (!j)
		return NULL; /* json_pack refuses strings that are not UTF-8 */
	char *s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return s;
}

static int parse_chat(struct buf *body, char **out, struct speech_usage *u, char *err, size_t errlen)
{
	json_t *j = json_loadb(body->data ? body->data : "", body->len, 0, NULL);
	json_t *choice = json_array_get(json_object_get(j, "choices"), 0);
	const char *content = json_string_value(json_object_get(json_object_get(choice, "message"), "content"));
	json_t *usage = json_object_get(j, "usage");

	if (!content) {
		snprintf(err, errlen, "chat answer without choices[0].message.content");
		json_decref(j);
		return EBADMSG;
	}
	*out = xstrdup(content);
	u->llm_prompt_tokens = (unsigned)json_integer_value(json_object_get(usage, "prompt_tokens"));
	u->llm_completion_tokens = (unsigned)json_integer_value(json_object_get(usage, "completion_tokens"));
	u->summaries = 1;
	json_decref(j);
	return 0;
}

static int openai_summarize(const struct speech_config *c, const char *text,
			    const struct summary_opts *o, char **out, struct speech_usage *u,
			    char *err, size_t errlen)
{
	char url[2048];
	struct http_req req;
	struct buf body;
	long status;
	int rc;

	if ((rc = url_of(c, "/v1/chat/completions", url, sizeof(url), err, errlen)))
		return rc;
	if (!text || strlen(text) > SUMMARY_MAX_BYTES) {
		snprintf(err, errlen, "no text or text too long");
		return text ? EOVERFLOW : EINVAL;
	}
	char *json = chat_body(c, text, o);
	if (!json) {
		snprintf(err, errlen, "text is not UTF-8");
		return EINVAL;
	}
	req_of(c, url, &req);
	req.json = json;
	buf_init(&body, 0);
	rc = http_post(&req, &body, &status, &u->http_attempts, err, errlen);
	if (rc == EPROTO)
		explain(&body, err, errlen);
	if (!rc)
		rc = parse_chat(&body, out, u, err, errlen);
	buf_free(&body);
	free(json);
	return rc;
}

const struct speech_backend speech_backend_openai = {
    .name = "openai",
    .transcribe_file = openai_transcribe,
    .summarize = openai_summarize,
};
