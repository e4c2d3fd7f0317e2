/* One direction's transcoder: decode, conceal losses, resample, buffer, encode, restamp. */
#include <errno.h>
#include <speex/speex_resampler.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "core/rand.h"
#include "media/dtmf.h"
#include "media/jitter.h"
#include "media/transcode.h"

/* 3 is the quality VoIP resamplers use: its stop band is far below what G.711 resolves */
enum { MEDIA_RES_QUALITY = 3, MEDIA_SEQ_DROPOUT = 3000, MEDIA_SEQ_MISORDER = 100 };

struct media_xcode {
	const struct media_codec *in, *out; /* borrowed: the static table */
	void *dec, *enc;		    /* owned */
	SpeexResamplerState *rs;	    /* owned; NULL when the rates match */
	size_t frame;			    /* PCM samples per output packet */
	uint32_t ts_step;		    /* output clock per packet */
	/* input stream */
	bool started;
	uint32_t in_ssrc, next_ts;
	uint16_t next_seq;
	size_t nlast;
	int16_t last[48 * MEDIA_PLC_MS]; /* the end of the last decoded audio, replayed on a loss */
	/* output stream */
	int16_t *fifo; /* owned: PCM at out's rate not sent yet */
	size_t nfifo, cap;
	uint32_t ssrc, ts; /* ts: of fifo[0] */
	uint16_t seq;
	uint8_t pt;
	bool marker;
	bool ev_valid; /* ev_in_ts was mapped to ev_out_ts */
	uint32_t ev_in_ts, ev_out_ts;
	struct media_dtmf_inband *inband; /* owned; NULL: tones are not listened for */
	struct media_jb *jb;		  /* owned: the input waits here before decoding */
	uint8_t pkt[MEDIA_OUT_SLOT];
};

static void *media_state_new(void *(*fn)(void))
{
	return fn ? fn() : NULL;
}

void media_xcode_continue(struct media_xcode *x, uint32_t ssrc, uint16_t seq, uint32_t ts)
{
	x->ssrc = ssrc;
	x->seq = seq;
	x->ts = ts;
}

struct media_xcode *media_xcode_new(const struct media_codec *in, const struct media_codec *out,
				    uint8_t pt, unsigned ptime_ms)
{
	struct media_xcode *x = xcalloc(1, sizeof(*x));

	x->in = in;
	x->out = out;
	x->dec = media_state_new(in->dec_new);
	x->enc = media_state_new(out->enc_new);
	if (in->pcm_rate != out->pcm_rate) {
		int err;
		x->rs =
		    speex_resampler_init(1, in->pcm_rate, out->pcm_rate, MEDIA_RES_QUALITY, &err);
		/* fixed, valid rates: only malloc can fail */
		if (!x->rs)
			abort();
	}
	x->frame = media_codec_samples(out, ptime_ms);
	x->ts_step = out->rate / 1000 * ptime_ms;
	/* a frame left over plus the most one input packet resamples to */
	x->cap = x->frame + media_codec_samples(out, MEDIA_PTIME_MAX) + MEDIA_RES_SLACK;
	x->fifo = xmalloc(x->cap * sizeof(*x->fifo));
	/* RFC 3550 5.1: random starting points, so a known plaintext is harder to guess */
	x->ssrc = rand_u32();
	x->ts = rand_u32();
	x->seq = (uint16_t)rand_u32();
	x->pt = pt;
	x->marker = true;
	x->jb = media_jb_new(in->rate);
	return x;
}

void media_xcode_destroy(struct media_xcode *x)
{
	if (!x)
		return;
	if (x->in->dec_free)
		x->in->dec_free(x->dec);
	if (x->out->enc_free)
		x->out->enc_free(x->enc);
	if (x->rs)
		speex_resampler_destroy(x->rs);
	media_dtmf_inband_destroy(x->inband);
	media_jb_destroy(x->jb);
	free(x->fifo);
	free(x);
}

static void media_wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void media_wr32(uint8_t *p, uint32_t v)
{
	media_wr16(p, (uint16_t)(v >> 16));
	media_wr16(p + 2, (uint16_t)v);
}

/* x->pkt holds plen payload octets: add the header and hand it over. */
static void media_xcode_send_as(struct media_xcode *x, size_t plen, bool marker, uint8_t pt,
				uint32_t ts, uint32_t ssrc, media_emit_fn *fn, void *arg)
{
	uint8_t *p = x->pkt;

	p[0] = 0x80;
	p[1] = (uint8_t)((marker ? 0x80 : 0) | (pt & 0x7f));
	media_wr16(p + 2, x->seq++);
	media_wr32(p + 4, ts);
	media_wr32(p + 8, ssrc);
	fn(arg, p, RTP_HEADER_MIN + plen);
}

