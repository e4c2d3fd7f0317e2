/* Codecs in the relay on loopback: PCMA<->Opus, PT rewriting, telephone-events, loss, CPU cost. */
#include <errno.h>
#include <opus.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/loop.h"
#include "core/time.h"
#include "media/codec.h"
#include "media/media.h"
#include "media/transcode.h"
#include "net/sock.h"
#include "tone.h"

enum { WAIT_MS = 3000, QUIET_MS = 300, MAX_PKTS = 128, PKT_MAX = 1500 };

struct phone {
	int rtp, rtcp;
	struct sa addr;
};

/* One packet as a phone got it. */
struct rx_pkt {
	uint8_t data[PKT_MAX];
	size_t len;
	uint8_t pt;
	bool marker;
	uint16_t seq;
	uint32_t ts, ssrc;
};

struct call {
	struct media_engine *m;
	struct phone a, b;
	uint64_t id;
	uint16_t pa, pb;
};

static struct loop *ctl;
static unsigned port_seed;
static struct rx_pkt rx[MAX_PKTS];

static const struct media_codec_spec spec_pcma = {
    .name = "PCMA", .rate = 8000, .pt = 8, .dtmf_pt = 101};
static const struct media_codec_spec spec_opus = {
    .name = "opus", .rate = 48000, .channels = 2, .pt = 111, .dtmf_pt = 96};

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
		/* above the ephemeral range, like test_relay's phones */
		uint16_t port =
		    (uint16_t)(61000 + 2 * ((port_seed++ * 41 + (unsigned)getpid()) % 2200));
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

/* A relay with both peers set and the two codecs given (NULL: left unset). */
static void call_open(struct call *c, const struct media_codec_spec *ca,
		      const struct media_codec_spec *cb)
{
	uint16_t base = (uint16_t)(24000 + ((unsigned)getpid() % 500) * 16);
	struct media_cfg cfg = {.bind_ip = "127.0.0.1",
				.port_min = base,
				.port_max = (uint16_t)(base + 15),
				.threads = 1};

	assert_int_equal(media_engine_new(&c->m, ctl, &cfg, NULL, NULL), 0);
	phone_open(&c->a);
	phone_open(&c->b);
	assert_int_equal(media_relay_open(c->m, &c->id, &c->pa, &c->pb), 0);
	assert_int_equal(media_relay_set_peer(c->m, c->id, 0, &c->a.addr, 0), 0);
	assert_int_equal(media_relay_set_peer(c->m, c->id, 1, &c->b.addr, 0), 0);
	if (ca)
		assert_int_equal(media_relay_set_codec(c->m, c->id, 0, ca), 0);
	if (cb)
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

/* Everything fd gets until it has been quiet for QUIET_MS (WAIT_MS for the first). */
static int collect(int fd)
{
	int n = 0;

	while (n < MAX_PKTS) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		if (poll(&pfd, 1, n ? QUIET_MS : WAIT_MS) != 1)
			break;
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
	}
	return n;
}

/* One stream of our making: one SSRC, sequence +1, timestamps +step, marker on the first. */
static void expect_stream(int n, uint8_t pt, uint32_t step)
{
	for (int i = 0; i < n; i++) {
		assert_int_equal(rx[i].pt, pt);
		assert_int_equal(rx[i].ssrc, rx[0].ssrc);
		assert_int_equal(rx[i].marker, i == 0);
		if (i == 0)
			continue;
		assert_int_equal((uint16_t)(rx[i].seq - rx[i - 1].seq), 1);
		assert_int_equal(rx[i].ts - rx[i - 1].ts, step);
	}
}

/* n PCMA packets of 1 kHz from phone A, sequence first.., skipping those in [skip, skip+nskip) */
static void send_pcma(struct call *c, int n, int skip, int nskip)
{
	int16_t pcm[160];
	uint8_t p[12 + 160];

	for (int i = 0; i < n; i++) {
		if (i >= skip && i < skip + nskip)
			continue;
		tone_fill(pcm, 160, 8000, 1000, 8000, (size_t)i * 160);
		rtp_head(p, 8, i == 0, (uint16_t)(500 + i), 1000 + (uint32_t)i * 160, 0xaaaa);
		assert_int_equal(media_codec_pcma.encode(NULL, p + 12, 160, pcm, 160), 160);
		send_to(c->a.rtp, c->pa, p, sizeof(p));
		usleep(20000); /* in real time: the transcoder's jitter buffer plays them so */
	}
}

