/* DTMF: RFC 4733 payloads, one report per event, generated events, tones, and the relay. */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <spandsp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/loop.h"
#include "core/time.h"
#include "media/codec.h"
#include "media/dtmf.h"
#include "media/media.h"
#include "net/sock.h"

enum { WAIT_MS = 3000, QUIET_MS = 300, MAX_PKTS = 128, PKT_MAX = 1500 };

struct phone {
	int rtp, rtcp;
	struct sa addr;
};

struct rx_pkt {
	uint8_t data[PKT_MAX];
	size_t len;
	uint8_t pt;
	bool marker;
	uint16_t seq;
	uint32_t ts, ssrc;
};

struct heard {
	int n;
	struct media_event_info ev[16];
};

struct call {
	struct media_engine *m;
	struct phone a, b;
	uint64_t id;
	uint16_t pa, pb;
	struct heard heard;
};

static struct loop *ctl;
static unsigned port_seed;
static struct rx_pkt rx[MAX_PKTS];

static void test_payload(void **state)
{
	struct media_dtmf_event ev = {.event = 11, .end = true, .volume = 10, .duration = 1280}, d;
	uint8_t p[4];

	assert_int_equal(media_dtmf_encode(p, 3, &ev), 0);
	assert_int_equal(media_dtmf_encode(p, sizeof(p), &ev), 4);
	assert_int_equal(p[0], 11);
	assert_int_equal(p[1], 0x8a);
	assert_int_equal(p[2] << 8 | p[3], 1280);
	assert_int_equal(media_dtmf_decode(p, 3, &d), EBADMSG);
	assert_int_equal(media_dtmf_decode(p, 4, &d), 0);
	assert_int_equal(d.event, 11);
	assert_true(d.end);
	assert_int_equal(d.volume, 10);
	assert_int_equal(d.duration, 1280);
	assert_int_equal(media_dtmf_char(0), '0');
	assert_int_equal(media_dtmf_char(10), '*');
	assert_int_equal(media_dtmf_char(11), '#');
	assert_int_equal(media_dtmf_char(15), 'D');
	assert_int_equal(media_dtmf_char(16), 0);
	assert_int_equal(media_dtmf_code('#'), 11);
	assert_int_equal(media_dtmf_code('b'), 13);
	assert_int_equal(media_dtmf_code('x'), -1);
	assert_int_equal(media_dtmf_code(0), -1);
}

static unsigned rx_feed(struct media_dtmf_rx *r, uint32_t ts, uint8_t event, bool end, uint16_t dur,
			struct media_dtmf_digit out[2])
{
	struct media_dtmf_event ev = {.event = event, .end = end, .volume = 10, .duration = dur};

	return media_dtmf_rx_update(r, ts, 8000, &ev, out);
}

/* The packets of sipp's dtmf_2833_1.pcap: 7 updates, 3 ends, one report of 280 ms. */
static void test_rx_once(void **state)
{
	struct media_dtmf_rx r = {0};
	struct media_dtmf_digit d[2];
	unsigned total = 0;

	for (int i = 0; i < 7; i++)
		total += rx_feed(&r, 13280, 1, false, (uint16_t)(320 * i), d);
	assert_int_equal(total, 0);
	assert_int_equal(rx_feed(&r, 13280, 1, true, 2240, d), 1);
	assert_int_equal(d[0].digit, '1');
	assert_int_equal(d[0].duration_ms, 280);
	assert_int_equal(rx_feed(&r, 13280, 1, true, 2240, d), 0);
	assert_int_equal(rx_feed(&r, 13280, 1, true, 2240, d), 0);
	/* an event whose ends were all lost is reported when the next one starts */
	assert_int_equal(rx_feed(&r, 20000, 9, false, 160, d), 0);
	assert_int_equal(rx_feed(&r, 20000, 9, false, 800, d), 0);
	assert_int_equal(rx_feed(&r, 30000, 10, false, 160, d), 1);
	assert_int_equal(d[0].digit, '9');
	assert_int_equal(d[0].duration_ms, 100);
	/* a single packet that starts and ends one while the last is open: both */
	assert_int_equal(rx_feed(&r, 40000, 11, true, 400, d), 2);
	assert_int_equal(d[0].digit, '*');
	assert_int_equal(d[1].digit, '#');
	/* events that are not DTMF (a fax tone) are not digits */
	assert_int_equal(rx_feed(&r, 50000, 36, true, 400, d), 0);
}

