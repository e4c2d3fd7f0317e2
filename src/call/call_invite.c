/*
 * Setting a call up: the caller's INVITE (leg A), parallel forking to every
 * registered contact of the callee (legs B), provisional responses and early media
 * passed back, the first 2xx wins (the others are cancelled, a late 2xx is ACKed and
 * hung up), or the best failure goes back to the caller.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "call/call_int.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/mem.h"
#include "core/obj.h"
#include "core/rand.h"
#include "core/time.h"
#include "media/media.h"
#include "sip/auth.h"
#include "sip/location.h"

void call_reply_a(struct call *c, uint16_t status, const char *reason, const char *hdrs,
		    const struct buf *sdp)
{
	if (!c->a.tsx || c->a_is_uac)
		return;
	sip_tsx_reply(c->a.tsx, status, reason, hdrs, sdp ? "application/sdp" : NULL,
		      sdp ? sdp->data : NULL, sdp ? sdp->len : 0);
	if (status >= 200)
		c->a.tsx = obj_unref(c->a.tsx);
}

/* Our Contact for a leg over proto: where its in-dialog requests reach us. */
void call_contact_hdr(struct call *c, enum sip_proto proto, char *out, size_t size)
{
	char hp[SA_ADDRSTRLEN + 64] = "invalid";

	sip_stack_local_hostport(c->ce->st, proto, hp, sizeof(hp));
	snprintf(out, size, "Contact: <sip:zvonar@%s%s>\r\n", hp,
		 proto == SIP_PROTO_TCP ? ";transport=tcp" : proto == SIP_PROTO_TLS ? ";transport=tls" : "");
}

/* Route set of a dialog as Route lines: Record-Route in order (UAS) or reversed (UAC). */
static char *route_set(const struct sip_msg *msg, bool reverse)
{
	const struct sip_hdr *rr[32];
	unsigned n = 0;
	struct buf b;

	for (const struct sip_hdr *h = sip_msg_hdr(msg, SIP_HDR_RECORD_ROUTE); h && n < 32;
	     h = sip_msg_hdr_next(msg, h))
		rr[n++] = h;
	if (!n)
		return NULL;
	buf_init(&b, 8192);
	for (unsigned i = 0; i < n; i++)
		buf_printf(&b, "Route: %.*s\r\n", STR_FMT(rr[reverse ? n - 1 - i : i]->value));
	return b.data;
}

static char *first_contact(const struct sip_msg *msg)
{
	const struct sip_hdr *h = sip_msg_hdr(msg, SIP_HDR_CONTACT);
	struct sip_nameaddr na;

	if (!h || sip_nameaddr_parse(h->value, &na) || na.uri.scheme == SIP_URI_OTHER)
		return NULL;
	return str_dup(na.uri_raw);
}

static char *bracket(struct str uri)
{
	size_t n = uri.len + 3;
	char *s = xmalloc(n);
	snprintf(s, n, "<%.*s>", STR_FMT(uri));
	return s;
}

/* ---- responses from the B legs ---- */


const char *call_failure_disposition(uint16_t status)
{
	if (status == 486 || status == 600)
		return "BUSY";
	if (status == 408 || status == 480 || status == 487 || status == 603)
		return "NO ANSWER";
	return "FAILED";
}

/* RFC 3261 16.7-style choice among the forks' failures: busy and declines first. */
uint16_t call_best_failure(const struct call *c)
{
	uint16_t best = 0;
	for (unsigned i = 0; i < c->nb; i++) {
		uint16_t s = c->b[i]->status;
		if (s == 486 || s >= 600)
			return s;
		if (!best || (s != 408 && s != 503 && s < best) || best == 408 || best == 503)
			best = s;
	}
	return best ? best : 480;
}

static void all_failed(struct call *c)
{
	uint16_t status = call_best_failure(c);
	char cause[64];

	snprintf(cause, sizeof(cause), "%u %s", status, sip_status_reason(status));
	call_reply_a(c, status == 503 ? 480 : status, NULL, NULL, NULL);
	call_end(c, call_failure_disposition(status), cause, "callee");
}

