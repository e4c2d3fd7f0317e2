/*
 * The API's life and every request's path: body parsed on the loop, caller
 * authenticated and confined to a tenant on the store thread (in one place,
 * for every route), the handler's database step in the same operation, then
 * the reply (and cache refresh) back on the loop.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "api/resource.h"
#include "core/log.h"
#include "core/mem.h"
#include "core/workers.h"
#include "jobs/jobs.h"
#include "store/store.h"

void api_fail(struct api_ctx *c, unsigned status, const char *code, const char *fmt, ...)
{
	va_list ap;

	if (c->status >= 400)
		return; /* the first reason wins */
	c->status = status;
	snprintf(c->code, sizeof(c->code), "%s", code);
	va_start(ap, fmt);
	vsnprintf(c->msg, sizeof(c->msg), fmt, ap);
	va_end(ap);
	json_decref(c->result);
	c->result = NULL;
}

static void ctx_free(struct api_ctx *c)
{
	json_decref(c->body);
	json_decref(c->query);
	json_decref(c->result);
	buf_free(&c->text);
	if (c->extra_free)
		c->extra_free(c->extra);
	free(c->token);
	free(c);
}

void api_ctx_done(struct api_ctx *c)
{
	ctx_free(c);
}

void api_reply(struct api_ctx *c)
{
	if (c->status == 401)
		http_reply_header(c->r, "WWW-Authenticate", "Bearer");
	if (c->status >= 400 && c->result) /* an error with details (scenario validation) */
		http_reply_json(c->r, c->status, json_incref(c->result));
	else if (c->status >= 400 || !c->status)
		http_reply_error(c->r, c->status ? c->status : 500, c->code[0] ? c->code : "internal",
				 "%s", c->msg[0] ? c->msg : "no reply was made");
	else if (c->text.len)
		http_reply_json_text(c->r, c->status, c->text.data, c->text.len);
	else if (c->status == 204 || !c->result)
		http_reply(c->r, c->status, NULL, "", 0);
	else
		http_reply_json(c->r, c->status, json_incref(c->result));
	ctx_free(c);
}

static void query_copy(const char *key, const char *value, void *arg)
{
	json_object_set_new(arg, key, json_string(value ? value : ""));
}

static bool parse_body(struct api_ctx *c)
{
	size_t len;
	const char *body = http_req_body(c->r, &len);
	json_error_t e;

	if (!len)
		return true;
	c->body = json_loadb(body, len, JSON_REJECT_DUPLICATES, &e);
	if (!c->body) {
		api_fail(c, 400, "bad_json", "the body is not JSON: %s at line %d column %d", e.text,
			 e.line, e.column);
		return false;
	}
	if (!json_is_object(c->body)) {
		api_fail(c, 400, "bad_json", "the body must be a JSON object");
		return false;
	}
	return true;
}

/* The credential: a bearer token, else the web UI's session cookie. */
static void take_token(struct api_ctx *c)
{
	const char *auth = http_req_header(c->r, "Authorization");
	const char *cookie = http_req_cookie(c->r, "zv_session");

	if (auth && !strncasecmp(auth, "Bearer ", 7) && strlen(auth + 7) < 200)
		c->token = xstrdup(auth + 7);
	else if (cookie && strlen(cookie) < 200)
		c->token = xstrdup(cookie);
}

struct api_ctx *api_ctx_new_raw(struct api *a, struct http_req *r)
{
	struct api_ctx *c = xcalloc(1, sizeof(*c));
	const char *ua = http_req_header(r, "User-Agent");

	c->api = a;
	c->r = r;
	c->query = json_object();
	snprintf(c->ip, sizeof(c->ip), "%s", http_req_ip(r));
	snprintf(c->ua, sizeof(c->ua), "%s", ua ? ua : "");
	http_req_query_each(r, query_copy, c->query);
	take_token(c);
	return c;
}

struct api_ctx *api_ctx_new(struct api *a, struct http_req *r)
{
	struct api_ctx *c = api_ctx_new_raw(a, r);

	if (!parse_body(c)) {
		api_reply(c);
		return NULL;
	}
	return c;
}

struct api_ctx *api_route_ctx(struct http_req *r, void *arg, const char *perm,
			      enum api_action act, api_db_fn *db_fn, api_live_fn *live_fn)
{
	struct api_ctx *c = api_ctx_new(arg, r);

	if (!c)
		return NULL;
	c->perm = perm;
	c->act = act;
	c->db_fn = db_fn;
	c->live_fn = live_fn;
	if (http_req_param(r, "id") && !(c->id = api_path_id(r))) {
		api_fail(c, 404, "not_found", "no such object in %s", perm);
		api_reply(c);
		return NULL;
	}
	return c;
}

