/*
 * Replacing a leg (RFC 3891 Replaces), for attended transfer (RFC 5589). The transferor
 * has two calls through us: it talks to the target in one and holds the transferee in the
 * other, then sends REFER on the held call's dialog with Refer-To: <target?Replaces=...>
 * naming its dialog of the other call. Both dialogs end at us, so nobody needs to send an
 * INVITE with Replaces: the target is re-INVITEd onto the held call's relay (the side the
 * transferor had), its dialog takes the transferor's place in that call, the transferor
 * gets NOTIFY 200 and a BYE on both dialogs, and the consultation call ends with its CDR.
 * An INVITE with Replaces from one of our phones naming a dialog of ours (a pickup, or a
 * transfer completed by the phones themselves) takes that leg's place the same way.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "call/call_int.h"
#include "core/log.h"
#include "core/mem.h"
#include "core/obj.h"
#include "media/media.h"

int call_replaces_parse(struct str value, struct call_replaces *r)
{
	struct str id, params;

	memset(r, 0, sizeof(*r));
	value = str_trim(value);
	params = str_split(value, ';', &id);
	r->call_id = str_trim(id);
	if (str_empty(r->call_id) || !params.p)
		return EBADMSG;
	params = str_make(params.p - 1, params.len + 1); /* from the ';', as params are kept */
	if (!sip_param_find(params, "to-tag", &r->to_tag) ||
	    !sip_param_find(params, "from-tag", &r->from_tag))
		return EBADMSG;
	r->to_tag = str_trim(r->to_tag);
	r->from_tag = str_trim(r->from_tag);
	if (str_empty(r->to_tag) || str_empty(r->from_tag))
		return EBADMSG;
	r->early_only = sip_param_find(params, "early-only", NULL);
	return 0;
}

int call_replaces_from_uri(struct str headers, char *buf, size_t size, struct str *value)
{
	struct str rest = headers, h, name;
	size_t len;

	while (rest.p && rest.len) {
		rest = str_split(rest, '&', &h);
		struct str v = str_split(h, '=', &name);
		if (!str_eq_case_cstr(str_trim(name), "Replaces"))
			continue;
		if (!v.p || sip_uri_unescape(v, buf, size, &len))
			return EBADMSG;
		*value = str_make(buf, len);
		return 0;
	}
	return ENOENT;
}

/* The confirmed leg named by r: tags as the RFC has them (to-tag ours), or the other way. */
static struct call_leg *find_dialog(struct call_engine *ce, const struct call_replaces *r)
{
	struct call_leg *l = call_leg_find(ce, r->call_id, r->to_tag);

	if (!l || !l->remote_tag || !str_eq_cstr(r->from_tag, l->remote_tag)) {
		l = call_leg_find(ce, r->call_id, r->from_tag);
		if (!l || !l->remote_tag || !str_eq_cstr(r->to_tag, l->remote_tag))
			return NULL;
	}
	struct call *c = l->call;
	if (c->state != CALL_ANSWERED || (!l->is_a && c->b[c->winner] != l))
		return NULL;
	return l;
}

/* A new leg object with a copy of src's dialog (src stays with its call, unlinked). */
static struct call_leg *leg_copy(struct call *c, const struct call_leg *src)
{
	struct call_leg *n = xcalloc(1, sizeof(*n));

	n->call = c;
	n->call_id = xstrdup(src->call_id);
	n->local_tag = xstrdup(src->local_tag);
	n->remote_tag = xstrdup(src->remote_tag);
	n->local_uri = xstrdup(src->local_uri);
	n->remote_uri = xstrdup(src->remote_uri);
	n->remote_target = xstrdup(src->remote_target);
	n->route = src->route ? xstrdup(src->route) : NULL;
	n->local_cseq = src->local_cseq;
	sip_peer_copy(&n->peer, &src->peer);
	if (src->auth_user) {
		n->auth_user = xstrdup(src->auth_user);
		n->auth_password = xstrdup(src->auth_password ? src->auth_password : "");
	}
	n->sdp = src->sdp ? xstrdup(src->sdp) : NULL;
	n->local_sdp = src->local_sdp ? xstrdup(src->local_sdp) : NULL;
	return n;
}

/*
 * n (a heap leg with its dialog) takes old's place in c: a B leg becomes the winner (old
 * stays in b[], unlinked, for its transactions' late responses); for A, old's contents are
 * freed and n's moved into c->a. Requests we sent old before must not need it any more.
 */
static void take_slot(struct call *c, struct call_leg *old, struct call_leg *n)
{
	call_leg_unlink(c->ce, old);
	if (!old->is_a) {
		c->b[c->nb] = n;
		c->winner = (int)c->nb++;
		call_leg_link(c->ce, n);
		return;
	}
	call_leg_clear(&c->a);
	c->a = *n;
	c->a.is_a = true;
	c->a.in_table = false;
	c->a.tsx = NULL;
	free(n); /* its contents now belong to c->a */
	c->acked = true;
	timer_cancel(&c->t_ok);
	call_leg_link(c->ce, &c->a);
}