void call_leg_learn(struct call_leg *b, const struct sip_msg *resp)
{
	char *target = first_contact(resp);

	free(b->remote_tag);
	b->remote_tag = str_dup(resp->to.tag);
	if (target) {
		free(b->remote_target);
		b->remote_target = target;
	}
	free(b->route);
	b->route = route_set(resp, true);
}

/* A 2xx we cannot use (another fork won, or the call is over): ACK it, then BYE. */
void call_refuse_2xx(struct call_leg *b, const struct sip_msg *resp)
{
	call_leg_learn(b, resp);
	call_ack_b(b, resp->cseq.num);
	call_send_bye(b);
}

static void on_ok_retx(void *arg)
{
	struct call *c = arg;

	if (c->acked || c->ok_retx_ms > 64u * 500u)
		return;
	sip_stack_send_raw(c->ce->st, &c->ok_dest, c->ok_a.data, c->ok_a.len);
	c->ok_retx_ms = c->ok_retx_ms * 2 > 4000 ? 4000 : c->ok_retx_ms * 2;
	loop_timer_start(sip_stack_loop(c->ce->st), &c->t_ok, c->ok_retx_ms, on_ok_retx, c);
}

static void on_max_duration(void *arg)
{
	struct call *c = arg;

	call_send_bye(&c->a);
	call_send_bye(call_b_winner(c));
	call_end(c, "ANSWERED", "maximum duration", "system");
}

/* The 2xx to A, kept for retransmission over UDP until A's ACK. */
void call_answer_a(struct call *c, const struct buf *sdp)
{
	const struct sip_msg *req = sip_tsx_request(c->a.tsx);
	char contact[SA_ADDRSTRLEN + 96];
	struct buf hdrs;

	call_contact_hdr(c, c->a.peer.proto, contact, sizeof(contact));
	buf_init(&hdrs, 0);
	buf_puts(&hdrs, contact);
	call_timer_answer(c, req, &hdrs);
	sip_response_build(&c->ok_a, req, sip_tsx_peer(c->a.tsx), 200, NULL, c->a.local_tag, NULL,
			   hdrs.data, "application/sdp", sdp->data, sdp->len);
	struct sip_peer dest;
	sip_response_dest(req, sip_tsx_peer(c->a.tsx), &dest);
	sip_peer_copy(&c->ok_dest, &dest); /* our own conn ref: the tsx's goes with it */
	call_reply_a(c, 200, NULL, hdrs.data, sdp);
	buf_free(&hdrs);
	free(c->a.sdp);
	c->a.sdp = xstrndup(sdp->data, sdp->len);
	if (c->ok_dest.proto == SIP_PROTO_UDP) {
		c->ok_retx_ms = 500;
		loop_timer_start(sip_stack_loop(c->ce->st), &c->t_ok, 500, on_ok_retx, c);
	}
}

void call_answer_now(struct call *c, const struct buf *sdp)
{
	c->state = CALL_ANSWERED;
	c->cdr.answer_at = (int64_t)time_wall_ms();
	call_answer_a(c, sdp);
	call_mark_answered(c);
}

void call_mark_answered(struct call *c)
{
	c->state = CALL_ANSWERED;
	if (!c->cdr.answer_at)
		c->cdr.answer_at = (int64_t)time_wall_ms();
	if (c->ce->journal)
		c->ce->journal(&c->cdr, c->ce->arg);
	if (c->ce->cfg.max_duration_s)
		loop_timer_start(sip_stack_loop(c->ce->st), &c->t_maxdur,
				 c->ce->cfg.max_duration_s * 1000ull, on_max_duration, c);
}

/*
 * B's SDP towards A: B's answer rewritten for the relay's A side when A offered B's codec;
 * else our own answer to A in A's codec, and the relay converts. B's RTP address goes to
 * the relay either way.
 */
static int relay_b_sdp(struct call *c, const struct call_leg *leg, const struct sip_msg *resp,
		       struct buf *sdp_a)
{
	struct call_sdp_info b, a;
	bool transcode = false;
	int err = call_sdp_rewrite(resp->body.p, resp->body.len, c->media_ip, c->port_a, false,
				   sdp_a, &b);

