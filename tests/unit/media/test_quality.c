/* Call quality: the E-model, loss and jitter accounting, RTCP RR/XR reports, per-leg stats. */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/loop.h"
#include "core/time.h"
#include "media/codec.h"
#include "media/media.h"
#include "media/quality.h"
#include "media/rtp.h"
#include "net/sock.h"

enum { WAIT_MS = 3000 };

static struct loop *ctl;

static void test_emodel(void **state)
{
	struct media_impairment g711 = media_quality_codec(NULL);
	struct media_impairment gsm = media_quality_codec(&media_codec_gsm);

	assert_true(g711.ie == 0 && g711.bpl > 25 && g711.bpl < 25.2);
	assert_true(media_quality_codec(&media_codec_pcmu).bpl == g711.bpl);
	assert_true(gsm.ie == 20);
	/* no delay, no loss: G.107's default R of 93.2, MOS 4.41 */
	assert_true(fabs(media_quality_r(0, 0, g711) - 93.2) < 1e-9);
	assert_true(fabs(media_quality_mos(93.2) - 4.41) < 0.01);
	/* 60 ms and 5 % random loss with G.711's PLC: Id 1.44, Ie,eff 15.78, R 75.98, MOS 3.86 */
	double r = media_quality_r(60, 5, g711);
	assert_true(fabs(r - 75.98) < 0.01);
	assert_true(fabs(media_quality_mos(r) - 3.86) < 0.01);
	/* beyond 177.3 ms the delay costs more per ms */
	assert_true(media_quality_r(100, 0, g711) - media_quality_r(200, 0, g711) >
		    2.4 + 0.11 * 22);
	/* the MOS is bounded and grows with R */
	assert_true(media_quality_mos(-5) == 1 && media_quality_mos(120) == 4.5);
	for (double x = 1; x < 100; x += 1)
		assert_true(media_quality_mos(x) >= media_quality_mos(x - 1));
	assert_true(media_quality_mos(50) > media_quality_mos(40));
	/* a worse codec with the same loss scores lower */
	assert_true(media_quality_r(60, 2, gsm) < media_quality_r(60, 2, g711));
}

static void head(uint8_t *p, uint16_t seq, uint32_t ts)
{
	memset(p, 0, 12);
	p[0] = 0x80;
	p[1] = 8;
	p[2] = (uint8_t)(seq >> 8);
	p[3] = (uint8_t)seq;
	p[4] = (uint8_t)(ts >> 24);
	p[5] = (uint8_t)(ts >> 16);
	p[6] = (uint8_t)(ts >> 8);
	p[7] = (uint8_t)ts;
	p[11] = 1;
}

/* Loss counts gaps, not late packets; jitter is 0 for a steady stream and grows with skew. */
static void test_loss_jitter(void **state)
{
	struct rtp_est e;
	struct rtp_header h;
	uint8_t p[12 + 160];
	uint64_t t = 1000000;

	rtp_est_init(&e);
	/* seq 65530..65629 (wrapping), every 10th lost, two swapped */
	for (uint32_t i = 0; i < 100; i++) {
		uint32_t k = i == 50 ? 51 : i == 51 ? 50 : i;
		if (k % 10 == 3)
			continue;
		head(p, (uint16_t)(65530 + k), 160 * k);
		assert_int_equal(rtp_header_decode(p, sizeof(p), &h), 0);
		rtp_est_update(&e, &h, t + 20000 * (uint64_t)i, 8000);
	}
	assert_int_equal(rtp_est_expected(&e), 100);
	assert_int_equal(rtp_est_lost(&e), 10);
	/* the swapped pair came 20 ms early and late: the jitter rose, then decayed again */
	assert_true(rtp_est_jitter_ms(&e) > 0 && rtp_est_jitter_ms(&e) < 5);
	rtp_est_init(&e);
	for (uint32_t k = 0; k < 200; k++) {
		head(p, (uint16_t)k, 160 * k);
		rtp_header_decode(p, sizeof(p), &h);
		/* every other packet 10 ms late: |D| = 10 ms, so J tends to 10 ms */
		rtp_est_update(&e, &h, t + 20000 * (uint64_t)k + (k % 2) * 10000, 8000);
	}
	assert_int_equal(rtp_est_lost(&e), 0);
	assert_true(fabs(rtp_est_jitter_ms(&e) - 10) < 0.5);
}