/* n Opus packets of 1 kHz from phone B, encoded by libopus here. */
static void send_opus(struct call *c, int n, int skip, int nskip)
{
	int err;
	OpusEncoder *enc = opus_encoder_create(48000, 1, OPUS_APPLICATION_VOIP, &err);
	int16_t pcm[960];
	uint8_t p[12 + 1000];

	assert_non_null(enc);
	for (int i = 0; i < n; i++) {
		tone_fill(pcm, 960, 48000, 1000, 8000, (size_t)i * 960);
		int len = opus_encode(enc, pcm, 960, p + 12, 1000);
		assert_true(len > 0);
		if (i >= skip && i < skip + nskip)
			continue;
		rtp_head(p, 111, i == 0, (uint16_t)(65530 + i), 7 + (uint32_t)i * 960, 0xbbbb);
		send_to(c->b.rtp, c->pb, p, 12 + (size_t)len);
		usleep(20000);
	}
	opus_encoder_destroy(enc);
}

/* Decodes n received Opus packets with libopus; the 1 kHz share after the first 100 ms. */
static double opus_share(int n)
{
	int err;
	OpusDecoder *dec = opus_decoder_create(48000, 1, &err);
	int16_t *pcm = calloc((size_t)n * 960, sizeof(*pcm));
	size_t total = 0;

	assert_non_null(dec);
	for (int i = 0; i < n; i++) {
		int got = opus_decode(dec, rx[i].data + 12, (opus_int32)(rx[i].len - 12),
				      pcm + total, 960, 0);
		assert_int_equal(got, 960);
		total += (size_t)got;
	}
	double share = tone_share(pcm + 4800, total - 4800, 48000, 1000);
	opus_decoder_destroy(dec);
	free(pcm);
	return share;
}

/* The same for received PCMA packets, decoded by our G.711 (checked against a sine in test_codec).
 */
static double pcma_share(int n)
{
	int16_t *pcm = calloc((size_t)n * 160, sizeof(*pcm));
	size_t total = 0;

	for (int i = 0; i < n; i++) {
		int got = media_codec_pcma.decode(NULL, pcm + total, 160, rx[i].data + 12,
						  rx[i].len - 12);
		assert_int_equal(got, 160);
		total += (size_t)got;
	}
	double share = tone_share(pcm + 800, total - 800, 8000, 1000);
	free(pcm);
	return share;
}

static void test_pcma_to_opus(void **state)
{
	struct call c;

	call_open(&c, &spec_pcma, &spec_opus);
	send_pcma(&c, 50, -1, 0);
	int n = collect(c.b.rtp);
	print_message("PCMA->opus: %d packets for 50\n", n);
	/* the resampler holds back a few ms: the last frame may still be buffered */
	assert_true(n >= 49 && n <= 50);
	expect_stream(n, 111, 960);
	assert_int_not_equal(rx[0].ssrc, 0xaaaa);
	double share = opus_share(n);
	print_message("PCMA->opus: 1 kHz share %.3f\n", share);
	assert_true(share > 0.8);
	call_close(&c);
}

static void test_opus_to_pcma(void **state)
{
	struct call c;

	call_open(&c, &spec_pcma, &spec_opus);
	send_opus(&c, 50, -1, 0);
	int n = collect(c.a.rtp);
	print_message("opus->PCMA: %d packets for 50\n", n);
	assert_true(n >= 49 && n <= 50);
	expect_stream(n, 8, 160);
	double share = pcma_share(n);
	print_message("opus->PCMA: 1 kHz share %.3f\n", share);
	assert_true(share > 0.8);
	call_close(&c);
}

/* Five packets lost in each direction: the other phone still gets 20 ms every 20 ms. */
static void test_gap_concealed(void **state)
{
	struct call c;

	call_open(&c, &spec_pcma, &spec_opus);
	send_pcma(&c, 40, 10, 5);
	int n = collect(c.b.rtp);
	print_message("PCMA->opus with 5 lost: %d packets for 40\n", n);
	assert_true(n >= 39 && n <= 40);
	expect_stream(n, 111, 960);
	send_opus(&c, 40, 20, 5);
	n = collect(c.a.rtp);
	print_message("opus->PCMA with 5 lost: %d packets for 40\n", n);
	assert_true(n >= 39 && n <= 40);
	expect_stream(n, 8, 160);
	/* Opus PLC carries the tone over the gap */
	assert_true(pcma_share(n) > 0.5);
	call_close(&c);
}