static void media_xcode_send(struct media_xcode *x, size_t plen, bool marker, uint8_t pt,
			     uint32_t ts, media_emit_fn *fn, void *arg)
{
	media_xcode_send_as(x, plen, marker, pt, ts, x->ssrc, fn, arg);
}

/* Encodes every whole output frame in the buffer. */
static void media_xcode_drain(struct media_xcode *x, media_emit_fn *fn, void *arg)
{
	size_t done = 0;

	while (x->nfifo - done >= x->frame) {
		int len = x->out->encode(x->enc, x->pkt + RTP_HEADER_MIN, MEDIA_PAYLOAD_MAX,
					 x->fifo + done, x->frame);
		/* an encoder refusing a frame is a bug here, but the timeline must go on */
		if (len >= 0) {
			media_xcode_send(x, (size_t)len, x->marker, x->pt, x->ts, fn, arg);
			x->marker = false;
		}
		x->ts += x->ts_step;
		done += x->frame;
	}
	if (done) {
		x->nfifo -= done;
		memmove(x->fifo, x->fifo + done, x->nfifo * sizeof(*x->fifo));
	}
}

/* Input-rate PCM into the buffer at the output rate, then out as packets. */
static void media_xcode_push(struct media_xcode *x, struct media_pcm *s, const int16_t *pcm,
			     size_t n, media_emit_fn *fn, void *arg)
{
	const int16_t *src = pcm;
	spx_uint32_t in_len = (spx_uint32_t)n, out_len = (spx_uint32_t)(sizeof(s->res) / 2);

	if (x->rs) {
		speex_resampler_process_int(x->rs, 0, pcm, &in_len, s->res, &out_len);
		src = s->res;
		n = out_len;
	}
	/* sized for the largest push, so this only guards against a resampler surprise */
	if (n > x->cap - x->nfifo)
		n = x->cap - x->nfifo;
	memcpy(x->fifo + x->nfifo, src, n * sizeof(*src));
	x->nfifo += n;
	media_xcode_drain(x, fn, arg);
}

/* Keeps the end of what was decoded, for replay over a loss. */
static void media_xcode_keep(struct media_xcode *x, const int16_t *pcm, size_t n)
{
	size_t keep = media_codec_samples(x->in, MEDIA_PLC_MS);

	if (x->in->own_plc)
		return;
	if (keep > n)
		keep = n;
	memcpy(x->last, pcm + n - keep, keep * sizeof(*pcm));
	x->nlast = keep;
}

/* One concealed chunk of at most n samples into s->dec: the codec's PLC or a fading replay. */
static size_t media_xcode_conceal_chunk(struct media_xcode *x, struct media_pcm *s, size_t n,
					unsigned k)
{
	if (x->in->own_plc) {
		/* libopus conceals in whole 2.5 ms steps */
		size_t step = x->in->pcm_rate / 400, max = media_codec_samples(x->in, MEDIA_PLC_MS);
		n = (n > max ? max : n) / step * step;
		int got = n ? x->in->decode(x->dec, s->dec, n, NULL, 0) : -1;
		return got > 0 ? (size_t)got : 0;
	}
	size_t len = x->nlast ? x->nlast : media_codec_samples(x->in, MEDIA_PLC_MS);
	if (len > n)
		len = n;
	/* the same frame again, quieter each time, then silence */
	int gain = k < MEDIA_PLC_FRAMES && x->nlast ? (int)(MEDIA_PLC_FRAMES - k) : 0;
	for (size_t i = 0; i < len; i++)
		s->dec[i] = (int16_t)(x->last[i] * gain / (MEDIA_PLC_FRAMES + 1));
	return len;
}

/* Fills a loss of n input-rate samples so the output timeline has no hole. */
static void media_xcode_conceal(struct media_xcode *x, struct media_pcm *s, size_t n,
				media_emit_fn *fn, void *arg)
{
	for (unsigned k = 0; n > 0; k++) {
		size_t got = media_xcode_conceal_chunk(x, s, n, k);
		if (got == 0)
			break;
		media_xcode_push(x, s, s->dec, got, fn, arg);
		n -= got;
	}
}

/* A gap not filled: send what is buffered, then skip the timestamps ahead. */
static void media_xcode_jump(struct media_xcode *x, uint32_t in_units, media_emit_fn *fn, void *arg)
{
	if (x->nfifo) {
		memset(x->fifo + x->nfifo, 0, (x->frame - x->nfifo) * sizeof(*x->fifo));
		x->nfifo = x->frame;
		media_xcode_drain(x, fn, arg);
	}
	x->ts += (uint32_t)((uint64_t)in_units * x->out->rate / x->in->rate);
	/* RFC 3551 4.1: the first packet after silence is marked */
	x->marker = true;
}