static size_t put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
	return 4;
}

/* An RR with one block (fraction, jitter), then an XR with a VoIP metrics block. */
static size_t rr_xr(uint8_t *p, uint8_t fraction, uint32_t jitter, uint8_t voip_loss, uint16_t rtd)
{
	size_t n = 0;

	p[n++] = 0x81;
	p[n++] = 201;
	p[n++] = 0;
	p[n++] = 7;
	n += put32(p + n, 0x1111);
	n += put32(p + n, 0x2222);
	n += put32(p + n, (uint32_t)fraction << 24 | 12);
	n += put32(p + n, 1000);
	n += put32(p + n, jitter);
	n += put32(p + n, 0);
	n += put32(p + n, 0);
	p[n++] = 0x80;
	p[n++] = 207;
	p[n++] = 0;
	p[n++] = 10; /* header + SSRC + 36-octet block = 11 words */
	n += put32(p + n, 0x1111);
	uint8_t *b = p + n;
	memset(b, 0, 36);
	b[0] = 7;
	b[3] = 8;
	put32(b + 4, 0x2222);
	b[8] = voip_loss;
	b[16] = (uint8_t)(rtd >> 8);
	b[17] = (uint8_t)rtd;
	b[26] = 41;
	return n + 36;
}

static void test_reports(void **state)
{
	uint8_t p[128];
	size_t n = rr_xr(p, 64, 240, 32, 150);
	struct rtcp_summary s;
	struct media_report rep = {0};

	assert_int_equal(rtcp_decode_compound(p, n, &s), 0);
	assert_true(s.has_voip);
	assert_int_equal(s.voip_loss, 32);
	assert_int_equal(s.voip_rtd_ms, 150);
	assert_int_equal(s.voip_mos_lq, 41);
	assert_int_equal(media_report_take(&rep, p, n, 0), 0);
	assert_true(rep.have && rep.voip);
	assert_int_equal(rep.fraction, 64);
	assert_int_equal(rep.jitter, 240);
	/* an XR block claiming more than its packet holds: the compound is refused */
	p[n - 36 + 3] = 9;
	assert_int_equal(rtcp_decode_compound(p, n, &s), EBADMSG);
	struct media_report keep = rep;
	assert_int_equal(media_report_take(&rep, p, n, 0), EBADMSG);
	assert_memory_equal(&rep, &keep, sizeof(rep));
}

static int udp_pair(struct sa *addr, int *rtcp)
{
	for (unsigned i = 0; i < 2000; i++) {
		struct sa a, r;
		int fd, fd2;
		uint16_t port = (uint16_t)(61000 + 2 * ((i * 47 + (unsigned)getpid()) % 2200));
		if (sa_set_cstr(&a, "127.0.0.1", port) || net_sock_udp_open(&fd, &a, 0))
			continue;
		sa_set_cstr(&r, "127.0.0.1", (uint16_t)(port + 1));
		if (net_sock_udp_open(&fd2, &r, 0)) {
			close(fd);
			continue;
		}
		net_sock_local(fd, addr);
		*rtcp = fd2;
		return fd;
	}
	fail_msg("no port pair");
	return -1;
}

static void send_to(int fd, uint16_t port, const void *p, size_t len)
{
	struct sa dst;

	sa_set_cstr(&dst, "127.0.0.1", port);
	assert_int_equal(sendto(fd, p, len, 0, &dst.u.sa, dst.len), (ssize_t)len);
}

