/*
 * Live events: each event of a tenant goes to the WebSocket clients allowed to
 * see it (their tenant, or every tenant for the operator) whose type filter it
 * passes, and to the tenant's webhooks. Envelope: {id, type, tenant_id, at, data}.
 */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "core/log.h"
#include "core/mem.h"
#include "core/time.h"

#define EVENTS_MAX_CLIENTS 4096

struct ev_client {
	struct ev_client *next, **prevp;
	struct api *api;
	struct http_ws *ws;
	int64_t tenant_id; /* 0: every tenant */
	char types[256];   /* comma-separated patterns ("call.*"); "" = all */
};

struct api_events {
	struct ev_client *clients;
	size_t n;
	uint64_t sent, dropped;
};

int api_events_new(struct api *a)
{
	a->events = xcalloc(1, sizeof(*a->events));
	return 0;
}

void api_events_destroy(struct api *a)
{
	if (!a->events)
		return;
	while (a->events->clients)
		http_ws_close(a->events->clients->ws); /* on_close unlinks it */
	free(a->events);
	a->events = NULL;
}

bool api_event_type_matches(const char *patterns, const char *type)
{
	char buf[256], *save = NULL;

	if (!*patterns)
		return true;
	snprintf(buf, sizeof(buf), "%s", patterns);
	for (char *p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save))
		if (!fnmatch(p, type, 0))
			return true;
	return false;
}

void api_events_push(struct api *a, int64_t tenant_id, const char *type, const char *json)
{
	struct ev_client *c, *next;

	for (c = a->events->clients; c; c = next) {
		next = c->next; /* a send may close (and unlink) c */
		if ((c->tenant_id && c->tenant_id != tenant_id) || !api_event_type_matches(c->types, type))
			continue;
		if (http_ws_send(c->ws, json, strlen(json)))
			a->events->dropped++;
		else
			a->events->sent++;
	}
}

void api_event(struct api *a, int64_t tenant_id, const char *type, json_t *data)
{
	char id[64];
	json_t *env;
	char *text;

	if (!a) {
		json_decref(data);
		return;
	}
	api_random_token("evt_", id, 30);
	env = json_pack("{s:s,s:s,s:I,s:I,s:o}", "id", id, "type", type, "tenant_id",
			(json_int_t)tenant_id, "at", (json_int_t)time_wall_ms(), "data",
			data ? data : json_object());
	text = json_dumps(env, JSON_COMPACT);
	json_decref(env);
	if (!text)
		return;
	api_events_push(a, tenant_id, type, text);
	api_webhooks_queue(a, tenant_id, type, id, text);
	free(text);
}

static void client_opened(struct http_ws *ws, void *arg)
{
	struct ev_client *cl = arg;
	struct api_events *ev = cl->api->events;

	cl->ws = ws;
	cl->next = ev->clients;
	if (cl->next)
		cl->next->prevp = &cl->next;
	cl->prevp = &ev->clients;
	ev->clients = cl;
	ev->n++;
}

static void client_closed(struct http_ws *ws, void *arg)
{
	struct ev_client *c = arg;

	if (c->prevp) {
		*c->prevp = c->next;
		if (c->next)
			c->next->prevp = c->prevp;
		c->api->events->n--;
	}
	free(c);
}

static void client_message(struct http_ws *ws, const char *text, size_t len, void *arg)
{
	/* The feed is one-way; a client's text is read and ignored (pings are answered). */
}

static void events_live(struct api_ctx *c)
{
	struct api_events *ev = c->api->events;
	const char *types = json_string_value(json_object_get(c->query, "types"));
	struct ev_client *cl;

	if (!http_req_is_websocket(c->r)) {
		api_fail(c, 400, "not_websocket", "connect with a WebSocket (Upgrade: websocket)");
		api_reply(c);
		return;
	}
	if (ev->n >= EVENTS_MAX_CLIENTS || (types && strlen(types) >= sizeof(cl->types))) {
		api_fail(c, ev->n >= EVENTS_MAX_CLIENTS ? 503 : 400, "refused",
			 "too many event clients, or a types filter over 255 characters");
		api_reply(c);
		return;
	}
	cl = xcalloc(1, sizeof(*cl));
	cl->api = c->api;
	cl->tenant_id = c->scope;
	snprintf(cl->types, sizeof(cl->types), "%s", types ? types : "");
	if (http_ws_accept(c->r, client_opened, client_message, client_closed, cl)) {
		free(cl);
		api_fail(c, 400, "not_websocket", "bad WebSocket handshake");
		api_reply(c);
		return;
	}
	log_info("api", "events client %s (%s) for tenant %lld", c->ip, c->who.login,
		 (long long)c->scope);
	api_ctx_done(c);
}

void api_events_route(struct http_req *r, void *arg)
{
	struct api_ctx *c = api_ctx_new(arg, r);
	const char *t;

	if (!c)
		return;
	/* Browsers cannot set headers on a WebSocket: the cookie, or ?access_token=. */
	t = json_string_value(json_object_get(c->query, "access_token"));
	if (!c->token && t && strlen(t) < 200)
		c->token = xstrdup(t);
	json_object_del(c->query, "access_token");
	c->perm = "events";
	c->act = ACT_LIST;
	c->live_fn = events_live;
	api_run(c);
}

size_t api_events_clients(const struct api *a)
{
	return a->events ? a->events->n : 0;
}
