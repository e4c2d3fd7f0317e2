/*
 * Inside a call's dialogs: the ACK of our 2xx, BYE from either side (the other leg
 * gets one too), re-INVITE and UPDATE answered by us with the SDP that leg already has
 * (the relay follows the new address, so hold to 0.0.0.0 stops media to that side),
 * INFO and OPTIONS answered, and the requests we send: ACK and BYE.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "call/call_int.h"
#include "core/log.h"
#include "core/mem.h"
#include "core/obj.h"
#include "media/media.h"

static int build(struct call_leg *leg, enum sip_method m, uint32_t cseq, const char *extra,
		 const char *ctype, const char *body, struct buf *out)
{
	char branch[40];
	struct sip_request_spec spec = {
		.method = m,
		.ruri = leg->remote_target,
		.from_uri = leg->local_uri,
		.from_tag = leg->local_tag,
		.to_uri = leg->remote_uri,
		.to_tag = leg->remote_tag,
		.call_id = leg->call_id,
		.cseq = cseq,
		.extra_hdrs = extra,
		.content_type = body ? ctype : NULL,
		.body = body,
		.body_len = body ? strlen(body) : 0,
	};
	sip_branch_new(branch);
	return sip_request_build(leg->call->ce->st, out, &spec, leg->peer.proto, branch);
}

int call_leg_send(struct call_leg *leg, enum sip_method m, const char *extra, const char *ctype,
		  const char *body, sip_resp_fn *fn, void *arg, struct sip_tsx **tsxp)
{
	struct buf req;
	int err;

	if (!leg->remote_tag || !leg->remote_target)
		return ENOENT;
	buf_init(&req, SIP_MAX_MSG);
	err = build(leg, m, ++leg->local_cseq, extra, ctype, body, &req);
	if (err) {
		buf_free(&req);
		return err;
	}
	return sip_tsx_send_request(leg->call->ce->st, tsxp, &leg->peer, &req, fn, arg);
}

int call_leg_request(struct call_leg *leg, enum sip_method m, const char *extra,
		     const char *ctype, const char *body, sip_resp_fn *fn, void *arg)
{
	return call_leg_send(leg, m, extra, ctype, body, fn, arg, NULL);
}

void call_send_bye(struct call_leg *leg)
{
	if (leg && call_leg_request(leg, SIP_BYE, leg->route, NULL, NULL, NULL, NULL) == 0)
		log_debug("call", "BYE sent to %s", leg->remote_target);
}

/* The ACK of a 2xx is a transaction of its own (RFC 3261 13.2.2.4): sent as bytes. */
void call_ack_b(struct call_leg *leg, uint32_t cseq)
{
	struct buf ack;

	buf_init(&ack, SIP_MAX_MSG);
	if (build(leg, SIP_ACK, cseq, leg->route, NULL, NULL, &ack) == 0)
		sip_stack_send_raw(leg->call->ce->st, &leg->peer, ack.data, ack.len);
	buf_free(&ack);
}

static struct call_leg *other_leg(struct call *c, const struct call_leg *leg)
{
	if (!leg->is_a)
		return &c->a;
	return c->winner >= 0 ? c->b[c->winner] : NULL;
}

static void on_bye(struct call *c, struct call_leg *leg, struct sip_tsx *tsx)
{
	sip_tsx_reply(tsx, 200, NULL, NULL, NULL, NULL, 0);
	if (c->state == CALL_ANSWERED) {
		call_send_bye(other_leg(c, leg));
		call_end(c, "ANSWERED", "normal clearing", leg->is_a ? "caller" : "callee");
		return;
	}
	/* a BYE from the caller's early dialog: like a CANCEL */
	call_cancel_forks(c, -1);
	if (c->a.tsx) {
		sip_tsx_reply(c->a.tsx, 487, NULL, NULL, NULL, NULL, 0);
		c->a.tsx = obj_unref(c->a.tsx);
	}
	call_end(c, "CANCELLED", "caller hung up while ringing", "caller");
}

