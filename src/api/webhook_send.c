/*
 * Sending webhook deliveries: due rows are leased from the store (next_at moved
 * ahead, so a crash mid-send retries them: at-least-once), POSTed with libcurl's
 * multi interface on the control loop, signed per Standard Webhooks, and their
 * outcome written back: delivered, or retried with back-off, failed at the end.
 */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "api/webhooks.h"
#include "net/addr.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/mem.h"
#include "core/time.h"
#include "store/db.h"
#include "store/store.h"

#define HOOK_PARALLEL 16
#define HOOK_LEASE_MS 120000
#define HOOK_TIMEOUT_MS 10000
#define HOOK_POLL_MS 1000

static const int64_t backoff_s[] = { 5, 30, 120, 600, 1800, 3600, 7200, 14400 };
#define HOOK_ATTEMPTS ((int)(sizeof(backoff_s) / sizeof(backoff_s[0])))

struct api_webhooks {
	struct api *api;
	CURLM *multi;
	struct timer poll, curl_timer;
	int inflight;
	bool fetching, again;
	int64_t backlog;
	uint64_t delivered, failed;
	struct delivery *sending;
};

struct delivery {
	struct api_webhooks *w;
	int64_t id;
	int attempts;
	char *url, *payload, *event_id, *secret;
	CURL *easy;
	struct curl_slist *hdrs;
	char err[CURL_ERROR_SIZE];
	char private_err[96]; /* why open_socket refused, clearer than curl's message */
	long code;
	struct delivery *next; /* fetched batch */
	struct delivery *snext, **sprevp; /* in w->sending while curl has it */
};

int api_webhook_sign(const char *secret, const char *id, int64_t ts, const char *payload,
		     char *out, size_t outlen)
{
	unsigned char key[256], mac[crypto_auth_hmacsha256_BYTES];
	size_t keylen;
	char head[160], b64[64];
	crypto_auth_hmacsha256_state st;

	if (strncmp(secret, "whsec_", 6) ||
	    sodium_base642bin(key, sizeof(key), secret + 6, strlen(secret + 6), NULL, &keylen, NULL,
			      sodium_base64_VARIANT_ORIGINAL))
		return EINVAL;
	snprintf(head, sizeof(head), "%s.%lld.", id, (long long)ts);
	crypto_auth_hmacsha256_init(&st, key, keylen);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)head, strlen(head));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)payload, strlen(payload));
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2base64(b64, sizeof(b64), mac, sizeof(mac), sodium_base64_VARIANT_ORIGINAL);
	snprintf(out, outlen, "v1,%s", b64);
	sodium_memzero(key, sizeof(key));
	return 0;
}

static void sending_unlink(struct delivery *d)
{
	if (!d->sprevp)
		return;
	*d->sprevp = d->snext;
	if (d->snext)
		d->snext->sprevp = d->sprevp;
	d->sprevp = NULL;
}

static void delivery_free(struct delivery *d)
{
	sending_unlink(d);
	if (d->easy) {
		curl_multi_remove_handle(d->w->multi, d->easy);
		curl_easy_cleanup(d->easy);
	}
	curl_slist_free_all(d->hdrs);
	free(d->url);
	free(d->payload);
	free(d->event_id);
	free(d->secret);
	free(d);
}

/* ---- outcome ---- */

static void result_op(struct db *db, void *arg)
{
	struct delivery *d = arg;
	int64_t now = (int64_t)time_wall_ms();
	bool ok = d->code >= 200 && d->code < 300;
	bool last = d->attempts + 1 >= HOOK_ATTEMPTS;
	const char *status = ok ? "delivered" : last ? "failed" : "pending";
	char why[CURL_ERROR_SIZE + 32];

	if (ok)
		why[0] = '\0';
	else if (d->code)
		snprintf(why, sizeof(why), "HTTP %ld", d->code);
	else
		snprintf(why, sizeof(why), "%s",
			 d->private_err[0] ? d->private_err : d->err[0] ? d->err : "no answer");
	struct db_value p[7] = { DBV_TEXT(status), DBV_INT(d->attempts + 1),
				 DBV_INT(now + backoff_s[d->attempts < HOOK_ATTEMPTS ? d->attempts : 0] * 1000),
				 DBV_INT(d->code), DBV_TEXT(why), DBV_INT(ok ? now : 0), DBV_INT(d->id) };
	db_exec(db, "UPDATE webhook_deliveries SET status = ?, attempts = ?, next_at = ?, "
		    "last_code = ?, last_error = ?, delivered_at = ? WHERE id = ?", p, 7);
}

static void result_done(void *arg)
{
	struct delivery *d = arg;
	struct api_webhooks *w = d->w;

	w->inflight--;
	delivery_free(d);
	api_webhooks_kick(w->api);
}

