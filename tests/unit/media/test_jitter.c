/* The jitter buffer: order restored, late and repeated packets dropped, the clock following
 * the stream, the delay adapting; and in the relay, reordered input transcoded without holes. */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/loop.h"
#include "media/codec.h"
#include "media/jitter.h"
#include "media/media.h"
#include "net/sock.h"
#include "tone.h"

enum { WAIT_MS = 3000, QUIET_MS = 400 };

static struct loop *ctl;

static void pkt(uint8_t *p, uint16_t seq, uint32_t ts, uint32_t ssrc, struct rtp_header *h)
{
	memset(p, 0, 12 + 160);
	p[0] = 0x80;
	p[1] = 8;
	p[2] = (uint8_t)(seq >> 8);
	p[3] = (uint8_t)seq;
	for (int i = 0; i < 4; i++) {
		p[4 + i] = (uint8_t)(ts >> (24 - 8 * i));
		p[8 + i] = (uint8_t)(ssrc >> (24 - 8 * i));
	}
	assert_int_equal(rtp_header_decode(p, 12 + 160, h), 0);
}

static int put(struct media_jb *jb, uint16_t seq, uint32_t ssrc, uint64_t now)
{
	uint8_t p[12 + 160];
	struct rtp_header h;

	pkt(p, seq, 160u * seq, ssrc, &h);
	return media_jb_put(jb, p, sizeof(p), &h, now);
}

/* Sequence number of the next packet due at now, or -1. */
static int get(struct media_jb *jb, uint64_t now)
{
	size_t len;
	const uint8_t *p = media_jb_get(jb, now, &len);

	return p ? p[2] << 8 | p[3] : -1;
}

static void test_reorder(void **state)
{
	struct media_jb *jb = media_jb_new(8000);
	unsigned d = media_jb_delay_ms(jb);

	media_jb_set_target(jb, d); /* no adaptation in this test */
	/* 1 at 1000 ms, then 3 before 2, 5 before 4 */
	assert_int_equal(put(jb, 1, 7, 1000), 0);
	assert_int_equal(put(jb, 3, 7, 1040), 0);
	assert_int_equal(put(jb, 2, 7, 1041), 0);
	assert_int_equal(put(jb, 5, 7, 1080), 0);
	assert_int_equal(put(jb, 4, 7, 1081), 0);
	assert_int_equal(put(jb, 4, 7, 1082), EALREADY); /* a repeat */
	assert_int_equal(media_jb_count(jb), 5);
	/* nothing before its time: packet 1 plays the delay after it came */
	assert_int_equal(get(jb, 1000 + d - 1), -1);
	assert_int_equal(media_jb_next_ms(jb), 1000 + d);
	assert_int_equal(get(jb, 1000 + d), 1);
	assert_int_equal(get(jb, 1000 + d), -1);
	/* 20 ms later each */
	for (int s = 2; s <= 5; s++) {
		assert_int_equal(get(jb, 1000 + d + 20 * (unsigned)(s - 1) - 1), -1);
		assert_int_equal(get(jb, 1000 + d + 20 * (unsigned)(s - 1)), s);
	}
	/* 6 is lost; 8 comes before 7: 7 waits for its turn, 8 after it */
	assert_int_equal(put(jb, 8, 7, 1140), 0);
	assert_int_equal(put(jb, 7, 7, 1141), 0);
	assert_int_equal(get(jb, 1000 + d + 140), 8 - 1);
	assert_int_equal(get(jb, 1000 + d + 140), 8);
	/* 6 arriving now is too late: 7 already left */
	assert_int_equal(put(jb, 6, 7, 1150), EALREADY);
	struct media_jb_stats st = media_jb_stats(jb);
	assert_int_equal(st.late, 1);
	assert_int_equal(st.dup, 1);
	assert_int_equal(st.rebase, 1);
	assert_int_equal(media_jb_count(jb), 0);
	assert_int_equal(media_jb_next_ms(jb), 0);
	media_jb_destroy(jb);
}

static void test_clock(void **state)
{
	struct media_jb *jb = media_jb_new(8000);
	unsigned d = media_jb_delay_ms(jb);

	media_jb_set_target(jb, d);
	assert_int_equal(put(jb, 100, 1, 5000), 0);
	assert_int_equal(get(jb, 5000 + d), 100);
	/* a new source starts its own clock, and its sequence numbers are not "late" */
	assert_int_equal(put(jb, 3, 2, 5100), 0);
	assert_int_equal(get(jb, 5100 + d), 3);
	/* a sender whose clock runs slow: packets later and later, then a new clock */
	uint64_t t = 5100;
	for (uint16_t s = 4; s < 12; s++) {
		t += 20 + 30; /* 30 ms later each time than the stream says */
		assert_int_equal(put(jb, s, 2, t), 0);
		while (get(jb, t) >= 0)
			;
	}
	assert_true(media_jb_stats(jb).rebase >= 3);
	/* a jump far ahead (seconds of timestamps): a new clock, not a long wait */
	uint8_t p[12 + 160];
	struct rtp_header h;
	pkt(p, 12, 160u * 12 + 8000 * 60, 2, &h);
	unsigned before = media_jb_stats(jb).rebase;
	assert_int_equal(media_jb_put(jb, p, sizeof(p), &h, t + 20), 0);
	assert_int_equal(media_jb_stats(jb).rebase, before + 1);
	assert_int_equal(media_jb_next_ms(jb), t + 20 + d);
	media_jb_destroy(jb);
}

