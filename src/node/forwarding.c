/*
 * Call forwarding of an extension (do not disturb, always, busy, no answer after N seconds,
 * unavailable = no registered phone), carried out as a small scenario made here from the
 * extension's settings and run like any other: the dial machinery rings the extension, then
 * the target (an extension of the tenant, an outside number by the extension's outbound
 * routes, or its voicemail). The caller is answered only by whoever picks up.
 */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "call/call.h"
#include "core/log.h"
#include "core/obj.h"
#include "node/directory.h"
#include "node/node.h"
#include "node/scenarios.h"

bool node_forwarding_set(const struct dir_user *u)
{
	const struct store_sip_user_row *r = &u->row;
	return r->dnd || r->forward_always[0] || r->forward_busy[0] || r->forward_no_answer[0] ||
	       r->forward_unavailable[0];
}

/* The step that takes a call to target. */
static json_t *target_step(const struct node *n, const struct dir_user *u, const char *target,
			   int timeout)
{
	if (!strcmp(target, "voicemail"))
		return json_pack("{s:s,s:s}", "type", "voicemail", "mailbox", u->row.number);
	bool ext = directory_user(n->dir, u->row.tenant_id, str_c(target)) != NULL;
	return json_pack("{s:s,s:[{s:s}],s:i}", "type", "dial", "targets", ext ? "extension" : "number",
			 target, "timeout", timeout);
}

/* The document: "ring" rings the extension, each failure goes to its target if any. */
static json_t *forwarding_doc(const struct node *n, const struct dir_user *u)
{
	const struct store_sip_user_row *r = &u->row;
	json_t *steps = json_object(), *next = json_object();
	const char *start = "ring";
	int ring_s = r->forward_no_answer[0] ? r->forward_no_answer_s : 0;

	if (ring_s <= 0)
		ring_s = n->set.call_no_answer > 0 ? n->set.call_no_answer : 60;
	if (r->forward_always[0]) {
		json_object_set_new(steps, "always", target_step(n, u, r->forward_always, 60));
		start = "always";
	} else if (r->dnd) {
		if (r->forward_busy[0])
			json_object_set_new(steps, "busy", target_step(n, u, r->forward_busy, 60));
		else
			json_object_set_new(steps, "busy", json_pack("{s:s,s:s}", "type", "hangup",
								     "cause", "busy"));
		start = "busy";
	} else {
		struct { const char *exit, *target; } f[] = {
			{ "busy", r->forward_busy },
			{ "no_answer", r->forward_no_answer },
			{ "failed", r->forward_unavailable },
		};
		for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
			if (!f[i].target[0])
				continue;
			json_object_set_new(steps, f[i].exit, target_step(n, u, f[i].target, 60));
			json_object_set_new(next, f[i].exit, json_string(f[i].exit));
		}
		json_t *ring = json_pack("{s:s,s:[{s:s}],s:i}", "type", "dial", "targets", "extension",
					 r->number, "timeout", ring_s);
		if (json_object_size(next))
			json_object_set(ring, "next", next);
		json_object_set_new(steps, "ring", ring);
	}
	json_decref(next);
	return json_pack("{s:s,s:s,s:o}", "name", "forwarding", "start", start, "steps", steps);
}

static void forwarding_free(void *obj)
{
	struct node_scenario *ns = obj;
	scenario_destroy(ns->s);
}

bool node_call_forwarded(struct node *n, struct sip_tsx *tsx, const struct sip_msg *req,
			 const struct sip_peer *from, const struct call_request *r,
			 const struct dir_user *u)
{
	json_t *doc = forwarding_doc(n, u);
	char *text = json_dumps(doc, JSON_COMPACT);
	struct scenario_errors errs;
	struct scenario *s = NULL;
	int err;

	errs.n = 0;
	err = text ? scenario_load(&s, text, strlen(text), &errs) : ENOMEM;

	json_decref(doc);
	free(text);
	if (err) {
		char line[400] = "";
		if (errs.n)
			scenario_error_format(&errs.e[0], line, sizeof(line));
		log_error("call", "forwarding of %s: %s (ringing it directly)", u->row.number, line);
		return false;
	}
	/* one per call: the call's reference frees it */
	struct node_scenario *ns = obj_new(sizeof(*ns), forwarding_free);
	ns->tenant_id = u->row.tenant_id;
	ns->s = s;
	call_start_scenario(n->calls, tsx, req, from, r, s, ns);
	obj_unref(ns);
	return true;
}