static void check_done(struct api_webhooks *w)
{
	CURLMsg *m;
	int left;

	while ((m = curl_multi_info_read(w->multi, &left))) {
		struct delivery *d;
		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&d);
		curl_easy_getinfo(m->easy_handle, CURLINFO_RESPONSE_CODE, &d->code);
		curl_multi_remove_handle(w->multi, d->easy);
		curl_easy_cleanup(d->easy);
		d->easy = NULL;
		sending_unlink(d);
		if (d->code >= 200 && d->code < 300)
			w->delivered++;
		else
			log_info("api", "webhook delivery %lld to %s: %s%ld (attempt %d)",
				 (long long)d->id, d->url, d->code ? "HTTP " : d->err, d->code,
				 d->attempts + 1);
		if (d->attempts + 1 >= HOOK_ATTEMPTS && !(d->code >= 200 && d->code < 300))
			w->failed++;
		if (store_submit(w->api->store, result_op, result_done, d)) {
			w->inflight--;
			delivery_free(d);
		}
	}
}

/* ---- libcurl on our loop ---- */

static void on_fd(int fd, unsigned events, void *arg)
{
	struct api_webhooks *w = arg;
	int running, flags = (events & LOOP_READ ? CURL_CSELECT_IN : 0) |
			     (events & LOOP_WRITE ? CURL_CSELECT_OUT : 0) |
			     (events & LOOP_ERROR ? CURL_CSELECT_ERR : 0);

	curl_multi_socket_action(w->multi, fd, flags, &running);
	check_done(w);
}

static int on_socket(CURL *e, curl_socket_t s, int what, void *userp, void *socketp)
{
	struct api_webhooks *w = userp;
	unsigned ev = (what & CURL_POLL_IN ? LOOP_READ : 0) | (what & CURL_POLL_OUT ? LOOP_WRITE : 0);

	if (what == CURL_POLL_REMOVE) {
		if (socketp)
			loop_fd_del(w->api->loop, s);
		curl_multi_assign(w->multi, s, NULL);
		return 0;
	}
	if (socketp) {
		loop_fd_mod(w->api->loop, s, ev);
	} else if (!loop_fd_add(w->api->loop, s, ev, on_fd, w)) {
		curl_multi_assign(w->multi, s, w);
	}
	return 0;
}

