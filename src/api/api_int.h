/* Inside api/: the request context, principals, roles and the resource descriptor. */
#ifndef API_API_INT_H
#define API_API_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "api/api.h"
#include "http/http.h"

struct db;
struct workers;
struct api_events;
struct api_webhooks;
struct jobs;

enum api_role { ROLE_NONE = 0, ROLE_READONLY, ROLE_AGENT, ROLE_SUPERVISOR, ROLE_ADMIN, ROLE_OWNER,
		ROLE_OPERATOR };

enum api_action { ACT_LIST = 1u << 0, ACT_GET = 1u << 1, ACT_CREATE = 1u << 2,
		  ACT_UPDATE = 1u << 3, ACT_DELETE = 1u << 4 };

struct api_principal {
	int64_t user_id;
	int64_t tenant_id; /* 0: platform operator */
	enum api_role role;
	char login[64];
	int64_t token_id;  /* 0: a login session */
	bool read_only;    /* a read-scoped token */
};

struct api_login_limit;

struct api {
	struct loop *loop;           /* borrowed */
	struct store *store;         /* borrowed */
	struct http_server *http;    /* owned */
	struct workers *workers;     /* owned */
	struct api_events *events;   /* owned */
	struct api_webhooks *hooks;  /* owned */
	struct api_login_limit *limit; /* owned */
	struct jobs *jobs;           /* owned: the speech job queue */
	struct api_host host;
	struct api_cfg cfg;
	char *prompts_dir;	     /* owned: <data_dir>/prompts, a directory per tenant */
	char *recordings_dir;	     /* owned: <data_dir>/recordings, a directory per tenant */
	unsigned prompts_quota_mb;
	bool https;
};

struct api_ctx;
typedef void(api_db_fn)(struct db *db, struct api_ctx *c);   /* store thread */
typedef void(api_live_fn)(struct api_ctx *c);                /* control thread */

struct api_resource;

/* One request's journey: parsed on the loop, authenticated and run on the store thread. */
struct api_ctx {
	struct api *api;
	struct http_req *r;
	struct api_principal who;
	json_t *body;              /* owned: the parsed JSON body (POST, PATCH), else NULL */
	json_t *query;             /* owned: the query arguments as an object of strings */
	char ip[64], ua[256];      /* the client's address and User-Agent, for the audit log */
	char *token;               /* owned: bearer token or session id presented */
	const struct api_resource *res;
	const char *perm;          /* permission name when res is NULL (calls, registrations) */
	enum api_action act;
	int64_t id;                /* the {id} of the path, 0 when none */
	int64_t scope;             /* tenant the request is confined to; 0 = every (operator) */
	api_db_fn *db_fn;          /* runs after authentication when set */
	api_live_fn *live_fn;      /* then this, on the loop, when set and nothing failed */
	unsigned status;           /* reply: set by whoever decided it */
	json_t *result;            /* owned: reply body */
	struct buf text;           /* or the reply body as JSON text already (lists) */
	char code[32], msg[256];   /* error reply when status >= 400 */
	enum api_change changed;   /* a cached table was written (when changed_set) */
	bool changed_set;
	int64_t changed_tenant;
	char changed_key[64];      /* the key_col value of the one row written, when the
				    * resource has one: the node refreshes just that entry */
	void *extra;               /* owned by the handler that set it (freed by extra_free) */
	void (*extra_free)(void *);
};