static void test_tx_packets(void **state)
{
	struct media_dtmf_tx t = {0};
	struct media_dtmf_event ev;
	bool marker;
	int n = 0, ends = 0;

	assert_int_equal(media_dtmf_tx_push(&t, 'x', 100), EINVAL);
	assert_int_equal(media_dtmf_tx_push(&t, '5', 100), 0);
	assert_true(media_dtmf_tx_busy(&t));
	while (media_dtmf_tx_next(&t, 8000, 160, &ev, &marker)) {
		assert_int_equal(marker, n == 0);
		assert_int_equal(ev.event, 5);
		assert_int_equal(ev.duration, n < 5 ? 160 * (n + 1) : 800);
		ends += ev.end;
		n++;
	}
	assert_int_equal(n, 7);
	assert_int_equal(ends, MEDIA_DTMF_ENDS);
	/* silence before the next digit, then nothing is left */
	while (media_dtmf_tx_busy(&t))
		assert_false(media_dtmf_tx_next(&t, 8000, 160, &ev, &marker));
	for (int i = 0; i < MEDIA_DTMF_QUEUE; i++)
		assert_int_equal(media_dtmf_tx_push(&t, '1', 10), 0);
	assert_int_equal(media_dtmf_tx_push(&t, '1', 10), EOVERFLOW);
	/* a short digit is stretched to the shortest one a receiver detects */
	assert_true(media_dtmf_tx_next(&t, 8000, 160, &ev, &marker));
	assert_int_equal(t.total, MEDIA_DTMF_MIN_MS * 8);
}

/* n samples of spandsp-generated tones for digits, at 8 kHz. */
static size_t tones(const char *digits, int16_t *pcm, size_t cap)
{
	dtmf_tx_state_t *tx = dtmf_tx_init(NULL);
	size_t n = 0;
	int got;

	dtmf_tx_put(tx, digits, -1);
	while (n < cap && (got = dtmf_tx(tx, pcm + n, (int)(cap - n > 160 ? 160 : cap - n))) > 0)
		n += (size_t)got;
	dtmf_tx_free(tx);
	return n;
}

static void test_inband(void **state)
{
	static int16_t pcm[8000 * 4], up[2 * 8000 * 4];
	char got[8] = {0};
	size_t n = tones("159#", pcm, 8000 * 4);

	struct media_dtmf_inband *d = media_dtmf_inband_new();
	for (size_t i = 0; i < n; i += 160)
		media_dtmf_inband_feed(d, pcm + i, n - i < 160 ? n - i : 160, 8000);
	for (int i = 0; i < 7 && (got[i] = media_dtmf_inband_take(d)); i++)
		;
	assert_string_equal(got, "159#");
	media_dtmf_inband_destroy(d);
	/* the same at 16 kHz (every sample twice) */
	for (size_t i = 0; i < n; i++)
		up[2 * i] = up[2 * i + 1] = pcm[i];
	d = media_dtmf_inband_new();
	media_dtmf_inband_feed(d, up, 2 * n, 16000);
	memset(got, 0, sizeof(got));
	for (int i = 0; i < 7 && (got[i] = media_dtmf_inband_take(d)); i++)
		;
	assert_string_equal(got, "159#");
	/* speech-free silence and a rate we do not decimate give nothing */
	media_dtmf_inband_feed(d, up, 2 * n, 44100);
	assert_int_equal(media_dtmf_inband_take(d), 0);
	media_dtmf_inband_destroy(d);
}

static int udp_open(const char *ip, uint16_t port, struct sa *out)
{
	struct sa a;
	int fd;

	if (sa_set_cstr(&a, ip, port) != 0 || net_sock_udp_open(&fd, &a, 0) != 0)
		return -1;
	net_sock_local(fd, out);
	return fd;
}

static void phone_open(struct phone *ph)
{
	struct sa rtcp;

	for (unsigned i = 0; i < 2000; i++) {
		uint16_t port =
		    (uint16_t)(61000 + 2 * ((port_seed++ * 43 + (unsigned)getpid()) % 2200));
		ph->rtp = udp_open("127.0.0.1", port, &ph->addr);
		if (ph->rtp < 0)
			continue;
		ph->rtcp = udp_open("127.0.0.1", (uint16_t)(port + 1), &rtcp);
		if (ph->rtcp >= 0)
			return;
		close(ph->rtp);
	}
	fail_msg("no free port pair for a phone");
}

static void on_event(uint64_t id, const struct media_event_info *ev, void *arg)
{
	struct heard *h = arg;

	if (ev->type == MEDIA_EV_DTMF && h->n < 16)
		h->ev[h->n++] = *ev;
}