static void on_curl_timer(void *arg)
{
	struct api_webhooks *w = arg;
	int running;

	curl_multi_socket_action(w->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_done(w);
}

static int on_timer(CURLM *m, long ms, void *userp)
{
	struct api_webhooks *w = userp;

	timer_cancel(&w->curl_timer);
	if (ms >= 0)
		loop_timer_start(w->api->loop, &w->curl_timer, (uint64_t)ms, on_curl_timer, w);
	return 0;
}

/* ---- sending ---- */

/* Checked at connect time, after DNS: a webhook cannot be pointed at the node itself or
 * the private network (SSRF), not even through a name that resolves there later. */
static curl_socket_t open_socket(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct delivery *d = arg;

	if (!d->w->api->cfg.webhook_private_ok && sockaddr_is_private(&a->addr)) {
		snprintf(d->private_err, sizeof(d->private_err),
			 "the URL resolves to a private or loopback address "
			 "(webhook_private_targets is off)");
		return CURL_SOCKET_BAD;
	}
	return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

static size_t discard_body(char *p, size_t size, size_t n, void *arg)
{
	return size * n; /* the receiver's answer body is not kept */
}

static void send_one(struct api_webhooks *w, struct delivery *d)
{
	char sig[128], hdr[200];
	int64_t ts = (int64_t)(time_wall_ms() / 1000);

	if (api_webhook_sign(d->secret, d->event_id, ts, d->payload, sig, sizeof(sig))) {
		snprintf(d->err, sizeof(d->err), "the webhook's secret is not whsec_<base64>");
		d->attempts = HOOK_ATTEMPTS - 1;
		w->inflight++;
		if (store_submit(w->api->store, result_op, result_done, d)) {
			w->inflight--;
			delivery_free(d);
		}
		return;
	}
	d->hdrs = curl_slist_append(d->hdrs, "Content-Type: application/json");
	snprintf(hdr, sizeof(hdr), "webhook-id: %s", d->event_id);
	d->hdrs = curl_slist_append(d->hdrs, hdr);
	snprintf(hdr, sizeof(hdr), "webhook-timestamp: %lld", (long long)ts);
	d->hdrs = curl_slist_append(d->hdrs, hdr);
	snprintf(hdr, sizeof(hdr), "webhook-signature: %s", sig);
	d->hdrs = curl_slist_append(d->hdrs, hdr);
	d->easy = curl_easy_init();
	curl_easy_setopt(d->easy, CURLOPT_URL, d->url);
	curl_easy_setopt(d->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(d->easy, CURLOPT_POSTFIELDS, d->payload);
	curl_easy_setopt(d->easy, CURLOPT_HTTPHEADER, d->hdrs);
	curl_easy_setopt(d->easy, CURLOPT_TIMEOUT_MS, (long)HOOK_TIMEOUT_MS);
	curl_easy_setopt(d->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(d->easy, CURLOPT_USERAGENT, w->api->cfg.server_name);
	curl_easy_setopt(d->easy, CURLOPT_ERRORBUFFER, d->err);
	curl_easy_setopt(d->easy, CURLOPT_PRIVATE, d);
	curl_easy_setopt(d->easy, CURLOPT_OPENSOCKETFUNCTION, open_socket);
	curl_easy_setopt(d->easy, CURLOPT_OPENSOCKETDATA, d);
	curl_easy_setopt(d->easy, CURLOPT_WRITEFUNCTION, discard_body);
	w->inflight++;
	d->snext = w->sending;
	if (d->snext)
		d->snext->sprevp = &d->snext;
	d->sprevp = &w->sending;
	w->sending = d;
	curl_multi_add_handle(w->multi, d->easy);
}

/* ---- leasing due deliveries ---- */

struct fetch {
	struct api_webhooks *w;
	int want;
	struct delivery *list;
	int64_t backlog;
};

static int due_row(const struct db_row *row, void *arg)
{
	struct fetch *f = arg;
	struct delivery *d = xcalloc(1, sizeof(*d));
	const struct db_value *c = row->cols;

	d->w = f->w;
	d->id = c[0].i;
	d->attempts = (int)c[1].i;
	d->payload = xstrndup(c[2].s ? c[2].s : "", c[2].len);
	d->event_id = xstrndup(c[3].s ? c[3].s : "", c[3].len);
	d->url = xstrndup(c[4].s ? c[4].s : "", c[4].len);
	d->secret = xstrndup(c[5].s ? c[5].s : "", c[5].len);
	d->next = f->list;
	f->list = d;
	return 0;
}

static void fetch_op(struct db *db, void *arg)
{
	struct fetch *f = arg;
	int64_t now = (int64_t)time_wall_ms();
	struct db_value p[2] = { DBV_INT(now), DBV_INT(f->want) };

	db_query(db,
		 "SELECT d.id, d.attempts, d.payload, d.event_id, w.url, w.secret FROM "
		 "webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE "
		 "d.status = 'pending' AND d.next_at <= ? ORDER BY d.next_at, d.id LIMIT ?",
		 p, 2, due_row, f);
	for (struct delivery *d = f->list; d; d = d->next)
		db_exec(db, "UPDATE webhook_deliveries SET next_at = ? WHERE id = ?",
			(struct db_value[]){ DBV_INT(now + HOOK_LEASE_MS), DBV_INT(d->id) }, 2);
	db_query_int(db, "SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'pending'", NULL, 0,
		     &f->backlog);
}

static void fetch_done(void *arg)
{
	struct fetch *f = arg;
	struct api_webhooks *w = f->w;
	struct delivery *d, *next;

	w->fetching = false;
	w->backlog = f->backlog;
	for (d = f->list; d; d = next) {
		next = d->next;
		send_one(w, d);
	}
	free(f);
	if (w->again) {
		w->again = false;
		api_webhooks_kick(w->api);
	}
}

void api_webhooks_kick(struct api *a)
{
	struct api_webhooks *w = a->hooks;
	struct fetch *f;

	if (!w)
		return;
	if (w->fetching) {
		w->again = true;
		return;
	}
	if (w->inflight >= HOOK_PARALLEL)
		return;
	f = xcalloc(1, sizeof(*f));
	f->w = w;
	f->want = HOOK_PARALLEL - w->inflight;
	w->fetching = true;
	if (store_submit(a->store, fetch_op, fetch_done, f)) {
		w->fetching = false;
		free(f);
	}
}

static void on_poll(void *arg)
{
	struct api_webhooks *w = arg;

	api_webhooks_kick(w->api);
	loop_timer_start(w->api->loop, &w->poll, HOOK_POLL_MS, on_poll, w);
}

int api_webhooks_new(struct api *a)
{
	struct api_webhooks *w = xcalloc(1, sizeof(*w));

	w->api = a;
	timer_init(&w->poll);
	timer_init(&w->curl_timer);
	if (!(w->multi = curl_multi_init())) {
		free(w);
		return ENOMEM;
	}
	curl_multi_setopt(w->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
	curl_multi_setopt(w->multi, CURLMOPT_SOCKETDATA, w);
	curl_multi_setopt(w->multi, CURLMOPT_TIMERFUNCTION, on_timer);
	curl_multi_setopt(w->multi, CURLMOPT_TIMERDATA, w);
	a->hooks = w;
	loop_timer_start(a->loop, &w->poll, HOOK_POLL_MS, on_poll, w);
	return 0;
}

/* Sends in flight are dropped: their lease runs out and they are sent again after a restart. */
void api_webhooks_destroy(struct api *a)
{
	struct api_webhooks *w = a->hooks;
	if (!w)
		return;
	timer_cancel(&w->poll);
	timer_cancel(&w->curl_timer);
	while (w->sending)
		delivery_free(w->sending);
	curl_multi_cleanup(w->multi);
	free(w);
	a->hooks = NULL;
}

size_t api_webhooks_backlog(const struct api *a)
{
	return a->hooks ? (size_t)a->hooks->backlog : 0;
}