/* api.c */
void api_fail(struct api_ctx *c, unsigned status, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void api_reply(struct api_ctx *c); /* sends status/result or the error, frees c */
void api_ctx_done(struct api_ctx *c); /* frees c after the handler replied by itself */
/* Authenticates on the store thread, then runs db_fn there and live_fn on the loop. */
void api_run(struct api_ctx *c);
struct api_ctx *api_ctx_new(struct api *a, struct http_req *r);
/* The same without parsing the body as JSON (uploads: chat exports). */
struct api_ctx *api_ctx_new_raw(struct api *a, struct http_req *r);
int64_t api_path_id(struct http_req *r); /* {id} as a positive integer, 0 if none/bad */
/* A route's context: what it does and under which permission; a path {id} that is not a
 * positive integer is answered 404 here. NULL when the reply has been made already. */
struct api_ctx *api_route_ctx(struct http_req *r, void *arg, const char *perm,
			      enum api_action act, api_db_fn *db_fn, api_live_fn *live_fn);

/* perm.c */
bool api_allowed(const struct api_principal *who, const char *resource, enum api_action act);
enum api_role api_role_parse(const char *s);
const char *api_role_name(enum api_role r);

/* auth.c (store thread): the principal a token or session id stands for; ENOENT if none. */
int api_auth_lookup(struct db *db, const char *token, bool bearer, struct api_principal *out);
void api_auth_routes_login(struct http_req *r, void *arg);
void api_auth_routes_logout(struct http_req *r, void *arg);
void api_auth_routes_me(struct http_req *r, void *arg);
void api_auth_routes_password(struct http_req *r, void *arg);

/* auth_session.c: at least the minimum length (else 400 on c). */
bool api_password_acceptable(struct api_ctx *c, const char *pw);

/* secret.c */
void api_random_token(const char *prefix, char *out, size_t len); /* prefix + 43 chars b64url */
void api_sha256_hex(const char *s, char out[65]);
int api_password_hash(const char *password, char out[128]);
bool api_password_verify(const char *hash, const char *password);

/* audit.c (store thread): appends to the tenant's chain. before/after may be NULL. */
void api_audit(struct db *db, const struct api_ctx *c, int64_t tenant_id, const char *action,
	       const char *object_type, const char *object_id, json_t *before, json_t *after);

/* body.c: fields of a request body, type checks with the field named in the error. */
bool api_json_str(struct api_ctx *c, json_t *obj, const char *key, bool required, size_t max,
		  const char **out);
/* c->body's optional integer key within [lo, hi] (*out untouched when absent). */
bool api_json_int(struct api_ctx *c, const char *key, json_int_t lo, json_int_t hi,
		  json_int_t *out);
/* c->body has no key outside keys (NULL-terminated); list names them for the message. */
bool api_json_only_keys(struct api_ctx *c, const char *const *keys, const char *list);

/* events.c / webhooks.c */
int api_events_new(struct api *a);
void api_events_destroy(struct api *a);
void api_events_route(struct http_req *r, void *arg);
void api_events_push(struct api *a, int64_t tenant_id, const char *type, const char *json);
size_t api_events_clients(const struct api *a);
/* A type against comma-separated fnmatch patterns ("call.*,registration.changed"); "" = all.
 * The WebSocket ?types= filter and a webhook's events both use it. */
bool api_event_type_matches(const char *patterns, const char *type);
int api_webhooks_new(struct api *a);
void api_webhooks_destroy(struct api *a);
void api_webhooks_queue(struct api *a, int64_t tenant_id, const char *type, const char *id,
			const char *json);
size_t api_webhooks_backlog(const struct api *a);

/* limits.c: failed logins per client address */
int api_limits_new(struct api *a);
void api_limits_destroy(struct api *a);
bool api_limits_blocked(struct api *a, const char *ip); /* too many failures lately */
void api_limits_failed(struct api *a, const char *ip);

/* live.c: calls and registrations held in memory by the node */
void api_live_calls_list(struct http_req *r, void *arg);
void api_live_calls_originate(struct http_req *r, void *arg);
void api_live_calls_hangup(struct http_req *r, void *arg);
void api_live_registrations(struct http_req *r, void *arg);

/* res_cdrs.c, res_tokens.c, webhooks.c: routes beside the generic ones */
void api_cdrs_export(struct http_req *r, void *arg);
void api_tokens_create(struct http_req *r, void *arg);
void api_tokens_revoke(struct http_req *r, void *arg);
void api_webhooks_deliveries(struct http_req *r, void *arg);
void api_scenarios_save(struct http_req *r, void *arg);
void api_scenarios_versions(struct http_req *r, void *arg);

/* res_jobs.c, res_job_new.c, res_usage.c: speech jobs and their usage */
void api_jobs_get(struct http_req *r, void *arg);
void api_jobs_cancel(struct http_req *r, void *arg);
void api_jobs_audio(struct http_req *r, void *arg);
void api_jobs_chat_summary(struct http_req *r, void *arg);
void api_jobs_text_summary(struct http_req *r, void *arg);
void api_jobs_tts(struct http_req *r, void *arg);
void api_jobs_transcribe(struct http_req *r, void *arg);
void api_usage_route(struct http_req *r, void *arg);
void api_transcripts_search(struct http_req *r, void *arg); /* res_transcripts.c */
/* res_speech_settings.c */
void api_speech_settings_get(struct http_req *r, void *arg);
void api_speech_settings_patch(struct http_req *r, void *arg);

/* res_prompts.c: a tenant's prompt files */
void api_prompts_list(struct http_req *r, void *arg);
void api_prompts_put(struct http_req *r, void *arg);
void api_prompts_get(struct http_req *r, void *arg);
void api_prompts_delete(struct http_req *r, void *arg);

/* res_recordings.c: a recording's file; the tenant's recording settings */
void api_recordings_audio(struct http_req *r, void *arg);
void api_recordings_delete(struct http_req *r, void *arg);
void api_recording_settings_get(struct http_req *r, void *arg);
void api_recording_settings_patch(struct http_req *r, void *arg);

/* metrics.c, openapi.c */
void api_metrics_route(struct http_req *r, void *arg);
void api_openapi_route(struct http_req *r, void *arg);
struct api_route_doc {
	const char *method, *path, *summary;
	const char *body; /* request schema name, or NULL */
	bool auth;
};
extern const struct api_route_doc api_route_docs[]; /* NULL-method terminated */
json_t *api_openapi_build(void);
extern const struct http_route api_routes[];

#endif