int64_t api_path_id(struct http_req *r)
{
	const char *s = http_req_param(r, "id");
	char *end;
	long long v;

	if (!s || *s < '1' || *s > '9' || strlen(s) > 18)
		return 0;
	v = strtoll(s, &end, 10);
	return *end ? 0 : v;
}

/* The operator works across tenants, optionally narrowed by ?tenant_id=; others in their own. */
static bool scope_of(struct api_ctx *c)
{
	const char *t = json_string_value(json_object_get(c->query, "tenant_id"));
	char *end;

	if (c->who.role != ROLE_OPERATOR) {
		c->scope = c->who.tenant_id;
		return true;
	}
	c->scope = 0;
	if (!t)
		return true;
	c->scope = strtoll(t, &end, 10);
	if (*end || c->scope <= 0) {
		api_fail(c, 400, "invalid_query", "tenant_id must be a positive integer");
		return false;
	}
	return true;
}

static const char *perm_name(const struct api_ctx *c)
{
	return c->res ? c->res->name : c->perm ? c->perm : "";
}

static void auth_op(struct db *db, void *arg)
{
	struct api_ctx *c = arg;

	if (!c->token || api_auth_lookup(db, c->token, true, &c->who)) {
		api_fail(c, 401, "unauthenticated", "a valid API token or login session is needed");
		return;
	}
	if (!scope_of(c))
		return;
	if (c->who.read_only && c->act != ACT_LIST && c->act != ACT_GET) {
		api_fail(c, 403, "forbidden", "this token may only read");
		return;
	}
	if (!api_allowed(&c->who, perm_name(c), c->act)) {
		api_fail(c, 403, "forbidden", "role %s may not do this on %s",
			 api_role_name(c->who.role), perm_name(c));
		return;
	}
	if (c->db_fn)
		c->db_fn(db, c);
}

static void auth_done(void *arg)
{
	struct api_ctx *c = arg;
	struct api_host *h = &c->api->host;

	if (c->status < 400 && c->live_fn) {
		c->live_fn(c);
		return; /* the live step replies */
	}
	if (c->status < 400 && c->changed_set && c->changed_key[0] && h->extension_changed)
		h->extension_changed(h->arg, c->changed_tenant, c->changed_key);
	else if (c->status < 400 && c->changed_set && h->changed)
		h->changed(h->arg, c->changed, c->changed_tenant);
	api_reply(c);
}

void api_run(struct api_ctx *c)
{
	if (store_submit(c->api->store, auth_op, auth_done, c)) {
		api_fail(c, 503, "unavailable", "the server is stopping");
		api_reply(c);
	}
}

static void health_route(struct http_req *r, void *arg)
{
	http_reply(r, 200, "text/plain", "ok\n", 3);
}

const struct http_route api_routes[] = {
	{ "GET", "/healthz", health_route, 0 },
	{ "GET", "/metrics", api_metrics_route, 0 },
	{ "GET", "/api/v1/openapi.json", api_openapi_route, 0 },
	{ "POST", "/api/v1/auth/login", api_auth_routes_login, 0 },
	{ "POST", "/api/v1/auth/logout", api_auth_routes_logout, 0 },
	{ "GET", "/api/v1/auth/me", api_auth_routes_me, 0 },
	{ "POST", "/api/v1/auth/password", api_auth_routes_password, 0 },
	{ "GET", "/api/v1/events", api_events_route, 0 },
	{ "GET", "/api/v1/calls", api_live_calls_list, 0 },
	{ "POST", "/api/v1/calls", api_live_calls_originate, 0 },
	{ "DELETE", "/api/v1/calls/{id}", api_live_calls_hangup, 0 },
	{ "GET", "/api/v1/registrations", api_live_registrations, 0 },
	{ "GET", "/api/v1/cdrs/export", api_cdrs_export, 0 },
	{ "POST", "/api/v1/tokens", api_tokens_create, 0 },
	{ "DELETE", "/api/v1/tokens/{id}", api_tokens_revoke, 0 },
	{ "GET", "/api/v1/webhooks/{id}/deliveries", api_webhooks_deliveries, 0 },
	{ "POST", "/api/v1/scenarios", api_scenarios_save, 0 },
	{ "GET", "/api/v1/scenarios/{id}/versions", api_scenarios_versions, 0 },
	{ "GET", "/api/v1/scenarios/{id}/versions/{version}", api_scenarios_versions, 0 },
	{ "POST", "/api/v1/chats/summary", api_jobs_chat_summary, 0 },
	{ "POST", "/api/v1/texts/summary", api_jobs_text_summary, 0 },
	{ "POST", "/api/v1/tts", api_jobs_tts, 0 },
	{ "POST", "/api/v1/transcriptions", api_jobs_transcribe, HTTP_ROUTE_UPLOAD },
	{ "GET", "/api/v1/jobs/{id}", api_jobs_get, 0 },
	{ "DELETE", "/api/v1/jobs/{id}", api_jobs_cancel, 0 },
	{ "GET", "/api/v1/jobs/{id}/audio", api_jobs_audio, 0 },
	{ "GET", "/api/v1/usage", api_usage_route, 0 },
	{ "GET", "/api/v1/transcripts", api_transcripts_search, 0 },
	{ "GET", "/api/v1/prompts", api_prompts_list, 0 },
	{ "GET", "/api/v1/prompts/{name}", api_prompts_get, 0 },
	{ "PUT", "/api/v1/prompts/{name}", api_prompts_put, HTTP_ROUTE_UPLOAD },
	{ "DELETE", "/api/v1/prompts/{name}", api_prompts_delete, 0 },
	{ "GET", "/api/v1/speech/settings", api_speech_settings_get, 0 },
	{ "PATCH", "/api/v1/speech/settings", api_speech_settings_patch, 0 },
	{ "GET", "/api/v1/recording/settings", api_recording_settings_get, 0 },
	{ "PATCH", "/api/v1/recording/settings", api_recording_settings_patch, 0 },
	{ "GET", "/api/v1/recordings/{id}/audio", api_recordings_audio, 0 },
	{ "DELETE", "/api/v1/recordings/{id}", api_recordings_delete, 0 },
	{ "GET", "/api/v1/{res}", api_res_list, 0 },
	{ "POST", "/api/v1/{res}", api_res_create, 0 },
	{ "GET", "/api/v1/{res}/{id}", api_res_get, 0 },
	{ "PATCH", "/api/v1/{res}/{id}", api_res_update, 0 },
	{ "DELETE", "/api/v1/{res}/{id}", api_res_delete, 0 },
	{ NULL, NULL, NULL, 0 },
};

