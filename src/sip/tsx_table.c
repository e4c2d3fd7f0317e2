/* Transaction objects and their matching tables (RFC 3261 17.1.3, 17.2.3, RFC 2543 fallback). */
#include <errno.h>
#include <stdlib.h>

#include "core/mem.h"
#include "core/obj.h"
#include "sip/stack_int.h"

static const struct str cookie = { "z9hG4bK", 7 };

bool tsx_has_cookie(struct str branch)
{
	return branch.len > cookie.len && memcmp(branch.p, cookie.p, cookie.len) == 0;
}

static void tsx_destroy(void *obj)
{
	struct sip_tsx *tsx = obj;

	timer_cancel(&tsx->t_retx);
	timer_cancel(&tsx->t_end);
	timer_cancel(&tsx->t_trying);
	sip_msg_free(tsx->req);
	sip_peer_release(&tsx->peer);
	buf_free(&tsx->out);
	buf_free(&tsx->ack);
	free(tsx->dialog_tag);
}

struct sip_tsx *tsx_alloc(struct sip_stack *st, bool server, struct sip_msg *req,
			  const struct sip_peer *peer)
{
	struct sip_tsx *tsx = obj_new(sizeof(*tsx), tsx_destroy);

	tsx->st = st;
	tsx->server = server;
	tsx->req = req;
	tsx->invite = req->method == SIP_INVITE;
	tsx->legacy = !tsx_has_cookie(req->via[0].branch);
	sip_peer_copy(&tsx->peer, peer);
	tsx->dest = tsx->peer;
	buf_init(&tsx->out, SIP_MAX_MSG);
	buf_init(&tsx->ack, SIP_MAX_MSG);
	timer_init(&tsx->t_retx);
	timer_init(&tsx->t_end);
	timer_init(&tsx->t_trying);
	return tsx;
}

/* The method a message's transaction is keyed by: an ACK belongs to its INVITE. */
static enum sip_method key_method(const struct sip_msg *msg)
{
	enum sip_method m = msg->is_request ? msg->method : msg->cseq.method;
	return m == SIP_ACK ? SIP_INVITE : m;
}

static uint32_t key_hash(const struct sip_msg *msg, enum sip_method m)
{
	if (!tsx_has_cookie(msg->via[0].branch))
		return str_hash(msg->call_id) ^ (msg->cseq.num * 2654435761u);
	return str_hash(msg->via[0].branch) ^ ((uint32_t)m * 0x9e3779b1u);
}

static bool method_eq(const struct sip_tsx *tsx, const struct sip_msg *msg, enum sip_method m)
{
	if (tsx->req->method != m)
		return false;
	/* Extension methods share SIP_UNKNOWN: compare their names. */
	return m != SIP_UNKNOWN || str_eq(tsx->req->method_name, msg->cseq.method_name);
}

static bool sent_by_eq(const struct sip_via *a, const struct sip_via *b)
{
	return a->port == b->port && str_eq_case(a->host, b->host);
}

/* RFC 2543 17.2.3 fallback: the request's identifying fields instead of the branch. */
static bool legacy_eq(const struct sip_tsx *tsx, const struct sip_msg *req)
{
	const struct sip_msg *orig = tsx->req;

	if (!str_eq(orig->call_id, req->call_id) || orig->cseq.num != req->cseq.num ||
	    !str_eq(orig->from.tag, req->from.tag) || !str_eq(orig->ruri_raw, req->ruri_raw) ||
	    !str_eq(orig->via[0].raw, req->via[0].raw))
		return false;
	if (req->method == SIP_ACK)
		return str_eq_cstr(req->to.tag, sip_tsx_to_tag(tsx));
	/* A CANCEL carries the INVITE's To, so the same To tag rule covers it. */
	return str_eq(orig->to.tag, req->to.tag);
}

struct sip_tsx *tsx_table_server_find(struct sip_stack *st, const struct sip_msg *req,
				      enum sip_method want)
{
	const struct sip_via *via = &req->via[0];
	bool legacy = !tsx_has_cookie(via->branch);
	uint32_t h = key_hash(req, want);

	for (struct hmap_node *n = hmap_first(&st->server, h); n; n = hmap_next_same(n)) {
		struct sip_tsx *tsx = container_of(n, struct sip_tsx, node);
		if (tsx->legacy != legacy || !method_eq(tsx, req, want))
			continue;
		if (legacy ? legacy_eq(tsx, req)
			   : str_eq(tsx->req->via[0].branch, via->branch) &&
				     sent_by_eq(&tsx->req->via[0], via))
			return tsx;
	}
	return NULL;
}

struct sip_tsx *tsx_table_client_find(struct sip_stack *st, const struct sip_msg *resp)
{
	if (resp->nvia == 0 || !tsx_has_cookie(resp->via[0].branch))
		return NULL; /* we always send the cookie: anything else is not ours */
	enum sip_method m = key_method(resp);
	uint32_t h = key_hash(resp, m);

	for (struct hmap_node *n = hmap_first(&st->client, h); n; n = hmap_next_same(n)) {
		struct sip_tsx *tsx = container_of(n, struct sip_tsx, node);
		if (method_eq(tsx, resp, m) && str_eq(tsx->req->via[0].branch, resp->via[0].branch))
			return tsx;
	}
	return NULL;
}

void tsx_table_add(struct sip_stack *st, struct sip_tsx *tsx)
{
	struct hmap *m = tsx->server ? &st->server : &st->client;

	hmap_insert(m, &tsx->node, key_hash(tsx->req, key_method(tsx->req)));
	tsx->in_table = true;
}

void tsx_terminate(struct sip_tsx *tsx)
{
	struct sip_stack *st = tsx->st;

	timer_cancel(&tsx->t_retx);
	timer_cancel(&tsx->t_end);
	timer_cancel(&tsx->t_trying);
	tsx->state = TSX_TERMINATED;
	tsx->st = NULL;
	if (tsx->end_fn) {
		sip_tsx_end_fn *fn = tsx->end_fn;
		tsx->end_fn = NULL;
		fn(tsx->end_arg);
	}
	if (!tsx->in_table)
		return;
	tsx->in_table = false;
	hmap_remove(tsx->server ? &st->server : &st->client, &tsx->node);
	obj_unref(tsx);
}

void sip_tsx_set_end_fn(struct sip_tsx *tsx, sip_tsx_end_fn *fn, void *arg)
{
	tsx->end_fn = fn;
	tsx->end_arg = arg;
}

const char *sip_tsx_local_tag(struct sip_tsx *tsx)
{
	if (!tsx->dialog_tag && !tsx->tag[0])
		sip_tag_new(tsx->tag);
	return sip_tsx_to_tag(tsx);
}

void sip_tsx_set_cancel_fn(struct sip_tsx *tsx, sip_tsx_cancel_fn *fn, void *arg)
{
	tsx->cancel_fn = fn;
	tsx->cancel_arg = arg;
}

const struct sip_msg *sip_tsx_request(const struct sip_tsx *tsx)
{
	return tsx->req;
}

const struct sip_peer *sip_tsx_peer(const struct sip_tsx *tsx)
{
	return &tsx->peer;
}

const char *sip_tsx_to_tag(const struct sip_tsx *tsx)
{
	return tsx->dialog_tag ? tsx->dialog_tag : tsx->tag;
}

bool sip_tsx_is_server(const struct sip_tsx *tsx)
{
	return tsx->server;
}
