/* The transaction layer's front door: creation, the receive path (parse, dispatch) and sending. */
#include <errno.h>
#include <stdlib.h>

#include "core/log.h"
#include "core/mem.h"
#include "core/obj.h"
#include "core/rand.h"
#include "sip/stack_int.h"

enum { STACK_INITIAL_BUCKETS = 1024 };

static int stack_send_tp(void *ctx, const struct sip_peer *to, const char *data, size_t len)
{
	struct sip_transport *tp = ctx;

	if (!tp)
		return ENOTCONN;
	return sip_transport_send(tp, to, data, len);
}

int sip_stack_new(struct sip_stack **sp, struct loop *loop, struct sip_transport *tp,
		  const struct sip_stack_cfg *cfg, sip_request_fn *on_request, sip_bad_fn *on_bad,
		  void *arg)
{
	if (!sp || !loop || !on_request)
		return EINVAL;
	struct sip_stack *st = xcalloc(1, sizeof(*st));
	st->loop = loop;
	st->tp = tp;
	st->t1 = cfg && cfg->t1_ms ? cfg->t1_ms : 500;
	st->t2 = cfg && cfg->t2_ms ? cfg->t2_ms : 4000;
	st->t4 = cfg && cfg->t4_ms ? cfg->t4_ms : 5000;
	st->server_name = xstrdup(cfg && cfg->server_name ? cfg->server_name : "zvonar");
	st->on_request = on_request;
	st->on_bad = on_bad;
	st->arg = arg;
	st->send = stack_send_tp;
	st->send_ctx = tp;
	st->max_server_tsx = SIP_DEFAULT_MAX_SERVER_TSX;
	hmap_init(&st->server, STACK_INITIAL_BUCKETS);
	hmap_init(&st->client, STACK_INITIAL_BUCKETS);
	*sp = st;
	return 0;
}

static void stack_drain(struct hmap *m)
{
	struct hmap_iter it;
	struct hmap_node *n;

	hmap_iter_init(&it, m);
	while ((n = hmap_iter_next(&it))) {
		struct sip_tsx *tsx = container_of(n, struct sip_tsx, node);
		tsx_terminate(tsx);
	}
}

void sip_stack_destroy(struct sip_stack *st)
{
	if (!st)
		return;
	stack_drain(&st->server);
	stack_drain(&st->client);
	hmap_free(&st->server);
	hmap_free(&st->client);
	for (int i = 0; i < SIP_PROTO__COUNT; i++)
		free(st->via_host[i]);
	free(st->server_name);
	free(st);
}

void sip_stack_set_send_fn(struct sip_stack *st, sip_send_fn *fn, void *ctx)
{
	st->send = fn ? fn : stack_send_tp;
	st->send_ctx = fn ? ctx : st->tp;
}

int sip_stack_set_via_host(struct sip_stack *st, enum sip_proto proto, const char *hostport)
{
	if ((unsigned)proto >= SIP_PROTO__COUNT)
		return EINVAL;
	if (hostport && (!*hostport || strpbrk(hostport, "\r\n;, \t")))
		return EINVAL;
	free(st->via_host[proto]);
	st->via_host[proto] = hostport ? xstrdup(hostport) : NULL;
	return 0;
}

void sip_stack_set_max_server_tsx(struct sip_stack *st, size_t max)
{
	st->max_server_tsx = max ? max : SIP_DEFAULT_MAX_SERVER_TSX;
}

struct loop *sip_stack_loop(const struct sip_stack *st)
{
	return st->loop;
}

void sip_stack_stats(const struct sip_stack *st, struct sip_stack_stats *out)
{
	*out = st->stats;
	out->server_tsx = st->server.count;
	out->client_tsx = st->client.count;
}

int sip_stack_send_raw(struct sip_stack *st, const struct sip_peer *to, const char *data,
		       size_t len)
{
	if (!st || !to || !data || !len || len > SIP_MAX_MSG)
		return EINVAL;
	return stack_send(st, to, data, len);
}

int stack_send(struct sip_stack *st, const struct sip_peer *to, const char *data, size_t len)
{
	return st->send(st->send_ctx, to, data, len);
}

void stack_bad(struct sip_stack *st, const struct sip_peer *from, const char *reason,
	       uint16_t status)
{
	if (st->on_bad)
		st->on_bad(st, from, reason, status, st->arg);
}

bool stack_reliable(const struct sip_peer *peer)
{
	/* Checked here rather than via the transport so the test double needs no transport. */
	return peer->proto != SIP_PROTO_UDP;
}

void sip_branch_new(char out[40])
{
	memcpy(out, "z9hG4bK", 7);
	rand_token(out + 7, 24);
}

void sip_tag_new(char out[24])
{
	rand_token(out, 16);
}

int sip_stack_reply_stateless(struct sip_stack *st, const struct sip_msg *req,
			      const struct sip_peer *to, uint16_t status, const char *reason,
			      const char *extra_hdrs)
{
	char tag[24];
	struct sip_peer dest;
	struct buf out;

	if (!st || !req || !to || !req->is_request)
		return EINVAL;
	if (req->method == SIP_ACK)
		return EPROTO; /* an ACK is never answered */
	sip_tag_new(tag);
	buf_init(&out, SIP_MAX_MSG);
	int err = sip_response_build(&out, req, to, status, reason, tag, st->server_name,
				     extra_hdrs, NULL, NULL, 0);
	if (!err) {
		sip_response_dest(req, to, &dest);
		err = stack_send(st, &dest, out.data, out.len);
		st->stats.responses_out++;
	}
	buf_free(&out);
	return err;
}

static void stack_parse_error(struct sip_stack *st, struct sip_msg *msg,
			      const struct sip_peer *from, const char *reason)
{
	uint16_t status = 0;

	st->stats.parse_errors++;
	if (!reason)
		reason = "Bad Request";
	/* A broken response or ACK is never answered; anything else gets 400 if it can be. */
	if (msg && msg->is_request && msg->method != SIP_ACK &&
	    sip_stack_reply_stateless(st, msg, from, 400, reason, NULL) == 0)
		status = 400;
	stack_bad(st, from, reason, status);
	sip_msg_free(msg);
}

static void stack_response(struct sip_stack *st, struct sip_msg *msg, const struct sip_peer *from)
{
	struct sip_tsx *tsx = tsx_table_client_find(st, msg);

	if (!tsx) {
		stack_bad(st, from, "stray response", 0);
		return;
	}
	obj_ref(tsx);
	tsx_client_recv(tsx, msg);
	obj_unref(tsx);
}

void sip_stack_recv(struct sip_stack *st, const char *data, size_t len,
		    const struct sip_peer *from)
{
	struct sip_msg *msg = NULL;
	const char *reason = NULL;

	int err = sip_msg_parse(&msg, data, len, from->proto != SIP_PROTO_UDP, &reason);
	if (err) {
		stack_parse_error(st, msg, from, reason);
		return;
	}
	if (!str_eq_case_cstr(msg->version, "SIP/2.0")) {
		if (msg->is_request && msg->method != SIP_ACK)
			sip_stack_reply_stateless(st, msg, from, 505, NULL, NULL);
		stack_bad(st, from, "unsupported SIP version",
			  msg->is_request && msg->method != SIP_ACK ? 505 : 0);
		sip_msg_free(msg);
		return;
	}
	if (!msg->is_request) {
		stack_response(st, msg, from);
		sip_msg_free(msg);
		return;
	}
	st->stats.requests_in++;
	tsx_server_recv(st, msg, from);
}
