/*
 * Scenario operations that block, run on the call engine's worker threads and finish on the
 * loop: a `webhook` step's HTTP request to a CRM (libcurl, the step's timeout, a 64 KiB
 * answer at most, never to a loopback or private address unless the node allows it), and
 * the speech of a `say` step (espeak-ng through the TTS file cache, Russian when the text
 * has Cyrillic letters, else English), played like a prompt. Each request carries a sequence
 * number: a result that comes back after the call moved on (or ended) is dropped.
 */
#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "call/call_ivr.h"
#include "core/log.h"
#include "core/mem.h"
#include "core/obj.h"
#include "core/workers.h"
#include "media/media.h"
#include "net/addr.h"
#include "speech/tts.h"

enum { HTTP_ANSWER_MAX = 64 * 1024 };

struct work {
	struct call *c; /* ref */
	unsigned seq;
	bool private_ok;
	/* http */
	char *method, *url, *body; /* owned */
	int timeout_s;
	long status;
	struct buf answer;
	bool too_big;
	/* say */
	char *text, *dir; /* owned */
	char path[4096];
	/* outcome */
	int err;
	char msg[160];
};

static void work_free(struct work *w)
{
	obj_unref(w->c);
	free(w->method);
	free(w->url);
	free(w->body);
	free(w->text);
	free(w->dir);
	buf_free(&w->answer);
	free(w);
}

/* The result still wanted: the call is up and waits for this very request. */
static struct call_ivr *work_wanted(const struct work *w, enum ivr_wait what)
{
	struct call_ivr *v = w->c->ivr;

	if (w->c->state == CALL_ENDED || !v || v->wait != what || v->work_seq != w->seq)
		return NULL;
	return v;
}

static struct work *work_new(struct call_ivr *v)
{
	struct work *w = xcalloc(1, sizeof(*w));

	w->c = obj_ref(v->c);
	w->seq = ++v->work_seq;
	w->private_ok = v->c->ce->cfg.http_private_ok;
	buf_init(&w->answer, 0);
	return w;
}

static int work_submit(struct call_ivr *v, struct work *w, workers_fn *run, workers_fn *done,
		       enum ivr_wait what)
{
	if (!v->c->ce->workers || workers_submit(v->c->ce->workers, run, done, w)) {
		work_free(w);
		return EAGAIN;
	}
	v->wait = what;
	return 0;
}

/* ---- webhook ---- */

static size_t keep_answer(char *p, size_t size, size_t n, void *arg)
{
	struct work *w = arg;

	if (w->answer.len + size * n > HTTP_ANSWER_MAX) {
		w->too_big = true;
		return 0;
	}
	buf_append(&w->answer, p, size * n);
	return size * n;
}

static curl_socket_t open_socket(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct work *w = arg;

	if (!w->private_ok && sockaddr_is_private(&a->addr)) {
		snprintf(w->msg, sizeof(w->msg), "the URL resolves to a private or loopback address");
		return CURL_SOCKET_BAD;
	}
	return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

static void http_run(void *arg)
{
	struct work *w = arg;
	CURL *e = curl_easy_init();
	struct curl_slist *h = NULL;
	CURLcode rc;

	if (!e) {
		w->err = ENOMEM;
		return;
	}
	h = curl_slist_append(h, "Accept: application/json");
	if (w->body)
		h = curl_slist_append(h, "Content-Type: application/json");
	curl_easy_setopt(e, CURLOPT_URL, w->url);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)w->timeout_s * 1000);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "zvonar");
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, keep_answer);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, w);
	curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, open_socket);
	curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, w);
	if (w->body)
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, w->body);
	rc = curl_easy_perform(e);
	if (rc == CURLE_OK)
		curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &w->status);
	else {
		w->err = rc == CURLE_OPERATION_TIMEDOUT ? ETIMEDOUT : EIO;
		if (!w->msg[0])
			snprintf(w->msg, sizeof(w->msg), "%s", w->too_big ? "answer over 64 KiB"
								  : curl_easy_strerror(rc));
	}
	curl_slist_free_all(h);
	curl_easy_cleanup(e);
	buf_append(&w->answer, "", 1); /* a C string for the engine */
}

static void http_done(void *arg)
{
	struct work *w = arg;
	struct call_ivr *v = work_wanted(w, IVR_HTTP);

	if (v) {
		struct scenario_event ev = { .type = SCENARIO_EV_HTTP, .status = (int)w->status,
					     .value = w->answer.data };
		if (w->err) {
			log_notice("scenario", "call %s: webhook %s: %s", w->c->uuid, w->url, w->msg);
			ev = (struct scenario_event){ .type = SCENARIO_EV_FAILED };
		}
		call_ivr_feed(v, &ev);
	}
	work_free(w);
}

int call_ivr_http(void *host, const struct scenario_http *r)
{
	struct call_ivr *v = host;
	struct work *w = work_new(v);

	w->method = xstrdup(r->method);
	w->url = xstrdup(r->url);
	w->body = r->body && strcmp(r->method, "GET") ? xstrdup(r->body) : NULL;
	w->timeout_s = r->timeout > 0 && r->timeout <= 30 ? r->timeout : 5;
	return work_submit(v, w, http_run, http_done, IVR_HTTP);
}

/* ---- say ---- */

static bool has_cyrillic(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p == 0xd0 || *p == 0xd1) && p[1] >= 0x80 && p[1] <= 0xbf)
			return true;
	return false;
}

static void say_run(void *arg)
{
	struct work *w = arg;
	struct tts_voice voice = { .lang = has_cyrillic(w->text) ? "ru" : "en", .female = true };
	double seconds;
	bool hit;

	w->err = tts_cache_say(w->dir, w->text, &voice, 16000, w->path, sizeof(w->path), &hit,
			       &seconds, w->msg, sizeof(w->msg));
}

static void say_done(void *arg)
{
	struct work *w = arg;
	struct call_ivr *v = work_wanted(w, IVR_SAY);
	struct media_sound *snd = NULL;

	if (v) {
		int err = w->err ? w->err : media_sound_load(&snd, w->path);
		if (!err) {
			call_ivr_answer(v);
			err = media_relay_prompt(w->c->ce->media, w->c->relay_id, 0, snd, &v->play_id);
		}
		media_sound_unref(snd);
		if (err) {
			log_notice("scenario", "call %s: say: %s", w->c->uuid,
				   w->msg[0] ? w->msg : strerror(err));
			struct scenario_event ev = { .type = SCENARIO_EV_FAILED };
			call_ivr_feed(v, &ev);
		} else {
			v->wait = IVR_PLAY; /* the prompt's end finishes the step */
		}
	}
	work_free(w);
}

int call_ivr_say(void *host, const char *text)
{
	struct call_ivr *v = host;
	struct work *w;

	if (!v->c->ce->cfg.tts_dir || !*text)
		return ENOTSUP;
	w = work_new(v);
	w->text = xstrdup(text);
	w->dir = xstrdup(v->c->ce->cfg.tts_dir);
	return work_submit(v, w, say_run, say_done, IVR_SAY);
}
