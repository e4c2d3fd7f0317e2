/*
 * The SIP request service: what the node does with each request once the
 * transaction layer has it. Order: flood and ban checks on arrival, the UAS
 * checks of RFC 3261 8.2, local answers (OPTIONS, BYE without dialog), then the
 * tenant, digest authentication, identity, and the registrar.
 */
#include <errno.h>

#include "call/call.h"
#include "core/buf.h"
#include "core/log.h"
#include "core/loop.h"
#include "net/addr.h"
#include "node/directory.h"
#include "node/node.h"
#include "node/trunks.h"
#include "sip/auth.h"
#include "sip/flood.h"
#include "sip/registrar.h"
#include "sip/stack.h"
#include "sip/uas_check.h"

void node_sip_recv(const char *data, size_t len, const struct sip_peer *from, void *arg)
{
	struct node *n = arg;
	uint64_t now = loop_now(n->loop);

	if (!sip_flood_allow(n->flood, &from->addr, now)) {
		n->stats.flood_dropped++;
		return;
	}
	/* A banned source is not worth parsing: silence tells a scanner nothing. */
	if (sip_auth_banned(n->auth, &from->addr, STR_NULL, now)) {
		n->stats.banned_dropped++;
		return;
	}
	sip_stack_recv(n->stack, data, len, from);
}

void node_sip_bad(struct sip_stack *st, const struct sip_peer *from, const char *reason,
		  uint16_t status, void *arg)
{
	struct node *n = arg;
	char src[SA_ADDRSTRLEN];

	if (!log_limit_allow(&n->bad_log, loop_now(n->loop), 20, 100))
		return;
	log_info("sip", "bad message from %s/%s: %s (%s)", sa_str(&from->addr, src, sizeof(src)),
		 sip_proto_name(from->proto), reason ? reason : "?",
		 status ? "answered 400" : "dropped");
}

static void reply(struct sip_tsx *tsx, uint16_t status, const char *reason, const char *hdrs)
{
	sip_tsx_reply(tsx, status, reason, hdrs, NULL, NULL, 0);
}

static void answer_options(struct node *n, struct sip_tsx *tsx)
{
	n->stats.options_answered++;
	reply(tsx, 200, NULL,
	      "Allow: " SIP_ALLOW "\r\nAccept: " SIP_ACCEPT "\r\nAccept-Encoding: identity\r\n"
	      "Accept-Language: en\r\nSupported: " SIP_SUPPORTED "\r\n");
}

/* The tenant whose domain the Request-URI names; else the default tenant. */
static const struct dir_tenant *request_tenant(struct node *n, const struct sip_msg *req)
{
	const struct dir_tenant *t = NULL;

	if (req->ruri.scheme != SIP_URI_TEL && !req->ruri.host_ipv6)
		t = directory_tenant_by_domain(n->dir, req->ruri.host);
	if (!t && n->set.default_tenant)
		t = directory_tenant_by_name(n->dir, n->set.default_tenant);
	return t;
}

static void challenge(struct node *n, struct sip_tsx *tsx, const struct sip_msg *req,
		      const struct sip_peer *from, const struct dir_tenant *t, bool stale)
{
	bool proxy = req->method != SIP_REGISTER;
	struct buf hdrs;

	buf_init(&hdrs, 0);
	sip_auth_challenge(n->auth, &hdrs, proxy, str_c(t->row.domain), stale, &from->addr,
			   loop_now(n->loop));
	n->stats.challenges++;
	reply(tsx, proxy ? 407 : 401, NULL, hdrs.data);
	buf_free(&hdrs);
}

/* The user a request claims to come from: To of a REGISTER (the AOR), From otherwise. */
static bool claims_user(const struct sip_msg *req, struct str user)
{
	const struct sip_uri *u = req->method == SIP_REGISTER ? &req->to.uri : &req->from.uri;
	char plain[128];
	size_t len;

	if (sip_uri_unescape(u->user, plain, sizeof(plain), &len))
		return false;
	return str_eq(str_make(plain, len), user);
}

enum { AUTH_REPEAT_MS = 30000 };

/* True when this Call-ID already failed within AUTH_REPEAT_MS; remembers this failure. */
static bool failed_before(struct node *n, const struct sip_msg *req)
{
	uint32_t h = str_hash(req->call_id) | 1u;
	size_t slot = h % (sizeof(n->auth_repeat) / sizeof(n->auth_repeat[0]));
	uint64_t now = loop_now(n->loop);
	bool again = n->auth_repeat[slot].hash == h && now - n->auth_repeat[slot].at_ms < AUTH_REPEAT_MS;

	n->auth_repeat[slot].hash = h;
	n->auth_repeat[slot].at_ms = now;
	return again;
}

/*
 * Digest authentication (RFC 3261 22, RFC 8760). Returns the authenticated user, or NULL
 * when the request has been answered (challenge, 403) or dropped (ban).
 */
