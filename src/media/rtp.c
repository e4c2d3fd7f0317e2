/* RTP and RTCP header decoding and the RFC 3550 receiver loss and jitter estimate. */
#include <errno.h>
#include <string.h>

#include "media/rtp.h"

enum { RTP_SEQ_MOD = 1 << 16, RTP_MAX_DROPOUT = 3000, RTP_MAX_MISORDER = 100 };

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int rtp_header_decode(const uint8_t *p, size_t len, struct rtp_header *h)
{
	if (!p || len < RTP_HEADER_MIN || p[0] >> 6 != 2)
		return EBADMSG;
	memset(h, 0, sizeof(*h));
	h->version = 2;
	h->padding = p[0] & 0x20;
	h->extension = p[0] & 0x10;
	h->cc = p[0] & 0x0f;
	h->marker = p[1] & 0x80;
	h->pt = p[1] & 0x7f;
	h->seq = rd16(p + 2);
	h->ts = rd32(p + 4);
	h->ssrc = rd32(p + 8);
	size_t hl = RTP_HEADER_MIN + 4 * (size_t)h->cc;
	if (hl > len)
		return EBADMSG;
	if (h->extension) {
		if (len - hl < 4)
			return EBADMSG;
		h->ext_profile = rd16(p + hl);
		h->ext_len = 4 * (size_t)rd16(p + hl + 2);
		hl += 4;
		if (h->ext_len > len - hl)
			return EBADMSG;
		hl += h->ext_len;
	}
	if (h->padding) {
		/* the count includes itself, so 0 is a lie, and it may not eat into the header */
		h->pad_len = p[len - 1];
		if (h->pad_len == 0 || h->pad_len > len - hl)
			return EBADMSG;
	}
	h->header_len = hl;
	h->payload_len = len - hl - h->pad_len;
	return 0;
}

bool rtp_is_rtcp(const uint8_t *p, size_t len)
{
	return p && len >= 4 && p[0] >> 6 == 2 && p[1] >= 192 && p[1] <= 223;
}

/* RFC 3551 tables 4 and 5; G.722 (9) keeps 8000 by a historical error in RFC 1890 */
static const uint32_t rtp_static_rates[35] = {
    [0] = 8000,	  [3] = 8000,	[4] = 8000,   [5] = 8000,   [6] = 16000,  [7] = 8000,
    [8] = 8000,	  [9] = 8000,	[10] = 44100, [11] = 44100, [12] = 8000,  [13] = 8000,
    [14] = 90000, [15] = 8000,	[16] = 11025, [17] = 22050, [18] = 8000,  [25] = 90000,
    [26] = 90000, [28] = 90000, [31] = 90000, [32] = 90000, [33] = 90000, [34] = 90000,
};

uint32_t rtp_clock_rate(uint8_t pt)
{
	if (pt < sizeof(rtp_static_rates) / sizeof(rtp_static_rates[0]))
		return rtp_static_rates[pt];
	/* dynamic types: Opus, the common case, unless the SDP said otherwise */
	return pt >= 96 ? 48000 : 0;
}

static void rtcp_report_decode(const uint8_t *b, struct rtcp_report *r)
{
	uint32_t lost = (uint32_t)b[5] << 16 | (uint32_t)b[6] << 8 | b[7];

	r->ssrc = rd32(b);
	r->fraction_lost = b[4];
	/* sign-extend the 24-bit field */
	r->cum_lost = (lost & 0x800000) ? (int32_t)lost - 0x1000000 : (int32_t)lost;
	r->ext_max_seq = rd32(b + 8);
	r->jitter = rd32(b + 12);
	r->lsr = rd32(b + 16);
	r->dlsr = rd32(b + 20);
}