/* A job reached done or failed: WebSocket clients and webhooks hear of it. */
static void job_finished(void *arg, int64_t tenant_id, const char *type, const char *json)
{
	api_event(arg, tenant_id, type, json_loads(json, 0, NULL));
}

static int jobs_open(struct api *a)
{
	struct jobs_cfg jc = { .spool_dir = a->cfg.jobs_dir, .threads = 2 };

	a->cfg.jobs_dir = NULL; /* borrowed for this call only; jobs keeps its own copy */
	return jobs_new(&a->jobs, a->loop, a->store, &jc, job_finished, a);
}

int api_new(struct api **ap, struct loop *loop, struct store *store, const struct api_cfg *cfg,
	    const struct api_host *host, char *err, size_t errlen)
{
	struct api *a = xcalloc(1, sizeof(*a));
	struct http_cfg hc = {
		.listen = cfg->listen, .port = cfg->port, .tls_cert = cfg->tls_cert,
		.tls_key = cfg->tls_key, .max_body = cfg->max_body,
		.max_upload = cfg->max_upload, .timeout_s = 60,
		.max_conns = 1024, .max_conns_per_ip = 256,
	};
	int rc;

	a->loop = loop;
	a->store = store;
	a->cfg = *cfg;
	a->cfg.prompts_dir = NULL; /* borrowed: the API keeps its own copy */
	a->prompts_dir = xstrdup(cfg->prompts_dir ? cfg->prompts_dir : "./prompts");
	a->prompts_quota_mb = cfg->prompts_quota_mb ? cfg->prompts_quota_mb : 100;
	a->cfg.recordings_dir = NULL;
	a->recordings_dir = xstrdup(cfg->recordings_dir ? cfg->recordings_dir : "./recordings");
	a->host = *host;
	a->https = cfg->tls_cert && *cfg->tls_cert;
	if ((rc = workers_new(&a->workers, loop, cfg->workers)) || (rc = api_limits_new(a)) ||
	    (rc = api_events_new(a)) || (rc = api_webhooks_new(a)) || (rc = jobs_open(a))) {
		snprintf(err, errlen, "cannot start the API: %s", strerror(rc));
		api_destroy(a);
		return rc;
	}
	if ((rc = http_server_new(&a->http, loop, &hc, api_routes, a, err, errlen))) {
		api_destroy(a);
		return rc;
	}
	log_notice("api", "HTTP%s API on %s port %u", a->https ? "S" : "", cfg->listen,
		   http_server_port(a->http));
	*ap = a;
	return 0;
}

void api_destroy(struct api *a)
{
	if (!a)
		return;
	api_events_destroy(a); /* WebSockets are MHD upgrades: closed before MHD stops */
	http_server_destroy(a->http);
	jobs_destroy(a->jobs); /* the store is closed: unfinished jobs are queued at the next start */
	api_webhooks_destroy(a);
	workers_destroy(a->workers);
	api_limits_destroy(a);
	free(a->prompts_dir);
	free(a->recordings_dir);
	free(a);
}

uint16_t api_port(const struct api *a)
{
	return http_server_port(a->http);
}
