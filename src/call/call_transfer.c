/*
 * Blind transfer (RFC 3515 REFER, RFC 3892-style NOTIFY with message/sipfrag): the callee
 * asks us to connect the caller to another extension. We accept (202), ring the target's
 * contacts with the caller's media offer on the callee's relay side, report progress to the
 * transferor in NOTIFYs, and on answer swap the B side of the relay to the target: the
 * caller needs no re-INVITE, its media never left the relay. The transferor is then hung up.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "call/call_int.h"
#include "core/log.h"
#include "core/mem.h"
#include "media/media.h"
#include "sip/location.h"

/* NOTIFY carrying the transfer's progress as a sipfrag status line. */
void call_refer_notify(struct call_leg *leg, uint16_t status, bool final)
{
	char extra[1400], frag[96];

	snprintf(extra, sizeof(extra), "Event: refer\r\nSubscription-State: %s\r\n%s",
		 final ? "terminated;reason=noresource" : "active;expires=60",
		 leg->route ? leg->route : "");
	snprintf(frag, sizeof(frag), "SIP/2.0 %u %s\r\n", status, sip_status_reason(status));
	call_leg_request(leg, SIP_NOTIFY, extra, "message/sipfrag;version=2.0", frag, NULL, NULL);
}

static void xfer_failed(struct call *c, uint16_t status)
{
	bool pending = false;

	for (unsigned i = 0; i < c->nb; i++)
		if (c->b[i]->xfer && !c->b[i]->failed)
			pending = true;
	if (pending || !c->transferring)
		return;
	c->transferring = false;
	log_info("call", "call %s: transfer to %s failed: %u", c->uuid, c->transfer_to, status);
	if (c->transferor)
		call_refer_notify(c->transferor, status, true);
}

/* The target answered: its leg becomes the call's B side, on the relay too. */
static void xfer_answered(struct call *c, struct call_leg *n, const struct sip_msg *resp)
{
	struct call_sdp_info b, a;
	struct buf scratch;
	struct call_leg *old = c->transferor;
	int err;

	call_leg_learn(n, resp);
	call_ack_b(n, resp->cseq.num);
	buf_init(&scratch, 0);
	err = call_sdp_rewrite(resp->body.p, resp->body.len, c->media_ip, c->port_a, false, &scratch,
			       &b);
	/* A keeps the codec it was answered with; the relay converts when the target's differs */
	if (!err && c->a.sdp)
		err = call_sdp_rewrite(c->a.sdp, strlen(c->a.sdp), c->media_ip, c->port_b, false,
				       &scratch, &a);
	buf_free(&scratch);
	if (!err)
		err = media_relay_set_peer(c->ce->media, c->relay_id, 1, &b.peer, b.clock);
	if (err) {
		call_send_bye(n);
		n->failed = true;
		xfer_failed(c, 488);
		return;
	}
	media_relay_set_source(c->ce->media, c->relay_id, 1, &n->peer.addr);
	call_set_codec(c, 0, &a);
	call_set_codec(c, 1, &b);
	for (unsigned i = 0; i < c->nb; i++) {
		if (c->b[i] == n)
			c->winner = (int)i;
		else if (c->b[i]->xfer && c->b[i]->tsx && !c->b[i]->status && !c->b[i]->cancelled) {
			c->b[i]->cancelled = true;
			sip_tsx_cancel(c->b[i]->tsx, NULL, NULL);
		}
	}
	c->transferring = false;
	c->transferor = NULL;
	call_refer_notify(old, 200, true);
	call_send_bye(old);
	call_leg_unlink(c->ce, old);
	snprintf(c->cdr.callee, sizeof(c->cdr.callee), "%s", c->transfer_to);
	log_info("call", "call %s transferred to %s", c->uuid, c->transfer_to);
}

static void on_xfer_response(struct sip_tsx *tsx, const struct sip_msg *resp, uint16_t status,
			     void *arg)
{
	struct call_leg *n = arg;
	struct call *c = n->call;

	if (resp && status < 200)
		return;
	if (tsx == n->tsx)
		n->tsx = NULL;
	if (resp && status < 300) {
		if (c->state == CALL_ANSWERED && c->transferring && !n->failed)
			xfer_answered(c, n, resp);
		else if (!(c->winner >= 0 && c->b[c->winner] == n))
			call_refuse_2xx(n, resp);
		return;
	}
	if (n->status)
		return;
	n->status = status;
	n->failed = true;
	xfer_failed(c, status);
}