static const struct dir_user *authenticate(struct node *n, struct sip_tsx *tsx,
					   const struct sip_msg *req, const struct sip_peer *from,
					   const struct dir_tenant *t)
{
	bool proxy = req->method != SIP_REGISTER;
	struct sip_digest_cred cred;
	const struct dir_user *u;
	const char *ha1 = NULL;
	int rc = sip_auth_find_cred(req, proxy, str_c(t->row.domain), &cred);

	if (rc) { /* none for our realm, or one we cannot read: a fresh challenge either way */
		challenge(n, tsx, req, from, t, false);
		return NULL;
	}
	u = directory_user(n->dir, t->row.id, cred.username);
	if (u && u->row.enabled)
		ha1 = cred.alg == SIP_DIGEST_SHA256 ? u->row.ha1_sha256 : u->row.ha1_md5;
	switch (sip_auth_check(n->auth, &cred, req->method_name, ha1, &from->addr,
			       loop_now(n->loop))) {
	case SIP_AUTH_OK:
		break;
	case SIP_AUTH_STALE:
		challenge(n, tsx, req, from, t, true);
		return NULL;
	case SIP_AUTH_BANNED:
		n->stats.banned_dropped++;
		/* UDP: silence (the guard timer ends the transaction); streams and INVITE: 403 */
		if (req->method == SIP_INVITE || sip_proto_reliable(from->proto))
			reply(tsx, 403, "Forbidden", NULL);
		return NULL;
	default:
		n->stats.auth_failed++;
		/* Some phones answer every fresh challenge at once with the same wrong secret:
		 * the second failure on one Call-ID ends the loop (the same for unknown users). */
		if (failed_before(n, req))
			reply(tsx, 403, "Forbidden", NULL);
		else
			challenge(n, tsx, req, from, t, false);
		return NULL;
	}
	if (!claims_user(req, cred.username)) {
		n->stats.forbidden++;
		log_notice("security", "auth user %.*s claims another identity (%s)",
			   STR_FMT(cred.username), sip_method_name(req->method));
		reply(tsx, 403, "Forbidden auth ID", NULL);
		return NULL;
	}
	n->stats.auth_ok++;
	return u;
}

static void serve_authenticated(struct node *n, struct sip_tsx *tsx, const struct sip_msg *req,
				const struct sip_peer *from, const struct dir_tenant *t,
				const struct dir_user *u)
{
	switch (req->method) {
	case SIP_REGISTER:
		n->stats.registers_ok++;
		sip_registrar_handle(n->reg, tsx, req, from, t->row.id, str_c(u->row.number),
				     (unsigned)u->row.max_contacts);
		break;
	case SIP_INVITE:
		if (n->stopping)
			reply(tsx, 503, "Shutting Down", "Retry-After: 60\r\n");
		else
			node_call_invite(n, tsx, req, from, t, u);
		break;
	default:
		reply(tsx, 405, NULL, "Allow: " SIP_ALLOW "\r\n");
		break;
	}
}

const char *const node_sip_method_names[NODE_SIP_METHODS] = {
	"INVITE", "ACK", "BYE", "CANCEL", "REGISTER", "OPTIONS", "INFO", "UPDATE", "REFER",
	"NOTIFY", "other",
};

static void count_method(struct node *n, enum sip_method m)
{
	static const enum sip_method slot[] = { SIP_INVITE, SIP_ACK, SIP_BYE, SIP_CANCEL,
						 SIP_REGISTER, SIP_OPTIONS, SIP_INFO, SIP_UPDATE,
						 SIP_REFER, SIP_NOTIFY };
	int i = 0;

	while (i < NODE_SIP_METHODS - 1 && slot[i] != m)
		i++;
	n->stats.requests[i]++;
}

void node_sip_request(struct sip_stack *st, struct sip_tsx *tsx, const struct sip_msg *req,
		      const struct sip_peer *from, void *arg)
{
	struct node *n = arg;
	const char *reason = NULL;
	const struct dir_tenant *t;
	const struct dir_user *u;
	struct buf hdrs;
	uint16_t status;

	if (log_level_current >= LL_DEBUG) {
		char src[SA_ADDRSTRLEN];
		log_debug("sip", "%.*s %.*s from %s/%s cseq %u call-id %.*s",
			  STR_FMT(req->method_name), STR_FMT(req->ruri_raw),
			  sa_str(&from->addr, src, sizeof(src)), sip_proto_name(from->proto),
			  (unsigned)req->cseq.num, STR_FMT(req->call_id));
	}
	count_method(n, req->method);
	/* Inside a dialog of a call (the ACK of our 2xx has no transaction): the call's. */
	if ((!tsx || req->to.has_tag) && n->calls && call_dialog_request(n->calls, tsx, req, from))
		return;
	if (!tsx) /* an ACK matching no call: absorbed */
		return;
	buf_init(&hdrs, 0);
	status = sip_uas_check(req, &hdrs, &reason);
	if (status) {
		reply(tsx, status, reason, hdrs.len ? hdrs.data : NULL);
		buf_free(&hdrs);
		return;
	}
	buf_free(&hdrs);
	switch (req->method) {
	case SIP_OPTIONS:
		answer_options(n, tsx);
		return;
	case SIP_BYE:
	case SIP_CANCEL:
		reply(tsx, 481, NULL, NULL);
		return;
	default:
		break;
	}
	/* Calls from a trunk's proxy are the provider's: trusted by address, not challenged. */
	const struct node_trunk *trunk = req->method == SIP_INVITE && !req->to.has_tag
						 ? node_trunk_by_source(n, &from->addr)
						 : NULL;
	if (trunk) {
		node_call_inbound(n, tsx, req, from, trunk);
		return;
	}
	t = request_tenant(n, req);
	if (!t) {
		reply(tsx, 404, "Domain Not Served", NULL);
		return;
	}
	u = authenticate(n, tsx, req, from, t);
	if (u)
		serve_authenticated(n, tsx, req, from, t, u);
}
