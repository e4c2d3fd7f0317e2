/* The relay engine on loopback: forwarding both ways, latching, RTP bleed, stats, timeout, pool. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/loop.h"
#include "core/time.h"
#include "media/media.h"
#include "net/sock.h"

enum { PAYLOAD = 160, PKT = 12 + PAYLOAD, BURST = 20, WAIT_MS = 3000 };

struct phone {
	int rtp, rtcp;
	struct sa addr; /* of the RTP socket */
};

struct ev_log {
	pthread_t ctl_thread;
	uint64_t ids[8];
	int count;
	bool on_ctl; /* every callback ran on the control thread */
};

static struct loop *ctl;
static unsigned port_seed;

static int udp_open(const char *ip, uint16_t port, struct sa *out)
{
	struct sa a;
	int fd;

	if (sa_set_cstr(&a, ip, port) != 0 || net_sock_udp_open(&fd, &a, 0) != 0)
		return -1;
	net_sock_local(fd, out);
	return fd;
}

/* RTCP goes to the announced port + 1, so a phone needs an adjacent pair. */
static void phone_open(struct phone *ph, const char *ip)
{
	struct sa rtcp;

	for (unsigned i = 0; i < 2000; i++) {
		/* above the kernel's ephemeral range (32768-60999), below it the engines' ranges */
		uint16_t port =
		    (uint16_t)(61000 + 2 * ((port_seed++ * 37 + (unsigned)getpid()) % 2200));
		ph->rtp = udp_open(ip, port, &ph->addr);
		if (ph->rtp < 0)
			continue;
		ph->rtcp = udp_open(ip, (uint16_t)(port + 1), &rtcp);
		if (ph->rtcp >= 0)
			return;
		close(ph->rtp);
	}
	fail_msg("no free port pair for a phone");
}

static void phone_close(struct phone *ph)
{
	close(ph->rtp);
	close(ph->rtcp);
}

static void on_event(uint64_t id, const struct media_event_info *ev, void *arg)
{
	struct ev_log *log = arg;

	assert_int_equal(ev->type, MEDIA_EV_TIMEOUT);
	if (!pthread_equal(pthread_self(), log->ctl_thread))
		log->on_ctl = false;
	if (log->count < 8)
		log->ids[log->count] = id;
	log->count++;
}

/*
 * A port range of its own per process, so parallel test runs do not share ports, and
 * outside the ephemeral range, where any client socket on the machine may sit.
 */
static uint16_t range_base(void)
{
	return (uint16_t)(20000 + ((unsigned)getpid() % 600) * 20);
}

static struct media_engine *engine(uint16_t min, uint16_t max, unsigned timeout, struct ev_log *log)
{
	struct media_cfg cfg = {.bind_ip = "127.0.0.1",
				.port_min = min,
				.port_max = max,
				.threads = 2,
				.rtp_timeout_s = timeout};
	struct media_engine *m;

	assert_int_equal(media_engine_new(&m, ctl, &cfg, on_event, log), 0);
	return m;
}

static void send_to(int fd, uint16_t port, const void *p, size_t len)
{
	struct sa dst;

	sa_set_cstr(&dst, "127.0.0.1", port);
	assert_int_equal(sendto(fd, p, len, 0, &dst.u.sa, dst.len), (ssize_t)len);
}

static void rtp_build(uint8_t *p, uint16_t seq, uint32_t ssrc, uint8_t pt)
{
	memset(p, 0, PKT);
	p[0] = 0x80;
	p[1] = pt;
	p[2] = (uint8_t)(seq >> 8);
	p[3] = (uint8_t)seq;
	uint32_t ts = (uint32_t)seq * 160;
	for (int i = 0; i < 4; i++) {
		p[4 + i] = (uint8_t)(ts >> (24 - 8 * i));
		p[8 + i] = (uint8_t)(ssrc >> (24 - 8 * i));
	}
	for (int i = 0; i < PAYLOAD; i++)
		p[12 + i] = (uint8_t)(seq * 7 + i);
}

static void send_rtp(int fd, uint16_t port, uint16_t seq, uint32_t ssrc)
{
	uint8_t p[PKT];

	rtp_build(p, seq, ssrc, 0);
	send_to(fd, port, p, sizeof(p));
}

/* Next datagram on fd within WAIT_MS; its length, and the sender's port in *from. */
static ssize_t recv_wait(int fd, uint8_t *buf, size_t size, uint16_t *from)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	struct sa src = {.len = sizeof(src.u.ss)};

	if (poll(&pfd, 1, WAIT_MS) != 1)
		return -1;
	ssize_t n = recvfrom(fd, buf, size, 0, &src.u.sa, &src.len);
	if (from)
		*from = sa_port(&src);
	return n;
}

