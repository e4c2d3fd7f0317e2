/* Server transactions: the INVITE and non-INVITE state machines (RFC 3261 17.2, RFC 6026). */
#include <errno.h>

#include "core/loop.h"
#include "core/obj.h"
#include "sip/stack_int.h"

static void server_send(struct sip_tsx *tsx)
{
	struct sip_stack *st = tsx->st;

	if (tsx->out.len && stack_send(st, &tsx->dest, tsx->out.data, tsx->out.len) == 0)
		st->stats.retrans_sent++;
}

/* Timer G: the final non-2xx again, T1 doubling up to T2, until the ACK (17.2.1). */
static void server_timer_g(void *arg)
{
	struct sip_tsx *tsx = arg;
	struct sip_stack *st = tsx->st;

	server_send(tsx);
	tsx->retx_ms = tsx->retx_ms * 2 < st->t2 ? tsx->retx_ms * 2 : st->t2;
	loop_timer_start(st->loop, &tsx->t_retx, tsx->retx_ms, server_timer_g, tsx);
}

/* Timers H, I, J, L, and the guard on a non-INVITE the TU never answers. */
static void server_timer_end(void *arg)
{
	struct sip_tsx *tsx = arg;

	/* H (no ACK) or the guard (no answer) are timeouts; I, J and L are the normal end. */
	if (tsx->state != TSX_CONFIRMED && tsx->state != TSX_ACCEPTED &&
	    (tsx->invite || tsx->state != TSX_COMPLETED))
		tsx->st->stats.tsx_timeouts++;
	tsx_terminate(tsx);
}

static void server_timer_trying(void *arg)
{
	struct sip_tsx *tsx = arg;

	if (tsx->status == 0)
		sip_tsx_reply(tsx, 100, NULL, NULL, NULL, NULL, 0);
}

static void server_end_after(struct sip_tsx *tsx, unsigned ms)
{
	if (ms == 0)
		tsx_terminate(tsx);
	else
		loop_timer_start(tsx->st->loop, &tsx->t_end, ms, server_timer_end, tsx);
}

/* After the TU's callbacks: a completed non-INVITE keeps only what matching needs. */
static void server_compact(void *arg)
{
	struct sip_tsx *tsx = arg;

	if (tsx->state == TSX_COMPLETED && tsx->req && tsx->req->nhdrs) {
		struct sip_msg *small = sip_msg_compact(tsx->req);
		sip_msg_free(tsx->req);
		tsx->req = small;
	}
	obj_unref(tsx);
}

static void server_advance(struct sip_tsx *tsx, uint16_t status)
{
	struct sip_stack *st = tsx->st;
	bool udp = !stack_reliable(&tsx->dest);

	if (status < 200) {
		tsx->state = TSX_PROCEEDING;
	} else if (!tsx->invite) {
		tsx->state = TSX_COMPLETED;
		/* Timer J keeps it 32 s for retransmissions: 10 KB of parsed request each at 3,000
		 * requests/s would be a gigabyte, so it shrinks once the TU is done with it */
		if (udp)
			loop_defer(st->loop, server_compact, obj_ref(tsx));
		server_end_after(tsx, udp ? 64 * st->t1 : 0); /* Timer J */
	} else if (status < 300) {
		tsx->state = TSX_ACCEPTED;
		server_end_after(tsx, 64 * st->t1); /* Timer L (RFC 6026) */
	} else {
		tsx->state = TSX_COMPLETED;
		if (udp) {
			tsx->retx_ms = st->t1;
			loop_timer_start(st->loop, &tsx->t_retx, st->t1, server_timer_g, tsx);
		}
		server_end_after(tsx, 64 * st->t1); /* Timer H */
	}
}

int sip_tsx_reply(struct sip_tsx *tsx, uint16_t status, const char *reason, const char *extra_hdrs,
		  const char *content_type, const char *body, size_t body_len)
{
	if (!tsx || !tsx->server || status < 100 || status > 699)
		return EINVAL;
	struct sip_stack *st = tsx->st;
	if (!st || tsx->status >= 200)
		return EPROTO;
	if (status > 100 && !tsx->dialog_tag && !tsx->tag[0])
		sip_tag_new(tsx->tag);
	int err = sip_response_build(&tsx->out, tsx->req, &tsx->peer, status, reason,
				     sip_tsx_to_tag(tsx), st->server_name, extra_hdrs,
				     content_type, body, body_len);
	if (err)
		return err;
	tsx->status = status;
	timer_cancel(&tsx->t_trying);
	err = stack_send(st, &tsx->dest, tsx->out.data, tsx->out.len);
	st->stats.responses_out++;
	st->stats.responses_by_class[status / 100]++;
	server_advance(tsx, status);
	return err;
}

