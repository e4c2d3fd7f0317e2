/*
 * Click-to-call: the node rings an extension's phone first (leg A, where the node is the
 * caller: our own offer from the relay's A side), and when it answers, dials the customer on
 * side B with the dial machinery of scenarios (call_scenario_dial.c: ringback to the agent,
 * the first answer bridged, transcoded if the codecs differ). The CDR is the agent's call to
 * the customer, answered when the agent answered; a customer who does not answer ends the
 * call with the agent's BYE and the dial's disposition.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "call/call_ivr.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/mem.h"
#include "core/obj.h"
#include "core/rand.h"
#include "core/time.h"
#include "media/media.h"
#include "sip/location.h"

/* The codecs we offer the agent's phone, in our order, with telephone-event. */
static void agent_offer(const struct call *c, struct buf *out)
{
	const char *ip6 = strchr(c->media_ip, ':') ? "6" : "4";
	uint64_t id = time_wall_ms();

	buf_reset(out);
	buf_printf(out,
		   "v=0\r\no=zvonar %llu %llu IN IP%s %s\r\ns=zvonar\r\nc=IN IP%s %s\r\nt=0 0\r\n"
		   "m=audio %u RTP/AVP 8 0 9 111 3 101\r\n"
		   "a=rtpmap:8 PCMA/8000\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:9 G722/8000\r\n"
		   "a=rtpmap:111 opus/48000/2\r\na=fmtp:111 useinbandfec=1\r\na=rtpmap:3 GSM/8000\r\n"
		   "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\n"
		   "a=sendrecv\r\n",
		   (unsigned long long)id, (unsigned long long)id, ip6, c->media_ip, ip6,
		   c->media_ip, c->port_a);
}

static void on_agent_timeout(void *arg)
{
	struct call *c = arg;

	if (c->a.tsx && !c->a.cancelled) {
		c->a.cancelled = true;
		sip_tsx_cancel(c->a.tsx, NULL, NULL); /* its 487 ends the call */
	}
}

/* The agent's answer: side A of the relay, then the customer is dialed. */
static int agent_answered(struct call *c, const struct sip_msg *resp)
{
	struct call_ivr *v = c->ivr;
	struct call_sdp_info info;
	struct buf offer;
	int err;

	if (!resp->body.len)
		return EPROTO;
	buf_init(&offer, 0);
	/* the answer, rewritten as our offer to the customer (plus what the relay converts to) */
	err = call_sdp_rewrite(resp->body.p, resp->body.len, c->media_ip, c->port_b, true, &offer,
			       &info);
	if (!err)
		err = call_set_codec(c, 0, &info);
	if (!err) {
		media_relay_set_source(c->ce->media, c->relay_id, 0, &c->a.peer.addr);
		err = media_relay_set_peer(c->ce->media, c->relay_id, 0, &info.peer, info.clock);
	}
	if (!err) {
		free(c->b_offer);
		c->b_offer = xstrndup(offer.data, offer.len);
		snprintf(c->cdr.codec, sizeof(c->cdr.codec), "%s", info.codec);
	}
	buf_free(&offer);
	if (err)
		return err;
	free(c->a.sdp);
	c->a.sdp = str_dup(resp->body);
	call_mark_answered(c);
	/* copies: the dial starts by clearing what the previous one kept */
	char to[64], cid[64];
	snprintf(to, sizeof(to), "%s", v->target[0]);
	snprintf(cid, sizeof(cid), "%s", v->caller_id ? v->caller_id : "");
	struct scenario_target t = { v->is_number[0] ? SCENARIO_TARGET_NUMBER
						     : SCENARIO_TARGET_EXTENSION, to };
	struct scenario_dial d = { .targets = &t, .ntargets = 1, .strategy = SCENARIO_RING_ALL,
				   .timeout = v->dial_timeout_s, .caller_id = cid[0] ? cid : NULL };
	log_info("call", "call %s: %s answered, dialing %s", c->uuid, c->cdr.caller, t.value);
	return call_ivr_dial(v, &d);
}

static void on_agent_response(struct sip_tsx *tsx, const struct sip_msg *resp, uint16_t status,
			      void *arg)
{
	struct call_leg *a = arg;
	struct call *c = a->call;
	char cause[64];

	if (resp && status < 200)
		return;
	if (tsx == a->tsx)
		a->tsx = NULL;
	timer_cancel(&c->t_noanswer);
	if (c->state != CALL_RINGING) {
		if (resp && status < 300)
			call_refuse_2xx(a, resp); /* the call is over (hung up through the API) */
		return;
	}
	if (resp && status < 300) {
		call_leg_learn(a, resp);
		call_ack_b(a, resp->cseq.num);
		if (agent_answered(c, resp) == 0)
			return;
		log_notice("call", "call %s: cannot dial %s", c->uuid, c->cdr.callee);
		call_send_bye(a);
		call_end(c, c->state == CALL_ANSWERED ? "ANSWERED" : "FAILED",
			 "click-to-call: no way to the number", "system");
		return;
	}
	snprintf(cause, sizeof(cause), "%u %s", status, sip_status_reason(status));
	call_end(c, call_failure_disposition(status), cause, "caller");
}