	if (!err)
		err = call_sdp_answer_a(c->a_offer, &b, c->media_ip, c->port_a, sdp_a, &a, &transcode);
	if (!err && transcode && !(err = call_set_codec(c, 0, &a)))
		err = call_set_codec(c, 1, &b);
	else if (!err)
		err = call_dtmf_pass_codecs(c, &b, sdp_a);
	if (err)
		return err;
	media_relay_set_source(c->ce->media, c->relay_id, 1, &leg->peer.addr);
	if (transcode)
		snprintf(c->cdr.codec, sizeof(c->cdr.codec), "%.15s>%.15s", a.codec, b.codec);
	else
		snprintf(c->cdr.codec, sizeof(c->cdr.codec), "%s", b.codec);
	return media_relay_set_peer(c->ce->media, c->relay_id, 1, &b.peer, b.clock);
}

static void b_answered(struct call *c, int i, const struct sip_msg *resp)
{
	struct call_leg *b = c->b[i];
	struct buf sdp;

	call_leg_learn(b, resp);
	call_ack_b(b, resp->cseq.num);
	c->winner = i;
	timer_cancel(&c->t_noanswer);
	call_cancel_forks(c, i);
	buf_init(&sdp, 0);
	if (!resp->body.len || relay_b_sdp(c, b, resp, &sdp)) {
		log_notice("call", "call %s: unusable SDP answer from %s", c->uuid, b->remote_target);
		call_send_bye(b);
		call_reply_a(c, 488, "Not Acceptable Here", NULL, NULL);
		call_end(c, "FAILED", "488 unusable SDP answer", "callee");
		buf_free(&sdp);
		return;
	}
	free(b->sdp);
	b->sdp = str_dup(resp->body);
	call_answer_now(c, &sdp);
	buf_free(&sdp);
	log_info("call", "call %s answered by %s", c->uuid, b->remote_target);
	call_record_answered(c);
}

static void b_provisional(struct call *c, const struct call_leg *b, const struct sip_msg *resp)
{
	struct buf sdp;

	/* a scenario's dial rings the caller itself (180) and keeps the caller's codec fixed:
	 * the callee's early media is not passed */
	if (resp->status == 100 || c->state != CALL_RINGING || c->ivr)
		return;
	if (resp->status == 183 && resp->body.len && !c->early) {
		buf_init(&sdp, 0);
		if (relay_b_sdp(c, b, resp, &sdp) == 0) {
			c->early = true;
			call_reply_a(c, 183, NULL, NULL, &sdp);
		}
		buf_free(&sdp);
		return;
	}
	call_reply_a(c, resp->status == 183 ? 183 : 180, NULL, NULL, NULL);
}

static int leg_index(const struct call *c, const struct call_leg *b)
{
	for (unsigned i = 0; i < c->nb; i++)
		if (c->b[i] == b)
			return (int)i;
	return -1;
}

static void on_b_response(struct sip_tsx *tsx, const struct sip_msg *resp, uint16_t status,
			  void *arg)
{
	struct call_leg *b = arg;
	struct call *c = b->call;
	int i = leg_index(c, b);

	if (resp && status < 200) {
		b_provisional(c, b, resp);
		return;
	}
	if (tsx == b->tsx)
		b->tsx = NULL; /* final: nothing left to cancel on it */
	if (resp && (status == 401 || status == 407) && b->auth_user && !b->auth_tried &&
	    (c->state == CALL_RINGING || call_ivr_dialing(c)) && !b->cancelled) {
		b->auth_tried = true;
		if (call_send_invite(c, b, resp, on_b_response) == 0)
			return;
	}
	if (resp && status < 300) {
		if (call_ivr_dialing(c))
			call_ivr_answered(c, i, resp);
		else if (c->state == CALL_RINGING && !c->ivr)
			b_answered(c, i, resp);
		else if ((i == c->winner && c->state == CALL_ANSWERED) || b->moved)
			call_ack_b(b, resp->cseq.num); /* a retransmitted 2xx: our ACK was lost */
		else
			call_refuse_2xx(b, resp);
		return;
	}
	if (b->status)
		return;
	b->status = status;
	b->failed = true;
	for (unsigned k = 0; k < c->nb; k++)
		if (!c->b[k]->failed)
			return;
	if (call_ivr_dialing(c))
		call_ivr_dial_failed(c);
	else if (c->state == CALL_RINGING && !c->ivr)
		all_failed(c);
}

