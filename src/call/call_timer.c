/*
 * Session timers (RFC 4028) on the caller's leg: a caller's Session-Expires is honoured
 * (422 with our Min-SE when it is shorter), our 2xx says who refreshes (the caller when it
 * supports timers and did not ask otherwise, else us), and then either we refresh at half the
 * interval (UPDATE without SDP when the caller allows UPDATE, else a re-INVITE with our SDP),
 * or we expect the caller's refresh and hang the call up with BYE to both sides when none came
 * before the session would expire. A call whose BYE was lost does not stay up for hours.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "call/call_int.h"
#include "core/log.h"
#include "core/loop.h"

enum { SE_MAX_S = 86400, SE_RETRY_MS = 1000 };

/* The option tag in one of the message's Supported (or Require) values. */
static bool has_tag(const struct sip_msg *m, enum sip_hdr_id id, const char *tag)
{
	for (const struct sip_hdr *h = sip_msg_hdr(m, id); h; h = sip_msg_hdr_next(m, h))
		if (str_eq_case_cstr(str_trim(h->value), tag))
			return true;
	return false;
}

static bool allows(const struct sip_msg *m, const char *method)
{
	return has_tag(m, SIP_HDR_ALLOW, method);
}

/* A delta-seconds header (Session-Expires or Min-SE): 0 absent, EBADMSG malformed. */
static int delta(const struct sip_msg *m, enum sip_hdr_id id, unsigned *secs, struct str *refresher)
{
	const struct sip_hdr *h = sip_msg_hdr(m, id);
	struct str num, params;
	uint32_t v;

	*secs = 0;
	if (refresher)
		*refresher = STR_NULL;
	if (!h)
		return 0;
	params = str_split(h->value, ';', &num);
	if (str_to_u32(str_trim(num), &v) || v == 0)
		return EBADMSG;
	*secs = v > SE_MAX_S ? SE_MAX_S : v;
	if (refresher && params.p &&
	    sip_param_find(str_make(params.p - 1, params.len + 1), "refresher", refresher))
		*refresher = str_trim(*refresher);
	return 0;
}

bool call_timer_refuse(struct call_engine *ce, struct sip_tsx *tsx, const struct sip_msg *req)
{
	unsigned se, min_se, ours = ce->cfg.min_se_s ? ce->cfg.min_se_s : 90;
	char hdrs[64];

	if (delta(req, SIP_HDR_SESSION_EXPIRES, &se, NULL) ||
	    delta(req, SIP_HDR_MIN_SE, &min_se, NULL)) {
		sip_tsx_reply(tsx, 400, "Bad Session-Expires Or Min-SE", NULL, NULL, NULL, 0);
		return true;
	}
	if (!se || se >= ours)
		return false;
	log_info("call", "INVITE %.*s: Session-Expires %u under our Min-SE %u: 422",
		 STR_FMT(req->call_id), se, ours);
	snprintf(hdrs, sizeof(hdrs), "Min-SE: %u\r\n", ours);
	sip_tsx_reply(tsx, 422, NULL, hdrs, NULL, NULL, 0);
	return true;
}

static void arm(struct call *c);

static void hang_up(struct call *c, const char *cause)
{
	log_notice("call", "call %s: %s, hanging up", c->uuid, cause);
	call_send_bye(&c->a);
	call_send_bye(c->b[c->winner]);
	call_end(c, "ANSWERED", cause, "system");
}

static void refresh(struct call *c, bool update);
static void on_timer(void *arg);

static void on_refresh_answer(struct call *c, struct call_leg *leg, uint16_t status,
			      const struct sip_msg *resp, void *arg)
{
	unsigned se;
	struct str refresher;

	if (c->state != CALL_ANSWERED)
		return;
	if (status < 300) {
		if (resp && delta(resp, SIP_HDR_SESSION_EXPIRES, &se, &refresher) == 0 && se)
			c->se.interval_s = se;
		arm(c);
	} else if (status == 408 || status == 481) { /* RFC 4028 10: the session is gone */
		hang_up(c, "session refresh failed");
	} else if ((status == 405 || status == 501) && c->se.update) {
		c->se.update = false; /* it did not take UPDATE after all */
		refresh(c, false);
	} else {
		log_info("call", "call %s: session refresh answered %u; the call goes on", c->uuid,
			 status);
		arm(c);
	}
}

