/* Live state the node keeps in memory: calls (list, hang up, click-to-call) and registrations. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "api/api_int.h"
#include "store/store.h"

static void calls_list_live(struct api_ctx *c)
{
	struct api_host *h = &c->api->host;

	c->result = json_pack("{s:o}", "items", h->calls_list ? h->calls_list(h->arg, c->scope)
								: json_array());
	c->status = 200;
	api_reply(c);
}

static void start(struct http_req *r, void *arg, const char *perm, enum api_action act,
		  api_live_fn *fn)
{
	/* not api_route_ctx: a call's {id} is its uuid, not a number */
	struct api_ctx *c = api_ctx_new(arg, r);
	if (!c)
		return;
	c->perm = perm;
	c->act = act;
	c->live_fn = fn;
	api_run(c);
}

void api_live_calls_list(struct http_req *r, void *arg)
{
	start(r, arg, "calls", ACT_LIST, calls_list_live);
}

static void hangup_audit_op(struct db *db, void *arg)
{
	struct api_ctx *c = arg;
	api_audit(db, c, c->scope, "hangup", "call", http_req_param(c->r, "id"), NULL, NULL);
}

static void hangup_audit_done(void *arg)
{
	api_reply(arg);
}

static void hangup_live(struct api_ctx *c)
{
	struct api_host *h = &c->api->host;
	const char *id = http_req_param(c->r, "id");

	if (!h->call_hangup || h->call_hangup(h->arg, c->scope, id)) {
		api_fail(c, 404, "not_found", "no live call %.64s", id);
		api_reply(c);
		return;
	}
	c->status = 204;
	if (store_submit(c->api->store, hangup_audit_op, hangup_audit_done, c))
		api_reply(c);
}

static void originate_audit_op(struct db *db, void *arg)
{
	struct api_ctx *c = arg;
	api_audit(db, c, c->scope, "originate", "call",
		  json_string_value(json_object_get(c->result, "id")), NULL, c->body);
}

/* Click-to-call: {"from": extension, "to": extension or number, "caller_id"?}. */
static void originate_live(struct api_ctx *c)
{
	static const char *const keys[] = { "from", "to", "caller_id", NULL };
	struct api_host *h = &c->api->host;
	const char *from = NULL, *to = NULL, *cid = NULL;
	char id[64], err[160] = "";
	int rc;

	if (!api_json_only_keys(c, keys, "from, to, caller_id") ||
	    !api_json_str(c, c->body, "from", true, 63, &from) ||
	    !api_json_str(c, c->body, "to", true, 63, &to) ||
	    !api_json_str(c, c->body, "caller_id", false, 63, &cid)) {
		api_reply(c);
		return;
	}
	if (!c->scope) {
		api_fail(c, 400, "invalid_query", "the platform operator names the tenant with "
						  "?tenant_id=");
		api_reply(c);
		return;
	}
	if (strspn(to, "0123456789+*#") != strlen(to) || (cid && strspn(cid, "0123456789+") != strlen(cid))) {
		api_fail(c, 400, "invalid", "to and caller_id are numbers (digits, + * #)");
		api_reply(c);
		return;
	}
	rc = h->call_originate ? h->call_originate(h->arg, c->scope, from, to, cid, id, sizeof(id),
						   err, sizeof(err))
			       : ENOSYS;
	if (rc) {
		api_fail(c, rc == ENOENT ? 404 : rc == EHOSTDOWN ? 409 : 503,
			 rc == ENOENT ? "not_found" : rc == EHOSTDOWN ? "not_registered" : "unavailable",
			 "%s", err[0] ? err : "click-to-call is not available");
		api_reply(c);
		return;
	}
	c->result = json_pack("{s:s,s:s,s:s,s:s}", "id", id, "from", from, "to", to, "state",
			      "ringing");
	c->status = 201;
	if (store_submit(c->api->store, originate_audit_op, hangup_audit_done, c))
		api_reply(c);
}

void api_live_calls_originate(struct http_req *r, void *arg)
{
	start(r, arg, "calls", ACT_CREATE, originate_live);
}

void api_live_calls_hangup(struct http_req *r, void *arg)
{
	start(r, arg, "calls", ACT_DELETE, hangup_live);
}

static void registrations_live(struct api_ctx *c)
{
	struct api_host *h = &c->api->host;

	c->result = json_pack("{s:o}", "items",
			      h->registrations_list ? h->registrations_list(h->arg, c->scope)
						    : json_array());
	c->status = 200;
	api_reply(c);
}

void api_live_registrations(struct http_req *r, void *arg)
{
	start(r, arg, "registrations", ACT_LIST, registrations_live);
}
