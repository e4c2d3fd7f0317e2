/* The codec step of the packet path: payload type mapping, telephone-events, transcoding. */
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
	}
}

/* The marker bit stays; the rest of the packet is untouched. */
static void media_codec_set_pt(uint8_t *p, uint8_t pt)
{
	p[1] = (uint8_t)((p[1] & 0x80) | (pt & 0x7f));
}

/* RFC 4733: to the other side's telephone-event type, or nowhere if it has none. */
static void media_codec_event(struct media_out *o, struct media_side *in,
			      const struct media_side *out, uint8_t *p, const struct rtp_header *h,
			      size_t len)
{
	if (!out->dtmf_pt) {
		in->st.dropped++;
		return;
	}
	if (in->xc) {
		/* inside the transcoded stream: its SSRC, sequence and clock */
		if (media_xcode_event(in->xc, h, p, out->dtmf_pt, media_out_copy, o) != 0)
			in->st.dropped++;
		return;
	}
	media_codec_set_pt(p, out->dtmf_pt);
	media_out_queue(o, p, len);
}

static void media_codec_audio(struct media_out *o, struct media_side *in,
			      const struct media_side *out, uint8_t *p, const struct rtp_header *h,
			      size_t len)
{
	if (in->xc) {
		/* refused or late input: concealed by the next packet, or already was */
		if (media_xcode_audio(in->xc, h, p, &o->b->pcm, media_out_copy, o) != 0)
			in->st.dropped++;
		return;
	}
	media_codec_set_pt(p, out->pt);
	media_out_queue(o, p, len);
}

void media_codec_route(struct media_out *o, uint8_t *p, const struct rtp_header *h, size_t len)
{
	struct media_relay *r = o->ms->r;
	struct media_side *in = &r->side[o->ms->side], *out = &r->side[!o->ms->side];

	/* until both offer and answer are known, the relay stays a plain relay */
	if (!in->codec || !out->codec) {
		media_out_queue(o, p, len);
		return;
	}
	if (in->dtmf_pt && h->pt == in->dtmf_pt)
		media_codec_event(o, in, out, p, h, len);
	else if (h->pt == in->pt)
		media_codec_audio(o, in, out, p, h, len);
	else if (!in->xc)
		media_out_queue(o, p, len); /* comfort noise and the like mean the same on both */
	else
		in->st.dropped++; /* nothing we could decode */
}