/* The relay's per-leg figures: our loss of A's RTP, A's report of ours, a MOS from both. */
static void test_relay_quality(void **state)
{
	uint16_t base = (uint16_t)(32000 + ((unsigned)getpid() % 400) * 16), pa, pb;
	struct media_cfg cfg = {.bind_ip = "127.0.0.1",
				.port_min = base,
				.port_max = (uint16_t)(base + 15),
				.threads = 1};
	struct media_codec_spec pcma = {.name = "PCMA", .rate = 8000, .pt = 8};
	struct media_engine *m;
	struct media_relay_stats st;
	struct sa aa, ba;
	int arc, brc, a = udp_pair(&aa, &arc), b = udp_pair(&ba, &brc);
	uint64_t id;
	uint8_t p[12 + 160] = {0}, rep[128];

	assert_int_equal(media_engine_new(&m, ctl, &cfg, NULL, NULL), 0);
	assert_int_equal(media_relay_open(m, &id, &pa, &pb), 0);
	media_relay_set_peer(m, id, 0, &aa, 8000);
	media_relay_set_peer(m, id, 1, &ba, 8000);
	media_relay_set_codec(m, id, 0, &pcma);
	media_relay_set_codec(m, id, 1, &pcma);
	assert_int_equal(media_relay_stats(m, id, &st), 0);
	assert_true(st.side[0].mos == 0); /* nothing heard yet */
	for (uint16_t k = 0; k < 100; k++) {
		if (k % 20 == 7) /* 5 % lost */
			continue;
		head(p, k, 160u * k);
		send_to(a, pa, p, sizeof(p));
		if (k % 20 == 19)
			usleep(20000); /* the other side's socket buffer drains */
	}
	uint64_t until = time_mono_ms() + WAIT_MS;
	do {
		usleep(10000);
		media_relay_stats(m, id, &st);
	} while (st.side[0].expected < 100 && time_mono_ms() < until);
	assert_int_equal(st.side[0].expected, 100);
	assert_int_equal(st.side[0].lost, 5);
	assert_true(fabs(st.side[0].loss_pct - 5) < 1e-9);
	assert_false(st.side[0].rtcp);
	double mos_clean_rtcp = st.side[0].mos;
	assert_true(mos_clean_rtcp > 3.5 && mos_clean_rtcp < 4.1);
	/* A's RR: it lost a quarter of ours; XR round trip 300 ms */
	size_t n = rr_xr(rep, 64, 800, 64, 300);
	send_to(arc, (uint16_t)(pa + 1), rep, n);
	until = time_mono_ms() + WAIT_MS;
	do {
		usleep(10000);
		media_relay_stats(m, id, &st);
	} while (!st.side[0].rtcp && time_mono_ms() < until);
	assert_true(st.side[0].rtcp);
	assert_true(fabs(st.side[0].remote_loss_pct - 25) < 1e-9);
	assert_true(fabs(st.side[0].remote_jitter_ms - 100) < 1e-9);
	assert_int_equal(st.side[0].rtt_ms, 300);
	assert_true(st.side[0].mos < mos_clean_rtcp - 1);
	assert_true(st.side[1].mos == 0); /* B sent nothing */
	media_engine_destroy(m);
	close(a);
	close(b);
	close(arc);
	close(brc);
}

/* The next RTCP compound on fd within ms, decoded; false if none. */
static bool rtcp_wait(int fd, int ms, struct rtcp_summary *out, uint16_t *from)
{
	uint8_t buf[1500];
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	struct sa src = {.len = sizeof(src.u.ss)};

	if (poll(&pfd, 1, ms) != 1)
		return false;
	ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, &src.u.sa, &src.len);
	*from = sa_port(&src);
	return n > 0 && rtcp_decode_compound(buf, (size_t)n, out) == 0;
}

