/*
 * OPTIONS keep-alive to registered UDP contacts: keeps NAT bindings open and
 * drops contacts of phones that are gone (three pings without any answer).
 * Any response, even an error, proves the phone is there.
 */
#include <stdlib.h>

#include "core/buf.h"
#include "core/log.h"
#include "core/mem.h"
#include "core/rand.h"
#include "node/directory.h"
#include "node/node.h"
#include "sip/stack.h"

enum { KEEPALIVE_MAX_FAILURES = 3 };

/* What the response callback needs to find the contact again: it may be gone by then. */
struct ping {
	struct node *n;
	int64_t tenant_id;
	char *user, *uri; /* owned */
};

static void ping_free(struct ping *p)
{
	free(p->user);
	free(p->uri);
	free(p);
}

static void on_ping_response(struct sip_tsx *tsx, const struct sip_msg *resp, uint16_t status,
			     void *arg)
{
	struct ping *p = arg;
	struct sip_aor *aor;
	struct sip_contact *c;

	if (resp && status < 200)
		return;
	aor = sip_location_find(p->n->loc, p->tenant_id, str_c(p->user));
	c = sip_aor_contact(aor, str_c(p->uri));
	if (c && resp) {
		c->ping_failures = 0;
	} else if (c && ++c->ping_failures >= KEEPALIVE_MAX_FAILURES) {
		p->n->stats.pings_failed++;
		log_info("registrar", "contact %s of %s unreachable (%u pings unanswered): removed",
			 c->uri, p->user, c->ping_failures);
		sip_location_unbind(p->n->loc, c);
	}
	ping_free(p);
}

static int build_ping(struct node *n, const struct sip_contact *c, struct buf *out)
{
	const struct dir_tenant *t = directory_tenant_by_id(n->dir, c->aor->tenant_id);
	const char *domain = t ? t->row.domain : "zvonar.invalid";
	char from[300], to[400], call_id[40], tag[24], branch[40], route[1100] = "";

	snprintf(from, sizeof(from), "sip:keepalive@%s", domain);
	snprintf(to, sizeof(to), "sip:%s@%s", c->aor->user, domain);
	if (c->path)
		snprintf(route, sizeof(route), "Route: %s\r\n", c->path);
	rand_token(call_id, 32);
	sip_tag_new(tag);
	sip_branch_new(branch);
	struct sip_request_spec spec = {
		.method = SIP_OPTIONS,
		.ruri = c->uri,
		.from_uri = from,
		.from_tag = tag,
		.to_uri = to,
		.call_id = call_id,
		.cseq = 1,
		.extra_hdrs = route[0] ? route : NULL,
	};
	return sip_request_build(n->stack, out, &spec, c->peer.proto, branch);
}

void node_keepalive_ping(struct sip_contact *c, void *arg)
{
	struct node *n = arg;
	struct buf req;
	struct ping *p;

	if (c->peer.proto != SIP_PROTO_UDP || n->stopping)
		return; /* streams keep themselves alive (RFC 5626 CRLF) */
	buf_init(&req, SIP_MAX_MSG);
	if (build_ping(n, c, &req)) {
		buf_free(&req);
		return;
	}
	p = xcalloc(1, sizeof(*p));
	p->n = n;
	p->tenant_id = c->aor->tenant_id;
	p->user = xstrdup(c->aor->user);
	p->uri = xstrdup(c->uri);
	n->stats.pings_sent++;
	if (sip_tsx_send_request(n->stack, NULL, &c->peer, &req, on_ping_response, p))
		ping_free(p);
}
