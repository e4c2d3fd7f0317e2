/*
 * Yandex SpeechKit, API v1 REST: short-audio recognition (stt:recognize, raw 16-bit PCM of
 * at most 30 s and 1 MB, one channel) and synthesis (tts:synthesize, form fields, raw PCM
 * back). Authorised with "Authorization: Api-Key KEY" (a service account's key); folderId is
 * sent when configured (user accounts need it).
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "speech/http_client.h"
#include "speech/speech.h"

#define STT_HOST	"https://stt.api.cloud.yandex.net"
#define TTS_HOST	"https://tts.api.cloud.yandex.net"
#define STT_MAX_SECONDS 30.0
#define STT_MAX_BYTES	(1u << 20)
#define TTS_MAX_BODY	(15u << 10) /* the API's limit on the form body */
#define TTS_MAX_AUDIO	(32u << 20)

static int url_of(const struct speech_config *c, const char *host, const char *path,
		  struct buf *url, char *err, size_t errlen)
{
	const char *base = c && c->base_url ? c->base_url : host;
	size_t n = strlen(base);

	if (strncmp(base, "http://", 7) && strncmp(base, "https://", 8)) {
		snprintf(err, errlen, "the yandex backend's base URL is not http:// or https://");
		return EINVAL;
	}
	while (n && base[n - 1] == '/')
		n--;
	buf_printf(url, "%.*s%s", (int)n, base, path);
	return 0;
}

/* "ru" -> "ru-RU", "en" -> "en-US"; a full tag is passed as it is; none: Russian. */
static const char *lang_tag(const char *lang)
{
	static const char *const map[][2] = {{"ru", "ru-RU"}, {"en", "en-US"}, {"en-us", "en-US"},
					     {"kk", "kk-KK"}, {"uz", "uz-UZ"}, {"de", "de-DE"},
					     {"tr", "tr-TR"}};

	for (size_t i = 0; lang && i < sizeof(map) / sizeof(*map); i++)
		if (!strcmp(lang, map[i][0]))
			return map[i][1];
	return lang ? lang : "ru-RU";
}

/* key=value&... with the values escaped; NULL values are left out. */
static void form_add(CURL *curl, struct buf *b, const char *key, const char *value)
{
	char *v;

	if (!value)
		return;
	v = curl_easy_escape(curl, value, 0);
	buf_printf(b, "%s%s=%s", b->len && b->data[b->len - 1] != '?' ? "&" : "", key, v ? v : "");
	curl_free(v);
}

static void req_of(const struct speech_config *c, const char *url, struct http_req *r)
{
	memset(r, 0, sizeof(*r));
	r->url = url;
	r->api_key = c ? c->api_key : NULL;
	r->auth_scheme = "Api-Key";
	r->timeout_ms = c ? c->timeout_ms : 0;
	r->retries = c ? c->retries : 0;
	r->backoff_ms = c ? c->backoff_ms : 0;
}

/* The API's errors are {"error_code", "error_message"}: the message joins ours. */
static void explain(const struct buf *body, char *err, size_t errlen)
{
	json_t *j = json_loadb(body->data ? body->data : "", body->len, 0, NULL);
	const char *msg = json_string_value(json_object_get(j, "error_message"));
	size_t n = strlen(err);

	if (msg && n + 3 < errlen)
		snprintf(err + n, errlen - n, ": %s", msg);
	json_decref(j);
}

/* Mono 16-bit at 8 or 16 kHz (what telephone audio is), any other rate resampled to 16 kHz. */
static int stt_audio(const char *path, struct audio *a, char *err, size_t errlen)
{
	int rc = audio_read(path, a, err, errlen);

	if (rc)
		return rc;
	if (a->rate != 8000 && a->rate != 16000 && audio_resample(a, 16000)) {
		audio_free(a);
		snprintf(err, errlen, "%s: cannot resample to 16 kHz", path);
		return EINVAL;
	}
	if (audio_seconds(a) > STT_MAX_SECONDS || a->n * 2 > STT_MAX_BYTES) {
		snprintf(err, errlen, "%s: %.1f s; short-audio recognition takes at most %.0f s",
			 path, audio_seconds(a), STT_MAX_SECONDS);
		audio_free(a);
		return EOVERFLOW;
	}
	return 0;
}

static int stt_parse(const struct buf *body, struct asr_result *r, char *err, size_t errlen)
{
	json_t *j = json_loadb(body->data ? body->data : "", body->len, 0, NULL);
	const char *text = json_string_value(json_object_get(j, "result"));

	if (!text) {
		snprintf(err, errlen, "recognition answer without \"result\"");
		json_decref(j);
		return EBADMSG;
	}
	r->text = xstrdup(text);
	json_decref(j);
	return 0;
}

static int yandex_transcribe(const struct speech_config *c, const char *path, struct asr_result *r,
			     struct speech_usage *u, char *err, size_t errlen)
{
	struct buf url, body;
	struct http_req req;
	struct audio a;
	char rate[16];
	long status;
	CURL *curl;
	int rc;

