/*
 * Call pickup: an extension dials *8 (the oldest call ringing another extension of its
 * tenant) or **NUMBER (the call ringing that extension) and answers it in place of the
 * ringing phones. The picker's INVITE becomes the call's answered B leg: its offer is
 * answered from the relay's B side, the caller's pending INVITE from the A side (each in its
 * own first codec; the relay converts when they differ), the other forks are cancelled.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "call/call_int.h"
#include "core/log.h"
#include "core/mem.h"
#include "core/obj.h"
#include "media/media.h"

/* The oldest plain call of the tenant ringing target (or any extension but picker's). */
static struct call *ringing(struct call_engine *ce, int64_t tenant_id, const char *picker,
			    const char *target)
{
	struct hmap_iter it;
	struct hmap_node *n;
	struct call *best = NULL;

	hmap_iter_init(&it, &ce->dialogs);
	while ((n = hmap_iter_next(&it))) {
		struct call_leg *leg = container_of(n, struct call_leg, node);
		struct call *c = leg->call;
		if (!leg->is_a || c->state != CALL_RINGING || c->ivr || c->a_is_uac || !c->nb ||
		    c->cdr.tenant_id != tenant_id || strcmp(c->cdr.direction, "outbound") == 0 ||
		    !strcmp(c->cdr.caller, picker) || !strcmp(c->cdr.callee, picker))
			continue;
		if (target && strcmp(c->cdr.callee, target))
			continue;
		if (!best || c->cdr.start_at < best->cdr.start_at)
			best = c;
	}
	return best;
}

/* A's answer: our own, in its first codec the engine has. */
static int answer_caller(struct call *c, struct buf *sdp)
{
	struct call_sdp_info none = {.clock = 1, .name = "-"}, a;
	bool transcode;
	int err = call_sdp_answer_a(c->a_offer, &none, c->media_ip, c->port_a, sdp, &a, &transcode);

	if (!err)
		err = call_set_codec(c, 0, &a);
	if (!err)
		snprintf(c->cdr.codec, sizeof(c->cdr.codec), "%s", a.codec);
	return err;
}

int call_pickup(struct call_engine *ce, struct sip_tsx *tsx, const struct sip_msg *req,
		const struct sip_peer *from, int64_t tenant_id, const char *picker,
		const char *target)
{
	struct call *c = ringing(ce, tenant_id, picker, target);
	struct call_sdp_info codec, peer;
	char contact[SA_ADDRSTRLEN + 96];
	struct buf ans_b, ans_a;

	if (!c || !c->a_offer || !c->relay_id || c->nb >= CALL_MAX_FORKS)
		return ENOENT;
	if (!req->body.len) {
		sip_tsx_reply(tsx, 488, "SDP Offer Required", NULL, NULL, NULL, 0);
		return 0;
	}
	buf_init(&ans_b, 0);
	buf_init(&ans_a, 0);
	if (call_answer_offer(c, 1, req, &ans_b, &codec, &peer) || answer_caller(c, &ans_a)) {
		sip_tsx_reply(tsx, 488, NULL, NULL, NULL, NULL, 0);
		buf_free(&ans_b);
		buf_free(&ans_a);
		return 0;
	}
	struct call_leg *b = xcalloc(1, sizeof(*b));
	b->call = c;
	b->local_cseq = 1;
	if (call_leg_uas_init(b, tsx, req, from)) {
		call_leg_free(b);
		sip_tsx_reply(tsx, 400, "Missing Contact", NULL, NULL, NULL, 0);
		buf_free(&ans_b);
		buf_free(&ans_a);
		return 0;
	}
	b->sdp = str_dup(req->body);
	b->local_sdp = xstrndup(ans_b.data, ans_b.len);
	b->status = 200;
	obj_ref(c);
	c->b[c->nb] = b;
	c->winner = (int)c->nb++;
	call_leg_link(ce, b);
	call_contact_hdr(c, from->proto, contact, sizeof(contact));
	sip_tsx_reply(tsx, 200, NULL, contact, "application/sdp", ans_b.data, ans_b.len);
	call_repoint(c, 1, &peer, &codec, &from->addr);
	if (strcmp(c->cdr.codec, codec.codec))
		snprintf(c->cdr.codec + strlen(c->cdr.codec), sizeof(c->cdr.codec) - strlen(c->cdr.codec),
			 ">%.15s", codec.codec);
	call_cancel_forks(c, c->winner);
	timer_cancel(&c->t_noanswer);
	log_info("call", "call %s %s -> %s picked up by %s", c->uuid, c->cdr.caller, c->cdr.callee,
		 picker);
	call_answer_now(c, &ans_a);
	buf_free(&ans_b);
	buf_free(&ans_a);
	obj_unref(c);
	return 0;
}