static void call_open(struct call *c, const struct media_codec_spec *ca,
		      const struct media_codec_spec *cb)
{
	uint16_t base = (uint16_t)(28000 + ((unsigned)getpid() % 500) * 16);
	struct media_cfg cfg = {.bind_ip = "127.0.0.1",
				.port_min = base,
				.port_max = (uint16_t)(base + 15),
				.threads = 1};

	memset(&c->heard, 0, sizeof(c->heard));
	assert_int_equal(media_engine_new(&c->m, ctl, &cfg, on_event, &c->heard), 0);
	phone_open(&c->a);
	phone_open(&c->b);
	assert_int_equal(media_relay_open(c->m, &c->id, &c->pa, &c->pb), 0);
	assert_int_equal(media_relay_set_peer(c->m, c->id, 0, &c->a.addr, 0), 0);
	assert_int_equal(media_relay_set_peer(c->m, c->id, 1, &c->b.addr, 0), 0);
	assert_int_equal(media_relay_set_codec(c->m, c->id, 0, ca), 0);
	assert_int_equal(media_relay_set_codec(c->m, c->id, 1, cb), 0);
}

static void call_close(struct call *c)
{
	media_engine_destroy(c->m);
	close(c->a.rtp);
	close(c->a.rtcp);
	close(c->b.rtp);
	close(c->b.rtcp);
}

static void rtp_head(uint8_t *p, uint8_t pt, bool marker, uint16_t seq, uint32_t ts, uint32_t ssrc)
{
	p[0] = 0x80;
	p[1] = (uint8_t)((marker ? 0x80 : 0) | pt);
	p[2] = (uint8_t)(seq >> 8);
	p[3] = (uint8_t)seq;
	for (int i = 0; i < 4; i++) {
		p[4 + i] = (uint8_t)(ts >> (24 - 8 * i));
		p[8 + i] = (uint8_t)(ssrc >> (24 - 8 * i));
	}
}

static void send_to(int fd, uint16_t port, const void *p, size_t len)
{
	struct sa dst;

	sa_set_cstr(&dst, "127.0.0.1", port);
	assert_int_equal(sendto(fd, p, len, 0, &dst.u.sa, dst.len), (ssize_t)len);
}

/* Everything fd gets until quiet for QUIET_MS, the control loop running meanwhile. */
static int collect(int fd)
{
	int n = 0;
	uint64_t quiet_since = time_mono_ms(), start = quiet_since;

	while (n < MAX_PKTS) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		loop_run_once(ctl, 0);
		uint64_t now = time_mono_ms();
		if (now - quiet_since > (n ? QUIET_MS : WAIT_MS) || now - start > 3 * WAIT_MS)
			break;
		if (poll(&pfd, 1, 5) != 1)
			continue;
		struct rx_pkt *r = &rx[n];
		ssize_t len = recv(fd, r->data, sizeof(r->data), 0);
		assert_true(len >= 12);
		r->len = (size_t)len;
		r->marker = r->data[1] & 0x80;
		r->pt = r->data[1] & 0x7f;
		r->seq = (uint16_t)(r->data[2] << 8 | r->data[3]);
		r->ts = (uint32_t)r->data[4] << 24 | (uint32_t)r->data[5] << 16 |
			(uint32_t)r->data[6] << 8 | r->data[7];
		r->ssrc = (uint32_t)r->data[8] << 24 | (uint32_t)r->data[9] << 16 |
			  (uint32_t)r->data[10] << 8 | r->data[11];
		n++;
		quiet_since = time_mono_ms();
	}
	return n;
}

static const struct media_codec_spec pcma_te = {
    .name = "PCMA", .rate = 8000, .pt = 8, .dtmf_pt = 101};
static const struct media_codec_spec pcma_none = {.name = "PCMA", .rate = 8000, .pt = 8};
static const struct media_codec_spec opus_te = {
    .name = "opus", .rate = 48000, .channels = 2, .pt = 111, .dtmf_pt = 100};

static void send_pcma(int fd, uint16_t port, uint16_t seq, uint32_t ssrc, const int16_t *pcm)
{
	uint8_t p[12 + 160];
	int16_t silence[160] = {0};

	rtp_head(p, 8, false, seq, (uint32_t)seq * 160, ssrc);
	media_codec_pcma.encode(NULL, p + 12, 160, pcm ? pcm : silence, 160);
	send_to(fd, port, p, sizeof(p));
}

/* Generated events checked as a receiver sees them: one PT, start marked, one ts, 3 ends. */
static int expect_events(int n, int first, uint8_t pt, uint8_t event, uint32_t ssrc)
{
	int k = 0, ends = 0;

	for (int i = first; i < n; i++) {
		if (rx[i].pt != pt)
			continue;
		assert_int_equal(rx[i].ssrc, ssrc);
		assert_int_equal(rx[i].marker, k == 0);
		assert_int_equal(rx[i].ts, rx[first].ts);
		assert_int_equal(rx[i].data[12], event);
		if (k)
			assert_int_equal((uint16_t)(rx[i].seq - rx[i - 1].seq), 1);
		ends += (rx[i].data[13] & 0x80) != 0;
		k++;
	}
	assert_int_equal(ends, MEDIA_DTMF_ENDS);
	return k;
}