static void on_b_end(void *arg)
{
	obj_unref(arg); /* the call, kept for this transaction's callbacks */
}

/* ---- forking ---- */

/* A B leg towards a registered contact; from_uri/to_uri are name-addrs. */
struct call_leg *call_leg_contact(struct call *c, const struct sip_contact *ct, const char *from_uri,
				  const char *to_uri)
{
	struct call_leg *b = xcalloc(1, sizeof(*b));
	char tag[24], id[40];

	b->call = c;
	rand_token(id, 32);
	b->call_id = xstrdup(id);
	sip_tag_new(tag);
	b->local_tag = xstrdup(tag);
	b->local_uri = xstrdup(from_uri);
	b->remote_uri = xstrdup(to_uri);
	b->remote_target = xstrdup(ct->uri);
	if (ct->path) {
		size_t n = strlen(ct->path) + 12;
		b->route = xmalloc(n);
		snprintf(b->route, n, "Route: %s\r\n", ct->path);
	}
	b->local_cseq = 1;
	sip_peer_copy(&b->peer, &ct->peer);
	return b;
}

static struct call_leg *leg_b_new(struct call *c, const struct sip_contact *ct,
				  const struct call_party *caller, const struct call_party *callee)
{
	char from[512], to[300];

	if (caller->name && *caller->name && !strpbrk(caller->name, "\"\\\r\n"))
		snprintf(from, sizeof(from), "\"%s\" <sip:%s@%s>", caller->name, caller->user,
			 caller->domain);
	else
		snprintf(from, sizeof(from), "<sip:%s@%s>", caller->user, caller->domain);
	snprintf(to, sizeof(to), "<sip:%s@%s>", callee->user, callee->domain);
	return call_leg_contact(c, ct, from, to);
}

/* The INVITE of a B leg (again with credentials when challenge is a provider's 401/407). */
int call_send_invite(struct call *c, struct call_leg *b, const struct sip_msg *challenge,
		     sip_resp_fn *fn)
{
	char branch[40], contact[SA_ADDRSTRLEN + 96];
	struct buf req, extra;
	int err;

	buf_init(&extra, 8192);
	call_contact_hdr(c, b->peer.proto, contact, sizeof(contact));
	buf_puts(&extra, contact);
	if (b->route)
		buf_puts(&extra, b->route);
	if (b->invite_hdrs)
		buf_puts(&extra, b->invite_hdrs);
	if (challenge && sip_auth_answer(challenge, b->auth_user, b->auth_password, "INVITE",
					 b->remote_target, &extra)) {
		buf_free(&extra);
		return ENOENT;
	}
	struct sip_request_spec spec = {
		.method = SIP_INVITE, .ruri = b->remote_target,
		.from_uri = b->local_uri, .from_tag = b->local_tag,
		.to_uri = b->remote_uri, .call_id = b->call_id, .cseq = b->local_cseq++,
		.extra_hdrs = extra.data, .content_type = "application/sdp",
		.body = c->b_offer, .body_len = strlen(c->b_offer),
	};
	sip_branch_new(branch);
	buf_init(&req, SIP_MAX_MSG);
	err = sip_request_build(c->ce->st, &req, &spec, b->peer.proto, branch);
	buf_free(&extra);
	if (err) {
		buf_free(&req);
		return err;
	}
	err = sip_tsx_send_request(c->ce->st, &b->tsx, &b->peer, &req, fn, b);
	if (err)
		return err;
	obj_ref(c); /* for the transaction's callbacks, dropped in on_b_end */
	sip_tsx_set_end_fn(b->tsx, on_b_end, c);
	return 0;
}

struct call_leg *call_leg_trunk(struct call *c, const struct call_trunk_target *t)
{
	struct call_leg *b = xcalloc(1, sizeof(*b));
	char tag[24], id[40];
	size_t n = strlen(t->ruri) + 3;

