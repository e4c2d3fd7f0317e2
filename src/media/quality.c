/*
 * Quality of a leg: loss and jitter as we measure its RTP, what its RTCP says about ours, and
 * a MOS from them by the E-model (ITU-T G.107, simplified to the delay and loss terms, with the
 * Cole-Rosenbluth approximation of Id). Delay is not measured end to end through a relay: it
 * is the XR round trip when a phone sends one, else a nominal 20 ms each way, plus the
 * packetisation and the jitter buffer the measured jitter needs.
 */
#include <errno.h>
#include <strings.h>

#include "media/codec.h"
#include "media/engine.h"
#include "media/quality.h"

/* G.107 defaults: Ro - Is; the R and MOS limits of Annex B */
#define MEDIA_R_BASE 93.2
enum { MEDIA_NOMINAL_NET_MS = 20, MEDIA_QUALITY_JB_MS = 20 };

/* G.113 Appendix I: Ie, and Bpl for random loss with the codec's own or our concealment */
static const struct {
	const char *name;
	struct media_impairment imp;
} media_impairments[] = {
    {"PCMU", {0, 25.1}}, {"PCMA", {0, 25.1}}, {"G722", {0, 25.1}},
    {"GSM", {20, 10}},	 {"opus", {0, 20}},
};

struct media_impairment media_quality_codec(const struct media_codec *c)
{
	for (size_t i = 0; c && i < sizeof(media_impairments) / sizeof(media_impairments[0]); i++)
		if (strcasecmp(c->name, media_impairments[i].name) == 0)
			return media_impairments[i].imp;
	return media_impairments[0].imp;
}

double media_quality_r(double delay_ms, double loss_pct, struct media_impairment imp)
{
	double d = delay_ms < 0 ? 0 : delay_ms, ppl = loss_pct < 0 ? 0 : loss_pct;
	double id = 0.024 * d + (d > 177.3 ? 0.11 * (d - 177.3) : 0);
	double ie_eff = imp.ie + (95 - imp.ie) * ppl / (ppl + imp.bpl);

	return MEDIA_R_BASE - id - ie_eff;
}

double media_quality_mos(double r)
{
	if (r <= 0)
		return 1;
	if (r >= 100)
		return 4.5;
	double mos = 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6;
	return mos < 1 ? 1 : mos; /* the polynomial dips below 1 for R under 6.5 */
}

int media_report_take(struct media_report *rep, const uint8_t *p, size_t len, uint64_t now_ms)
{
	struct rtcp_summary s;

	if (rtcp_decode_compound(p, len, &s) != 0)
		return EBADMSG;
	if (s.has_sr) {
		rep->lsr = (uint32_t)(s.ntp >> 16);
		rep->lsr_at_ms = now_ms;
	}
	/* one remote source in a two-party call: its first block is about our stream */
	if (s.nreports) {
		rep->have = true;
		rep->fraction = s.report[0].fraction_lost;
		rep->jitter = s.report[0].jitter;
	}
	if (s.has_voip) {
		rep->voip = true;
		rep->voip_loss = s.voip_loss;
		rep->voip_rtd_ms = s.voip_rtd_ms;
	}
	return 0;
}

/* The clock of the stream a side receives from us, for its report's jitter. */
static uint32_t media_side_rx_clock(const struct media_side *s)
{
	if (s->codec)
		return s->codec->rate;
	return s->clock_rate ? s->clock_rate : 8000;
}

/* The leg's figures into st: the worse direction counts, as a call is as good as its worst. */
void media_quality_fill(struct media_side_stats *st, const struct media_side *s)
{
	uint32_t expected = rtp_est_expected(&s->est);
	const struct media_report *rep = &s->report;

	st->expected = expected;
	st->loss_pct = expected ? 100.0 * st->lost / expected : 0;
	st->rtcp = rep->have || rep->voip;
	st->remote_loss_pct =
	    rep->voip ? rep->voip_loss * 100.0 / 256 : rep->fraction * 100.0 / 256;
	st->remote_jitter_ms = rep->have ? rep->jitter * 1000.0 / media_side_rx_clock(s) : 0;
	st->rtt_ms = rep->voip ? rep->voip_rtd_ms : 0;
	if (!expected) {
		st->mos = 0; /* nothing heard: no estimate */
		return;
	}
	double loss = st->loss_pct > st->remote_loss_pct ? st->loss_pct : st->remote_loss_pct;
	double jit = st->jitter_ms > st->remote_jitter_ms ? st->jitter_ms : st->remote_jitter_ms;
	double jb = 2 * jit < MEDIA_QUALITY_JB_MS ? MEDIA_QUALITY_JB_MS : 2 * jit;
	double net = st->rtt_ms ? st->rtt_ms / 2.0 : MEDIA_NOMINAL_NET_MS;
	unsigned ptime = s->codec ? s->codec->frame_ms : 20;
	double r = media_quality_r(net + jb + (ptime < 20 ? 20 : ptime), loss,
				   media_quality_codec(s->codec));
	st->mos = media_quality_mos(r);
}