/* A new offer inside the dialog: the relay follows it; our answer is what that leg has. */
static void on_reoffer(struct call *c, struct call_leg *leg, struct sip_tsx *tsx,
		       const struct sip_msg *req)
{
	struct call_sdp_info info = { .dir = SDP_SENDRECV };
	struct buf scratch;
	int side = leg->is_a ? 0 : 1;

	if (c->state != CALL_ANSWERED || !leg->sdp || leg->offering) { /* glare: RFC 3261 14.2 */
		sip_tsx_reply(tsx, 491, "Request Pending", "Retry-After: 1\r\n", NULL, NULL, 0);
		return;
	}
	buf_init(&scratch, 0);
	if (req->body.len) {
		if (call_sdp_rewrite(req->body.p, req->body.len, c->media_ip, 0, false, &scratch,
				     &info)) {
			sip_tsx_reply(tsx, 488, NULL, NULL, NULL, NULL, 0);
			buf_free(&scratch);
			return;
		}
		media_relay_set_peer(c->ce->media, c->relay_id, side, &info.peer, info.clock);
		call_hold_update(c, side, &info);
	}
	/* ours towards this leg (to A what we answered it, to B the offer we relayed), with
	 * the direction that answers the new offer: hold gets recvonly */
	const char *ours = leg->is_a ? c->a.sdp : c->b_offer;
	if (!ours || call_sdp_redirect(ours, info.dir, &scratch)) {
		sip_tsx_reply(tsx, 488, NULL, NULL, NULL, NULL, 0);
		buf_free(&scratch);
		return;
	}
	/* an UPDATE without SDP is a refresh; a re-INVITE without one asks for our offer */
	bool sdp = req->body.len || req->method == SIP_INVITE;
	struct buf hdrs;
	buf_init(&hdrs, 0);
	call_timer_refreshed(c, leg, req, &hdrs);
	sip_tsx_reply(tsx, 200, NULL, hdrs.len ? hdrs.data : NULL, sdp ? "application/sdp" : NULL,
		      sdp ? scratch.data : NULL, sdp ? scratch.len : 0);
	buf_free(&hdrs);
	buf_free(&scratch);
	log_info("call", "call %s: %s re-offer from %s answered %s", c->uuid,
		 sip_method_name(req->method), leg->is_a ? "caller" : "callee",
		 sdp_dir_name(sdp_dir_answer(info.dir)));
}

/* INFO (DTMF the other party cannot take as events, or anything else) goes on to the other
 * party as it came. */
static void relay_info(struct call *c, const struct call_leg *leg, const struct sip_msg *req)
{
	struct call_leg *other = c->state == CALL_ANSWERED ? other_leg(c, leg) : NULL;
	char ctype[128];
	char *body;

	if (!other || !req->body.len || !str_copy(req->content_type, ctype, sizeof(ctype)) ||
	    memchr(req->body.p, '\0', req->body.len))
		return;
	body = str_dup(req->body);
	if (call_leg_request(other, SIP_INFO, other->route, ctype, body, NULL, NULL) == 0)
		log_debug("call", "call %s: INFO relayed (%s)", c->uuid, ctype);
	free(body);
}

bool call_dialog_request(struct call_engine *ce, struct sip_tsx *tsx, const struct sip_msg *req,
			 const struct sip_peer *from)
{
	struct call_leg *leg = call_leg_find(ce, req->call_id, req->to.tag);
	struct call *c;

	if (!leg || (leg->remote_tag && !str_eq_cstr(req->from.tag, leg->remote_tag)))
		return false;
	/* Dialog requests are not challenged: they must come from where that leg's party is. */
	if (!sa_eq_addr(&from->addr, &leg->peer.addr))
		return false;
	c = obj_ref(leg->call);
	if (!tsx) { /* ACK */
		if (leg->is_a) {
			c->acked = true;
			timer_cancel(&c->t_ok);
		}
	} else if (req->method == SIP_BYE) {
		on_bye(c, leg, tsx);
	} else if (req->method == SIP_INVITE || req->method == SIP_UPDATE) {
		on_reoffer(c, leg, tsx, req);
	} else if (req->method == SIP_REFER) {
		call_refer(c, leg, tsx, req);
	} else if (req->method == SIP_INFO) {
		sip_tsx_reply(tsx, 200, NULL, NULL, NULL, NULL, 0);
		if (!call_dtmf_info(c, leg, req))
			relay_info(c, leg, req);
	} else if (req->method == SIP_OPTIONS || req->method == SIP_NOTIFY) {
		sip_tsx_reply(tsx, 200, NULL, NULL, NULL, NULL, 0);
	} else {
		sip_tsx_reply(tsx, 501, NULL, "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, REFER\r\n",
			      NULL, NULL, 0);
	}
	obj_unref(c);
	return true;
}
