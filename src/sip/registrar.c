/* The registrar (RFC 3261 10.3, RFC 3327 Path): validates a REGISTER, applies it, lists bindings. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/buf.h"
#include "core/log.h"
#include "core/mem.h"
#include "core/time.h"
#include "sip/location.h"
#include "sip/msg.h"
#include "sip/registrar.h"
#include "sip/stack.h"

enum { REG_MAX_CONTACTS_IN_REQ = 32 };

struct sip_registrar {
	struct sip_location *loc; /* borrowed */
	struct sip_registrar_cfg cfg;
};

/* One Contact of the request, validated before anything changes. */
struct reg_contact {
	struct str uri, instance;
	uint32_t expires;
	int q1000, reg_id;
};

struct reg_req {
	bool star;
	unsigned n;
	struct reg_contact c[REG_MAX_CONTACTS_IN_REQ];
	char path[1024];
	bool path_supported;
};

int sip_registrar_new(struct sip_registrar **rp, struct sip_location *loc,
		      const struct sip_registrar_cfg *cfg)
{
	struct sip_registrar *r = xcalloc(1, sizeof(*r));
	r->loc = loc;
	r->cfg = *cfg;
	*rp = r;
	return 0;
}

void sip_registrar_destroy(struct sip_registrar *r)
{
	free(r);
}

void sip_registrar_set_cfg(struct sip_registrar *r, const struct sip_registrar_cfg *cfg)
{
	r->cfg = *cfg;
}

/* q = "0", "1", "0.5", "0.125" (RFC 3261 qvalue) as thousandths; -1 when malformed. */
static int parse_q(struct str v)
{
	int whole, frac = 0, scale = 100;
	size_t i = 1;

	if (v.len == 0 || (v.p[0] != '0' && v.p[0] != '1'))
		return -1;
	whole = v.p[0] - '0';
	if (v.len > 1) {
		if (v.p[1] != '.' || v.len > 5)
			return -1;
		for (i = 2; i < v.len; i++, scale /= 10) {
			if (v.p[i] < '0' || v.p[i] > '9')
				return -1;
			frac += (v.p[i] - '0') * scale;
		}
	}
	if (whole == 1 && frac)
		return -1;
	return whole * 1000 + frac;
}

static struct str unquote(struct str v)
{
	if (v.len >= 2 && v.p[0] == '"' && v.p[v.len - 1] == '"')
		return str_make(v.p + 1, v.len - 2);
	return v;
}

/* Expires of one contact: its own parameter, else the Expires header, else the default. */
static int contact_expires(const struct sip_registrar *r, const struct sip_msg *req,
			   struct str params, uint32_t *out)
{
	struct str v;
	uint64_t e;

	if (sip_param_find(params, "expires", &v)) {
		int rc = str_to_u64(v, UINT32_MAX, &e);
		if (rc == EOVERFLOW)
			e = UINT32_MAX; /* absurdly large: clamped to max_expires later */
		else if (rc)
			return EBADMSG;
	} else if (req->expires >= 0) {
		e = (uint64_t)req->expires;
	} else {
		e = r->cfg.default_expires;
	}
	*out = e > UINT32_MAX ? UINT32_MAX : (uint32_t)e;
	return 0;
}

static int parse_contact(const struct sip_registrar *r, const struct sip_msg *req,
			 struct str value, struct reg_contact *c)
{
	struct sip_nameaddr na;
	struct str v;
	uint32_t reg_id;

	if (sip_nameaddr_parse(value, &na) || na.uri.scheme == SIP_URI_OTHER || !na.uri_raw.len)
		return EBADMSG;
	c->uri = na.uri_raw;
	c->q1000 = -1;
	c->reg_id = 0;
	c->instance = STR_NULL;
	if (sip_param_find(na.params, "q", &v) && (c->q1000 = parse_q(v)) < 0)
		return EBADMSG;
	if (sip_param_find(na.params, "+sip.instance", &v))
		c->instance = unquote(v);
	if (sip_param_find(na.params, "reg-id", &v)) {
		if (str_to_u32(v, &reg_id) || reg_id > 0x7fffffff)
			return EBADMSG;
		c->reg_id = (int)reg_id;
	}
	return contact_expires(r, req, na.params, &c->expires);
}