/* Expects seq as the next packet on fd, sent by the relay's port. */
static void expect_rtp(int fd, uint16_t relay_port, uint16_t seq, uint32_t ssrc)
{
	uint8_t got[2048], want[PKT];
	uint16_t from;

	rtp_build(want, seq, ssrc, 0);
	assert_int_equal(recv_wait(fd, got, sizeof(got), &from), PKT);
	assert_int_equal(from, relay_port);
	assert_memory_equal(got, want, PKT);
}

static struct media_relay_stats stats(struct media_engine *m, uint64_t id)
{
	struct media_relay_stats st;

	assert_int_equal(media_relay_stats(m, id, &st), 0);
	return st;
}

/* Runs the control loop until cond holds (evaluated once per turn), failing after WAIT_MS. */
#define WAIT_UNTIL(cond)                                                                           \
	do {                                                                                       \
		uint64_t until_ = time_mono_ms() + WAIT_MS;                                        \
		bool ok_;                                                                          \
		while (!(ok_ = (cond)) && time_mono_ms() < until_)                                 \
			loop_run_once(ctl, 5);                                                     \
		assert_true(ok_);                                                                  \
	} while (0)

static void test_forward_both_ways(void **state)
{
	uint16_t base = range_base(), pa, pb;
	struct media_engine *m = engine(base, (uint16_t)(base + 15), 0, NULL);
	struct phone a, b;
	uint64_t id;

	phone_open(&a, "127.0.0.1");
	phone_open(&b, "127.0.0.1");
	assert_int_equal(media_relay_open(m, &id, &pa, &pb), 0);
	assert_true(pa % 2 == 0 && pb % 2 == 0 && pa != pb);
	assert_true(pa >= base && pa + 1 <= base + 15 && pb >= base && pb + 1 <= base + 15);
	assert_int_equal(media_relay_set_peer(m, id, 0, &a.addr, 8000), 0);
	assert_int_equal(media_relay_set_peer(m, id, 1, &b.addr, 0), 0);

	/* bursts small enough for any socket buffer, every payload checked in order */
	for (int i = 0; i < 200; i += BURST) {
		for (int j = i; j < i + BURST; j++)
			send_rtp(a.rtp, pa, (uint16_t)(1000 + j), 0xa);
		for (int j = i; j < i + BURST; j++)
			expect_rtp(b.rtp, pb, (uint16_t)(1000 + j), 0xa);
	}
	/* the reverse way with one sequence number skipped after every 20: 9 lost */
	for (int i = 0; i < 200; i += BURST) {
		for (int j = i; j < i + BURST; j++)
			send_rtp(b.rtp, pb, (uint16_t)(65500 + j + j / BURST), 0xb);
		for (int j = i; j < i + BURST; j++)
			expect_rtp(a.rtp, pa, (uint16_t)(65500 + j + j / BURST), 0xb);
	}
	/* RTCP rides the +1 ports both ways */
	const uint8_t rr[8] = {0x80, 0xc9, 0x00, 0x01, 0, 0, 0, 0xa};
	uint8_t got[64];
	uint16_t from;
	send_to(a.rtcp, (uint16_t)(pa + 1), rr, sizeof(rr));
	assert_int_equal(recv_wait(b.rtcp, got, sizeof(got), &from), sizeof(rr));
	assert_int_equal(from, pb + 1);
	assert_memory_equal(got, rr, sizeof(rr));
	send_to(b.rtcp, (uint16_t)(pb + 1), rr, sizeof(rr));
	assert_int_equal(recv_wait(a.rtcp, got, sizeof(got), &from), sizeof(rr));
	assert_int_equal(from, pa + 1);

	struct media_relay_stats st;
	WAIT_UNTIL((st = stats(m, id), st.side[0].tx_pkts == 201 && st.side[1].tx_pkts == 201));
	for (int s = 0; s < 2; s++) {
		assert_int_equal(st.side[s].rx_pkts, 201);
		assert_int_equal(st.side[s].rx_bytes, 200 * PKT + sizeof(rr));
		assert_int_equal(st.side[s].tx_bytes, 200 * PKT + sizeof(rr));
		assert_int_equal(st.side[s].dropped, 0);
		assert_true(st.side[s].latched);
		assert_int_equal(st.side[s].pt, 0);
		assert_true(st.side[s].jitter_ms >= 0 && st.side[s].jitter_ms < 1000);
	}
	assert_true(sa_eq(&st.side[0].source, &a.addr));
	assert_true(sa_eq(&st.side[1].source, &b.addr));
	assert_int_equal(st.side[0].ssrc, 0xa);
	assert_int_equal(st.side[1].ssrc, 0xb);
	assert_int_equal(st.side[0].lost, 0);
	assert_int_equal(st.side[1].lost, 9);
	assert_true(st.last_rx_ms > 0 && st.last_rx_ms <= time_mono_ms());
	assert_int_equal(media_relay_count(m), 1);
	media_relay_close(m, id);
	assert_int_equal(media_relay_count(m), 0);
	assert_int_equal(media_relay_stats(m, id, &st), ENOENT);
	media_engine_destroy(m);
	phone_close(&a);
	phone_close(&b);
}