static void refresh(struct call *c, bool update)
{
	char extra[96];
	const char *sdp = update ? NULL : call_leg_local_sdp(c, &c->a);

	snprintf(extra, sizeof(extra), "Session-Expires: %u;refresher=uac\r\nSupported: timer\r\n",
		 c->se.interval_s);
	int err = call_leg_offer(&c->a, update ? SIP_UPDATE : SIP_INVITE, sdp, extra,
				 on_refresh_answer, NULL);
	if (err) /* another offer is pending on the leg: try again shortly */
		loop_timer_start(sip_stack_loop(c->ce->st), &c->se.t, SE_RETRY_MS, on_timer, c);
}

static void on_timer(void *arg)
{
	struct call *c = arg;

	if (c->state != CALL_ANSWERED)
		return;
	if (c->se.we_refresh)
		refresh(c, c->se.update);
	else
		hang_up(c, "session timer expired");
}

/* We refresh at half the interval; the caller's refresh is due before the session expires
 * less min(32 s, a third of it) (RFC 4028 10). */
static void arm(struct call *c)
{
	unsigned s = c->se.interval_s;
	uint64_t ms = c->se.we_refresh ? s * 500ull : (s - (s / 3 < 32 ? s / 3 : 32)) * 1000ull;

	loop_timer_start(sip_stack_loop(c->ce->st), &c->se.t, ms, on_timer, c);
}

/* Session-Expires (with refresher) and Require: timer when the caller supports timers. */
static void put_hdrs(const struct call *c, bool supported, struct buf *hdrs)
{
	buf_printf(hdrs, "Session-Expires: %u;refresher=%s\r\n", c->se.interval_s,
		   c->se.we_refresh ? "uas" : "uac");
	if (supported)
		buf_puts(hdrs, "Require: timer\r\n");
}

void call_timer_answer(struct call *c, const struct sip_msg *req, struct buf *hdrs)
{
	unsigned se, min_se;
	struct str refresher;
	bool supported = has_tag(req, SIP_HDR_SUPPORTED, "timer");

	buf_puts(hdrs, "Supported: replaces, timer\r\n");
	if (delta(req, SIP_HDR_SESSION_EXPIRES, &se, &refresher) || !se)
		return; /* the caller asked for no session timer */
	if (delta(req, SIP_HDR_MIN_SE, &min_se, NULL) == 0 && min_se > se)
		se = min_se;
	c->se.interval_s = se;
	/* the caller refreshes when it can and did not leave it to us (RFC 4028 9) */
	c->se.we_refresh = !supported || str_eq_case_cstr(refresher, "uas");
	c->se.update = allows(req, "UPDATE");
	put_hdrs(c, supported, hdrs);
	arm(c);
	log_info("call", "call %s: session timer %us, refreshed by %s", c->uuid, se,
		 c->se.we_refresh ? "us" : "the caller");
}

void call_timer_refreshed(struct call *c, const struct call_leg *leg, const struct sip_msg *req,
			  struct buf *hdrs)
{
	unsigned se;
	struct str refresher;

	if (!leg->is_a || !c->se.interval_s)
		return;
	/* a refresh may change the interval (never under what we accepted) and the refresher */
	if (delta(req, SIP_HDR_SESSION_EXPIRES, &se, &refresher) == 0 && se) {
		if (se >= c->ce->cfg.min_se_s)
			c->se.interval_s = se;
		if (refresher.len)
			c->se.we_refresh = str_eq_case_cstr(refresher, "uas");
	}
	put_hdrs(c, has_tag(req, SIP_HDR_SUPPORTED, "timer"), hdrs);
	arm(c);
	log_debug("call", "call %s: session refreshed by the caller", c->uuid);
}