/* Same codec passed; A has events, B none: A's events are heard, B's INFO becomes events. */
static void test_relay_pass(void **state)
{
	struct call c;
	uint8_t p[16];

	call_open(&c, &pcma_te, &pcma_none);
	for (uint16_t s = 100; s < 105; s++)
		send_pcma(c.b.rtp, c.pb, s, 0xb0b, NULL);
	assert_int_equal(collect(c.a.rtp), 5);
	uint32_t last_ts = rx[4].ts;
	assert_int_equal(media_relay_send_dtmf(c.m, c.id, 0, '7', 100), 0);
	assert_int_equal(media_relay_send_dtmf(c.m, c.id, 1, '7', 100), EINVAL); /* B has none */
	assert_int_equal(media_relay_send_dtmf(c.m, c.id, 0, 'x', 100), EINVAL);
	assert_int_equal(media_relay_send_dtmf(c.m, c.id + 9, 0, '7', 100), ENOENT);
	int n = collect(c.a.rtp);
	assert_int_equal(expect_events(n, 0, 101, 7, 0xb0b), n);
	assert_int_equal(rx[0].seq, 105);
	assert_true(rx[0].ts - last_ts < 8000);
	/* B's stream goes on after ours: its sequence numbers shifted past the events */
	send_pcma(c.b.rtp, c.pb, 105, 0xb0b, NULL);
	assert_int_equal(collect(c.a.rtp), 1);
	assert_int_equal(rx[0].seq, (uint16_t)(105 + n));
	assert_int_equal(rx[0].pt, 8);
	/* A's events are not for B: dropped there, reported once */
	for (int i = 0; i < 6; i++) {
		rtp_head(p, 101, i == 0, (uint16_t)(7 + i), 4000, 0xa0a);
		p[12] = 1;
		p[13] = (uint8_t)((i >= 3 ? 0x80 : 0) | 10);
		p[14] = 0x01;
		p[15] = (uint8_t)(i >= 3 ? 0x40 : 0x20 * (i + 1));
		send_to(c.a.rtp, c.pa, p, sizeof(p));
	}
	assert_int_equal(collect(c.b.rtp), 0);
	assert_int_equal(c.heard.n, 1);
	assert_int_equal(c.heard.ev[0].side, 0);
	assert_int_equal(c.heard.ev[0].digit, '1');
	assert_int_equal(c.heard.ev[0].duration_ms, 0x160 / 8); /* the longest */
	assert_false(c.heard.ev[0].inband);
	call_close(&c);
}

/* PCMA without events <-> opus with: tones from A are heard, digits for B join opus. */
static void test_relay_transcoded(void **state)
{
	static int16_t pcm[8000 * 2];
	struct call c;
	size_t n = tones("42", pcm, sizeof(pcm) / sizeof(pcm[0]));

	call_open(&c, &pcma_none, &opus_te);
	uint16_t seq = 1;
	for (size_t i = 0; i + 160 <= n; i += 160) {
		send_pcma(c.a.rtp, c.pa, seq++, 0xa0a, pcm + i);
		if (seq % 8 == 0)
			collect(c.b.rtp); /* keep the socket buffer drained */
	}
	collect(c.b.rtp);
	assert_int_equal(c.heard.n, 2);
	assert_int_equal(c.heard.ev[0].digit, '4');
	assert_int_equal(c.heard.ev[1].digit, '2');
	assert_true(c.heard.ev[0].inband);
	assert_int_equal(c.heard.ev[0].side, 0);
	/* a digit for B goes in the opus stream the transcoder makes */
	send_pcma(c.a.rtp, c.pa, seq++, 0xa0a, NULL);
	assert_true(collect(c.b.rtp) >= 1);
	uint32_t ssrc = rx[0].ssrc;
	assert_int_equal(media_relay_send_dtmf(c.m, c.id, 1, '#', 120), 0);
	int k = collect(c.b.rtp);
	assert_int_equal(expect_events(k, 0, 100, 11, ssrc), 120 / 20 + MEDIA_DTMF_ENDS - 1);
	/* the duration counts the opus clock: 120 ms is 5760 */
	assert_int_equal(rx[k - 1].data[14] << 8 | rx[k - 1].data[15], 5760);
	call_close(&c);
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
	    cmocka_unit_test(test_payload),    cmocka_unit_test(test_rx_once),
	    cmocka_unit_test(test_tx_packets), cmocka_unit_test(test_inband),
	    cmocka_unit_test(test_relay_pass), cmocka_unit_test(test_relay_transcoded),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