	if ((rc = stt_audio(path, &a, err, errlen)))
		return rc;
	buf_init(&url, 0);
	buf_init(&body, 0);
	curl = curl_easy_init();
	snprintf(rate, sizeof(rate), "%u", a.rate);
	if (!(rc = url_of(c, STT_HOST, "/speech/v1/stt:recognize?", &url, err, errlen))) {
		form_add(curl, &url, "lang", lang_tag(c ? c->language : NULL));
		form_add(curl, &url, "topic", c && c->asr_model ? c->asr_model : "general");
		form_add(curl, &url, "format", "lpcm");
		form_add(curl, &url, "sampleRateHertz", rate);
		form_add(curl, &url, "folderId", c ? c->folder_id : NULL);
		req_of(c, url.data, &req);
		req.body = a.pcm; /* little-endian int16: the machine's order on x86 and arm */
		req.body_len = a.n * sizeof(int16_t);
		req.content_type = "application/octet-stream";
		rc = http_post(&req, &body, &status, &u->http_attempts, err, errlen);
		if (rc == EPROTO)
			explain(&body, err, errlen);
	}
	if (!rc && !(rc = stt_parse(&body, r, err, errlen))) {
		r->seconds = audio_seconds(&a);
		u->recognized_seconds = r->seconds;
	}
	curl_easy_cleanup(curl);
	buf_free(&url);
	buf_free(&body);
	audio_free(&a);
	return rc;
}

/* A voice of the language and gender asked for, unless one is configured. */
static const char *tts_voice(const struct speech_config *c, const struct tts_voice *v)
{
	bool ru = !v->lang || !strcmp(v->lang, "ru");

	if (c && c->voice)
		return c->voice;
	if (ru)
		return v->female ? "alena" : "filipp";
	return "john"; /* the English voice SpeechKit has */
}

static int tts_form(const struct speech_config *c, const struct speech_tts_req *req,
		    struct buf *form, char *err, size_t errlen)
{
	CURL *curl = curl_easy_init();
	char rate[16];

	snprintf(rate, sizeof(rate), "%u", req->rate);
	form_add(curl, form, "text", req->text);
	form_add(curl, form, "lang", lang_tag(req->voice.lang ? req->voice.lang : "ru"));
	form_add(curl, form, "voice", tts_voice(c, &req->voice));
	form_add(curl, form, "format", "lpcm");
	form_add(curl, form, "sampleRateHertz", rate);
	form_add(curl, form, "folderId", c ? c->folder_id : NULL);
	curl_easy_cleanup(curl);
	if (form->len > TTS_MAX_BODY) {
		snprintf(err, errlen,
			 "the text is too long for SpeechKit (%zu bytes encoded, %u max)",
			 form->len, TTS_MAX_BODY);
		return EOVERFLOW;
	}
	return 0;
}

/* The answer is the raw PCM itself. */
static int tts_save(const struct buf *body, const struct speech_tts_req *req,
		    struct speech_usage *u, char *err, size_t errlen)
{
	struct audio a = {NULL, body->len / 2, req->rate};
	int rc;

	if (body->len < 2 || body->len % 2) {
		snprintf(err, errlen, "synthesis answer of %zu bytes is not 16-bit PCM", body->len);
		return EBADMSG;
	}
	a.pcm = xmalloc(body->len);
	memcpy(a.pcm, body->data, body->len);
	u->synthesized_seconds = audio_seconds(&a);
	rc = audio_write_wav(req->path, &a, err, errlen);
	audio_free(&a);
	return rc;
}

static size_t code_points(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static int yandex_synthesize(const struct speech_config *c, const struct speech_tts_req *req,
			     struct speech_usage *u, char *err, size_t errlen)
{
	struct buf url, form, body;
	struct http_req hr;
	long status;
	int rc;

	if (!req->text || !*req->text || !req->path || (req->rate != 8000 && req->rate != 16000)) {
		snprintf(err, errlen, "text, output path and a rate of 8000 or 16000 are required");
		return EINVAL;
	}
	u->synthesized_chars = code_points(req->text);
	if (u->synthesized_chars > TTS_MAX_CHARS) {
		snprintf(err, errlen, "text longer than %u characters", TTS_MAX_CHARS);
		return EOVERFLOW;
	}
	buf_init(&url, 0);
	buf_init(&form, 0);
	buf_init(&body, 0);
	if (!(rc = url_of(c, TTS_HOST, "/speech/v1/tts:synthesize", &url, err, errlen)) &&
	    !(rc = tts_form(c, req, &form, err, errlen))) {
		req_of(c, url.data, &hr);
		hr.body = form.data;
		hr.body_len = form.len;
		hr.content_type = "application/x-www-form-urlencoded";
		hr.max_response = TTS_MAX_AUDIO;
		rc = http_post(&hr, &body, &status, &u->http_attempts, err, errlen);
		if (rc == EPROTO)
			explain(&body, err, errlen);
		if (!rc)
			rc = tts_save(&body, req, u, err, errlen);
	}
	buf_free(&url);
	buf_free(&form);
	buf_free(&body);
	return rc;
}

const struct speech_backend speech_backend_yandex = {
    .name = "yandex",
    .synthesize = yandex_synthesize,
    .transcribe_file = yandex_transcribe,
};
