/* The codec step of the packet path: payload type mapping, telephone-events, transcoding. */
#include "core/loop.h"
#include "media/engine.h"

/* Under r->lock: the codecs set_codec wrote, and the transcoders it built for them. */
void media_codec_take(struct media_relay *r, struct media_xcode *old[2])
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
		if (!old[i] && s->xc)
			/* the other side's stream changes source: its next packet says so */
			media_xcode_remark(s->xc);
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

static void media_codec_audio(struct media_out *o, struct media_side *in, struct media_side *out,
			      uint8_t *p, const struct rtp_header *h, size_t len)
{
	if (in->xc) {
		/* refused or late input: concealed by the next packet, or already was */
		if (media_xcode_audio(in->xc, h, p, &o->b->pcm, media_out_copy, o) != 0)
			in->st.dropped++;
		char digit = media_xcode_digit(in->xc);
		if (digit)
			media_dtmf_heard(o->ms->r, (int)(in - o->ms->r->side), digit, 0, true);
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
		in->st.dropped++; /* the other side hears music instead */
		return;
	}
	/* until both offer and answer are known, the relay stays a plain relay */
	if (!in->codec || !out->codec) {
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