/* A transcoded relay reports itself: SR about its stream, a block about the phone's; the
 * phones' own reports (about streams the other never sees) end at the relay. */
static void test_own_rtcp(void **state)
{
	uint16_t base = (uint16_t)(44000 + ((unsigned)getpid() % 400) * 16), pa, pb;
	struct media_cfg cfg = {.bind_ip = "127.0.0.1",
				.port_min = base,
				.port_max = (uint16_t)(base + 15),
				.threads = 1};
	struct media_codec_spec pcma = {.name = "PCMA", .rate = 8000, .pt = 8};
	struct media_codec_spec pcmu = {.name = "PCMU", .rate = 8000, .pt = 0};
	struct media_engine *m;
	struct sa aa, ba;
	int arc, brc, a = udp_pair(&aa, &arc), b = udp_pair(&ba, &brc);
	uint64_t id;
	uint8_t p[12 + 160];
	uint32_t b_ssrc = 0;

	assert_int_equal(media_engine_new(&m, ctl, &cfg, NULL, NULL), 0);
	assert_int_equal(media_relay_open(m, &id, &pa, &pb), 0);
	media_relay_set_peer(m, id, 0, &aa, 8000);
	media_relay_set_peer(m, id, 1, &ba, 8000);
	media_relay_set_codec(m, id, 0, &pcma);
	media_relay_set_codec(m, id, 1, &pcmu);
	/* A's SR first: the relay's report to A must echo its time as LSR */
	uint8_t sr[28 + 0] = {0x80, 200,  0,	6,    0,    0,	  0,	0x01,
			      0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88};
	send_to(arc, (uint16_t)(pa + 1), sr, sizeof(sr));
	for (uint16_t k = 0; k < 60; k++) {
		if (k == 30 || k == 31)
			continue; /* two lost */
		memset(p, 0xd5, sizeof(p));
		head(p, (uint16_t)(900 + k), 160u * k);
		p[11] = 1;
		send_to(a, pa, p, sizeof(p));
		usleep(20000);
		uint8_t got[1500];
		ssize_t n = recv(b, got, sizeof(got), MSG_DONTWAIT);
		if (n >= 12)
			b_ssrc = (uint32_t)got[8] << 24 | (uint32_t)got[9] << 16 |
				 (uint32_t)got[10] << 8 | got[11];
	}
	assert_int_not_equal(b_ssrc, 0);
	struct rtcp_summary s;
	uint16_t from;
	assert_true(rtcp_wait(arc, 4000, &s, &from));
	assert_int_equal(from, pa + 1);
	assert_true(s.has_cname && strncmp(s.cname, "zvonar-", 7) == 0);
	assert_int_equal(s.nreports, 1);
	assert_int_equal(s.report[0].ssrc, 1);
	assert_int_equal(s.report[0].ext_max_seq, 959);
	assert_int_equal(s.report[0].cum_lost, 2);
	assert_true(s.report[0].fraction_lost > 0);
	assert_int_equal(s.report[0].lsr, 0x33445566);
	/* B hears about the stream it gets (our SSRC), never A's SR */
	assert_true(rtcp_wait(brc, 4000, &s, &from));
	assert_int_equal(from, pb + 1);
	assert_true(s.has_sr);
	assert_int_equal(s.ssrc, b_ssrc);
	assert_true(s.sender_pkts >= 50 && s.sender_octets == s.sender_pkts * 160);
	assert_int_equal(s.nreports, 0); /* B sent nothing */
	media_engine_destroy(m);
	close(a);
	close(b);
	close(arc);
	close(brc);
}

static int setup(void **state)
{
	return loop_new(&ctl);
}

static int teardown(void **state)
{
	loop_destroy(ctl);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_emodel),   cmocka_unit_test(test_loss_jitter),
	    cmocka_unit_test(test_reports),  cmocka_unit_test(test_relay_quality),
	    cmocka_unit_test(test_own_rtcp),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
