/*
 * Webhooks of a tenant: the resource (URL, signing secret shown once, event
 * filter), the persisted queue of deliveries (one row per webhook and event,
 * written before anything is sent, so a restart loses none) and its log.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/resource.h"
#include "api/webhooks.h"
#include "core/mem.h"
#include "core/time.h"
#include "store/db.h"
#include "store/store.h"

#define BIG INT64_MAX

static bool events_ok(const char *s)
{
	return strlen(s) < 256 && strspn(s, "abcdefghijklmnopqrstuvwxyz._*,") == strlen(s);
}

static bool secret_ok(const char *s)
{
	return !strncmp(s, "whsec_", 6) && strlen(s) >= 6 + 24;
}

static bool webhook_prepare(struct db *db, struct api_ctx *c, json_t *row, bool create)
{
	unsigned char raw[24];
	char b64[64];

	if (!create || json_object_get(row, "secret"))
		return true;
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(b64, sizeof(b64), raw, sizeof(raw), sodium_base64_VARIANT_ORIGINAL);
	c->extra = xcalloc(1, 80);
	c->extra_free = free;
	snprintf(c->extra, 80, "whsec_%s", b64);
	json_object_set_new(row, "secret", json_string(c->extra));
	return true;
}

static const struct api_field webhook_fields[] = {
	{ .name = "id", .type = FT_INT, .flags = FF_RO | FF_SORT, .min = 0, .max = BIG },
	{ .name = "tenant_id", .type = FT_INT, .flags = FF_RO, .min = 0, .max = BIG },
	{ .name = "url", .type = FT_TEXT, .flags = FF_REQUIRED, .min = 1, .max = 2000, .check = api_check_url, .hint = "an http:// or https:// URL" },
	{ .name = "secret", .type = FT_TEXT, .flags = FF_WRITEONLY, .min = 30, .max = 100, .check = secret_ok, .hint = "whsec_ and base64 of 24+ bytes" },
	{ .name = "events", .type = FT_TEXT, .flags = 0, .min = 1, .max = 255, .check = events_ok, .hint = "comma-separated types or patterns: call.*" },
	{ .name = "enabled", .type = FT_BOOL, .flags = FF_FILTER, .min = 0, .max = 1 },
	{ .name = "created_at", .type = FT_INT, .flags = FF_RO | FF_SORT, .min = 0, .max = BIG },
	{ .name = "updated_at", .type = FT_INT, .flags = FF_RO, .min = 0, .max = BIG },
	{ .name = NULL },
};

const struct api_resource api_res_webhooks = {
	.name = "webhooks", .table = "webhooks", .object = "webhook", .tenant_col = "tenant_id",
	.fields = webhook_fields, .ops = ACT_LIST | ACT_GET | ACT_CREATE | ACT_UPDATE | ACT_DELETE,
	.prepare = webhook_prepare, .changes = -1, .create_secret = "secret",
};

/* ---- queueing ---- */

struct hook_event {
	struct api *api;
	int64_t tenant_id;
	char type[64], id[64];
	char *json; /* owned */
	json_t *ids; /* webhooks that want it (store thread) */
	int queued;
};

static int hook_row(const struct db_row *row, void *arg)
{
	struct hook_event *e = arg;
	char events[256];

	db_value_copy(&row->cols[1], events, sizeof(events));
	/* Deliveries are inserted once the SELECT has finished. */
	if (api_event_type_matches(events, e->type))
		json_array_append_new(e->ids, json_integer(row->cols[0].i));
	return 0;
}

static void queue_op(struct db *db, void *arg)
{
	struct hook_event *e = arg;
	size_t i;
	json_t *v;

	e->ids = json_array();
	db_query(db, "SELECT id, events FROM webhooks WHERE tenant_id = ? AND enabled = 1",
		 (struct db_value[]){ DBV_INT(e->tenant_id) }, 1, hook_row, e);
	json_array_foreach(e->ids, i, v) {
		int64_t now = (int64_t)time_wall_ms();
		struct db_value p[7] = { DBV_INT(json_integer_value(v)), DBV_INT(e->tenant_id),
					 DBV_TEXT(e->id), DBV_TEXT(e->type), DBV_TEXT(e->json),
					 DBV_INT(now), DBV_INT(now) };
		if (!db_exec(db, "INSERT INTO webhook_deliveries (webhook_id, tenant_id, event_id, "
				 "event_type, payload, next_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
			     p, 7))
			e->queued++;
	}
	json_decref(e->ids);
}

static void queue_done(void *arg)
{
	struct hook_event *e = arg;

	if (e->queued)
		api_webhooks_kick(e->api);
	free(e->json);
	free(e);
}

void api_webhooks_queue(struct api *a, int64_t tenant_id, const char *type, const char *id,
			const char *json)
{
	struct hook_event *e;

	if (!tenant_id)
		return;
	e = xcalloc(1, sizeof(*e));
	e->api = a;
	e->tenant_id = tenant_id;
	snprintf(e->type, sizeof(e->type), "%s", type);
	snprintf(e->id, sizeof(e->id), "%s", id);
	e->json = xstrdup(json);
	if (store_submit(a->store, queue_op, queue_done, e)) {
		free(e->json);
		free(e);
	}
}

/* ---- delivery log ---- */

static const struct api_field delivery_fields[] = {
	{ .name = "id", .type = FT_INT, .flags = FF_RO }, { .name = "webhook_id", .type = FT_INT, .flags = FF_RO }, { .name = "event_id", .type = FT_TEXT, .flags = FF_RO },
	{ .name = "event_type", .type = FT_TEXT, .flags = FF_RO }, { .name = "status", .type = FT_TEXT, .flags = FF_RO },
	{ .name = "attempts", .type = FT_INT, .flags = FF_RO }, { .name = "next_at", .type = FT_INT, .flags = FF_RO }, { .name = "last_code", .type = FT_INT, .flags = FF_RO },
	{ .name = "last_error", .type = FT_TEXT, .flags = FF_RO }, { .name = "created_at", .type = FT_INT, .flags = FF_RO },
	{ .name = "delivered_at", .type = FT_INT, .flags = FF_RO }, { .name = NULL },
};

static const struct api_resource deliveries = {
	.name = "webhooks", .table = "webhook_deliveries", .object = "delivery",
	.tenant_col = "tenant_id", .fields = delivery_fields, .changes = -1,
};

static void deliveries_op(struct db *db, struct api_ctx *c)
{
	json_t *hook = api_res_load(db, &api_res_webhooks, c->id, c->scope), *items;

	if (!hook) {
		api_fail(c, 404, "not_found", "no webhook %lld", (long long)c->id);
		return;
	}
	json_decref(hook);
	items = json_array();
	api_res_rows(db, &deliveries,
		     "SELECT id, webhook_id, event_id, event_type, status, attempts, next_at, "
		     "last_code, last_error, created_at, delivered_at FROM webhook_deliveries "
		     "WHERE webhook_id = ? ORDER BY id DESC LIMIT 100",
		     (struct db_value[]){ DBV_INT(c->id) }, 1, items);
	c->result = json_pack("{s:o}", "items", items);
	c->status = 200;
}

void api_webhooks_deliveries(struct http_req *r, void *arg)
{
	struct api_ctx *c = api_route_ctx(r, arg, "webhooks", ACT_GET, deliveries_op, NULL);
	if (c)
		api_run(c);
}
