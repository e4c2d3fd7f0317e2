/*
 * Calls that run a scenario (IVR): the node is the caller's far end. The scenario engine asks
 * this host to play prompts (media_relay_prompt to the caller's side of the relay), to read
 * digits (what the relay hears from the caller: RFC 4733 events or tones), to dial (forks on
 * the relay's other side, call_scenario_dial.c) or to hang up; the results go back to the
 * engine from the loop (media events, timers, SIP responses), never from inside an operation.
 *
 * The caller is answered when the scenario first needs the audio path (a prompt, digits); a
 * scenario that dials first rings the caller and answers with the callee, and one that
 * hangs up first refuses the INVITE with the status its cause names.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "call/call_ivr.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/mem.h"
#include "core/obj.h"
#include "media/media.h"

static struct call_ivr *host_ivr(void *host)
{
	return host;
}

void call_ivr_stop_prompt(struct call_ivr *v)
{
	if (!v->play_id)
		return;
	v->play_id = 0;
	media_relay_play(v->c->ce->media, v->c->relay_id, 0, NULL);
}

void call_ivr_answer(struct call_ivr *v)
{
	if (v->c->state == CALL_RINGING)
		call_answer_now(v->c, &v->answer);
}

void call_ivr_feed(struct call_ivr *v, const struct scenario_event *ev)
{
	struct call *c = obj_ref(v->c);
	int err;

	if (c->state != CALL_ENDED && v->eng) {
		v->wait = IVR_NONE;
		if ((err = scenario_engine_feed(v->eng, ev)))
			log_notice("scenario", "call %s: event refused at step %s: %s", c->uuid,
				   scenario_engine_step(v->eng) ?: "-", strerror(err));
	}
	obj_unref(c);
}

/* ---- play ---- */

static int start_prompt(struct call_ivr *v, const char *name)
{
	struct call *c = v->c;
	struct media_sound *snd = call_prompt_get(c->ce, c->cdr.tenant_id, name);
	int err;

	if (!snd) {
		err = errno;
		log_notice("scenario", "call %s: prompt '%s': %s", c->uuid, name,
			   err == EINVAL ? "not a prompt name" : "no such prompt");
		return err;
	}
	call_ivr_answer(v);
	err = media_relay_prompt(c->ce->media, c->relay_id, 0, snd, &v->play_id);
	media_sound_unref(snd);
	return err;
}

static int host_play(void *host, const char *prompt)
{
	struct call_ivr *v = host_ivr(host);
	int err = start_prompt(v, prompt);

	if (!err)
		v->wait = IVR_PLAY;
	return err;
}

/* ---- collect ---- */

static void collect_done(struct call_ivr *v, bool timeout)
{
	struct scenario_event ev = { .type = SCENARIO_EV_DIGITS, .value = v->digits };

	timer_cancel(&v->t_digit);
	call_ivr_stop_prompt(v);
	if (timeout && !v->nd)
		ev.type = SCENARIO_EV_TIMEOUT;
	call_ivr_feed(v, &ev);
}

static void on_digit_timeout(void *arg)
{
	collect_done(arg, true);
}

static void digit_timer(struct call_ivr *v)
{
	loop_timer_start(sip_stack_loop(v->c->ce->st), &v->t_digit, (uint64_t)v->timeout_s * 1000,
			 on_digit_timeout, v);
}

static int host_collect(void *host, const struct scenario_collect *col)
{
	struct call_ivr *v = host_ivr(host);

	v->min = col->min;
	v->max = col->max < (int)sizeof(v->digits) - 2 ? col->max : (int)sizeof(v->digits) - 2;
	v->term = col->terminator;
	v->timeout_s = col->timeout > 0 ? col->timeout : 5;
	v->nd = 0;
	v->digits[0] = '\0';
	call_ivr_answer(v);
	if (!col->prompt || start_prompt(v, col->prompt))
		digit_timer(v); /* no prompt (or a missing one): the silence counts from now */
	v->wait = IVR_COLLECT;
	return 0;
}

void call_ivr_digit(struct call *c, char digit)
{
	struct call_ivr *v = c->ivr;

	if (call_ivr_record_digit(c, digit))
		return;
	if (v->wait != IVR_COLLECT)
		return; /* no one asks: a digit during a plain prompt or a dial is dropped */
	call_ivr_stop_prompt(v); /* barge-in */
	if (v->term && digit == v->term) {
		v->digits[v->nd++] = digit;
		v->digits[v->nd] = '\0';
		collect_done(v, false);
		return;
	}
	v->digits[v->nd++] = digit;
	v->digits[v->nd] = '\0';
	if ((int)v->nd >= v->max) {
		collect_done(v, false);
		return;
	}
	digit_timer(v);
}

