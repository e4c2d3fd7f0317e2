/*
 * Packets of our own in a relay's streams, sent on a 20 ms timer of the media thread: RFC 4733
 * events for digits the control thread asked for, and music on hold. They join the stream the
 * side already gets: a transcoded one through its transcoder, a passed one by shifting the
 * sequence numbers of what is passed after them.
 */
#include <string.h>

#include "core/loop.h"
#include "core/rand.h"
#include "media/engine.h"

enum { MEDIA_PLAY_MS = 20 };

void media_stamp_pass(struct media_side *out, uint8_t *p, const struct rtp_header *h,
		      uint64_t now_ms)
{
	struct media_stamp *st = &out->stamp;

	if (st->mark) {
		/* back after music: what was dropped meanwhile leaves no hole in the numbers */
		st->shift = (uint16_t)(st->seq + 1 - h->seq);
		p[1] |= 0x80;
		st->mark = false;
	}
	uint16_t seq = (uint16_t)(h->seq + st->shift);
	if (st->shift) {
		p[2] = (uint8_t)(seq >> 8);
		p[3] = (uint8_t)seq;
	}
	st->have = true;
	st->ssrc = st->sent_ssrc = h->ssrc;
	st->seq = seq;
	st->ts = h->ts;
	st->pt = h->pt;
	st->at_ms = now_ms;
}

void media_stamp_handover(const struct media_side *to, struct media_xcode *xc, uint64_t now_ms)
{
	const struct media_stamp *st = &to->stamp;

	if (!st->have)
		return;
	uint32_t clock = to->codec ? to->codec->rate : 8000;
	media_xcode_continue(xc, st->sent_ssrc, (uint16_t)(st->seq + 1),
			     st->ts + (uint32_t)((now_ms - st->at_ms) * clock / 1000));
}

/* The clock of the stream going to side s. */
static uint32_t media_play_clock(const struct media_side *s)
{
	if (s->codec)
		return s->codec->rate;
	uint32_t c = s->stamp.have ? rtp_clock_rate(s->stamp.pt) : 0;
	return c ? c : 8000;
}

/* A passed stream's timestamp now: the last one sent, moved on by the time since. */
static uint32_t media_stamp_now(const struct media_side *s, uint64_t now_ms)
{
	const struct media_stamp *st = &s->stamp;

	return st->ts + (uint32_t)((now_ms - st->at_ms) * media_play_clock(s) / 1000);
}

