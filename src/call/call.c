/*
 * The call engine: the table of dialogs, a call's life from start to CDR, timers,
 * media timeouts and the live list. A call is refcounted: the engine holds one ref
 * until the call ends, and every pending client transaction holds one, so a late
 * response (a 487, a 2xx after CANCEL) still finds its call.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "call/call_int.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/mem.h"
#include "core/obj.h"
#include "core/rand.h"
#include "core/time.h"
#include "core/workers.h"
#include "media/media.h"

static uint32_t dialog_hash(struct str call_id, struct str tag)
{
	return str_hash(call_id) * 31u + str_hash(tag);
}

static uint32_t relay_hash(uint64_t id)
{
	return (uint32_t)(id * 0x9e3779b97f4a7c15ull >> 32);
}

int call_engine_new(struct call_engine **cp, struct sip_stack *st, struct media_engine *media,
		    const struct call_cfg *cfg, call_journal_fn *journal, call_cdr_fn *cdr,
		    void *arg)
{
	struct call_engine *ce = xcalloc(1, sizeof(*ce));

	ce->st = st;
	ce->media = media;
	ce->cfg = *cfg;
	if (cfg->media_ip && *cfg->media_ip)
		ce->media_ip = xstrdup(cfg->media_ip);
	ce->cfg.media_ip = ce->media_ip;
	ce->cfg.moh_file = NULL; /* borrowed only for the load */
	call_hold_load(ce, cfg->moh_file);
	ce->cfg.prompts_dir = cfg->prompts_dir ? xstrdup(cfg->prompts_dir) : NULL;
	ce->cfg.sounds_dir = cfg->sounds_dir ? xstrdup(cfg->sounds_dir) : NULL;
	ce->cfg.tts_dir = cfg->tts_dir ? xstrdup(cfg->tts_dir) : NULL;
	if (workers_new(&ce->workers, sip_stack_loop(st), 2))
		ce->workers = NULL; /* webhooks and say then take their failure paths */
	ce->cfg.recordings_dir = cfg->recordings_dir ? xstrdup(cfg->recordings_dir) : NULL;
	call_ivr_init(ce);
	call_record_init(ce);
	ce->journal = journal;
	ce->cdr = cdr;
	ce->arg = arg;
	hmap_init(&ce->dialogs, 256);
	hmap_init(&ce->relays, 256);
	*cp = ce;
	return 0;
}

void call_engine_set_resolver(struct call_engine *ce, call_resolve_fn *fn)
{
	ce->resolve = fn;
}

void call_leg_link(struct call_engine *ce, struct call_leg *leg)
{
	hmap_insert(&ce->dialogs, &leg->node, dialog_hash(str_c(leg->call_id), str_c(leg->local_tag)));
	leg->in_table = true;
}

void call_leg_unlink(struct call_engine *ce, struct call_leg *leg)
{
	if (leg->in_table)
		hmap_remove(&ce->dialogs, &leg->node);
	leg->in_table = false;
}

struct call_leg *call_leg_find(struct call_engine *ce, struct str call_id, struct str local_tag)
{
	for (struct hmap_node *n = hmap_first(&ce->dialogs, dialog_hash(call_id, local_tag)); n;
	     n = hmap_next_same(n)) {
		struct call_leg *leg = container_of(n, struct call_leg, node);
		if (str_eq_cstr(call_id, leg->call_id) && str_eq_cstr(local_tag, leg->local_tag))
			return leg;
	}
	return NULL;
}

void call_leg_clear(struct call_leg *leg)
{
	free(leg->call_id);
	free(leg->local_tag);
	free(leg->remote_tag);
	free(leg->local_uri);
	free(leg->remote_uri);
	free(leg->remote_target);
	free(leg->route);
	free(leg->sdp);
	free(leg->local_sdp);
	free(leg->auth_user);
	free(leg->auth_password);
	free(leg->invite_hdrs);
	sip_peer_release(&leg->peer);
}

void call_leg_free(struct call_leg *leg)
{
	if (!leg)
		return;
	call_leg_clear(leg);
	free(leg);
}

static void call_destroy(void *obj)
{
	struct call *c = obj;

	timer_cancel(&c->t_ok);
	timer_cancel(&c->t_noanswer);
	timer_cancel(&c->t_maxdur);
	call_ivr_free(c);
	timer_cancel(&c->se.t);
	if (!c->a_is_uac)
		obj_unref(c->a.tsx);
	call_leg_clear(&c->a);
	for (unsigned i = 0; i < c->nb; i++)
		call_leg_free(c->b[i]);
	buf_free(&c->ok_a);
	free(c->b_offer);
	free(c->a_offer);
	sip_peer_release(&c->ok_dest);
}