void call_media_played(struct call_engine *ce, uint64_t relay_id, const struct media_event_info *ev)
{
	struct call *c = call_by_relay(ce, relay_id);
	struct call_ivr *v = c ? c->ivr : NULL;

	if (c && (call_record_played(c, ev) || call_ivr_record_played(c, ev->play_id)))
		return; /* a recording's announcement, greeting or beep */
	if (!v || !ev->play_id || ev->play_id != v->play_id)
		return; /* a prompt cut short and replaced, or a call gone */
	v->play_id = 0;
	if (v->wait == IVR_PLAY) {
		struct scenario_event done = { .type = SCENARIO_EV_DONE };
		call_ivr_feed(v, &done);
	} else if (v->wait == IVR_COLLECT) {
		digit_timer(v); /* the prompt is over: now the caller's silence counts */
	}
}

/* ---- hangup and the rest ---- */

static uint16_t cause_status(const char *cause, const char **reason)
{
	static const struct {
		const char *cause, *reason;
		uint16_t status;
	} map[] = {
		{ "busy", "Busy Here", 486 },	    { "rejected", "Decline", 603 },
		{ "unavailable", "Temporarily Unavailable", 480 },
		{ "error", "Server Internal Error", 500 },
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(cause, map[i].cause) == 0) {
			*reason = map[i].reason;
			return map[i].status;
		}
	*reason = "Temporarily Unavailable";
	return 480;
}

static void host_hangup(void *host, const char *cause)
{
	struct call_ivr *v = host_ivr(host);
	struct call *c = v->c;
	char text[96];
	const char *reason;

	if (c->state == CALL_ENDED)
		return;
	snprintf(text, sizeof(text), "scenario: %s", cause);
	if (c->state == CALL_ANSWERED) {
		call_send_bye(&c->a);
		call_send_bye(call_b_winner(c));
		call_end(c, "ANSWERED", text, "system");
		return;
	}
	uint16_t status = cause_status(cause, &reason);
	call_cancel_forks(c, -1);
	call_reply_a(c, status, reason, NULL, NULL);
	call_end(c, call_failure_disposition(status), text, "system");
}

static bool host_list_contains(void *host, const char *list, const char *number)
{
	struct call_ivr *v = host_ivr(host);
	struct call_engine *ce = v->c->ce;

	return ce->lists && ce->lists(ce->arg, v->c->cdr.tenant_id, list, number);
}

static int64_t host_now(void *host)
{
	return (int64_t)time(NULL);
}

static void host_trace(void *host, const char *step, const char *type, const char *what)
{
	struct call_ivr *v = host_ivr(host);
	log_info("scenario", "call %s: %s (%s) %s", v->c->uuid, step, type, what);
}

static const struct scenario_host_ops ivr_ops = {
	.play = host_play,
	.collect = host_collect,
	.say = call_ivr_say,
	.dial = call_ivr_dial,
	.http_request = call_ivr_http,
	.transfer = call_ivr_transfer,
	.record = call_ivr_record,
	.voicemail = call_ivr_voicemail,
	.hangup = host_hangup,
	.now = host_now,
	.list_contains = host_list_contains,
	.trace = host_trace,
};

/* ---- the call ---- */

/* The relay and the SDP: the caller's side gets its first codec we have (our answer, kept
 * for when it is needed), the forks an offer of the caller's codecs and those we convert to. */
static int ivr_media(struct call *c, struct call_ivr *v, const struct sip_msg *req)
{
	struct call_sdp_info info, a;
	struct call_sdp_info none = { .clock = 8000 }; /* no codec: our own answer to A */
	struct buf offer;
	bool transcode;
	int err;

	buf_init(&offer, 0);
	c->a_offer = str_dup(req->body);
	err = call_sdp_rewrite(req->body.p, req->body.len, c->media_ip, c->port_b, true, &offer,
			       &info);
	if (!err)
		err = media_relay_set_peer(c->ce->media, c->relay_id, 0, &info.peer, info.clock);
	if (!err)
		err = media_relay_set_source(c->ce->media, c->relay_id, 0, &c->a.peer.addr);
	if (!err)
		err = call_sdp_answer_a(c->a_offer, &none, c->media_ip, c->port_a, &v->answer, &a,
					&transcode);
	if (!err)
		err = call_set_codec(c, 0, &a);
	if (!err) {
		c->b_offer = xstrndup(offer.data, offer.len);
		snprintf(c->cdr.codec, sizeof(c->cdr.codec), "%s", a.codec);
	}
	buf_free(&offer);
	return err;
}