static void media_wr(uint8_t *p, uint32_t v, int n)
{
	for (int i = n - 1; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

/* One packet of ours to side x, header and all, in the passed stream (ssrc 0: its own). */
static void media_play_pass(struct media_out *o, struct media_side *s, const uint8_t *payload,
			    size_t plen, bool marker, uint8_t pt, uint32_t ts, uint32_t ssrc)
{
	uint8_t pkt[MEDIA_OUT_SLOT];
	struct media_stamp *st = &s->stamp;

	if (plen > sizeof(pkt) - RTP_HEADER_MIN)
		return;
	if (!st->have) {
		/* nothing passed yet: a stream of our own, RFC 3550 random starts */
		st->have = true;
		st->ssrc = rand_u32();
		st->seq = (uint16_t)rand_u32();
	}
	pkt[0] = 0x80;
	pkt[1] = (uint8_t)((marker ? 0x80 : 0) | (pt & 0x7f));
	st->seq++;
	st->shift++;
	st->ts = ts; /* where the stream the side gets is now */
	st->at_ms = loop_now(o->ms->r->th->loop);
	st->sent_ssrc = ssrc ? ssrc : st->ssrc;
	media_wr(pkt + 2, st->seq, 2);
	media_wr(pkt + 4, ts, 4);
	media_wr(pkt + 8, ssrc ? ssrc : st->ssrc, 4);
	memcpy(pkt + RTP_HEADER_MIN, payload, plen);
	media_out_copy(o, pkt, RTP_HEADER_MIN + plen);
}

/* Our packet to side x in the stream it gets: through the transcoder or the passed stream. */
static void media_play_emit(struct media_relay *r, int x, const uint8_t *payload, size_t plen,
			    bool marker, uint8_t pt, uint32_t ts, uint32_t ssrc)
{
	struct media_side *s = &r->side[x], *from = &r->side[!x];
	struct media_out o = {.ms = &from->sock[MEDIA_RTP], .b = r->th->batch};

	if (!media_side_dest(s, MEDIA_RTP, &o.dst))
		return;
	if (from->xc)
		media_xcode_inject(from->xc, payload, plen, marker, pt, ts, ssrc, media_out_copy,
				   &o);
	else
		media_play_pass(&o, s, payload, plen, marker, pt, ts, ssrc);
	media_out_flush(&o);
}

/* Where the stream going to side x is now, in its clock. */
static uint32_t media_play_now(const struct media_relay *r, int x, uint64_t now_ms)
{
	const struct media_side *from = &r->side[!x];

	return from->xc ? media_xcode_now(from->xc) : media_stamp_now(&r->side[x], now_ms);
}

/* This tick's music packet to side x. */
static void media_play_music_tick(struct media_relay *r, int x, uint64_t now_ms)
{
	struct media_player *p = r->side[x].player;
	uint8_t payload[MEDIA_PAYLOAD_MAX];

	if (!p)
		return;
	bool first = !p->started;
	if (first) {
		p->ts = media_play_now(r, x, now_ms);
		p->started = true;
	}
	int len = media_player_frame(p, payload, sizeof(payload));
	if (len > 0)
		media_play_emit(r, x, payload, (size_t)len, first, p->pt, p->ts, p->ssrc);
	p->ts += p->ts_step;
	if (p->done) {
		struct media_event_info ev = {
			.type = MEDIA_EV_PLAYED, .side = x, .play_id = p->play_id};
		media_play_music(r, x, NULL);
		media_engine_post(r->th->m, r->id, &ev);
	}
}

/* This tick's event packet to side x, if any. */
static void media_play_dtmf_tick(struct media_relay *r, int x, uint64_t now_ms)
{
	struct media_side *s = &r->side[x];
	uint32_t clock = media_play_clock(s);
	struct media_dtmf_event ev;
	uint8_t payload[MEDIA_DTMF_PAYLOAD];
	bool marker;

	if (!media_dtmf_tx_next(&s->dtmf_tx, clock, clock / 1000 * MEDIA_PLAY_MS, &ev, &marker))
		return;
	if (marker) /* the event starts where the stream is now */
		s->dtmf_tx.ts = media_play_now(r, x, now_ms);
	if (!s->dtmf_pt)
		return;
	media_dtmf_encode(payload, sizeof(payload), &ev);
	media_play_emit(r, x, payload, sizeof(payload), marker, s->dtmf_pt, s->dtmf_tx.ts, 0);
}

static bool media_play_busy(const struct media_relay *r)
{
	for (int x = 0; x < 2; x++)
		if (media_dtmf_tx_busy(&r->side[x].dtmf_tx) || r->side[x].player)
			return true;
	return false;
}

static void media_play_on_tick(void *arg)
{
	struct media_relay *r = arg;
	uint64_t now = loop_now(r->th->loop);

	media_relay_sync_cfg(r, now);
	for (int x = 0; x < 2; x++) {
		media_play_dtmf_tick(r, x, now);
		media_play_music_tick(r, x, now);
	}
	r->playing = media_play_busy(r);
	if (!r->playing)
		return;
	/* due times step by 20 ms, so the music keeps its rate whatever the loop's lateness */
	r->play_next_ms += MEDIA_PLAY_MS;
	if (r->play_next_ms + MEDIA_PLAY_MS * 5 < now)
		r->play_next_ms = now; /* far behind (a stalled thread): no burst to catch up */
	uint64_t delay = r->play_next_ms > now ? r->play_next_ms - now : 1;
	loop_timer_start(r->th->loop, &r->play, delay, media_play_on_tick, r);
}

static void media_play_start(struct media_relay *r)
{
	if (r->playing)
		return;
	r->playing = true;
	r->play_next_ms = loop_now(r->th->loop);
	loop_timer_start(r->th->loop, &r->play, 1, media_play_on_tick, r);
}

void media_play_music(struct media_relay *r, int side, struct media_player *p)
{
	struct media_side *s = &r->side[side], *from = &r->side[!side];

	if (s->player && !p) {
		/* the relayed stream comes back: its first packet says the source changed */
		if (from->xc)
			media_xcode_remark(from->xc);
		else
			s->stamp.mark = true;
	}
	media_player_destroy(s->player);
	s->player = p;
	if (p)
		media_play_start(r);
}

void media_play_dtmf(struct media_relay *r, int side, char digit, unsigned duration_ms)
{
	if (media_dtmf_tx_push(&r->side[side].dtmf_tx, digit, duration_ms) == 0)
		media_play_start(r);
}

void media_play_stop(struct media_relay *r)
{
	timer_cancel(&r->play);
	r->playing = false;
	media_codec_jb_stop(r);
	media_rtcp_stop(r);
}

void media_dtmf_heard(struct media_relay *r, int side, char digit, unsigned ms, bool inband)
{
	struct media_event_info ev = {.type = MEDIA_EV_DTMF,
				      .side = side,
				      .digit = digit,
				      .duration_ms = ms,
				      .inband = inband};

	media_engine_post(r->th->m, r->id, &ev);
}