	b->call = c;
	rand_token(id, 32);
	b->call_id = xstrdup(id);
	sip_tag_new(tag);
	b->local_tag = xstrdup(tag);
	b->local_uri = xstrdup(t->privacy ? "\"Anonymous\" <sip:anonymous@anonymous.invalid>"
					  : t->from_uri);
	if (t->identity && *t->identity) {
		size_t k = strlen(t->identity) + 64;
		b->invite_hdrs = xmalloc(k);
		snprintf(b->invite_hdrs, k, "P-Asserted-Identity: %s\r\n%s", t->identity,
			 t->privacy ? "Privacy: id\r\n" : "");
	}
	b->remote_uri = xmalloc(n);
	snprintf(b->remote_uri, n, "<%s>", t->ruri);
	b->remote_target = xstrdup(t->ruri);
	b->local_cseq = 1;
	if (t->user && *t->user) {
		b->auth_user = xstrdup(t->user);
		b->auth_password = xstrdup(t->password ? t->password : "");
	}
	sip_peer_copy(&b->peer, t->peer);
	return b;
}

void call_add_leg(struct call *c, struct call_leg *b)
{
	c->b[c->nb++] = b;
	call_leg_link(c->ce, b);
	if (call_send_invite(c, b, NULL, on_b_response)) {
		log_notice("call", "call %s: cannot send INVITE to %s", c->uuid, b->remote_target);
		b->failed = true;
		b->status = 503;
	}
}

int call_fork(struct call *c, const struct call_request *r, const struct sip_msg *req)
{
	struct call_sdp_info info;
	struct buf offer;
	int err;

	buf_init(&offer, 0);
	c->a_offer = str_dup(req->body);
	err = call_sdp_rewrite(req->body.p, req->body.len, c->media_ip, c->port_b, true, &offer,
			       &info);
	if (!err)
		err = media_relay_set_peer(c->ce->media, c->relay_id, 0, &info.peer, info.clock);
	if (!err)
		err = media_relay_set_source(c->ce->media, c->relay_id, 0, &c->a.peer.addr);
	if (!err)
		c->b_offer = xstrndup(offer.data, offer.len);
	buf_free(&offer);
	if (err)
		return err;
	if (r->trunk) {
		call_add_leg(c, call_leg_trunk(c, r->trunk));
		return 0;
	}
	for (const struct sip_contact *ct = r->aor->contacts; ct && c->nb < CALL_MAX_FORKS;
	     ct = ct->next)
		call_add_leg(c, leg_b_new(c, ct, r->caller, r->callee));
	return 0;
}

void call_cancel_forks(struct call *c, int except)
{
	for (unsigned i = 0; i < c->nb; i++) {
		struct call_leg *b = c->b[i];
		if ((int)i == except || !b->tsx || b->cancelled || b->status)
			continue;
		b->cancelled = true;
		sip_tsx_cancel(b->tsx, NULL, NULL);
	}
}

/* ---- leg A ---- */

static void on_a_cancel(struct sip_tsx *tsx, void *arg)
{
	struct call *c = arg;

	call_cancel_forks(c, -1);
	c->a.tsx = obj_unref(c->a.tsx); /* the stack answers 487 itself */
	call_end(c, "CANCELLED", "caller cancelled", "caller");
}

void call_watch_cancel(struct call *c, struct sip_tsx *tsx)
{
	sip_tsx_set_cancel_fn(tsx, on_a_cancel, c);
}

static void on_no_answer(void *arg)
{
	struct call *c = arg;

	call_cancel_forks(c, -1);
	call_reply_a(c, 480, "No Answer", NULL, NULL);
	call_end(c, "NO ANSWER", "no answer timeout", "system");
}

int call_leg_uas_init(struct call_leg *a, struct sip_tsx *tsx, const struct sip_msg *req,
		      const struct sip_peer *from)
{
	a->call_id = str_dup(req->call_id);
	a->local_tag = xstrdup(sip_tsx_local_tag(tsx));
	a->remote_tag = str_dup(req->from.tag);
	a->local_uri = bracket(req->to.uri_raw);
	a->remote_uri = bracket(req->from.uri_raw);
	a->remote_target = first_contact(req);
	a->route = route_set(req, false);
	a->local_cseq = 1;
	sip_peer_copy(&a->peer, from);
	return a->remote_target ? 0 : EBADMSG;
}

