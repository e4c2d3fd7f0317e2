/* Outbound registration: one Call-ID for life, CSeq counting up, digest on challenge, refresh. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/buf.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/mem.h"
#include "core/obj.h"
#include "core/rand.h"
#include "sip/auth.h"
#include "sip/regclient.h"
#include "sip/stack.h"

enum { RETRY_MIN_S = 30, RETRY_MAX_S = 600 };

struct sip_regclient {
	struct sip_stack *st; /* borrowed */
	char *registrar, *aor, *contact_user, *user, *password; /* owned */
	unsigned expires, granted, retry_s;
	struct sip_peer peer;
	char call_id[40], tag[24];
	uint32_t cseq;
	uint16_t status;
	bool dead, authed; /* authed: this attempt already answered a challenge */
	bool authed_423;   /* a 423's Min-Expires was taken once */
	unsigned attempt_expires;
	struct timer t;
	sip_regclient_fn *fn;
	void *arg;
};

static void send_register(struct sip_regclient *rc, const struct sip_msg *challenge);
static void send_register_expires(struct sip_regclient *rc, const struct sip_msg *challenge,
				  unsigned expires);

static void rc_destroy(void *obj)
{
	struct sip_regclient *rc = obj;
	timer_cancel(&rc->t);
	sip_peer_release(&rc->peer);
	free(rc->registrar);
	free(rc->aor);
	free(rc->contact_user);
	free(rc->user);
	free(rc->password);
}

static bool unsafe(const char *s)
{
	return !s || !*s || strpbrk(s, "\r\n\"<> ");
}

static void on_timer(void *arg)
{
	struct sip_regclient *rc = arg;
	rc->authed = false;
	rc->authed_423 = false;
	send_register(rc, NULL);
}

static void schedule(struct sip_regclient *rc, unsigned s)
{
	loop_timer_start(sip_stack_loop(rc->st), &rc->t, (uint64_t)s * 1000u, on_timer, rc);
}

/* The expires the registrar granted our Contact (its parameter, else the header). */
static unsigned granted(const struct sip_regclient *rc, const struct sip_msg *resp)
{
	for (const struct sip_hdr *h = sip_msg_hdr(resp, SIP_HDR_CONTACT); h;
	     h = sip_msg_hdr_next(resp, h)) {
		struct sip_nameaddr na;
		struct str v;
		uint32_t e;
		if (sip_nameaddr_parse(h->value, &na) || !str_eq_cstr(na.uri.user, rc->contact_user))
			continue;
		if (sip_param_find(na.params, "expires", &v) && str_to_u32(v, &e) == 0)
			return e;
	}
	return resp->expires > 0 ? (unsigned)resp->expires : rc->expires;
}

static void report(struct sip_regclient *rc, uint16_t status)
{
	rc->status = status;
	if (rc->fn && !rc->dead)
		rc->fn(rc, status, rc->granted, rc->arg);
}

static void on_ok(struct sip_regclient *rc, const struct sip_msg *resp)
{
	rc->granted = granted(rc, resp);
	rc->retry_s = RETRY_MIN_S;
	if (!rc->dead)
		schedule(rc, rc->granted > 60 ? rc->granted * 3 / 4 : rc->granted / 2 + 1);
	report(rc, 200);
}

static void on_failure(struct sip_regclient *rc, uint16_t status)
{
	rc->granted = 0;
	if (!rc->dead) {
		schedule(rc, rc->retry_s);
		rc->retry_s = rc->retry_s * 2 > RETRY_MAX_S ? RETRY_MAX_S : rc->retry_s * 2;
	}
	report(rc, status);
}

static void on_response(struct sip_tsx *tsx, const struct sip_msg *resp, uint16_t status, void *arg)
{
	struct sip_regclient *rc = arg;

	if (status < 200)
		return;
	if ((status == 401 || status == 407) && resp && !rc->authed) {
		rc->authed = true; /* one answer per attempt: a second challenge is a refusal */
		send_register_expires(rc, resp, rc->attempt_expires);
		return;
	}
	if (rc->dead)
		return;
	if (status == 423 && resp && !rc->authed_423) {
		const struct sip_hdr *h = sip_msg_hdr(resp, SIP_HDR_MIN_EXPIRES);
		uint32_t min;
		if (h && str_to_u32(h->value, &min) == 0 && min > rc->expires && min <= 86400) {
			rc->expires = min;
			rc->authed = false;
			rc->authed_423 = true;
			send_register(rc, NULL);
			return;
		}
	}
	if (status < 300)
		on_ok(rc, resp);
	else
		on_failure(rc, status);
}

