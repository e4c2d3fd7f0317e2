/* The codec step of the packet path: payload type mapping, telephone-events, transcoding. */
#include "core/loop.h"
#include "media/engine.h"

/* Under r->lock: the codecs set_codec wrote, and the transcoders it built for them. */
void media_codec_take(struct media_relay *r, struct media_xcode *old[2], uint64_t now_ms)
{
	for (int i = 0; i < 2; i++) {
		struct media_side *s = &r->side[i];
		struct media_peer_cfg *c = &r->cfg[i];
		s->codec = c->codec.codec;
		s->pt = c->codec.pt;
		s->dtmf_pt = c->codec.dtmf_pt;
		old[i] = s->xc;
		s->xc = c->xc;
		c->xc = NULL;
		if (!old[i] && s->xc) {
			/* the other side's stream changes source: its next packet says so, and it
			 * goes on with the numbers of what that side got so far (a prompt or a
			 * ringback of ours), which a phone's jitter buffer would otherwise drop */
			media_stamp_handover(&r->side[!i], s->xc, now_ms);
			media_xcode_remark(s->xc);
		}
	}
}

/* The marker bit stays; the rest of the packet is untouched. */
static void media_codec_set_pt(uint8_t *p, uint8_t pt)
{
	p[1] = (uint8_t)((p[1] & 0x80) | (pt & 0x7f));
}

/* A packet passed as it is (but for its PT) to the other side. */
static void media_codec_pass(struct media_out *o, struct media_side *out, uint8_t *p,
			     const struct rtp_header *h, size_t len)
{
	media_stamp_pass(out, p, h, loop_now(o->ms->r->th->loop));
	media_out_queue(o, p, len);
}

/* Each event is reported to the control thread once, whatever happens to the packets. */
static void media_codec_listen(struct media_relay *r, struct media_side *in,
			       const struct rtp_header *h, const uint8_t *p)
{
	struct media_dtmf_event ev;
	struct media_dtmf_digit d[2];

	if (media_dtmf_decode(p + h->header_len, h->payload_len, &ev) != 0)
		return;
	unsigned n = media_dtmf_rx_update(&in->dtmf_rx, h->ts, in->codec->rate, &ev, d);
	for (unsigned i = 0; i < n; i++)
		media_dtmf_heard(r, (int)(in - r->side), d[i].digit, d[i].duration_ms, false);
}

void media_codec_hear(struct media_relay *r, struct media_side *in, const struct rtp_header *h,
		      const uint8_t *p)
{
	if (in->codec && in->dtmf_pt && h->pt == in->dtmf_pt)
		media_codec_listen(r, in, h, p);
}

/* RFC 4733: to the other side's telephone-event type; without one the control thread hears
 * the digit and may send it on some other way (SIP INFO). */
static void media_codec_event(struct media_out *o, struct media_side *in, struct media_side *out,
			      uint8_t *p, const struct rtp_header *h, size_t len)
{
	media_codec_listen(o->ms->r, in, h, p);
	if (!out->dtmf_pt) {
		in->st.dropped++; /* not forwarded: the digit went to the control thread */
		return;
	}
	if (in->xc) {
		/* inside the transcoded stream: its SSRC, sequence and clock */
		if (media_xcode_event(in->xc, h, p, out->dtmf_pt, media_out_copy, o) != 0)
			in->st.dropped++;
		return;
	}
	media_codec_set_pt(p, out->dtmf_pt);
	media_codec_pass(o, out, p, h, len);
}

/* What in's jitter buffer lets go by now, decoded and re-encoded into o (NULL: dropped). */
static void media_codec_release(struct media_out *o, struct media_relay *r, struct media_side *in,
				uint64_t now)
{
	struct media_jb *jb = media_xcode_jb(in->xc);
	struct rtp_header h;
	const uint8_t *p;
	size_t len;

	while ((p = media_jb_get(jb, now, &len)) != NULL) {
		if (!o || rtp_header_decode(p, len, &h) != 0) {
			in->st.dropped++;
			continue;
		}
		/* refused or late input: concealed by the next packet, or already was */
		if (media_xcode_audio(in->xc, &h, p, &o->b->pcm, media_out_copy, o) != 0)
			in->st.dropped++;
		char digit = media_xcode_digit(in->xc);
		if (digit)
			media_dtmf_heard(r, (int)(in - r->side), digit, 0, true);
	}
}