/* Same codec, other PTs: payloads pass byte for byte, only the PT changes; so do events. */
static void test_same_codec(void **state)
{
	struct media_codec_spec a = spec_opus, b = spec_opus;
	struct call c;
	uint8_t p[12 + 40];

	a.pt = 98;
	a.dtmf_pt = 101;
	call_open(&c, &a, &b);
	for (int i = 0; i < 40; i++)
		p[12 + i] = (uint8_t)(i * 3);
	rtp_head(p, 98, true, 1, 960, 0x1234);
	send_to(c.a.rtp, c.pa, p, sizeof(p));
	assert_int_equal(collect(c.b.rtp), 1);
	assert_int_equal(rx[0].len, sizeof(p));
	assert_int_equal(rx[0].data[1], 0x80 | 111);
	assert_memory_equal(rx[0].data + 2, p + 2, sizeof(p) - 2);
	/* the other way round */
	rtp_head(p, 111, false, 9, 960, 0x4321);
	send_to(c.b.rtp, c.pb, p, sizeof(p));
	assert_int_equal(collect(c.a.rtp), 1);
	assert_int_equal(rx[0].data[1], 98);
	assert_memory_equal(rx[0].data + 2, p + 2, sizeof(p) - 2);
	/* telephone-event 101 on A is 96 on B */
	const uint8_t ev[4] = {5, 0x0a, 0x01, 0x40};
	rtp_head(p, 101, true, 2, 1920, 0x1234);
	memcpy(p + 12, ev, sizeof(ev));
	send_to(c.a.rtp, c.pa, p, 16);
	assert_int_equal(collect(c.b.rtp), 1);
	assert_int_equal(rx[0].data[1], 0x80 | 96);
	assert_memory_equal(rx[0].data + 2, p + 2, 14);
	/* B without telephone-event: A's events are dropped, its audio still passes */
	b.dtmf_pt = 0;
	assert_int_equal(media_relay_set_codec(c.m, c.id, 1, &b), 0);
	send_to(c.a.rtp, c.pa, p, 16);
	rtp_head(p, 98, false, 3, 2880, 0x1234);
	send_to(c.a.rtp, c.pa, p, sizeof(p));
	assert_int_equal(collect(c.b.rtp), 1);
	assert_int_equal(rx[0].pt, 111);
	struct media_relay_stats st;
	assert_int_equal(media_relay_stats(c.m, c.id, &st), 0);
	assert_int_equal(st.side[0].dropped, 1);
	call_close(&c);
}

/* Events inside a transcoded stream: its SSRC and sequence, one timestamp, durations x6. */
static void test_event_transcoded(void **state)
{
	struct call c;
	uint8_t p[16];

	call_open(&c, &spec_pcma, &spec_opus);
	send_pcma(&c, 10, -1, 0);
	int n = collect(c.b.rtp);
	assert_true(n >= 9);
	uint32_t ssrc = rx[0].ssrc;
	uint16_t seq = rx[n - 1].seq;
	for (int i = 0; i < 4; i++) {
		uint16_t dur = (uint16_t)(160 * (i + 1));
		rtp_head(p, 101, i == 0, (uint16_t)(510 + i), 1000 + 10 * 160, 0xaaaa);
		p[12] = 1;
		p[13] = (uint8_t)((i == 3 ? 0x80 : 0) | 10); /* the last one ends it */
		p[14] = (uint8_t)(dur >> 8);
		p[15] = (uint8_t)dur;
		send_to(c.a.rtp, c.pa, p, sizeof(p));
	}
	assert_int_equal(collect(c.b.rtp), 4);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(rx[i].pt, 96);
		assert_int_equal(rx[i].ssrc, ssrc);
		assert_int_equal(rx[i].seq, (uint16_t)(seq + 1 + i));
		assert_int_equal(rx[i].ts, rx[0].ts);
		assert_int_equal(rx[i].marker, i == 0);
		assert_int_equal(rx[i].len, 16);
		assert_int_equal(rx[i].data[12], 1);
		assert_int_equal(rx[i].data[14] << 8 | rx[i].data[15], 960 * (i + 1));
	}
	/* B has no telephone-event: dropped */
	struct media_codec_spec b = spec_opus;
	b.dtmf_pt = 0;
	assert_int_equal(media_relay_set_codec(c.m, c.id, 1, &b), 0);
	send_to(c.a.rtp, c.pa, p, sizeof(p));
	assert_int_equal(collect(c.b.rtp), 0);
	call_close(&c);
}

