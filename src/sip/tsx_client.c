/* Client transactions: the INVITE and non-INVITE state machines (RFC 3261 17.1, RFC 6026). */
#include <errno.h>

#include "core/loop.h"
#include "core/obj.h"
#include "sip/stack_int.h"

static void client_deliver(struct sip_tsx *tsx, const struct sip_msg *resp, uint16_t status)
{
	if (tsx->resp_fn)
		tsx->resp_fn(tsx, resp, status, tsx->resp_arg);
}

/* Ends the transaction for the TU with a synthetic status (408 timeout, 503 transport). */
static void client_fail(struct sip_tsx *tsx, uint16_t status)
{
	obj_ref(tsx);
	tsx_terminate(tsx);
	client_deliver(tsx, NULL, status);
	obj_unref(tsx);
}

/* Timers A (INVITE: doubling without cap) and E (non-INVITE: capped at T2). */
static void client_timer_retx(void *arg)
{
	struct sip_tsx *tsx = arg;
	struct sip_stack *st = tsx->st;

	if (stack_send(st, &tsx->peer, tsx->out.data, tsx->out.len) != 0) {
		client_fail(tsx, 503);
		return;
	}
	st->stats.retrans_sent++;
	tsx->retx_ms *= 2;
	if (!tsx->invite && (tsx->retx_ms > st->t2 || tsx->state == TSX_PROCEEDING))
		tsx->retx_ms = st->t2;
	loop_timer_start(st->loop, &tsx->t_retx, tsx->retx_ms, client_timer_retx, tsx);
}

/* Timers B and F (no final response: 408), D, K and M (normal end). */
static void client_timer_end(void *arg)
{
	struct sip_tsx *tsx = arg;

	if (tsx->state == TSX_COMPLETED || tsx->state == TSX_ACCEPTED) {
		tsx_terminate(tsx);
		return;
	}
	tsx->st->stats.tsx_timeouts++;
	client_fail(tsx, 408);
}

static void client_end_after(struct sip_tsx *tsx, unsigned ms)
{
	timer_cancel(&tsx->t_retx);
	if (ms == 0)
		tsx_terminate(tsx);
	else
		loop_timer_start(tsx->st->loop, &tsx->t_end, ms, client_timer_end, tsx);
}

/* The ACK of a non-2xx final response (17.1.1.3): part of the INVITE transaction. */
static int client_build_ack(struct sip_tsx *tsx, const struct sip_msg *resp)
{
	const struct sip_msg *req = tsx->req;
	const struct sip_hdr *via = sip_msg_hdr(req, SIP_HDR_VIA);
	const struct sip_hdr *to = sip_msg_hdr(resp, SIP_HDR_TO);
	struct buf *b = &tsx->ack;

	buf_reset(b);
	int err = buf_printf(b, "ACK %.*s SIP/2.0\r\nVia: %.*s\r\n", STR_FMT(req->ruri_raw),
			     STR_FMT(via->value));
	for (const struct sip_hdr *h = sip_msg_hdr(req, SIP_HDR_ROUTE); h && !err;
	     h = sip_msg_hdr_next(req, h))
		err = buf_printf(b, "Route: %.*s\r\n", STR_FMT(h->value));
	if (!err)
		err = buf_printf(b, "Max-Forwards: 70\r\nFrom: %.*s\r\nTo: %.*s\r\n",
				 STR_FMT(sip_msg_hdr(req, SIP_HDR_FROM)->value),
				 STR_FMT(to ? to->value : resp->to.raw));
	if (!err)
		err = buf_printf(b, "Call-ID: %.*s\r\nCSeq: %u ACK\r\nContent-Length: 0\r\n\r\n",
				 STR_FMT(req->call_id), (unsigned)req->cseq.num);
	return err;
}

static void client_send_ack(struct sip_tsx *tsx)
{
	if (tsx->ack.len)
		stack_send(tsx->st, &tsx->peer, tsx->ack.data, tsx->ack.len);
}

/* The CANCEL of 9.1: the INVITE's Request-URI, top Via, Route, From, To, Call-ID, CSeq number. */
static int client_build_cancel(const struct sip_tsx *tsx, struct buf *b)
{
	const struct sip_msg *req = tsx->req;

	int err = buf_printf(b, "CANCEL %.*s SIP/2.0\r\nVia: %.*s\r\n", STR_FMT(req->ruri_raw),
			     STR_FMT(sip_msg_hdr(req, SIP_HDR_VIA)->value));
	for (const struct sip_hdr *h = sip_msg_hdr(req, SIP_HDR_ROUTE); h && !err;
	     h = sip_msg_hdr_next(req, h))
		err = buf_printf(b, "Route: %.*s\r\n", STR_FMT(h->value));
	if (!err)
		err = buf_printf(b, "Max-Forwards: 70\r\nFrom: %.*s\r\nTo: %.*s\r\n",
				 STR_FMT(sip_msg_hdr(req, SIP_HDR_FROM)->value),
				 STR_FMT(sip_msg_hdr(req, SIP_HDR_TO)->value));
	if (!err)
		err = buf_printf(b, "Call-ID: %.*s\r\nCSeq: %u CANCEL\r\nContent-Length: 0\r\n\r\n",
				 STR_FMT(req->call_id), (unsigned)req->cseq.num);
	return err;
}