/* Path values comma-joined (RFC 3327); EOVERFLOW when they do not fit. */
static int collect_path(const struct sip_msg *req, struct reg_req *rr)
{
	size_t len = 0;

	rr->path[0] = '\0';
	for (const struct sip_hdr *h = sip_msg_hdr(req, SIP_HDR_PATH); h; h = sip_msg_hdr_next(req, h)) {
		int n = snprintf(rr->path + len, sizeof(rr->path) - len, "%s%.*s", len ? "," : "",
				 STR_FMT(h->value));
		if (n < 0 || (size_t)n >= sizeof(rr->path) - len)
			return EOVERFLOW;
		len += (size_t)n;
	}
	for (const struct sip_hdr *h = sip_msg_hdr(req, SIP_HDR_SUPPORTED); h;
	     h = sip_msg_hdr_next(req, h))
		if (str_eq_case_cstr(h->value, "path"))
			rr->path_supported = true;
	return 0;
}

/* Step 6 and 7's checks: the whole request is judged before any binding changes. */
static uint16_t parse_request(const struct sip_registrar *r, const struct sip_msg *req,
			      struct reg_req *rr, const char **reason)
{
	for (const struct sip_hdr *h = sip_msg_hdr(req, SIP_HDR_CONTACT); h;
	     h = sip_msg_hdr_next(req, h)) {
		if (str_eq_cstr(h->value, "*")) {
			rr->star = true;
			continue;
		}
		if (rr->n == REG_MAX_CONTACTS_IN_REQ) {
			*reason = "Too Many Contacts";
			return 403;
		}
		if (parse_contact(r, req, h->value, &rr->c[rr->n])) {
			*reason = "Bad Contact";
			return 400;
		}
		rr->n++;
	}
	if (rr->star && (rr->n || req->expires != 0)) {
		*reason = "Contact * needs Expires 0 and no other Contact";
		return 400;
	}
	if (collect_path(req, rr)) {
		*reason = "Path Too Long";
		return 400;
	}
	for (unsigned i = 0; i < rr->n; i++) {
		if (rr->c[i].expires && rr->c[i].expires < r->cfg.min_expires) {
			*reason = "Interval Too Brief";
			return 423;
		}
		if (rr->c[i].expires > r->cfg.max_expires)
			rr->c[i].expires = r->cfg.max_expires;
	}
	return 0;
}

/* RFC 3261 10.3 step 7: a binding from the same Call-ID must have a higher CSeq. */
static bool out_of_order(const struct sip_contact *c, const struct sip_msg *req)
{
	return c && str_eq_cstr(req->call_id, c->call_id) && req->cseq.num <= c->cseq;
}

/* The same URI twice in one request is one binding (the later values win when bound). */
static bool seen_before(const struct reg_req *rr, unsigned i)
{
	for (unsigned k = 0; k < i; k++)
		if (str_eq(rr->c[k].uri, rr->c[i].uri))
			return true;
	return false;
}

/* Contacts the AOR would have after the request: refused beyond max before anything changes. */
static unsigned count_after(struct sip_aor *aor, const struct reg_req *rr)
{
	unsigned n = aor ? aor->ncontacts : 0;
	for (unsigned i = 0; i < rr->n; i++) {
		if (seen_before(rr, i))
			continue;
		bool bound = sip_aor_contact(aor, rr->c[i].uri) != NULL;
		if (!bound && rr->c[i].expires)
			n++;
		else if (bound && !rr->c[i].expires)
			n--;
	}
	return n;
}

static uint16_t check_order(struct sip_aor *aor, const struct reg_req *rr,
			    const struct sip_msg *req)
{
	if (rr->star) {
		for (const struct sip_contact *c = aor ? aor->contacts : NULL; c; c = c->next)
			if (out_of_order(c, req))
				return 400;
		return 0;
	}
	for (unsigned i = 0; i < rr->n; i++)
		if (out_of_order(sip_aor_contact(aor, rr->c[i].uri), req))
			return 400;
	return 0;
}