static void test_set_codec_errors(void **state)
{
	struct media_codec_spec s = spec_pcma;
	struct call c;

	call_open(&c, NULL, NULL);
	assert_int_equal(media_relay_set_codec(c.m, c.id, 2, &s), EINVAL);
	assert_int_equal(media_relay_set_codec(c.m, c.id, 0, NULL), EINVAL);
	assert_int_equal(media_relay_set_codec(c.m, c.id + 1, 0, &s), ENOENT);
	s.pt = 200;
	assert_int_equal(media_relay_set_codec(c.m, c.id, 0, &s), EINVAL);
	s.pt = 8;
	s.dtmf_pt = 8;
	assert_int_equal(media_relay_set_codec(c.m, c.id, 0, &s), EINVAL);
	s.dtmf_pt = 101;
	s.name = "G729";
	assert_int_equal(media_relay_set_codec(c.m, c.id, 0, &s), ENOTSUP);
	s.name = "PCMA";
	s.rate = 16000;
	assert_int_equal(media_relay_set_codec(c.m, c.id, 0, &s), ENOTSUP);
	/* one side only: still a plain relay */
	assert_int_equal(media_relay_set_codec(c.m, c.id, 0, &spec_pcma), 0);
	uint8_t p[12 + 20] = {0};
	rtp_head(p, 0, false, 1, 160, 5);
	send_to(c.a.rtp, c.pa, p, sizeof(p));
	assert_int_equal(collect(c.b.rtp), 1);
	assert_memory_equal(rx[0].data, p, sizeof(p));
	/* then both, then back to one codec: re-INVITEs replace the transcoders in flight */
	assert_int_equal(media_relay_set_codec(c.m, c.id, 1, &spec_opus), 0);
	assert_int_equal(media_relay_set_codec(c.m, c.id, 1, &spec_pcma), 0);
	assert_int_equal(media_relay_set_codec(c.m, c.id, 1, &spec_opus), 0);
	call_close(&c); /* with transcoders still pending: freed with the relay */
}

/* What a transcoder emitted, packet by packet. */
struct counter {
	unsigned pkts;
	double rms[64];
	bool marker[64];
	uint16_t seq[64];
	uint32_t ts[64];
};

static void count_pkt(void *arg, const uint8_t *pkt, size_t len)
{
	struct counter *k = arg;
	int16_t pcm[MEDIA_PCM_MAX];
	struct rtp_header h;

	assert_int_equal(rtp_header_decode(pkt, len, &h), 0);
	int got = media_codec_pcmu.decode(NULL, pcm, MEDIA_PCM_MAX, pkt + 12, len - 12);
	assert_int_equal(got, 160);
	if (k->pkts < 64) {
		k->rms[k->pkts] = tone_rms(pcm, 160);
		k->marker[k->pkts] = h.marker;
		k->seq[k->pkts] = h.seq;
		k->ts[k->pkts] = h.ts;
	}
	k->pkts++;
}

/* PCMA packet seq with timestamp ts, 1 kHz at the position ts says, through x. */
static int feed_pcma(struct media_xcode *x, uint16_t seq, uint32_t ts, struct counter *k)
{
	static struct media_pcm scratch;
	uint8_t p[12 + 160];
	int16_t pcm[160];
	struct rtp_header h;

	tone_fill(pcm, 160, 8000, 1000, 8000, ts);
	rtp_head(p, 8, false, seq, ts, 1);
	assert_int_equal(media_codec_pcma.encode(NULL, p + 12, 160, pcm, 160), 160);
	assert_int_equal(rtp_header_decode(p, sizeof(p), &h), 0);
	return media_xcode_audio(x, &h, p, &scratch, count_pkt, k);
}

/* The transcoder alone, PCMA->PCMU (no resampler, so frame for frame): loss and jumps. */
static void test_xcode_plc(void **state)
{
	struct media_xcode *x = media_xcode_new(&media_codec_pcma, &media_codec_pcmu, 0, 20);
	struct counter k = {0};

	media_codec_pcmu.dec_new();
	/* 65533.. wraps; six packets lost after eight */
	for (int i = 0; i < 20; i++)
		if (i < 8 || i >= 14)
			assert_int_equal(feed_pcma(x, (uint16_t)(65533 + i), (uint32_t)i * 160, &k),
					 0);
	assert_int_equal(k.pkts, 20);
	for (unsigned i = 1; i < 20; i++) {
		assert_int_equal((uint16_t)(k.seq[i] - k.seq[i - 1]), 1);
		assert_int_equal(k.ts[i] - k.ts[i - 1], 160);
		assert_false(k.marker[i]);
	}
	assert_true(k.marker[0]);
	/* the last frame three times, fading, then silence until the next real one */
	double full = k.rms[7];
	assert_true(full > 5000);
	assert_true(fabs(k.rms[8] / full - 0.75) < 0.05);
	assert_true(fabs(k.rms[9] / full - 0.5) < 0.05);
	assert_true(fabs(k.rms[10] / full - 0.25) < 0.05);
	for (int i = 11; i < 14; i++)
		assert_true(k.rms[i] < 20);
	assert_true(k.rms[14] > 5000);
	/* late and repeated packets are dropped, an empty one refused */
	assert_int_equal(feed_pcma(x, (uint16_t)(65533 + 12), 12 * 160, &k), EALREADY);
	assert_int_equal(feed_pcma(x, (uint16_t)(65533 + 19), 19 * 160, &k), EALREADY);
	assert_int_equal(k.pkts, 20);
	/* silence suppression (timestamps skip, sequence does not): a marked jump, no fill */
	assert_int_equal(feed_pcma(x, (uint16_t)(65533 + 20), 40 * 160, &k), 0);
	assert_int_equal(k.pkts, 21);
	assert_true(k.marker[20]);
	assert_int_equal(k.ts[20] - k.ts[19], 21 * 160);
	/* a loss longer than MEDIA_FILL_MS is not filled either */
	assert_int_equal(feed_pcma(x, (uint16_t)(65533 + 40), 60 * 160, &k), 0);
	assert_int_equal(k.pkts, 22);
	assert_true(k.marker[21]);
	assert_int_equal(k.ts[21] - k.ts[20], 20 * 160);
	media_xcode_destroy(x);
}

