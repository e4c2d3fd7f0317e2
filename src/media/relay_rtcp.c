/*
 * Our own RTCP on transcoded streams. A transcoder's output is a stream of ours (its SSRC,
 * sequence, clock), so the far phone's reports, about a stream this side never sees, end
 * here, and we send the side an SR for the stream we send it, with a report block on the
 * stream it sends us: every 5 s on average (RFC 3550 6.2's minimum, spread 0.5-1.5 against
 * synchronisation), the first after half of that. A plain relay forwards the phones' RTCP.
 */
#include <stdio.h>
#include <time.h>

#include "core/loop.h"
#include "core/rand.h"
#include "media/engine.h"

enum { MEDIA_RTCP_MS = 5000, MEDIA_NTP_UNIX = 2208988800u };

static uint64_t media_ntp_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((uint64_t)ts.tv_sec + MEDIA_NTP_UNIX) << 32 |
	       (uint64_t)(((uint64_t)ts.tv_nsec << 32) / 1000000000u);
}

/* RFC 3550 A.3 for the interval since the last report, and LSR/DLSR from its last SR. */
static void media_rtcp_block(struct media_side *s, uint64_t now_ms, struct rtcp_report *rb)
{
	uint32_t expected = rtp_est_expected(&s->est), received = rtp_est_received(&s->est);
	uint32_t exp_int = expected - s->rtcp_expected, rec_int = received - s->rtcp_received;
	int64_t lost_int = (int64_t)exp_int - rec_int;

	s->rtcp_expected = expected;
	s->rtcp_received = received;
	rb->ssrc = s->est.ssrc;
	rb->fraction_lost =
	    exp_int == 0 || lost_int <= 0 ? 0 : (uint8_t)((lost_int << 8) / exp_int);
	rb->cum_lost = (int32_t)((int64_t)expected - received);
	rb->ext_max_seq = rtp_est_ext_max(&s->est);
	rb->jitter = (uint32_t)s->est.jitter;
	rb->lsr = s->report.lsr;
	rb->dlsr = s->report.lsr ? (uint32_t)((now_ms - s->report.lsr_at_ms) * 65536 / 1000) : 0;
}

/* Our SR to side x, about the stream the other side's transcoder makes for it. */
static void media_rtcp_send(struct media_relay *r, int x, uint64_t now_ms)
{
	struct media_side *s = &r->side[x], *from = &r->side[!x];
	struct media_out o = {.ms = &from->sock[MEDIA_RTCP], .b = r->th->batch};
	uint8_t pkt[256];
	char cname[32];

	if (!from->xc || !media_side_dest(s, MEDIA_RTCP, &o.dst))
		return;
	uint32_t ssrc = media_xcode_ssrc(from->xc);
	snprintf(cname, sizeof(cname), "zvonar-%08x", (unsigned)ssrc);
	struct rtcp_out out = {.ssrc = ssrc,
			       .sr = s->rtp_tx_pkts > 0,
			       .ntp = media_ntp_now(),
			       .rtp_ts = media_xcode_now(from->xc),
			       .pkts = (uint32_t)s->rtp_tx_pkts,
			       .octets = (uint32_t)s->rtp_tx_octets,
			       .has_report = s->est.started,
			       .cname = cname};
	if (out.has_report)
		media_rtcp_block(s, now_ms, &out.report);
	size_t len = rtcp_encode(pkt, sizeof(pkt), &out);
	if (!len)
		return;
	media_out_copy(&o, pkt, len);
	media_out_flush(&o);
}

static void media_rtcp_tick(void *arg)
{
	struct media_relay *r = arg;
	uint64_t now = loop_now(r->th->loop);

	media_relay_sync_cfg(r, now);
	if (!r->side[0].xc && !r->side[1].xc) {
		r->rtcp_on = false;
		return;
	}
	for (int x = 0; x < 2; x++)
		media_rtcp_send(r, x, now);
	uint64_t next = MEDIA_RTCP_MS / 2 + rand_u32() % MEDIA_RTCP_MS;
	loop_timer_start(r->th->loop, &r->rtcp_timer, next, media_rtcp_tick, r);
}

void media_rtcp_check(struct media_relay *r)
{
	if (r->rtcp_on || (!r->side[0].xc && !r->side[1].xc))
		return;
	r->rtcp_on = true;
	loop_timer_start(r->th->loop, &r->rtcp_timer, MEDIA_RTCP_MS / 2, media_rtcp_tick, r);
}

void media_rtcp_stop(struct media_relay *r)
{
	timer_cancel(&r->rtcp_timer);
	r->rtcp_on = false;
}