static struct sip_tsx *server_new(struct sip_stack *st, struct sip_msg *req,
				  const struct sip_peer *from)
{
	struct sip_tsx *tsx = tsx_alloc(st, true, req, from);

	sip_response_dest(req, &tsx->peer, &tsx->dest);
	if (req->to.has_tag)
		tsx->dialog_tag = str_dup(req->to.tag);
	tsx_table_add(st, tsx);
	if (tsx->invite) {
		tsx->state = TSX_PROCEEDING;
		loop_timer_start(st->loop, &tsx->t_trying, SIP_TRYING_DELAY_MS,
				 server_timer_trying, tsx);
	} else {
		tsx->state = TSX_TRYING;
		/* Past 64*T1 the client has given up (Timer F): keep nothing longer. */
		loop_timer_start(st->loop, &tsx->t_end, 64 * st->t1, server_timer_end, tsx);
	}
	return tsx;
}

/* A retransmitted request: absorbed, answered with the last response if there is one. */
static void server_retransmission(struct sip_tsx *tsx)
{
	tsx->st->stats.retrans_absorbed++;
	/* The client is already retransmitting: no point waiting out the 200 ms for the 100. */
	if (tsx->invite && tsx->status == 0) {
		sip_tsx_reply(tsx, 100, NULL, NULL, NULL, NULL, 0);
		return;
	}
	if (tsx->state == TSX_PROCEEDING || tsx->state == TSX_COMPLETED ||
	    tsx->state == TSX_ACCEPTED)
		server_send(tsx);
}

static void server_ack(struct sip_stack *st, struct sip_msg *req, const struct sip_peer *from)
{
	struct sip_tsx *tsx = tsx_table_server_find(st, req, SIP_INVITE);

	if (!tsx || tsx->state == TSX_ACCEPTED) {
		/* The ACK of a 2xx is its own transaction: it belongs to the TU (dialog). */
		st->on_request(st, NULL, req, from, st->arg);
	} else if (tsx->state == TSX_COMPLETED) {
		tsx->state = TSX_CONFIRMED;
		timer_cancel(&tsx->t_retx);
		server_end_after(tsx, stack_reliable(&tsx->dest) ? 0 : st->t4); /* Timer I */
	} else {
		st->stats.retrans_absorbed++;
	}
	sip_msg_free(req);
}

static void server_cancel(struct sip_stack *st, struct sip_msg *req, const struct sip_peer *from)
{
	struct sip_tsx *inv = tsx_table_server_find(st, req, SIP_INVITE);

	if (!inv) {
		sip_stack_reply_stateless(st, req, from, 481, NULL, NULL);
		sip_msg_free(req);
		return;
	}
	obj_ref(inv);
	struct sip_tsx *ctsx = server_new(st, req, from);
	sip_tsx_reply(ctsx, 200, NULL, NULL, NULL, NULL, 0);
	if (inv->status < 200 && inv->st) {
		/* The TU hears first so it can stop forking; the 487 follows unless it answered. */
		if (inv->cancel_fn)
			inv->cancel_fn(inv, inv->cancel_arg);
		if (inv->status < 200 && inv->st)
			sip_tsx_reply(inv, 487, NULL, NULL, NULL, NULL, 0);
	}
	obj_unref(inv);
}

void tsx_server_recv(struct sip_stack *st, struct sip_msg *req, const struct sip_peer *from)
{
	if (req->method == SIP_ACK) {
		server_ack(st, req, from);
		return;
	}
	struct sip_tsx *tsx = tsx_table_server_find(st, req, req->method);
	if (tsx) {
		server_retransmission(tsx);
		sip_msg_free(req);
		return;
	}
	if (st->server.count >= st->max_server_tsx) {
		sip_stack_reply_stateless(st, req, from, 503, NULL, "Retry-After: 5\r\n");
		stack_bad(st, from, "too many transactions", 503);
		sip_msg_free(req);
		return;
	}
	if (req->method == SIP_CANCEL) {
		server_cancel(st, req, from);
		return;
	}
	tsx = obj_ref(server_new(st, req, from));
	st->on_request(st, tsx, tsx->req, &tsx->peer, st->arg);
	obj_unref(tsx);
}