static void on_end(void *arg)
{
	obj_unref(arg);
}

static int build(struct sip_regclient *rc, const struct sip_msg *challenge, unsigned expires,
		 struct buf *out)
{
	char hp[SA_ADDRSTRLEN + 64] = "invalid", branch[40];
	struct buf extra;
	int err;

	sip_stack_local_hostport(rc->st, rc->peer.proto, hp, sizeof(hp));
	buf_init(&extra, 4096);
	buf_printf(&extra, "Contact: <sip:%s@%s>\r\nExpires: %u\r\n", rc->contact_user, hp, expires);
	if (challenge &&
	    sip_auth_answer(challenge, rc->user, rc->password, "REGISTER", rc->registrar, &extra)) {
		buf_free(&extra);
		return ENOENT;
	}
	struct sip_request_spec spec = {
		.method = SIP_REGISTER, .ruri = rc->registrar, .from_uri = rc->aor,
		.from_tag = rc->tag, .to_uri = rc->aor, .call_id = rc->call_id,
		.cseq = ++rc->cseq, .extra_hdrs = extra.data,
	};
	sip_branch_new(branch);
	err = sip_request_build(rc->st, out, &spec, rc->peer.proto, branch);
	buf_free(&extra);
	return err;
}

static void send_register_expires(struct sip_regclient *rc, const struct sip_msg *challenge,
				  unsigned expires)
{
	struct sip_tsx *tsx = NULL;
	struct buf req;

	rc->attempt_expires = expires;
	buf_init(&req, SIP_MAX_MSG);
	if (build(rc, challenge, expires, &req)) {
		buf_free(&req);
		on_failure(rc, challenge ? challenge->status : 500);
		return;
	}
	if (sip_tsx_send_request(rc->st, &tsx, &rc->peer, &req, on_response, rc)) {
		on_failure(rc, 503);
		return;
	}
	sip_tsx_set_end_fn(tsx, on_end, obj_ref(rc));
}

static void send_register(struct sip_regclient *rc, const struct sip_msg *challenge)
{
	send_register_expires(rc, challenge, rc->expires);
}

int sip_regclient_new(struct sip_regclient **rp, struct sip_stack *st,
		      const struct sip_regclient_cfg *cfg, sip_regclient_fn *fn, void *arg)
{
	struct sip_regclient *rc;

	if (unsafe(cfg->registrar) || unsafe(cfg->aor) || unsafe(cfg->contact_user) ||
	    unsafe(cfg->user) || !cfg->password || strpbrk(cfg->password, "\r\n"))
		return EINVAL;
	rc = obj_new(sizeof(*rc), rc_destroy);
	rc->st = st;
	rc->registrar = xstrdup(cfg->registrar);
	rc->aor = xstrdup(cfg->aor);
	rc->contact_user = xstrdup(cfg->contact_user);
	rc->user = xstrdup(cfg->user);
	rc->password = xstrdup(cfg->password);
	rc->expires = cfg->expires ? cfg->expires : 600;
	rc->retry_s = RETRY_MIN_S;
	sip_peer_copy(&rc->peer, &cfg->peer);
	rand_token(rc->call_id, 32);
	sip_tag_new(rc->tag);
	rc->fn = fn;
	rc->arg = arg;
	timer_init(&rc->t);
	send_register(rc, NULL);
	*rp = rc;
	return 0;
}

void sip_regclient_destroy(struct sip_regclient *rc)
{
	if (!rc)
		return;
	timer_cancel(&rc->t);
	if (rc->granted) {
		rc->authed = false;
		send_register_expires(rc, NULL, 0);
	}
	rc->dead = true;
	obj_unref(rc);
}

bool sip_regclient_registered(const struct sip_regclient *rc)
{
	return rc->granted > 0;
}

uint16_t sip_regclient_status(const struct sip_regclient *rc)
{
	return rc->status;
}

unsigned sip_regclient_retry_s(const struct sip_regclient *rc)
{
	return rc->retry_s;
}