static int client_send_cancel(struct sip_tsx *tsx)
{
	struct sip_stack *st = tsx->st;
	struct buf b;

	tsx->cancel_pending = false;
	buf_init(&b, SIP_MAX_MSG);
	int err = client_build_cancel(tsx, &b);
	if (!err)
		err = sip_tsx_send_request(st, NULL, &tsx->peer, &b, tsx->cancel_resp_fn,
					   tsx->cancel_resp_arg);
	buf_free(&b);
	/* 9.1: the INVITE gets 64*T1 more for its 487, then the TU hears 408. */
	if (!err && tsx->state == TSX_PROCEEDING)
		loop_timer_start(st->loop, &tsx->t_end, 64 * st->t1, client_timer_end, tsx);
	return err;
}

int sip_tsx_cancel(struct sip_tsx *tsx, sip_resp_fn *fn, void *arg)
{
	if (!tsx || tsx->server || !tsx->invite)
		return EINVAL;
	if (!tsx->st || tsx->cancelled ||
	    (tsx->state != TSX_CALLING && tsx->state != TSX_PROCEEDING))
		return EPROTO;
	tsx->cancelled = true;
	tsx->cancel_resp_fn = fn;
	tsx->cancel_resp_arg = arg;
	if (tsx->state == TSX_CALLING) {
		tsx->cancel_pending = true;
		return 0;
	}
	return client_send_cancel(tsx);
}

static void client_invite_recv(struct sip_tsx *tsx, const struct sip_msg *resp)
{
	struct sip_stack *st = tsx->st;
	uint16_t status = resp->status;

	if (tsx->state == TSX_COMPLETED) {
		if (status >= 300) { /* the final response again: our ACK was lost */
			st->stats.retrans_absorbed++;
			client_send_ack(tsx);
		}
		return;
	}
	if (tsx->state == TSX_ACCEPTED) {
		if (status >= 200 && status < 300) /* 2xx retransmissions and forks go to the TU */
			client_deliver(tsx, resp, status);
		return;
	}
	timer_cancel(&tsx->t_retx);
	if (status < 200) {
		/* Timer B only guards Calling: ringing may last as long as the TU lets it. */
		if (tsx->state == TSX_CALLING)
			timer_cancel(&tsx->t_end);
		tsx->state = TSX_PROCEEDING;
		if (tsx->cancel_pending)
			client_send_cancel(tsx);
	} else if (status < 300) {
		tsx->state = TSX_ACCEPTED;
		client_end_after(tsx, 64 * st->t1); /* Timer M */
	} else {
		tsx->state = TSX_COMPLETED;
		if (client_build_ack(tsx, resp) == 0)
			client_send_ack(tsx);
		client_end_after(tsx, stack_reliable(&tsx->peer) ? 0 : 32000); /* Timer D */
	}
	client_deliver(tsx, resp, status);
}

static void client_plain_recv(struct sip_tsx *tsx, const struct sip_msg *resp)
{
	struct sip_stack *st = tsx->st;
	uint16_t status = resp->status;

	if (tsx->state == TSX_COMPLETED) {
		st->stats.retrans_absorbed++;
		return;
	}
	if (status < 200) {
		tsx->state = TSX_PROCEEDING;
	} else {
		tsx->state = TSX_COMPLETED;
		client_end_after(tsx, stack_reliable(&tsx->peer) ? 0 : st->t4); /* Timer K */
	}
	client_deliver(tsx, resp, status);
}

void tsx_client_recv(struct sip_tsx *tsx, const struct sip_msg *resp)
{
	if (resp->status < 100 || resp->status > 699)
		return;
	tsx->status = resp->status;
	if (tsx->invite)
		client_invite_recv(tsx, resp);
	else
		client_plain_recv(tsx, resp);
}

static void client_start(struct sip_stack *st, struct sip_tsx *tsx)
{
	tsx->state = tsx->invite ? TSX_CALLING : TSX_TRYING;
	tsx_table_add(st, tsx);
	if (!stack_reliable(&tsx->peer)) {
		tsx->retx_ms = st->t1;
		loop_timer_start(st->loop, &tsx->t_retx, st->t1, client_timer_retx, tsx);
	}
	loop_timer_start(st->loop, &tsx->t_end, 64 * st->t1, client_timer_end, tsx);
}

int sip_tsx_send_request(struct sip_stack *st, struct sip_tsx **tsxp, const struct sip_peer *to,
			 struct buf *request, sip_resp_fn *fn, void *arg)
{
	struct sip_msg *req = NULL;
	const char *reason = NULL;

	if (!st || !to || !request || !request->data || !request->len)
		return EINVAL;
	int err = sip_msg_parse(&req, request->data, request->len, false, &reason);
	/* An ACK is no transaction, and without our branch no response could ever match. */
	if (!err && (!req->is_request || req->method == SIP_ACK ||
		     !tsx_has_cookie(req->via[0].branch)))
		err = EINVAL;
	if (err) {
		sip_msg_free(req);
		buf_free(request);
		return err == EOVERFLOW ? err : EINVAL;
	}
	struct sip_tsx *tsx = tsx_alloc(st, false, req, to);
	buf_free(&tsx->out);
	tsx->out = *request;
	buf_init(request, request->max);
	tsx->resp_fn = fn;
	tsx->resp_arg = arg;
	err = stack_send(st, &tsx->peer, tsx->out.data, tsx->out.len);
	if (err) {
		obj_unref(tsx);
		return err;
	}
	client_start(st, tsx);
	if (tsxp)
		*tsxp = tsx;
	return 0;
}