static void count_only(void *arg, const uint8_t *pkt, size_t len)
{
	(*(unsigned *)arg)++;
}

static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

enum { BENCH_PKTS = 500 };

/* Printed, not asserted: CPU per transcoded PCMA<->Opus call-second, both directions. */
static void test_bench_cpu(void **state)
{
	static uint8_t pcma[BENCH_PKTS][12 + 160], opus[BENCH_PKTS][12 + 400];
	static size_t opus_len[BENCH_PKTS];
	static struct media_pcm scratch;
	int16_t pcm[960];
	int err;
	OpusEncoder *enc = opus_encoder_create(48000, 1, OPUS_APPLICATION_VOIP, &err);

	for (int i = 0; i < BENCH_PKTS; i++) {
		tone_fill(pcm, 160, 8000, 440, 8000, (size_t)i * 160);
		rtp_head(pcma[i], 8, false, (uint16_t)i, (uint32_t)i * 160, 1);
		media_codec_pcma.encode(NULL, pcma[i] + 12, 160, pcm, 160);
		tone_fill(pcm, 960, 48000, 440, 8000, (size_t)i * 960);
		opus_len[i] = (size_t)opus_encode(enc, pcm, 960, opus[i] + 12, 400);
		rtp_head(opus[i], 111, false, (uint16_t)i, (uint32_t)i * 960, 2);
	}
	opus_encoder_destroy(enc);
	struct media_xcode *ab = media_xcode_new(&media_codec_pcma, &media_codec_opus, 111, 20);
	struct media_xcode *ba = media_xcode_new(&media_codec_opus, &media_codec_pcma, 8, 20);
	unsigned out_ab = 0, out_ba = 0;
	struct rtp_header h;
	double t0 = cpu_s();
	for (int i = 0; i < BENCH_PKTS; i++) {
		rtp_header_decode(pcma[i], sizeof(pcma[i]), &h);
		media_xcode_audio(ab, &h, pcma[i], &scratch, count_only, &out_ab);
	}
	double t1 = cpu_s();
	for (int i = 0; i < BENCH_PKTS; i++) {
		rtp_header_decode(opus[i], 12 + opus_len[i], &h);
		media_xcode_audio(ba, &h, opus[i], &scratch, count_only, &out_ba);
	}
	double t2 = cpu_s(), secs = BENCH_PKTS * 0.02;
	double us_ab = (t1 - t0) / secs * 1e6, us_ba = (t2 - t1) / secs * 1e6;
	print_message("bench: PCMA->opus %.0f us, opus->PCMA %.0f us CPU per call-second; "
		      "a transcoded call (both ways) %.2f %% of a core, ~%.0f calls per core\n",
		      us_ab, us_ba, (us_ab + us_ba) / 1e4, 1e6 / (us_ab + us_ba));
	assert_true(out_ab >= BENCH_PKTS - 1 && out_ba >= BENCH_PKTS - 1);
	media_xcode_destroy(ab);
	media_xcode_destroy(ba);
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
	    cmocka_unit_test(test_pcma_to_opus),     cmocka_unit_test(test_opus_to_pcma),
	    cmocka_unit_test(test_gap_concealed),    cmocka_unit_test(test_same_codec),
	    cmocka_unit_test(test_event_transcoded), cmocka_unit_test(test_set_codec_errors),
	    cmocka_unit_test(test_xcode_plc),	     cmocka_unit_test(test_bench_cpu),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