static void test_latch_and_bleed(void **state)
{
	uint16_t base = range_base(), pa, pb;
	struct media_engine *m = engine(base, (uint16_t)(base + 15), 0, NULL);
	struct phone a, b, intruder, other_ip;
	uint64_t id;

	phone_open(&a, "127.0.0.1");
	phone_open(&b, "127.0.0.1");
	phone_open(&intruder, "127.0.0.1"); /* same address as A, another port */
	phone_open(&other_ip, "127.0.0.2");
	assert_int_equal(media_relay_open(m, &id, &pa, &pb), 0);

	/* no peer yet: dropped */
	send_rtp(a.rtp, pa, 1, 0xa);
	WAIT_UNTIL(stats(m, id).side[0].dropped == 1);
	assert_int_equal(media_relay_set_peer(m, id, 0, &a.addr, 0), 0);
	assert_int_equal(media_relay_set_peer(m, id, 1, &b.addr, 0), 0);
	/* the wrong address is refused even before anything latched */
	send_rtp(other_ip.rtp, pa, 2, 0xe);
	WAIT_UNTIL(stats(m, id).side[0].dropped == 2);
	assert_false(stats(m, id).side[0].latched);
	send_rtp(a.rtp, pa, 3, 0xa);
	expect_rtp(b.rtp, pb, 3, 0xa); /* the first thing B sees: nothing leaked before */

	/* after latching, the same IP from another port is refused; A still goes through */
	send_rtp(intruder.rtp, pa, 4, 0xe);
	send_rtp(other_ip.rtp, pa, 5, 0xe);
	send_rtp(a.rtp, pa, 6, 0xa);
	expect_rtp(b.rtp, pb, 6, 0xa);
	struct media_relay_stats st;
	/* the snapshot follows the batch, which may be after B already has the packet */
	WAIT_UNTIL((st = stats(m, id), st.side[0].dropped == 4 && st.side[1].tx_pkts == 2));
	assert_int_equal(st.side[0].rx_pkts, 2);
	assert_true(sa_eq(&st.side[0].source, &a.addr));

	/* hold (0.0.0.0): nothing goes to B */
	struct sa hold;
	sa_set_cstr(&hold, "0.0.0.0", sa_port(&b.addr));
	assert_int_equal(media_relay_set_peer(m, id, 1, &hold, 0), 0);
	send_rtp(a.rtp, pa, 7, 0xa);
	WAIT_UNTIL(stats(m, id).side[0].dropped == 5);
	assert_int_equal(media_relay_set_peer(m, id, 1, &b.addr, 0), 0);
	send_rtp(a.rtp, pa, 8, 0xa);
	expect_rtp(b.rtp, pb, 8, 0xa);

	/* a re-INVITE moving A to the other port resets the latch */
	assert_int_equal(media_relay_set_peer(m, id, 0, &intruder.addr, 0), 0);
	send_rtp(intruder.rtp, pa, 9, 0xc);
	expect_rtp(b.rtp, pb, 9, 0xc);
	send_rtp(a.rtp, pa, 10, 0xa);
	WAIT_UNTIL(stats(m, id).side[0].dropped == 6);
	assert_true(sa_eq(&stats(m, id).side[0].source, &intruder.addr));
	media_engine_destroy(m);
	phone_close(&a);
	phone_close(&b);
	phone_close(&intruder);
	phone_close(&other_ip);
}