int call_leg_a_init(struct call *c, struct sip_tsx *tsx, const struct sip_msg *req,
		    const struct sip_peer *from)
{
	int err;

	c->a.tsx = obj_ref(tsx);
	err = call_leg_uas_init(&c->a, tsx, req, from);
	call_leg_link(c->ce, &c->a);
	return err;
}

void call_cdr_start(struct call *c, const struct sip_msg *req, const struct call_request *cr)
{
	struct store_cdr_row *r = &c->cdr;
	const char *trunk = cr->trunk ? cr->trunk->name : cr->trunk_name;

	r->tenant_id = cr->caller->tenant_id;
	snprintf(r->uuid, sizeof(r->uuid), "%s", c->uuid);
	str_copy(req->call_id, r->call_id, sizeof(r->call_id));
	snprintf(r->caller, sizeof(r->caller), "%s", cr->caller->user);
	snprintf(r->caller_name, sizeof(r->caller_name), "%s",
		 cr->caller->name ? cr->caller->name : "");
	snprintf(r->callee, sizeof(r->callee), "%s", cr->callee->user);
	snprintf(r->direction, sizeof(r->direction), "%s", cr->direction ? cr->direction : "internal");
	snprintf(r->trunk, sizeof(r->trunk), "%s", trunk ? trunk : "");
	snprintf(c->did, sizeof(c->did), "%s", cr->did ? cr->did : "");
	r->start_at = (int64_t)time_wall_ms();
}

/* What can go wrong before any fork is tried: answered here, with a CDR. */
static void refuse(struct call *c, uint16_t status, const char *reason, const char *disp)
{
	char cause[64];
	snprintf(cause, sizeof(cause), "%u %s", status, reason);
	call_reply_a(c, status, reason, NULL, NULL);
	call_end(c, disp, cause, "system");
}

void call_reject(struct call_engine *ce, struct sip_tsx *tsx, const struct sip_msg *req,
		 const struct sip_peer *from, const struct call_request *r, uint16_t status,
		 const char *cause)
{
	struct call *c = call_new(ce);

	call_cdr_start(c, req, r);
	call_leg_a_init(c, tsx, req, from);
	call_reply_a(c, status, NULL, NULL, NULL);
	call_end(c, status == 486 ? "BUSY" : "FAILED", cause, "system");
}

void call_start(struct call_engine *ce, struct sip_tsx *tsx, const struct sip_msg *req,
		const struct sip_peer *from, const struct call_request *r)
{
	if (call_timer_refuse(ce, tsx, req))
		return;
	struct call *c = call_new(ce);

	call_cdr_start(c, req, r);
	if (call_leg_a_init(c, tsx, req, from))
		return refuse(c, 400, "Missing Contact", "FAILED");
	if (ce->journal)
		ce->journal(&c->cdr, ce->arg);
	if (!r->trunk && (!r->aor || !r->aor->contacts))
		return refuse(c, 480, "Temporarily Unavailable", "NO ANSWER");
	if (!req->body.len)
		return refuse(c, 488, "SDP Offer Required", "FAILED");
	if (media_relay_open(ce->media, &c->relay_id, &c->port_a, &c->port_b))
		return refuse(c, 503, "No Media Ports", "FAILED");
	call_register_relay(c);
	if (ce->cfg.media_ip)
		snprintf(c->media_ip, sizeof(c->media_ip), "%s", ce->cfg.media_ip);
	else
		sa_host_str(&from->local, c->media_ip, sizeof(c->media_ip));
	call_watch_cancel(c, tsx);
	if (call_fork(c, r, req))
		return refuse(c, 488, "Not Acceptable Here", "FAILED");
	log_info("call", "call %s %s -> %s (%s): %u fork(s), media %s:%u/%u", c->uuid,
		 r->caller->user, r->callee->user, c->cdr.direction, c->nb, c->media_ip, c->port_a,
		 c->port_b);
	if (ce->cfg.no_answer_s)
		loop_timer_start(sip_stack_loop(ce->st), &c->t_noanswer, ce->cfg.no_answer_s * 1000ull,
				 on_no_answer, c);
	for (unsigned i = 0; i < c->nb; i++)
		if (!c->b[i]->failed)
			return;
	all_failed(c);
}
