/* Live calls for the API: summaries of every call of a tenant, and hanging one up by id. */
#include <errno.h>
#include <string.h>

#include "call/call_int.h"
#include "core/obj.h"
#include "media/media.h"

#define CALL_BATCH 256

static const char *state_text(enum call_state s)
{
	return s == CALL_RINGING ? "ringing" : s == CALL_ANSWERED ? "answered" : "ended";
}

static void info_of(const struct call *c, struct call_info *ci)
{
	struct media_relay_stats ms = { 0 };

	if (c->relay_id)
		media_relay_stats(c->ce->media, c->relay_id, &ms);
	memset(ci, 0, sizeof(*ci));
	ci->uuid = c->uuid;
	ci->state = state_text(c->state);
	ci->caller = c->cdr.caller;
	ci->callee = c->cdr.callee;
	ci->direction = c->cdr.direction;
	ci->codec = c->cdr.codec;
	ci->trunk = c->cdr.trunk;
	ci->tenant_id = c->cdr.tenant_id;
	ci->start_at = c->cdr.start_at;
	ci->answer_at = c->cdr.answer_at;
	for (int i = 0; i < 2; i++) {
		ci->rx_pkts[i] = ms.side[i].rx_pkts;
		ci->tx_pkts[i] = ms.side[i].tx_pkts;
		ci->lost[i] = ms.side[i].lost;
	}
}

void call_foreach(struct call_engine *ce, int64_t tenant_id, call_info_fn *fn, void *arg)
{
	struct hmap_iter it;
	struct hmap_node *n;
	struct call_info ci;

	hmap_iter_init(&it, &ce->dialogs);
	while ((n = hmap_iter_next(&it))) {
		const struct call_leg *leg = container_of(n, struct call_leg, node);
		if (!leg->is_a || (tenant_id && leg->call->cdr.tenant_id != tenant_id))
			continue;
		info_of(leg->call, &ci);
		fn(&ci, arg);
	}
}

int call_hangup(struct call_engine *ce, int64_t tenant_id, const char *uuid, const char *cause)
{
	struct hmap_iter it;
	struct hmap_node *n;

	hmap_iter_init(&it, &ce->dialogs);
	while ((n = hmap_iter_next(&it))) {
		struct call_leg *leg = container_of(n, struct call_leg, node);
		struct call *c = leg->call;
		if (!leg->is_a || strcmp(c->uuid, uuid) ||
		    (tenant_id && c->cdr.tenant_id != tenant_id) || c->state == CALL_ENDED)
			continue;
		obj_ref(c);
		call_end_now(c, cause);
		obj_unref(c);
		return 0;
	}
	return ENOENT;
}