/* The party name of a leg of c as the CDR has it. */
static const char *party(const struct call *c, const struct call_leg *leg)
{
	return leg->is_a ? c->cdr.caller : c->cdr.callee;
}

static void set_party(struct call *c, int side, const char *name)
{
	char *dst = side ? c->cdr.callee : c->cdr.caller;
	snprintf(dst, sizeof(c->cdr.callee), "%s", name);
}

/* The relay's side of c now goes to a new party: its RTP address (peer), its codec. */
void call_repoint(struct call *c, int side, const struct call_sdp_info *peer,
		    const struct call_sdp_info *codec, const struct sa *source)
{
	int err;

	media_relay_set_peer(c->ce->media, c->relay_id, side, &peer->peer, codec->clock);
	media_relay_set_source(c->ce->media, c->relay_id, side, source);
	if ((err = call_set_codec(c, side, codec)))
		log_notice("call", "call %s: codec %s on the %s side: %s", c->uuid, codec->codec,
			   side ? "callee" : "caller", strerror(err));
	call_hold_update(c, side, peer);
}

/* ---- attended transfer: REFER with Replaces ---- */

struct join {
	struct call *c, *c2;	  /* refs: the held call (kept), the consultation call */
	struct call_leg *l1, *l2; /* the transferor's legs in c and c2 */
};

static void join_done(struct join *j, struct call_leg *x2, const struct sip_msg *resp)
{
	struct call *c = j->c, *c2 = j->c2;
	struct call_sdp_info info;
	struct buf scratch;
	char name[128];
	int side = call_leg_side(j->l1);

	buf_init(&scratch, 0);
	int err = resp->body.len ? call_sdp_rewrite(resp->body.p, resp->body.len, c->media_ip, 0,
						    false, &scratch, &info)
				 : EPROTO;
	buf_free(&scratch);
	if (err) {
		log_notice("call", "call %s: transfer target's answer unusable", c->uuid);
		call_refer_notify(j->l1, 488, true);
		call_end_now(c2, "attended transfer failed");
		return;
	}
	call_repoint(c, side, &info, &info, &x2->peer.addr);
	call_refer_notify(j->l1, 200, true);
	call_send_bye(j->l1);
	call_send_bye(j->l2);
	snprintf(name, sizeof(name), "%s", party(c2, x2));
	struct call_leg *n = leg_copy(c, x2);
	free(n->sdp);
	n->sdp = str_dup(resp->body);
	x2->moved = true;
	call_leg_unlink(c->ce, x2);
	take_slot(c, j->l1, n);
	set_party(c, side, name);
	log_info("call", "call %s: attended transfer, %s joined (call %s released)", c->uuid, name,
		 c2->uuid);
	call_end(c2, "ANSWERED", "attended transfer", j->l2->is_a ? "caller" : "callee");
}

static void on_join_answer(struct call *cx, struct call_leg *x2, uint16_t status,
			   const struct sip_msg *resp, void *arg)
{
	struct join *j = arg;
	struct call *c = j->c, *c2 = j->c2;

	c->transferring = false;
	c2->transferring = false;
	if (!resp || status >= 300) {
		log_info("call", "call %s: transfer target refused the new media: %u", c->uuid,
			 status);
		if (c->state == CALL_ANSWERED)
			call_refer_notify(j->l1, status, true);
	} else if (c->state != CALL_ANSWERED || c2->state != CALL_ANSWERED) {
		/* someone hung up meanwhile: the target's media points at a call that may be gone
		 */
		if (c->state == CALL_ANSWERED)
			call_refer_notify(j->l1, 487, true);
		if (c2->state == CALL_ANSWERED)
			call_end_now(c2, "attended transfer failed");
	} else {
		join_done(j, x2, resp);
	}
	obj_unref(c);
	obj_unref(c2);
	free(j);
}

/* 0 when l1's call may take l2's other party; else the status to report. */
static uint16_t join_check(const struct call *c, const struct call_leg *l1,
			   const struct call_leg *l2)
{
	const struct call *c2 = l2 ? l2->call : NULL;

	if (!c2 || c2 == c || c2->cdr.tenant_id != c->cdr.tenant_id)
		return 481;
	if (!l1->is_a && c->b[c->winner] != l1)
		return 481;
	if (c->transferring || c2->transferring)
		return 491;
	if (!l1->is_a && c->nb >= CALL_MAX_FORKS)
		return 503;
	return 0;
}