struct call *call_new(struct call_engine *ce)
{
	struct call *c = obj_new(sizeof(*c), call_destroy);
	char hex[33];

	c->ce = ce;
	c->id = ++ce->next_id;
	c->winner = -1;
	c->a.call = c;
	c->a.is_a = true;
	rand_hex(hex, 16);
	snprintf(c->uuid, sizeof(c->uuid), "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12,
		 hex + 16, hex + 20);
	timer_init(&c->t_ok);
	timer_init(&c->t_noanswer);
	timer_init(&c->t_maxdur);
	timer_init(&c->se.t);
	buf_init(&c->ok_a, 0);
	ce->ncalls++;
	return c;
}

static void fill_cdr_end(struct call *c, const char *disposition, const char *cause,
			 const char *side)
{
	struct store_cdr_row *r = &c->cdr;

	r->end_at = (int64_t)time_wall_ms();
	r->duration_s = store_cdr_seconds(r->start_at, r->end_at);
	r->billsec = r->answer_at ? store_cdr_seconds(r->answer_at, r->end_at) : 0;
	snprintf(r->disposition, sizeof(r->disposition), "%s", disposition);
	snprintf(r->hangup_cause, sizeof(r->hangup_cause), "%s", cause ? cause : "");
	snprintf(r->hangup_side, sizeof(r->hangup_side), "%s", side ? side : "");
}

/* A leg's quality for the CDR: the worse direction of loss and jitter, and the MOS. */
static void call_quality(const struct media_side_stats *st, struct store_cdr_quality *q)
{
	q->has_quality = st->mos > 0;
	q->mos = st->mos;
	q->loss_pct = st->loss_pct > st->remote_loss_pct ? st->loss_pct : st->remote_loss_pct;
	q->jitter_ms = st->jitter_ms > st->remote_jitter_ms ? st->jitter_ms : st->remote_jitter_ms;
}

static void close_media(struct call *c)
{
	struct media_relay_stats ms;

	if (!c->relay_id)
		return;
	if (media_relay_stats(c->ce->media, c->relay_id, &ms) == 0) {
		snprintf(c->cdr.rtp_stats, sizeof(c->cdr.rtp_stats),
			 "a: rx %llu lost %u jitter %.1fms; b: rx %llu lost %u jitter %.1fms",
			 (unsigned long long)ms.side[0].rx_pkts, ms.side[0].lost,
			 ms.side[0].jitter_ms, (unsigned long long)ms.side[1].rx_pkts,
			 ms.side[1].lost, ms.side[1].jitter_ms);
		for (int i = 0; i < 2; i++)
			call_quality(&ms.side[i], &c->cdr.quality[i]);
	}
	media_relay_close(c->ce->media, c->relay_id);
	hmap_remove(&c->ce->relays, &c->by_relay);
	c->relay_id = 0;
}

void call_register_relay(struct call *c)
{
	hmap_insert(&c->ce->relays, &c->by_relay, relay_hash(c->relay_id));
}

void call_end(struct call *c, const char *disposition, const char *cause, const char *side)
{
	struct call_engine *ce = c->ce;

	if (c->state == CALL_ENDED)
		return;
	c->state = CALL_ENDED;
	if (c->ivr)
		call_ivr_ended(c);
	timer_cancel(&c->t_ok);
	timer_cancel(&c->t_noanswer);
	timer_cancel(&c->t_maxdur);
	timer_cancel(&c->se.t);
	close_media(c);
	call_leg_unlink(ce, &c->a);
	for (unsigned i = 0; i < c->nb; i++)
		call_leg_unlink(ce, c->b[i]);
	fill_cdr_end(c, disposition, cause, side);
	log_info("call", "call %s %s -> %s ended: %s (%s, %s) %llds", c->uuid, c->cdr.caller,
		 c->cdr.callee, disposition, cause ? cause : "", side ? side : "",
		 (long long)c->cdr.billsec);
	if (ce->cdr)
		ce->cdr(&c->cdr, ce->arg);
	ce->ncalls--;
	obj_unref(c); /* the engine's ref */
}

struct call_leg *call_b_winner(const struct call *c)
{
	return c->winner >= 0 ? c->b[c->winner] : NULL;
}

struct call *call_by_relay(struct call_engine *ce, uint64_t relay_id)
{
	for (struct hmap_node *n = hmap_first(&ce->relays, relay_hash(relay_id)); n;
	     n = hmap_next_same(n)) {
		struct call *c = container_of(n, struct call, by_relay);
		if (c->relay_id == relay_id)
			return c;
	}
	return NULL;
}