static void test_full_and_adapt(void **state)
{
	struct media_jb *jb = media_jb_new(8000);
	unsigned d = media_jb_delay_ms(jb);

	media_jb_set_target(jb, d);
	/* a burst bigger than the buffer: the oldest is pushed out, due at once */
	for (uint16_t s = 0; s < MEDIA_JB_SLOTS; s++)
		assert_int_equal(put(jb, s, 9, 100), 0);
	assert_int_equal(get(jb, 100), -1);
	assert_int_equal(put(jb, MEDIA_JB_SLOTS, 9, 100), 0);
	assert_int_equal(media_jb_stats(jb).overflow, 1);
	assert_int_equal(media_jb_next_ms(jb), 1);
	assert_int_equal(get(jb, 100), 0);
	assert_int_equal(get(jb, 100), -1);
	assert_int_equal(media_jb_count(jb), MEDIA_JB_SLOTS);
	/* a bigger target: one ms more per packet released, within the limits */
	media_jb_set_target(jb, 10000);
	assert_int_equal(get(jb, 100 + d + 20), 1);
	assert_int_equal(media_jb_delay_ms(jb), d + 1);
	media_jb_set_target(jb, 0);
	assert_int_equal(get(jb, 100 + d + 60), 2);
	assert_int_equal(media_jb_delay_ms(jb), d);
	/* too big for a slot */
	uint8_t big[MEDIA_JB_SLOT + 1] = {0x80};
	struct rtp_header h = {.seq = 99};
	assert_int_equal(media_jb_put(jb, big, sizeof(big), &h, 100), EMSGSIZE);
	media_jb_destroy(jb);
}

static int udp_pair(struct sa *addr, int *rtcp, unsigned salt)
{
	for (unsigned i = 0; i < 2000; i++) {
		struct sa a, r;
		int fd, fd2;
		uint16_t port =
		    (uint16_t)(61000 + 2 * ((i * 59 + salt + (unsigned)getpid()) % 2200));
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

/* PCMA in with pairs swapped and one lost, PCMU out: every 20 ms there, in order, audible. */
static void test_relay_reordered(void **state)
{
	uint16_t base = (uint16_t)(40000 + ((unsigned)getpid() % 400) * 16), pa, pb;
	struct media_cfg cfg = {.bind_ip = "127.0.0.1",
				.port_min = base,
				.port_max = (uint16_t)(base + 15),
				.threads = 1};
	struct media_codec_spec a = {.name = "PCMA", .rate = 8000, .pt = 8};
	struct media_codec_spec b = {.name = "PCMU", .rate = 8000, .pt = 0};
	struct media_engine *m;
	struct sa aa, ba, dst;
	int arc, brc, fa = udp_pair(&aa, &arc, 3), fb = udp_pair(&ba, &brc, 901);
	uint64_t id;
	enum { N = 40 };

	assert_int_equal(media_engine_new(&m, ctl, &cfg, NULL, NULL), 0);
	assert_int_equal(media_relay_open(m, &id, &pa, &pb), 0);
	media_relay_set_peer(m, id, 0, &aa, 0);
	media_relay_set_peer(m, id, 1, &ba, 0);
	media_relay_set_codec(m, id, 0, &a);
	media_relay_set_codec(m, id, 1, &b);
	sa_set_cstr(&dst, "127.0.0.1", pa);
	for (int i = 0; i < N; i++) {
		/* sent order: 0 1 3 2 5 4 ... 39 38, without 20 */
		int k = i < 2 ? i : (i % 2 ? i - 1 : i + 1);
		if (k >= N || k == 20)
			continue;
		uint8_t p[12 + 160];
		int16_t pcm[160];
		struct rtp_header h;
		pkt(p, (uint16_t)(1000 + k), 160u * (uint32_t)k, 0xabc, &h);
		tone_fill(pcm, 160, 8000, 1000, 8000, (size_t)k * 160);
		media_codec_pcma.encode(NULL, p + 12, 160, pcm, 160);
		assert_int_equal(sendto(fa, p, sizeof(p), 0, &dst.u.sa, dst.len),
				 (ssize_t)sizeof(p));
		usleep(20000);
	}
	/* what B gets: one stream, no hole, 1 kHz all through */
	static int16_t out[160 * 64];
	uint16_t last = 0;
	uint32_t last_ts = 0;
	int n = 0;
	struct pollfd pfd = {.fd = fb, .events = POLLIN};
	while (n < 64 && poll(&pfd, 1, n ? QUIET_MS : WAIT_MS) == 1) {
		uint8_t r[1500];
		ssize_t len = recv(fb, r, sizeof(r), 0);
		assert_int_equal(len, 12 + 160);
		assert_int_equal(r[1] & 0x7f, 0);
		uint16_t seq = (uint16_t)(r[2] << 8 | r[3]);
		uint32_t ts =
		    (uint32_t)r[4] << 24 | (uint32_t)r[5] << 16 | (uint32_t)r[6] << 8 | r[7];
		if (n) {
			assert_int_equal((uint16_t)(seq - last), 1);
			assert_int_equal(ts - last_ts, 160);
		}
		last = seq;
		last_ts = ts;
		media_codec_pcmu.decode(NULL, out + 160 * n, 160, r + 12, 160);
		n++;
	}
	/* 0..39 but 20, in order again: 40 packets, the lost one concealed */
	print_message("%d packets out\n", n);
	assert_int_equal(n, N);
	assert_true(tone_share(out + 160, 160 * (size_t)(n - 1), 8000, 1000) > 0.9);
	struct media_relay_stats st;
	media_relay_stats(m, id, &st);
	assert_int_equal(st.side[0].dropped, 0); /* none of the swapped ones was too late */
	media_engine_destroy(m);
	close(fa);
	close(fb);
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
	    cmocka_unit_test(test_reorder),
	    cmocka_unit_test(test_clock),
	    cmocka_unit_test(test_full_and_adapt),
	    cmocka_unit_test(test_relay_reordered),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