void call_refer_replaces(struct call *c, struct call_leg *l1, struct sip_tsx *tsx, struct str value)
{
	struct call_replaces r;
	struct buf offer;
	uint16_t status;

	if (call_replaces_parse(value, &r)) {
		log_info("call", "call %s: REFER with a bad Replaces '%.*s'", c->uuid,
			 STR_FMT(value));
		sip_tsx_reply(tsx, 400, "Bad Replaces In Refer-To", NULL, NULL, NULL, 0);
		return;
	}
	sip_tsx_reply(tsx, 202, NULL, NULL, NULL, NULL, 0);
	call_refer_notify(l1, 100, false);
	struct call_leg *l2 = find_dialog(c->ce, &r);
	struct call_leg *x2 = l2 ? call_other_leg(l2->call, l2) : NULL;
	status = x2 ? join_check(c, l1, l2) : 481;
	buf_init(&offer, 0);
	int side = call_leg_side(l1);
	if (!status && call_sdp_reoffer(call_leg_local_sdp(l2->call, x2), c->media_ip,
					side ? c->port_b : c->port_a, &offer))
		status = 500;
	struct join *j = status ? NULL : xcalloc(1, sizeof(*j));
	if (j) {
		*j = (struct join){obj_ref(c), obj_ref(l2->call), l1, l2};
		if (call_leg_offer(x2, SIP_INVITE, offer.data, NULL, on_join_answer, j)) {
			obj_unref(j->c);
			obj_unref(j->c2);
			free(j);
			status = 491;
		}
	}
	buf_free(&offer);
	if (status) {
		log_info("call", "call %s: attended transfer refused: %u", c->uuid, status);
		call_refer_notify(l1, status, true);
		return;
	}
	c->transferring = true;
	l2->call->transferring = true;
	log_info("call", "call %s: attended transfer to %s of call %s", c->uuid,
		 party(l2->call, x2), l2->call->uuid);
}

/* ---- INVITE with Replaces ---- */

/* Our answer to the replacing party's offer (its first codec the relay converts), and what
 * its offer says about its media. */
int call_answer_offer(struct call *c, int side, const struct sip_msg *req, struct buf *answer,
			struct call_sdp_info *codec, struct call_sdp_info *peer)
{
	struct call_sdp_info none = {.clock = 1, .name = "-"}; /* matches nothing: we answer */
	struct buf scratch;
	bool transcode;
	char *offer = str_dup(req->body);
	uint16_t port = side ? c->port_b : c->port_a;
	int err;

	buf_init(&scratch, 0);
	err =
	    call_sdp_rewrite(req->body.p, req->body.len, c->media_ip, port, false, &scratch, peer);
	if (!err)
		err = call_sdp_answer_a(offer, &none, c->media_ip, port, answer, codec, &transcode);
	buf_free(&scratch);
	free(offer);
	return err;
}

static uint16_t replace_leg(struct call *c, struct call_leg *old, struct sip_tsx *tsx,
			    const struct sip_msg *req, const struct sip_peer *from,
			    const char *user)
{
	struct call_sdp_info codec, peer;
	char contact[SA_ADDRSTRLEN + 96];
	struct buf answer;
	int side = call_leg_side(old);

	if (!req->body.len)
		return 488;
	buf_init(&answer, 0);
	if (call_answer_offer(c, side, req, &answer, &codec, &peer)) {
		buf_free(&answer);
		return 488;
	}
	struct call_leg *n = xcalloc(1, sizeof(*n));
	n->call = c;
	n->local_cseq = 1;
	if (call_leg_uas_init(n, tsx, req, from)) {
		call_leg_free(n);
		buf_free(&answer);
		return 400;
	}
	n->sdp = str_dup(req->body);
	n->local_sdp = xstrndup(answer.data, answer.len);
	call_contact_hdr(c, from->proto, contact, sizeof(contact));
	sip_tsx_reply(tsx, 200, NULL, contact, "application/sdp", answer.data, answer.len);
	buf_free(&answer);
	call_repoint(c, side, &peer, &codec, &from->addr);
	call_send_bye(old);
	take_slot(c, old, n);
	set_party(c, side, user);
	log_info("call", "call %s: %s replaces the %s's leg", c->uuid, user,
		 side ? "callee" : "caller");
	return 0;
}

void call_replaces_invite(struct call_engine *ce, struct sip_tsx *tsx, const struct sip_msg *req,
			  const struct sip_peer *from, int64_t tenant_id, const char *user)
{
	const struct sip_hdr *h = sip_msg_hdr(req, SIP_HDR_REPLACES);
	struct call_replaces r;
	struct call_leg *old;
	uint16_t status;

	if (!h || call_replaces_parse(h->value, &r)) {
		sip_tsx_reply(tsx, 400, "Bad Replaces Header", NULL, NULL, NULL, 0);
		return;
	}
	old = find_dialog(ce, &r);
	if (!old || old->call->cdr.tenant_id != tenant_id || old->call->transferring ||
	    old->offering || (!old->is_a && old->call->nb >= CALL_MAX_FORKS)) {
		status = 481;
	} else if (r.early_only) {
		status = 486; /* the dialog is confirmed (RFC 3891 3) */
	} else {
		struct call *c = obj_ref(old->call);
		status = replace_leg(c, old, tsx, req, from, user);
		obj_unref(c);
	}
	if (status) {
		log_info("call", "INVITE with Replaces %.*s from %s: %u", STR_FMT(r.call_id), user,
			 status);
		sip_tsx_reply(tsx, status, status == 481 ? "Replaced Dialog Not Found" : NULL, NULL,
			      NULL, NULL, 0);
	}
}