/* The user part of Refer-To; false for what we cannot do (Replaces: attended transfer). */
static bool refer_target(const struct sip_msg *req, char *user, size_t size)
{
	const struct sip_hdr *h = sip_msg_hdr(req, SIP_HDR_REFER_TO);
	struct sip_nameaddr na;
	size_t len;

	if (!h || sip_nameaddr_parse(h->value, &na) || na.uri.scheme == SIP_URI_OTHER)
		return false;
	if (na.uri.headers.len) /* ?Replaces=...: attended transfer */
		return false;
	return sip_uri_unescape(na.uri.user, user, size, &len) == 0 && len > 0;
}

static unsigned ring_target(struct call *c, const struct sip_aor *aor)
{
	struct call_leg *cur = c->b[c->winner];
	char to[300];
	unsigned n = 0;

	snprintf(to, sizeof(to), "<sip:%s@%s>", c->transfer_to, "transfer.invalid");
	/* To names the target in the caller's domain, as the original call did */
	const char *at = strchr(cur->remote_uri, '@');
	if (at)
		snprintf(to, sizeof(to), "<sip:%s%s", c->transfer_to, at);
	for (const struct sip_contact *ct = aor->contacts; ct && c->nb < CALL_MAX_FORKS; ct = ct->next) {
		struct call_leg *b = call_leg_contact(c, ct, cur->local_uri, to);
		b->xfer = true;
		c->b[c->nb++] = b;
		call_leg_link(c->ce, b);
		if (call_send_invite(c, b, NULL, on_xfer_response)) {
			b->failed = true;
			b->status = 503;
			continue;
		}
		n++;
	}
	return n;
}

/* The Replaces of Refer-To's URI (attended transfer): true with it in value (unescaped in buf). */
static bool refer_replaces(const struct sip_msg *req, char *buf, size_t size, struct str *value)
{
	const struct sip_hdr *h = sip_msg_hdr(req, SIP_HDR_REFER_TO);
	struct sip_nameaddr na;

	return h && sip_nameaddr_parse(h->value, &na) == 0 && na.uri.headers.len &&
	       call_replaces_from_uri(na.uri.headers, buf, size, value) == 0;
}

void call_refer(struct call *c, struct call_leg *leg, struct sip_tsx *tsx, const struct sip_msg *req)
{
	char user[64], replaces[512];
	const struct sip_aor *aor;
	struct str value;

	if (c->state == CALL_ANSWERED && refer_replaces(req, replaces, sizeof(replaces), &value)) {
		call_refer_replaces(c, leg, tsx, value);
		return;
	}
	if (c->state != CALL_ANSWERED || leg->is_a) {
		/* the caller's leg is the one we answered: transferring it needs the roles swapped */
		sip_tsx_reply(tsx, 403, leg->is_a ? "Transfer By Caller Not Supported" : NULL, NULL,
			      NULL, NULL, 0);
		return;
	}
	if (c->transferring) {
		sip_tsx_reply(tsx, 491, "Request Pending", NULL, NULL, NULL, 0);
		return;
	}
	if (!refer_target(req, user, sizeof(user))) {
		const struct sip_hdr *h = sip_msg_hdr(req, SIP_HDR_REFER_TO);
		log_info("call", "call %s: REFER to '%.*s' refused", c->uuid,
			 h ? (int)h->value.len : 0, h ? h->value.p : "");
		sip_tsx_reply(tsx, 501, "Only Blind Transfer Is Supported", NULL, NULL, NULL, 0);
		return;
	}
	sip_tsx_reply(tsx, 202, NULL, NULL, NULL, NULL, 0);
	snprintf(c->transfer_to, sizeof(c->transfer_to), "%s", user);
	c->transferor = leg;
	c->transferring = true;
	call_refer_notify(leg, 100, false);
	aor = c->ce->resolve ? c->ce->resolve(c->ce->arg, c->cdr.tenant_id, user) : NULL;
	if (!aor || !ring_target(c, aor)) {
		c->transferring = false;
		call_refer_notify(leg, aor ? 503 : 404, true);
		return;
	}
	log_info("call", "call %s: callee transfers to %s", c->uuid, user);
}