/* SR and RR: the sender's SSRC, SR sender info, then count report blocks of 24 bytes. */
static int rtcp_reports_decode(const uint8_t *q, size_t len, struct rtcp_summary *out)
{
	bool sr = q[1] == RTCP_SR;
	size_t off = sr ? 28 : 8, count = q[0] & 0x1f;

	if (len < off || (len - off) / 24 < count)
		return EBADMSG;
	if (out->packets == 0)
		out->ssrc = rd32(q + 4);
	if (sr && !out->has_sr) {
		out->has_sr = true;
		out->ntp = (uint64_t)rd32(q + 8) << 32 | rd32(q + 12);
		out->rtp_ts = rd32(q + 16);
		out->sender_pkts = rd32(q + 20);
		out->sender_octets = rd32(q + 24);
	}
	for (size_t i = 0; i < count; i++, off += 24) {
		if (out->nreports < RTCP_MAX_REPORTS)
			rtcp_report_decode(q + off, &out->report[out->nreports++]);
		out->reports_total++;
	}
	return 0;
}

static void rtcp_cname_take(struct rtcp_summary *out, uint32_t ssrc, const uint8_t *p, uint8_t n)
{
	if (out->has_cname)
		return;
	out->has_cname = true;
	out->cname_ssrc = ssrc;
	out->cname_len = n;
	memcpy(out->cname, p, n);
	out->cname[n] = '\0';
}

/* One SDES chunk from off: SSRC, items, a null item, padding to 32 bits. New off or 0. */
static size_t rtcp_sdes_chunk(const uint8_t *q, size_t len, size_t off, struct rtcp_summary *out)
{
	if (len - off < 4)
		return 0;
	uint32_t ssrc = rd32(q + off);
	off += 4;
	for (;;) {
		if (off >= len)
			return 0;
		if (q[off] == 0)
			break;
		if (len - off < 2 || (size_t)q[off + 1] > len - off - 2)
			return 0;
		if (q[off] == 1) /* CNAME */
			rtcp_cname_take(out, ssrc, q + off + 2, q[off + 1]);
		off += 2 + (size_t)q[off + 1];
	}
	off = (off + 1 + 3) & ~(size_t)3;
	return off <= len ? off : 0;
}

static int rtcp_sdes_decode(const uint8_t *q, size_t len, struct rtcp_summary *out)
{
	size_t off = 4, count = q[0] & 0x1f;

	for (size_t i = 0; i < count; i++) {
		off = rtcp_sdes_chunk(q, len, off, out);
		if (!off)
			return EBADMSG;
	}
	return 0;
}

static int rtcp_bye_decode(const uint8_t *q, size_t len, struct rtcp_summary *out)
{
	size_t count = q[0] & 0x1f, off = 4 + 4 * count;

	if (len < off)
		return EBADMSG;
	/* an optional reason: a length octet and that much text */
	if (len > off && (size_t)q[off] + 1 > len - off)
		return EBADMSG;
	if (!out->bye && count > 0)
		out->bye_ssrc = rd32(q + 4);
	out->bye = true;
	return 0;
}

/* XR (RFC 3611): report blocks of (length + 1) words after the sender's SSRC; the first
 * VoIP metrics block (type 7, 36 octets) is kept, every other block skipped. */
static int rtcp_xr_decode(const uint8_t *q, size_t len, struct rtcp_summary *out)
{
	size_t off = 8;

	if (len < off)
		return EBADMSG;
	while (off < len) {
		if (len - off < 4)
			return EBADMSG;
		const uint8_t *b = q + off;
		size_t blen = ((size_t)rd16(b + 2) + 1) * 4;
		if (blen > len - off)
			return EBADMSG;
		if (b[0] == 7 && blen >= 36 && !out->has_voip) {
			out->has_voip = true;
			out->voip_loss = b[8];
			out->voip_discard = b[9];
			out->voip_rtd_ms = rd16(b + 16);
			out->voip_esd_ms = rd16(b + 18);
			out->voip_mos_lq = b[26];
		}
		off += blen;
	}
	return 0;
}