void call_originate_dial_failed(struct call *c, uint16_t status)
{
	char cause[80];

	snprintf(cause, sizeof(cause), "click-to-call: %u %s", status, sip_status_reason(status));
	call_send_bye(&c->a);
	call_end(c, call_failure_disposition(status), cause, "callee");
}

/* Leg A as our own UAC dialog towards the agent's registered contact. */
static void agent_leg(struct call *c, const struct sip_contact *ct,
		      const struct call_originate_req *o)
{
	struct call_leg *a = &c->a;
	char tag[24], id[40], uri[300];

	rand_token(id, 32);
	a->call_id = xstrdup(id);
	sip_tag_new(tag);
	a->local_tag = xstrdup(tag);
	/* the agent's phone shows whom it is about to talk to */
	snprintf(uri, sizeof(uri), "\"%s\" <sip:%s@%s>", o->to, o->to, o->domain);
	a->local_uri = xstrdup(uri);
	snprintf(uri, sizeof(uri), "<sip:%s@%s>", o->extension, o->domain);
	a->remote_uri = xstrdup(uri);
	a->remote_target = xstrdup(ct->uri);
	if (ct->path) {
		size_t n = strlen(ct->path) + 12;
		a->route = xmalloc(n);
		snprintf(a->route, n, "Route: %s\r\n", ct->path);
	}
	a->local_cseq = 1;
	sip_peer_copy(&a->peer, &ct->peer);
}

static void originate_cdr(struct call *c, const struct call_originate_req *o)
{
	struct store_cdr_row *r = &c->cdr;

	r->tenant_id = o->tenant_id;
	snprintf(r->uuid, sizeof(r->uuid), "%s", c->uuid);
	snprintf(r->call_id, sizeof(r->call_id), "%s", c->a.call_id);
	snprintf(r->caller, sizeof(r->caller), "%s", o->extension);
	snprintf(r->caller_name, sizeof(r->caller_name), "click-to-call");
	snprintf(r->callee, sizeof(r->callee), "%s", o->to);
	snprintf(r->direction, sizeof(r->direction), "%s", o->to_is_extension ? "internal" : "outbound");
	r->start_at = (int64_t)time_wall_ms();
}

int call_originate(struct call_engine *ce, const struct call_originate_req *o, char *uuid,
		   size_t size)
{
	const struct sip_aor *aor = ce->resolve ? ce->resolve(ce->arg, o->tenant_id, o->extension) : NULL;
	struct call *c;
	struct call_ivr *v;
	struct buf offer;

	if (!aor || !aor->contacts)
		return ENOENT;
	c = call_new(ce);
	v = xcalloc(1, sizeof(*v));
	v->c = c;
	buf_init(&v->answer, 0);
	timer_init(&v->t_digit);
	timer_init(&v->t_dial);
	v->target[0] = xstrdup(o->to);
	v->is_number[0] = !o->to_is_extension;
	v->ntargets = 1;
	v->dial_timeout_s = o->ring_s ? (int)o->ring_s : 30;
	v->caller_id = o->caller_id && *o->caller_id ? xstrdup(o->caller_id) : NULL;
	v->originate = true;
	c->ivr = v;
	c->a_is_uac = true;
	agent_leg(c, aor->contacts, o);
	originate_cdr(c, o);
	call_leg_link(ce, &c->a);
	if (media_relay_open(ce->media, &c->relay_id, &c->port_a, &c->port_b)) {
		call_end(c, "FAILED", "503 No Media Ports", "system");
		return EAGAIN;
	}
	call_register_relay(c);
	if (ce->cfg.media_ip)
		snprintf(c->media_ip, sizeof(c->media_ip), "%s", ce->cfg.media_ip);
	else
		sa_host_str(&aor->contacts->peer.local, c->media_ip, sizeof(c->media_ip));
	buf_init(&offer, 0);
	agent_offer(c, &offer);
	c->b_offer = xstrndup(offer.data, offer.len); /* what call_send_invite sends */
	buf_free(&offer);
	if (ce->journal)
		ce->journal(&c->cdr, ce->arg);
	snprintf(uuid, size, "%s", c->uuid);
	if (call_send_invite(c, &c->a, NULL, on_agent_response)) {
		call_end(c, "FAILED", "cannot reach the agent's phone", "system");
		return EHOSTUNREACH;
	}
	loop_timer_start(sip_stack_loop(ce->st), &c->t_noanswer, (uint64_t)v->dial_timeout_s * 1000,
			 on_agent_timeout, c);
	log_info("call", "call %s: click-to-call %s -> %s, ringing %s", c->uuid, o->extension, o->to,
		 c->a.remote_target);
	return 0;
}
