/*
 * Offers we make inside an established dialog: a re-INVITE (or UPDATE) to one leg with
 * new SDP, when the call's media moves (attended transfer, a re-INVITE passed through)
 * or the session is refreshed (RFC 4028). The 2xx is ACKed here, every time it comes (a
 * retransmission means our ACK was lost); the caller hears of the outcome once.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "call/call_int.h"
#include "core/log.h"
#include "core/mem.h"
#include "core/obj.h"

struct offer {
	struct call *c;	      /* ref, dropped when the transaction ends */
	struct call_leg *leg; /* borrowed: legs live as long as their call */
	enum sip_method method;
	char *sdp; /* owned or NULL: the offer, ours once it is answered */
	call_offer_fn *fn;
	void *arg;
	bool done;
};

const char *call_leg_local_sdp(const struct call *c, const struct call_leg *leg)
{
	if (leg->local_sdp)
		return leg->local_sdp;
	return leg->is_a ? c->a.sdp : c->b_offer;
}

void call_leg_set_local_sdp(struct call_leg *leg, const char *sdp, size_t len)
{
	free(leg->local_sdp);
	leg->local_sdp = xstrndup(sdp, len);
}

struct call_leg *call_other_leg(struct call *c, const struct call_leg *leg)
{
	if (!leg->is_a)
		return &c->a;
	return c->winner >= 0 ? c->b[c->winner] : NULL;
}

static void on_offer_response(struct sip_tsx *tsx, const struct sip_msg *resp, uint16_t status,
			      void *arg)
{
	struct offer *o = arg;

	if (resp && status < 200)
		return;
	if (resp && status < 300 && o->method == SIP_INVITE)
		call_ack_b(o->leg, resp->cseq.num);
	if (o->done)
		return;
	o->done = true;
	o->leg->offering = false;
	if (resp && status < 300 && o->sdp)
		call_leg_set_local_sdp(o->leg, o->sdp, strlen(o->sdp));
	if (o->fn)
		o->fn(o->c, o->leg, status, resp, o->arg);
}

static void on_offer_end(void *arg)
{
	struct offer *o = arg;

	if (!o->done) { /* the stack went away first: no answer will come */
		o->done = true;
		o->leg->offering = false;
		if (o->fn)
			o->fn(o->c, o->leg, 408, NULL, o->arg);
	}
	obj_unref(o->c);
	free(o->sdp);
	free(o);
}

int call_leg_offer(struct call_leg *leg, enum sip_method m, const char *sdp, const char *extra,
		   call_offer_fn *fn, void *arg)
{
	struct call *c = leg->call;
	char contact[SA_ADDRSTRLEN + 96];
	struct sip_tsx *tsx = NULL;
	struct buf hdrs;
	int err;

	if (leg->offering)
		return EBUSY;
	buf_init(&hdrs, 8192);
	call_contact_hdr(c, leg->peer.proto, contact, sizeof(contact));
	buf_puts(&hdrs, contact);
	if (leg->route)
		buf_puts(&hdrs, leg->route);
	if (extra)
		buf_puts(&hdrs, extra);
	struct offer *o = xcalloc(1, sizeof(*o));
	o->c = obj_ref(c);
	o->leg = leg;
	o->method = m;
	o->sdp = sdp ? xstrdup(sdp) : NULL;
	o->fn = fn;
	o->arg = arg;
	err = call_leg_send(leg, m, hdrs.data, sdp ? "application/sdp" : NULL, sdp,
			    on_offer_response, o, &tsx);
	buf_free(&hdrs);
	if (err) {
		obj_unref(o->c);
		free(o->sdp);
		free(o);
		return err;
	}
	leg->offering = true;
	sip_tsx_set_end_fn(tsx, on_offer_end, o);
	log_debug("call", "call %s: %s with %s sent to %s", c->uuid, sip_method_name(m),
		  sdp ? "an offer" : "no SDP", leg->remote_target);
	return 0;
}