static void media_codec_jb_arm(struct media_relay *r, uint64_t now);

/* The jitter buffers' timer: each side's due packets go out from that side's socket pair. */
static void media_codec_jb_tick(void *arg)
{
	struct media_relay *r = arg;
	uint64_t now = loop_now(r->th->loop);

	media_relay_sync_cfg(r, now);
	for (int i = 0; i < 2; i++) {
		struct media_side *in = &r->side[i], *out = &r->side[!i];
		struct media_out o = {.ms = &in->sock[MEDIA_RTP], .b = r->th->batch};
		if (!in->xc)
			continue;
		bool can = !out->player && media_side_dest(out, MEDIA_RTP, &o.dst);
		media_codec_release(can ? &o : NULL, r, in, now);
		if (o.n)
			media_out_flush(&o);
	}
	media_codec_jb_arm(r, now);
}

/* The timer at the earliest packet due in either buffer. */
static void media_codec_jb_arm(struct media_relay *r, uint64_t now)
{
	uint64_t next = 0;

	for (int i = 0; i < 2; i++) {
		uint64_t t = r->side[i].xc ? media_jb_next_ms(media_xcode_jb(r->side[i].xc)) : 0;
		if (t && (!next || t < next))
			next = t;
	}
	if (!next) {
		timer_cancel(&r->jb_timer);
		return;
	}
	loop_timer_start(r->th->loop, &r->jb_timer, next > now ? next - now : 1, media_codec_jb_tick, r);
}

void media_codec_jb_stop(struct media_relay *r)
{
	timer_cancel(&r->jb_timer);
}

/* The delay a stream with this jitter needs: three times it, and a little for the timer. */
static unsigned media_codec_jb_want(const struct media_side *in)
{
	return (unsigned)(3 * rtp_est_jitter_ms(&in->est)) + 10;
}

static void media_codec_audio(struct media_out *o, struct media_side *in, struct media_side *out,
			      uint8_t *p, const struct rtp_header *h, size_t len)
{
	if (in->xc) {
		struct media_relay *r = o->ms->r;
		struct media_jb *jb = media_xcode_jb(in->xc);
		uint64_t now = loop_now(r->th->loop);
		media_jb_set_target(jb, media_codec_jb_want(in));
		if (media_jb_put(jb, p, len, h, now) != 0)
			in->st.dropped++; /* late or repeated */
		media_codec_release(o, r, in, now);
		media_codec_jb_arm(r, now);
		return;
	}
	media_codec_set_pt(p, out->pt);
	media_codec_pass(o, out, p, h, len);
}

void media_codec_route(struct media_out *o, uint8_t *p, const struct rtp_header *h, size_t len)
{
	struct media_relay *r = o->ms->r;
	struct media_side *in = &r->side[o->ms->side], *out = &r->side[!o->ms->side];

	if (out->player) {
		in->st.dropped++; /* the other side hears music or a prompt instead */
		media_codec_hear(r, in, h, p); /* but a digit still counts (an opt-out key) */
		return;
	}
	/* until both offer and answer are known, the relay stays a plain relay; the digits of
	 * a side whose codec is known are heard already (a caller in a scenario's menu) */
	if (!in->codec || !out->codec) {
		media_codec_hear(r, in, h, p);
		media_codec_pass(o, out, p, h, len);
		return;
	}
	if (in->dtmf_pt && h->pt == in->dtmf_pt)
		media_codec_event(o, in, out, p, h, len);
	else if (h->pt == in->pt)
		media_codec_audio(o, in, out, p, h, len);
	else if (!in->xc)
		media_codec_pass(o, out, p, h, len); /* comfort noise and the like mean the same */
	else
		in->st.dropped++; /* nothing we could decode */
}
