/* Internal to media/: call quality per leg, the ITU-T G.107 E-model reduced to delay and loss. */
#ifndef MEDIA_QUALITY_H
#define MEDIA_QUALITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct media_codec;

/* A codec's equipment impairment and packet-loss robustness (G.113 Appendix I values). */
struct media_impairment {
	double ie, bpl;
};

/* c NULL: G.711, what a plain relay most often carries. */
struct media_impairment media_quality_codec(const struct media_codec *c);
/* R from one-way delay (ms) and random packet loss (percent), G.107's default elsewhere. */
double media_quality_r(double delay_ms, double loss_pct, struct media_impairment imp);
/* MOS (1..4.5) from R (G.107 Annex B). */
double media_quality_mos(double r);

/* What a leg's report said about the stream we send it (RTCP RR, RFC 3611 VoIP metrics). */
struct media_report {
	bool have;	   /* an RR or SR block came */
	uint8_t fraction;  /* lost since its last report, /256 */
	uint32_t jitter;   /* its interarrival jitter, in the stream's clock */
	bool voip;	   /* an XR VoIP metrics block came */
	uint8_t voip_loss; /* /256 */
	uint16_t voip_rtd_ms;
	uint32_t lsr;	    /* middle 32 bits of its last SR's NTP time, 0 = none */
	uint64_t lsr_at_ms; /* when that SR came (monotonic) */
};

/* Folds an RTCP compound from the leg, arrived at now_ms, into rep; a malformed one is
 * ignored (EBADMSG). */
int media_report_take(struct media_report *rep, const uint8_t *p, size_t len, uint64_t now_ms);

#endif