void call_media_timeout(struct call_engine *ce, uint64_t relay_id)
{
	struct call *c = call_by_relay(ce, relay_id);

	if (!c || c->state != CALL_ANSWERED)
		return;
	log_notice("call", "call %s: no RTP, hanging up", c->uuid);
	call_send_bye(&c->a);
	call_send_bye(call_b_winner(c));
	call_end(c, "ANSWERED", "RTP timeout", "system");
}

void call_end_now(struct call *c, const char *cause)
{
	if (c->state == CALL_ANSWERED) {
		call_send_bye(&c->a);
		call_send_bye(call_b_winner(c));
		call_end(c, "ANSWERED", cause, "system");
		return;
	}
	call_cancel_forks(c, -1);
	if (c->a_is_uac && c->a.tsx && !c->a.cancelled) {
		c->a.cancelled = true; /* the agent's phone of a click-to-call stops ringing */
		sip_tsx_cancel(c->a.tsx, NULL, NULL);
	} else if (c->a.tsx && !c->a_is_uac) {
		sip_tsx_reply(c->a.tsx, 503, "Service Unavailable", NULL, NULL, NULL, 0);
	}
	call_end(c, c->a_is_uac ? "CANCELLED" : "FAILED", cause, "system");
}

void call_hangup_all(struct call_engine *ce, const char *cause)
{
	struct hmap_iter it;
	struct hmap_node *n;
	struct call *batch[256];
	size_t k;

	do { /* collect first: ending a call unlinks its dialogs from the table */
		k = 0;
		hmap_iter_init(&it, &ce->dialogs);
		while ((n = hmap_iter_next(&it)) && k < 256) {
			struct call_leg *leg = container_of(n, struct call_leg, node);
			if (leg->is_a)
				batch[k++] = obj_ref(leg->call);
		}
		for (size_t i = 0; i < k; i++) {
			call_end_now(batch[i], cause);
			obj_unref(batch[i]);
		}
	} while (k);
}

void call_engine_destroy(struct call_engine *ce)
{
	if (!ce)
		return;
	call_hangup_all(ce, "node stopped");
	workers_destroy(ce->workers); /* late results find their calls ended and are dropped */
	hmap_free(&ce->dialogs);
	hmap_free(&ce->relays);
	media_sound_unref(ce->moh);
	call_ivr_fini(ce);
	call_record_fini(ce);
	free((char *)ce->cfg.recordings_dir);
	free((char *)ce->cfg.prompts_dir);
	free((char *)ce->cfg.sounds_dir);
	free((char *)ce->cfg.tts_dir);
	free(ce->media_ip);
	free(ce);
}

size_t call_count(const struct call_engine *ce)
{
	return ce->ncalls;
}

static const char *state_name(enum call_state s)
{
	return s == CALL_RINGING ? "ringing" : s == CALL_ANSWERED ? "answered" : "ended";
}

static void list_one(const struct call *c, struct buf *out)
{
	struct media_relay_stats ms = { 0 };
	uint64_t now = time_wall_ms();
	int64_t since = c->cdr.answer_at ? c->cdr.answer_at : c->cdr.start_at;

	if (c->relay_id)
		media_relay_stats(c->ce->media, c->relay_id, &ms);
	buf_printf(out, "%s %-9s %-12s -> %-12s %5llds %-10s", c->uuid, state_name(c->state),
		   c->cdr.caller, c->cdr.callee, (long long)((int64_t)now - since) / 1000,
		   c->cdr.codec[0] ? c->cdr.codec : "-");
	for (int i = 0; i < 2; i++)
		buf_printf(out, "%s%c:%u pt %u rx %llu tx %llu lost %u", i ? "  " : " ", i ? 'b' : 'a',
			   i ? c->port_b : c->port_a, ms.side[i].pt,
			   (unsigned long long)ms.side[i].rx_pkts,
			   (unsigned long long)ms.side[i].tx_pkts, ms.side[i].lost);
	for (int i = 0; i < 2; i++) {
		struct store_cdr_quality q;
		call_quality(&ms.side[i], &q);
		buf_printf(out, "  %c: mos %.2f loss %.1f%% jitter %.1fms%s", i ? 'b' : 'a', q.mos,
			   q.loss_pct, q.jitter_ms, ms.side[i].rtcp ? " rtcp" : "");
	}
	buf_puts(out, "\n");
}

void call_list(const struct call_engine *ce, struct buf *out)
{
	struct hmap_iter it;
	struct hmap_node *n;

	hmap_iter_init(&it, &ce->dialogs);
	while ((n = hmap_iter_next(&it))) {
		const struct call_leg *leg = container_of(n, struct call_leg, node);
		if (leg->is_a)
			list_one(leg->call, out);
	}
	buf_printf(out, "%zu call(s)\n", ce->ncalls);
}