static void test_rtp_timeout(void **state)
{
	struct ev_log log = {.ctl_thread = pthread_self(), .on_ctl = true};
	uint16_t base = range_base(), pa[3], pb[3];
	struct media_engine *m = engine(base, (uint16_t)(base + 15), 1, &log);
	struct phone a;
	uint64_t id[3];

	phone_open(&a, "127.0.0.1");
	for (int i = 0; i < 3; i++) {
		assert_int_equal(media_relay_open(m, &id[i], &pa[i], &pb[i]), 0);
		assert_int_equal(media_relay_set_peer(m, id[i], 0, &a.addr, 0), 0);
	}
	send_rtp(a.rtp, pa[0], 1, 1);
	media_relay_close(m, id[1]); /* closed: never reported */
	/* relay 2 keeps receiving, so only relay 0 may time out */
	uint64_t until = time_mono_ms() + 5000, next = 0;
	while (log.count == 0 && time_mono_ms() < until) {
		if (time_mono_ms() >= next) {
			send_rtp(a.rtp, pa[2], 1, 2);
			next = time_mono_ms() + 100;
		}
		loop_run_once(ctl, 20);
	}
	assert_int_equal(log.count, 1);
	assert_true(log.ids[0] == id[0]);
	/* once only: another two ticks bring nothing */
	until = time_mono_ms() + 2100;
	while (time_mono_ms() < until) {
		if (time_mono_ms() >= next) {
			send_rtp(a.rtp, pa[2], 1, 2);
			next = time_mono_ms() + 100;
		}
		loop_run_once(ctl, 20);
	}
	assert_int_equal(log.count, 1);
	assert_true(log.on_ctl);
	media_engine_destroy(m);
	phone_close(&a);
}

static void test_pool_exhaustion(void **state)
{
	uint16_t base = (uint16_t)(range_base() + 16), pa, pb, pa2, pb2;
	/* odd bounds: only the pairs base..base+3 fit */
	struct media_engine *m = engine((uint16_t)(base - 1), (uint16_t)(base + 4), 0, NULL);
	uint64_t id, id2;

	assert_int_equal(media_relay_open(m, &id, &pa, &pb), 0);
	assert_true((pa == base && pb == base + 2) || (pa == base + 2 && pb == base));
	assert_int_equal(media_relay_open(m, &id2, &pa2, &pb2), EADDRINUSE);
	assert_int_equal(media_relay_count(m), 1);
	media_relay_close(m, id);
	/* the media thread gives the ports back soon after */
	int err;
	WAIT_UNTIL((err = media_relay_open(m, &id2, &pa2, &pb2)) == 0);
	assert_true(id2 > id);
	assert_true(pa2 + pb2 == 2 * base + 2);
	media_engine_destroy(m);
}

static void test_destroy_with_relays(void **state)
{
	uint16_t base = range_base(), pa, pb;
	struct media_engine *m = engine(base, (uint16_t)(base + 15), 1, NULL);
	struct phone a, b;
	struct sa v6;
	uint64_t id;

	phone_open(&a, "127.0.0.1");
	phone_open(&b, "127.0.0.1");
	for (int i = 0; i < 4; i++) {
		assert_int_equal(media_relay_open(m, &id, &pa, &pb), 0);
		assert_int_equal(media_relay_set_peer(m, id, 0, &a.addr, 0), 0);
		assert_int_equal(media_relay_set_peer(m, id, 1, &b.addr, 0), 0);
		for (int j = 0; j < 5; j++)
			send_rtp(a.rtp, pa, (uint16_t)j, 1);
	}
	assert_int_equal(media_relay_set_peer(m, 999, 0, &a.addr, 0), ENOENT);
	assert_int_equal(media_relay_set_peer(m, 1, 2, &a.addr, 0), EINVAL);
	assert_int_equal(media_relay_set_peer(m, 1, 0, NULL, 0), EINVAL);
	sa_set_cstr(&v6, "::1", 4000);
	assert_int_equal(media_relay_set_peer(m, 1, 0, &v6, 0), EINVAL);
	media_relay_close(m, 999);
	media_relay_close(m, 2);
	assert_int_equal(media_relay_count(m), 3);
	media_engine_destroy(m); /* with relays open and packets in flight */
	phone_close(&a);
	phone_close(&b);
}

static void test_bad_cfg(void **state)
{
	struct media_cfg cfg = {.bind_ip = "not-an-ip", .port_min = 10000, .port_max = 10010};
	struct media_engine *m = NULL;

	assert_int_equal(media_engine_new(&m, ctl, &cfg, NULL, NULL), EINVAL);
	cfg.bind_ip = "127.0.0.1";
	cfg.port_min = 10001;
	cfg.port_max = 10002; /* no even port with its +1 inside */
	assert_int_equal(media_engine_new(&m, ctl, &cfg, NULL, NULL), EINVAL);
	cfg.port_min = 10010;
	cfg.port_max = 10000;
	assert_int_equal(media_engine_new(&m, ctl, &cfg, NULL, NULL), EINVAL);
	assert_null(m);
	media_engine_destroy(NULL);
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
	    cmocka_unit_test(test_forward_both_ways),	cmocka_unit_test(test_latch_and_bleed),
	    cmocka_unit_test(test_rtp_timeout),		cmocka_unit_test(test_pool_exhaustion),
	    cmocka_unit_test(test_destroy_with_relays), cmocka_unit_test(test_bad_cfg),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