/* Where h sits in the input stream: EALREADY for a late one, else concealment as needed. */
static int media_xcode_gap(struct media_xcode *x, const struct rtp_header *h, struct media_pcm *s,
			   media_emit_fn *fn, void *arg)
{
	uint16_t ahead = (uint16_t)(h->seq - x->next_seq),
		 behind = (uint16_t)(x->next_seq - h->seq);
	int32_t units = (int32_t)(h->ts - x->next_ts);

	if (!x->started || h->ssrc != x->in_ssrc)
		return 0;
	if (behind > 0 && behind <= MEDIA_SEQ_MISORDER)
		return EALREADY;
	/* else a restarted sender when it went far or back in time: carry on from here */
	if (ahead < MEDIA_SEQ_DROPOUT && units > 0) {
		uint64_t samples = (uint64_t)units * x->in->pcm_rate / x->in->rate;
		if (ahead > 0 && samples <= media_codec_samples(x->in, MEDIA_FILL_MS))
			media_xcode_conceal(x, s, (size_t)samples, fn, arg);
		else
			media_xcode_jump(x, (uint32_t)units, fn, arg);
	}
	/* filled: a packet the decoder then refuses is a one-packet gap for the next */
	x->next_seq = h->seq;
	x->next_ts = h->ts;
	return 0;
}

int media_xcode_audio(struct media_xcode *x, const struct rtp_header *h, const uint8_t *pkt,
		      struct media_pcm *s, media_emit_fn *fn, void *arg)
{
	size_t cap = media_codec_samples(x->in, MEDIA_PTIME_MAX);

	if (h->payload_len == 0)
		return EBADMSG;
	int err = media_xcode_gap(x, h, s, fn, arg);
	if (err)
		return err;
	int n = x->in->decode(x->dec, s->dec, cap, pkt + h->header_len, h->payload_len);
	if (n <= 0)
		return EBADMSG;
	x->started = true;
	x->in_ssrc = h->ssrc;
	x->next_seq = (uint16_t)(h->seq + 1);
	x->next_ts = h->ts + (uint32_t)((uint64_t)n * x->in->rate / x->in->pcm_rate);
	media_xcode_keep(x, s->dec, (size_t)n);
	if (x->inband)
		media_dtmf_inband_feed(x->inband, s->dec, (size_t)n, x->in->pcm_rate);
	media_xcode_push(x, s, s->dec, (size_t)n, fn, arg);
	return 0;
}

int media_xcode_event(struct media_xcode *x, const struct rtp_header *h, const uint8_t *pkt,
		      uint8_t pt, media_emit_fn *fn, void *arg)
{
	const uint8_t *p = pkt + h->header_len;
	size_t len = h->payload_len;

	if (len < 4 || len > MEDIA_PAYLOAD_MAX)
		return EBADMSG;
	/* the packets of one event share its start timestamp, so map each start once */
	if (!x->ev_valid || h->ts != x->ev_in_ts) {
		x->ev_valid = true;
		x->ev_in_ts = h->ts;
		x->ev_out_ts =
		    x->ts + (uint32_t)((uint64_t)x->nfifo * x->out->rate / x->out->pcm_rate);
	}
	memcpy(x->pkt + RTP_HEADER_MIN, p, len);
	uint64_t dur = (uint64_t)(p[2] << 8 | p[3]) * x->out->rate / x->in->rate;
	media_wr16(x->pkt + RTP_HEADER_MIN + 2, (uint16_t)(dur > 0xffff ? 0xffff : dur));
	media_xcode_send(x, len, h->marker, pt, x->ev_out_ts, fn, arg);
	return 0;
}

void media_xcode_detect(struct media_xcode *x)
{
	if (!x->inband)
		x->inband = media_dtmf_inband_new();
}

char media_xcode_digit(struct media_xcode *x)
{
	return x->inband ? media_dtmf_inband_take(x->inband) : 0;
}

uint32_t media_xcode_now(const struct media_xcode *x)
{
	return x->ts + (uint32_t)((uint64_t)x->nfifo * x->out->rate / x->out->pcm_rate);
}

void media_xcode_inject(struct media_xcode *x, const uint8_t *payload, size_t plen, bool marker,
			uint8_t pt, uint32_t ts, uint32_t ssrc, media_emit_fn *fn, void *arg)
{
	if (plen > MEDIA_PAYLOAD_MAX)
		return;
	memcpy(x->pkt + RTP_HEADER_MIN, payload, plen);
	media_xcode_send_as(x, plen, marker, pt, ts, ssrc ? ssrc : x->ssrc, fn, arg);
}

void media_xcode_remark(struct media_xcode *x)
{
	x->marker = true;
}

struct media_jb *media_xcode_jb(struct media_xcode *x)
{
	return x->jb;
}

uint32_t media_xcode_ssrc(const struct media_xcode *x)
{
	return x->ssrc;
}
