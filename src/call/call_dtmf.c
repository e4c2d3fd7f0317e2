/*
 * DTMF between legs that carry it differently. RFC 4733 events on both sides are mapped by
 * the relay; a side without telephone-event gets the other's events as SIP INFO
 * (application/dtmf-relay), and its INFO digits reach the other side as events the relay
 * generates. Every digit the relay hears (events or in-band tones) is logged here, where
 * menus will read them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "call/call_int.h"
#include "core/log.h"
#include "media/media.h"

enum { DTMF_INFO_DEFAULT_MS = 160, DTMF_INFO_MAX_MS = 5000 };

static struct call_leg *side_leg(struct call *c, int side)
{
	if (side == 0)
		return &c->a;
	return c->winner >= 0 ? c->b[c->winner] : NULL;
}

void call_media_dtmf(struct call_engine *ce, uint64_t relay_id, const struct media_event_info *ev)
{
	struct call *c = call_by_relay(ce, relay_id);
	char body[64];

	if (!c || c->state != CALL_ANSWERED)
		return;
	log_info("call", "call %s: DTMF '%c' %ums from %s (%s)", c->uuid, ev->digit,
		 ev->duration_ms, ev->side ? "callee" : "caller", ev->inband ? "tone" : "rfc4733");
	if (call_record_digit(c, ev))
		return; /* the caller declined the recording */
	if (c->ivr && c->winner < 0) {
		if (ev->side == 0)
			call_ivr_digit(c, ev->digit); /* the scenario reads the caller's digits */
		return;
	}
	/* a tone is in the audio the other side hears; events it takes went through the relay */
	if (ev->inband || c->dtmf_pt[!ev->side])
		return;
	struct call_leg *other = side_leg(c, !ev->side);
	if (!other)
		return;
	snprintf(body, sizeof(body), "Signal=%c\r\nDuration=%u\r\n", ev->digit,
		 ev->duration_ms ? ev->duration_ms : DTMF_INFO_DEFAULT_MS);
	if (call_leg_request(other, SIP_INFO, other->route, "application/dtmf-relay", body, NULL,
			     NULL) == 0)
		log_debug("call", "call %s: DTMF '%c' sent as INFO", c->uuid, ev->digit);
}

/* The value after "name=" on one of the body's lines (spaces around it allowed). */
static bool body_value(struct str body, const char *name, struct str *val)
{
	size_t nl = strlen(name);
	const char *p = body.p, *end = body.p + body.len;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *le = eol ? eol : end;
		while (p < le && (*p == ' ' || *p == '\t'))
			p++;
		if ((size_t)(le - p) > nl && strncasecmp(p, name, nl) == 0) {
			const char *v = p + nl;
			while (v < le && (*v == ' ' || *v == '\t'))
				v++;
			if (v < le && *v == '=') {
				*val = str_trim(str_make(v + 1, (size_t)(le - v - 1)));
				return true;
			}
		}
		p = eol ? eol + 1 : end;
	}
	return false;
}

/* The digit and duration of an INFO body: 0, or EINVAL when it does not carry one. */
static int parse_info(const struct sip_msg *req, char *digit, unsigned *ms)
{
	struct str sig, dur;

	*ms = DTMF_INFO_DEFAULT_MS;
	if (str_eq_case_cstr(req->content_type, "application/dtmf")) {
		struct str b = str_trim(req->body);
		if (b.len != 1)
			return EINVAL;
		*digit = b.p[0];
		return 0;
	}
	if (!str_eq_case_cstr(req->content_type, "application/dtmf-relay") ||
	    !body_value(req->body, "Signal", &sig) || sig.len != 1)
		return EINVAL;
	*digit = sig.p[0];
	if (body_value(req->body, "Duration", &dur) && dur.len && dur.len < 6) {
		char tmp[8];
		str_copy(dur, tmp, sizeof(tmp));
		unsigned long v = strtoul(tmp, NULL, 10);
		*ms = v > DTMF_INFO_MAX_MS ? DTMF_INFO_MAX_MS : (unsigned)v;
	}
	return 0;
}

bool call_dtmf_info(struct call *c, const struct call_leg *leg, const struct sip_msg *req)
{
	int to = leg->is_a ? 1 : 0;
	unsigned ms;
	char digit;

	if (c->state != CALL_ANSWERED || !c->relay_id || !c->dtmf_pt[to] ||
	    parse_info(req, &digit, &ms))
		return false;
	if (media_relay_send_dtmf(c->ce->media, c->relay_id, to, digit, ms) != 0)
		return false;
	log_info("call", "call %s: DTMF '%c' %ums by INFO from %s sent as rfc4733", c->uuid, digit,
		 ms, leg->is_a ? "caller" : "callee");
	return true;
}

int call_dtmf_pass_codecs(struct call *c, const struct call_sdp_info *b, struct buf *sdp_a)
{
	struct call_sdp_info a = *b;
	int err;

	c->dtmf_pt[0] = c->dtmf_pt[1] = b->dtmf_pt;
	/* a codec the engine cannot decode still passes; events then pass as they are */
	if (!media_codec_supported(b->name, b->clock, b->channels))
		return 0;
	a.dtmf_pt = call_sdp_events_pt(c->a_offer);
	err = call_sdp_set_events(sdp_a, a.dtmf_pt);
	if (!err)
		err = call_set_codec(c, 0, &a);
	if (!err)
		err = call_set_codec(c, 1, b);
	return err;
}