static int rtcp_packet_decode(const uint8_t *q, size_t len, struct rtcp_summary *out)
{
	switch (q[1]) {
	case RTCP_SR:
	case RTCP_RR:
		return rtcp_reports_decode(q, len, out);
	case RTCP_SDES:
		return rtcp_sdes_decode(q, len, out);
	case RTCP_BYE:
		return rtcp_bye_decode(q, len, out);
	case RTCP_XR:
		return rtcp_xr_decode(q, len, out);
	default:
		return 0; /* APP, feedback: length-checked and skipped */
	}
}

int rtcp_decode_compound(const uint8_t *p, size_t len, struct rtcp_summary *out)
{
	size_t off = 0;

	memset(out, 0, sizeof(*out));
	if (!p || len < 4)
		return EBADMSG;
	while (off < len) {
		const uint8_t *q = p + off;
		if (len - off < 4 || q[0] >> 6 != 2 || q[1] < 192 || q[1] > 223)
			return EBADMSG;
		size_t plen = ((size_t)rd16(q + 2) + 1) * 4, body = plen;
		if (plen > len - off)
			return EBADMSG;
		if (q[0] & 0x20) {
			/* only the last packet of a compound may be padded (A.2) */
			if (off + plen != len || q[plen - 1] == 0 || q[plen - 1] > plen - 4)
				return EBADMSG;
			body = plen - q[plen - 1];
		}
		if (out->packets == 0 && q[1] != RTCP_SR && q[1] != RTCP_RR)
			return EBADMSG;
		int err = rtcp_packet_decode(q, body, out);
		if (err)
			return err;
		out->packets++;
		off += plen;
	}
	return 0;
}

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void wr32(uint8_t *p, uint32_t v)
{
	wr16(p, (uint16_t)(v >> 16));
	wr16(p + 2, (uint16_t)v);
}

/* One report block (RFC 3550 6.4.1) at p: 24 octets. */
static void rtcp_report_encode(uint8_t *p, const struct rtcp_report *r)
{
	int32_t lost = r->cum_lost > 0x7fffff ? 0x7fffff : r->cum_lost < -0x800000 ? -0x800000 : r->cum_lost;

	wr32(p, r->ssrc);
	wr32(p + 4, (uint32_t)r->fraction_lost << 24 | ((uint32_t)lost & 0xffffff));
	wr32(p + 8, r->ext_max_seq);
	wr32(p + 12, r->jitter);
	wr32(p + 16, r->lsr);
	wr32(p + 20, r->dlsr);
}

size_t rtcp_encode(uint8_t *out, size_t cap, const struct rtcp_out *o)
{
	size_t clen = o->cname ? strlen(o->cname) : 0;
	size_t rlen = (o->sr ? 28 : 8) + (o->has_report ? 24 : 0);
	/* SDES: header, SSRC, CNAME item, a null octet, padded to a word */
	size_t slen = (8 + 2 + clen + 1 + 3) & ~(size_t)3;

	if (clen > RTCP_CNAME_MAX || cap < rlen + slen)
		return 0;
	out[0] = (uint8_t)(0x80 | (o->has_report ? 1 : 0));
	out[1] = o->sr ? RTCP_SR : RTCP_RR;
	wr16(out + 2, (uint16_t)(rlen / 4 - 1));
	wr32(out + 4, o->ssrc);
	if (o->sr) {
		wr32(out + 8, (uint32_t)(o->ntp >> 32));
		wr32(out + 12, (uint32_t)o->ntp);
		wr32(out + 16, o->rtp_ts);
		wr32(out + 20, o->pkts);
		wr32(out + 24, o->octets);
	}
	if (o->has_report)
		rtcp_report_encode(out + rlen - 24, &o->report);
	uint8_t *q = out + rlen;
	memset(q, 0, slen);
	q[0] = 0x81;
	q[1] = RTCP_SDES;
	wr16(q + 2, (uint16_t)(slen / 4 - 1));
	wr32(q + 4, o->ssrc);
	q[8] = 1; /* CNAME */
	q[9] = (uint8_t)clen;
	memcpy(q + 10, o->cname ? o->cname : "", clen);
	return rlen + slen;
}

void rtp_est_init(struct rtp_est *e)
{
	memset(e, 0, sizeof(*e));
}

