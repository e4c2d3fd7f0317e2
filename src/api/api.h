/*
 * The REST API (/api/v1), live events and webhooks, metrics. It runs on the
 * control thread over the HTTP server; every database step goes through the
 * store thread; what lives only in memory (calls, registrations, caches) is
 * reached through the host callbacks the node fills in.
 */
#ifndef API_API_H
#define API_API_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"

struct api;
struct loop;
struct store;

/* What a resource change means for the node's caches. */
enum api_change {
	API_CHANGED_DIRECTORY,
	API_CHANGED_TRUNKS,
	API_CHANGED_SCENARIOS,
	API_CHANGED_LISTS,
	API_CHANGED_RECORDING,
};

struct api_host {
	void *arg;
	/* A committed write touched cached tables of this tenant. */
	void (*changed)(void *arg, enum api_change what, int64_t tenant_id);
	/* An extension was created, changed or deleted: refresh that one entry of the cache
	 * (a deleted one also loses its registrations). */
	void (*extension_changed)(void *arg, int64_t tenant_id, const char *number);
	/* Live calls of a tenant (0 = all) as a JSON array (new reference). */
	json_t *(*calls_list)(void *arg, int64_t tenant_id);
	/* Hangs up a live call of the tenant; ENOENT when there is none with that id. */
	int (*call_hangup)(void *arg, int64_t tenant_id, const char *id);
	/* Click-to-call: rings extension, then dials to; id gets the call's id. */
	int (*call_originate)(void *arg, int64_t tenant_id, const char *extension, const char *to,
			      const char *caller_id, char *id, size_t idlen, char *err,
			      size_t errlen);
	/* Registered contacts of a tenant (0 = all) as a JSON array (new reference). */
	json_t *(*registrations_list)(void *arg, int64_t tenant_id);
	/* Prometheus text lines of the node's own counters, appended to out. */
	void (*metrics)(void *arg, struct buf *out);
};

struct api_cfg {
	const char *listen;
	uint16_t port;
	const char *tls_cert, *tls_key;
	const char *server_name;
	unsigned max_body;        /* bytes */
	unsigned max_upload;      /* bytes: audio files to transcribe */
	unsigned session_ttl_s;   /* web UI login sessions */
	unsigned login_fail_limit, login_lock_s; /* per account: failures before a lock, its length */
	unsigned login_ip_rate;   /* failed logins per minute per IP before 429 */
	unsigned workers;         /* password hashing threads */
	bool webhook_private_ok;  /* webhooks may reach loopback/private addresses */
	const char *jobs_dir;     /* speech job outputs (TTS WAVs): <data_dir>/spool/jobs */
	const char *prompts_dir;  /* tenants' prompts: <data_dir>/prompts/<tenant id>/ */
	unsigned prompts_quota_mb;
	const char *recordings_dir; /* recorded calls and messages: <data_dir>/recordings/<tenant>/ */
};

int api_new(struct api **ap, struct loop *loop, struct store *store, const struct api_cfg *cfg,
	    const struct api_host *host, char *err, size_t errlen);
/* Call after the store has delivered its completions (pending replies are dropped). */
void api_destroy(struct api *a);
uint16_t api_port(const struct api *a);

/*
 * An event of a tenant ("call.ringing", "call.answered", "call.ended", "registration.changed",
 * ...): pushed to the tenant's WebSocket clients and queued for its webhooks. data is taken.
 */
void api_event(struct api *a, int64_t tenant_id, const char *type, json_t *data);

/* Platform operator login created on first start; password printed once (like demo ones). */
int api_bootstrap_operator(struct api *a, char *password, size_t len, bool *created);
/* The owner login of a tenant created with it, password printed once. */
int api_bootstrap_owner(struct api *a, int64_t tenant_id, const char *login, char *password,
			size_t len);

/* zvonarctl user password LOGIN: a new random password (printed), unlocks, ends sessions. */
int api_password_reset(struct api *a, const char *login, char *password, size_t len);

#endif