static void apply(struct sip_registrar *r, int64_t tenant_id, struct str user,
		  const struct reg_req *rr, const struct sip_msg *req, const struct sip_peer *from,
		  unsigned max, uint64_t now)
{
	const struct sip_hdr *ua = sip_msg_hdr(req, SIP_HDR_USER_AGENT);

	if (rr->star) {
		sip_location_unbind_all(r->loc, tenant_id, user);
		return;
	}
	/* Removals first: count_after() allowed the request by its final count, so a binding
	 * that replaces a removed one must not meet the limit half-way. */
	for (unsigned i = 0; i < rr->n; i++) {
		if (rr->c[i].expires)
			continue;
		struct sip_aor *aor = sip_location_find(r->loc, tenant_id, user);
		struct sip_contact *bound = sip_aor_contact(aor, rr->c[i].uri);
		if (bound)
			sip_location_unbind(r->loc, bound);
	}
	for (unsigned i = 0; i < rr->n; i++) {
		const struct reg_contact *c = &rr->c[i];
		if (!c->expires)
			continue;
		struct sip_binding b = {
			.uri = c->uri,
			.path = str_c(rr->path),
			.instance = c->instance,
			.user_agent = ua ? ua->value : STR_NULL,
			.call_id = req->call_id,
			.cseq = req->cseq.num,
			.reg_id = c->reg_id,
			.q1000 = c->q1000,
			.expires_at = now + c->expires,
			.peer = from,
		};
		sip_location_bind(r->loc, tenant_id, user, &b, max, NULL);
	}
}

/* Step 8: every current binding with the time it has left. */
static void list_bindings(struct sip_aor *aor, const struct reg_req *rr, struct buf *hdrs,
			  uint64_t now)
{
	char date[64];
	time_t t = (time_t)now;
	struct tm tm;

	for (const struct sip_contact *c = aor ? aor->contacts : NULL; c; c = c->next) {
		uint64_t left = c->expires_at > now ? c->expires_at - now : 0;
		buf_printf(hdrs, "Contact: <%s>;expires=%llu", c->uri, (unsigned long long)left);
		if (c->q1000 >= 0)
			buf_printf(hdrs, ";q=%d.%03d", c->q1000 / 1000, c->q1000 % 1000);
		if (c->instance)
			buf_printf(hdrs, ";+sip.instance=\"%s\"", c->instance);
		if (c->reg_id)
			buf_printf(hdrs, ";reg-id=%d", c->reg_id);
		buf_puts(hdrs, "\r\n");
	}
	if (rr->path_supported && rr->path[0])
		buf_printf(hdrs, "Path: %s\r\nSupported: path\r\n", rr->path);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", gmtime_r(&t, &tm));
	buf_printf(hdrs, "Date: %s\r\n", date);
}

void sip_registrar_handle(struct sip_registrar *r, struct sip_tsx *tsx, const struct sip_msg *req,
			  const struct sip_peer *from, int64_t tenant_id, struct str user,
			  unsigned max_contacts)
{
	struct reg_req *rr = xcalloc(1, sizeof(*rr));
	const char *reason = NULL;
	struct buf hdrs;
	struct sip_aor *aor;
	unsigned max = max_contacts ? max_contacts : r->cfg.max_contacts;
	uint16_t status;

	buf_init(&hdrs, 0);
	status = parse_request(r, req, rr, &reason);
	aor = sip_location_find(r->loc, tenant_id, user);
	if (!status && (status = check_order(aor, rr, req)))
		reason = "Out Of Order CSeq";
	if (!status && !rr->star && count_after(aor, rr) > max) {
		status = 403;
		reason = "Too Many Contacts";
	}
	if (status) {
		if (status == 423)
			buf_printf(&hdrs, "Min-Expires: %u\r\n", r->cfg.min_expires);
		log_info("registrar", "REGISTER %.*s refused: %u %s", STR_FMT(user), status, reason);
		sip_tsx_reply(tsx, status, reason, hdrs.len ? hdrs.data : NULL, NULL, NULL, 0);
		goto out;
	}
	/* one clock reading: the granted time is listed exactly as it was stored */
	uint64_t now = time_wall_ms() / 1000u;
	apply(r, tenant_id, user, rr, req, from, max, now);
	list_bindings(sip_location_find(r->loc, tenant_id, user), rr, &hdrs, now);
	sip_tsx_reply(tsx, 200, NULL, hdrs.data, NULL, NULL, 0);
out:
	buf_free(&hdrs);
	free(rr);
}