static void refuse(struct call *c, uint16_t status, const char *reason, const char *disp)
{
	char cause[64];

	snprintf(cause, sizeof(cause), "%u %s", status, reason);
	call_reply_a(c, status, reason, NULL, NULL);
	call_end(c, disp, cause, "system");
}

static void ivr_vars(struct call_ivr *v, const struct call_request *r)
{
	char tenant[24];

	snprintf(tenant, sizeof(tenant), "%lld", (long long)r->caller->tenant_id);
	scenario_engine_set_var(v->eng, "caller", r->caller->user);
	scenario_engine_set_var(v->eng, "caller_name", r->caller->name ? r->caller->name : "");
	scenario_engine_set_var(v->eng, "callee", r->callee->user);
	scenario_engine_set_var(v->eng, "did", r->callee->user);
	scenario_engine_set_var(v->eng, "direction", r->direction ? r->direction : "internal");
	scenario_engine_set_var(v->eng, "tenant", tenant);
	scenario_engine_set_var(v->eng, "call_id", v->c->uuid);
}

void call_start_scenario(struct call_engine *ce, struct sip_tsx *tsx, const struct sip_msg *req,
			 const struct sip_peer *from, const struct call_request *r,
			 const struct scenario *s, void *keep)
{
	struct call *c;
	struct call_ivr *v;

	if (call_timer_refuse(ce, tsx, req))
		return; /* a session interval under our minimum: 422 */
	c = call_new(ce);
	v = xcalloc(1, sizeof(*v));
	v->c = c;
	v->keep = keep ? obj_ref(keep) : NULL;
	buf_init(&v->answer, 0);
	timer_init(&v->t_digit);
	timer_init(&v->t_dial);
	timer_init(&v->t_rec);
	c->ivr = v;
	call_cdr_start(c, req, r);
	if (call_leg_a_init(c, tsx, req, from))
		return refuse(c, 400, "Missing Contact", "FAILED");
	if (ce->journal)
		ce->journal(&c->cdr, ce->arg);
	if (!req->body.len)
		return refuse(c, 488, "SDP Offer Required", "FAILED");
	if (media_relay_open(ce->media, &c->relay_id, &c->port_a, &c->port_b))
		return refuse(c, 503, "No Media Ports", "FAILED");
	call_register_relay(c);
	if (ce->cfg.media_ip)
		snprintf(c->media_ip, sizeof(c->media_ip), "%s", ce->cfg.media_ip);
	else
		sa_host_str(&from->local, c->media_ip, sizeof(c->media_ip));
	call_watch_cancel(c, tsx);
	if (ivr_media(c, v, req))
		return refuse(c, 488, "Not Acceptable Here", "FAILED");
	scenario_engine_new(&v->eng, s, &ivr_ops, v);
	ivr_vars(v, r);
	log_info("call", "call %s %s -> %s (%s): scenario %s v%d, media %s:%u/%u", c->uuid,
		 r->caller->user, r->callee->user, c->cdr.direction, scenario_name(s),
		 scenario_version(s), c->media_ip, c->port_a, c->port_b);
	obj_ref(c);
	scenario_engine_start(v->eng);
	obj_unref(c);
}

bool call_ivr_dialing(const struct call *c)
{
	return c->ivr && c->ivr->dialing && c->state != CALL_ENDED;
}

void call_ivr_ended(struct call *c)
{
	struct call_ivr *v = c->ivr;

	timer_cancel(&v->t_digit);
	timer_cancel(&v->t_dial);
	call_ivr_record_end(v);
	if (v->dialing)
		call_cancel_forks(c, c->winner);
	v->dialing = false;
	v->wait = IVR_NONE;
	v->play_id = 0;
}

void call_ivr_free(struct call *c)
{
	struct call_ivr *v = c->ivr;

	if (!v)
		return;
	timer_cancel(&v->t_digit);
	timer_cancel(&v->t_dial);
	call_ivr_record_end(v);
	scenario_engine_destroy(v->eng);
	call_ivr_dial_clear(v);
	buf_free(&v->answer);
	if (v->keep)
		obj_unref(v->keep);
	free(v);
	c->ivr = NULL;
}

void call_ivr_init(struct call_engine *ce)
{
	/* 425 Hz, 1 s on and 4 s off: the ringing tone of Russia and most of Europe */
	if (media_sound_tone(&ce->ringback, 425, 0, 1000, 4000, 5000, -13))
		ce->ringback = NULL;
	hmap_init(&ce->prompts, 64);
	hmap_init(&ce->rotation, 16);
}

void call_engine_set_router(struct call_engine *ce, call_route_fn *fn)
{
	ce->route = fn;
}

void call_engine_set_lists(struct call_engine *ce, call_list_fn *fn)
{
	ce->lists = fn;
}