/* A.1 init_seq: a new baseline after a new SSRC or a confirmed jump. */
static void rtp_est_seq_init(struct rtp_est *e, uint16_t seq)
{
	e->base_seq = seq;
	e->max_seq = seq;
	e->bad_seq = RTP_SEQ_MOD + 1;
	e->cycles = 0;
	e->received = 0;
}

/* A.1 update_seq without probation: false when the packet is held back as a possible jump. */
static bool rtp_est_seq(struct rtp_est *e, uint16_t seq)
{
	uint16_t udelta = (uint16_t)(seq - e->max_seq);

	if (udelta < RTP_MAX_DROPOUT) {
		if (seq < e->max_seq)
			e->cycles += RTP_SEQ_MOD;
		e->max_seq = seq;
	} else if (udelta <= RTP_SEQ_MOD - RTP_MAX_MISORDER) {
		if (seq != e->bad_seq) {
			e->bad_seq = (uint32_t)(seq + 1) & (RTP_SEQ_MOD - 1);
			return false;
		}
		/* two packets in a row after a jump: the sender restarted */
		rtp_est_seq_init(e, seq);
	}
	/* else a duplicate or reordered packet: counted, max unchanged */
	e->received++;
	return true;
}

/* Arrival time in timestamp units modulo 2^32; split so the product never overflows. */
static uint32_t rtp_est_units(uint64_t us, uint32_t rate)
{
	return (uint32_t)((us / 1000000) * rate + (us % 1000000) * rate / 1000000);
}

static void rtp_est_jitter(struct rtp_est *e, const struct rtp_header *h, uint64_t arrival_us,
			   uint32_t clock_rate)
{
	if (clock_rate != e->clock_rate) {
		/* a codec change: keep the estimate, in the new units */
		if (e->clock_rate)
			e->jitter = e->jitter * clock_rate / e->clock_rate;
		e->clock_rate = clock_rate;
		e->have_transit = false;
	}
	int32_t transit = (int32_t)(rtp_est_units(arrival_us, clock_rate) - h->ts);
	if (e->have_transit) {
		int32_t d = (int32_t)((uint32_t)transit - (uint32_t)e->transit);
		double ad = d < 0 ? -(double)d : (double)d;
		e->jitter += (ad - e->jitter) / 16.0;
	}
	e->transit = transit;
	e->have_transit = true;
}

void rtp_est_update(struct rtp_est *e, const struct rtp_header *h, uint64_t arrival_us,
		    uint32_t clock_rate)
{
	if (!e->started || h->ssrc != e->ssrc) {
		rtp_est_init(e);
		e->started = true;
		e->ssrc = h->ssrc;
		rtp_est_seq_init(e, h->seq);
	}
	if (!rtp_est_seq(e, h->seq))
		return;
	if (clock_rate)
		rtp_est_jitter(e, h, arrival_us, clock_rate);
}

uint32_t rtp_est_ext_max(const struct rtp_est *e)
{
	return e->cycles + e->max_seq;
}

uint32_t rtp_est_expected(const struct rtp_est *e)
{
	if (!e->started)
		return 0;
	int64_t expected = (int64_t)rtp_est_ext_max(e) - e->base_seq + 1;
	return expected < 0 ? 0 : expected > UINT32_MAX ? UINT32_MAX : (uint32_t)expected;
}

uint32_t rtp_est_received(const struct rtp_est *e)
{
	return e->received;
}

uint32_t rtp_est_lost(const struct rtp_est *e)
{
	if (!e->started)
		return 0;
	int64_t expected = (int64_t)rtp_est_ext_max(e) - e->base_seq + 1;
	int64_t lost = expected - e->received;

	if (lost < 0)
		return 0; /* duplicates */
	return lost > UINT32_MAX ? UINT32_MAX : (uint32_t)lost;
}

double rtp_est_jitter_ms(const struct rtp_est *e)
{
	return e->clock_rate ? e->jitter * 1000.0 / e->clock_rate : 0.0;
}
