/* Music on hold: sounds loaded by libsndfile, played to a side in its codec, the stream resumed. */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <sndfile.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/loop.h"
#include "core/time.h"
#include "media/codec.h"
#include "media/media.h"
#include "net/sock.h"
#include "tone.h"

enum { WAIT_MS = 3000, QUIET_MS = 300, MAX_PKTS = 256, PKT_MAX = 1500 };

struct rx_pkt {
	uint8_t data[PKT_MAX];
	size_t len;
	uint8_t pt;
	bool marker;
	uint16_t seq;
	uint32_t ts, ssrc;
};

struct leg {
	int rtp, rtcp;
	struct sa addr;
};

static struct loop *ctl;
static struct rx_pkt rx[MAX_PKTS];
static char wav[64];

/* A 1 kHz tone, 2 s, 44.1 kHz stereo: the loader must mix and resample it. */
static void write_wav(const char *path)
{
	SF_INFO info = {
	    .samplerate = 44100, .channels = 2, .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16};
	static int16_t pcm[2 * 44100 * 2];
	int16_t mono[44100 * 2];
	SNDFILE *f = sf_open(path, SFM_WRITE, &info);

	assert_non_null(f);
	tone_fill(mono, 44100 * 2, 44100, 1000, 8000, 0);
	for (int i = 0; i < 44100 * 2; i++)
		pcm[2 * i] = pcm[2 * i + 1] = mono[i];
	assert_int_equal(sf_writef_short(f, pcm, 44100 * 2), 44100 * 2);
	sf_close(f);
}

static void test_load(void **state)
{
	struct media_sound *s;
	char bad[64];

	assert_int_equal(media_sound_load(&s, "/nonexistent/moh.wav"), ENOENT);
	assert_int_equal(media_sound_load(&s, NULL), EINVAL);
	snprintf(bad, sizeof(bad), "/tmp/zv-moh-bad-%d.wav", (int)getpid());
	FILE *f = fopen(bad, "w");
	fputs("RIFF but not really a wave file at all", f);
	fclose(f);
	assert_int_equal(media_sound_load(&s, bad), EBADMSG);
	unlink(bad);
	assert_int_equal(media_sound_load(&s, wav), 0);
	assert_true(media_sound_seconds(s) > 1.99 && media_sound_seconds(s) < 2.01);
	media_sound_unref(s);
}

static void leg_open(struct leg *l, unsigned salt)
{
	for (unsigned i = 0; i < 2000; i++) {
		struct sa a, r;
		uint16_t port =
		    (uint16_t)(61000 + 2 * ((i * 53 + salt + (unsigned)getpid()) % 2200));
		if (sa_set_cstr(&a, "127.0.0.1", port) || net_sock_udp_open(&l->rtp, &a, 0))
			continue;
		sa_set_cstr(&r, "127.0.0.1", (uint16_t)(port + 1));
		if (net_sock_udp_open(&l->rtcp, &r, 0) == 0) {
			net_sock_local(l->rtp, &l->addr);
			return;
		}
		close(l->rtp);
	}
	fail_msg("no port pair");
}

static void send_pkt(int fd, uint16_t port, uint8_t pt, uint16_t seq, uint32_t ssrc, size_t plen)
{
	uint8_t p[12 + 160] = {0};
	struct sa dst;

	p[0] = 0x80;
	p[1] = pt;
	p[2] = (uint8_t)(seq >> 8);
	p[3] = (uint8_t)seq;
	uint32_t ts = 160u * seq;
	for (int i = 0; i < 4; i++) {
		p[4 + i] = (uint8_t)(ts >> (24 - 8 * i));
		p[8 + i] = (uint8_t)(ssrc >> (24 - 8 * i));
	}
	memset(p + 12, pt == 0 ? 0xff : 0xd5, plen); /* silence in either law */
	sa_set_cstr(&dst, "127.0.0.1", port);
	assert_int_equal(sendto(fd, p, 12 + plen, 0, &dst.u.sa, dst.len), (ssize_t)(12 + plen));
}

/* Up to max packets, or until quiet for QUIET_MS. */
static int collect(int fd, int max)
{
	int n = 0;

	while (n < max) {
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

/* The share of 1 kHz in n packets of G.711 from first: the music, not silence. */
static double music_share(int first, int n, const struct media_codec *c)
{
	static int16_t pcm[160 * MAX_PKTS];
	size_t k = 0;

	for (int i = first; i < first + n; i++) {
		int got = c->decode(NULL, pcm + k, 160, rx[i].data + 12, rx[i].len - 12);
		assert_int_equal(got, 160);
		k += 160;
	}
	return tone_share(pcm, k, 8000, 1000);
}

/* B's PCMU passed to A; music to A instead, then B again. */
static void run_hold(const struct media_codec_spec *sa, const struct media_codec_spec *sb,
		     const struct media_codec *dec)
{
	uint16_t base = (uint16_t)(36000 + ((unsigned)getpid() % 400) * 16), pa, pb;
	struct media_cfg cfg = {.bind_ip = "127.0.0.1",
				.port_min = base,
				.port_max = (uint16_t)(base + 15),
				.threads = 1};
	struct media_engine *m;
	struct media_sound *snd;
	struct leg a, b;
	uint64_t id;

	leg_open(&a, 1);
	leg_open(&b, 777);
	assert_int_equal(media_engine_new(&m, ctl, &cfg, NULL, NULL), 0);
	assert_int_equal(media_relay_open(m, &id, &pa, &pb), 0);
	assert_int_equal(media_sound_load(&snd, wav), 0);
	assert_int_equal(media_relay_play(m, id, 0, snd), EINVAL); /* no codec yet */
	media_relay_set_peer(m, id, 0, &a.addr, 0);
	media_relay_set_peer(m, id, 1, &b.addr, 0);
	media_relay_set_codec(m, id, 0, sa);
	media_relay_set_codec(m, id, 1, sb);
	for (uint16_t s = 10; s < 15; s++)
		send_pkt(b.rtp, pb, sb->pt, s, 0xb0b, 160);
	assert_int_equal(collect(a.rtp, 5), 5);
	uint16_t last_seq = rx[4].seq;
	uint32_t stream_ssrc = rx[4].ssrc;
	assert_int_equal(media_relay_play(m, id, 0, snd), 0);
	media_sound_unref(snd); /* the player keeps its own ref */
	/* once the music plays B goes on sending: its packets are not passed */
	int n = collect(a.rtp, 10);
	assert_int_equal(n, 10);
	for (uint16_t s = 15; s < 20; s++)
		send_pkt(b.rtp, pb, sb->pt, s, 0xb0b, 160);
	struct rx_pkt first[10];
	memcpy(first, rx, sizeof(first));
	n = collect(a.rtp, 50);
	assert_int_equal(n, 50);
	memmove(rx + 10, rx, 50 * sizeof(rx[0]));
	memcpy(rx, first, sizeof(first));
	n = 60;
	for (int i = 0; i < n; i++) {
		assert_int_equal(rx[i].pt, sa->pt);
		assert_int_equal(rx[i].marker, i == 0);
		assert_int_not_equal(rx[i].ssrc, stream_ssrc);
		assert_int_equal(rx[i].ssrc, rx[0].ssrc);
		assert_int_equal(rx[i].seq, (uint16_t)(last_seq + 1 + i));
		if (i)
			assert_int_equal(rx[i].ts - rx[i - 1].ts, 160);
	}
	assert_true(music_share(0, n, dec) > 0.8);
	uint16_t music_last = rx[n - 1].seq;
	assert_int_equal(media_relay_play(m, id, 0, NULL), 0);
	int k = collect(a.rtp, MAX_PKTS); /* what was on its way */
	if (k)
		music_last = rx[k - 1].seq;
	send_pkt(b.rtp, pb, sb->pt, 20, 0xb0b, 160);
	assert_int_equal(collect(a.rtp, 1), 1);
	assert_true(rx[0].marker); /* the relayed stream is back: marked */
	assert_int_not_equal(rx[0].ssrc, 0);
	/* the sequence goes on past the music: B's dropped packets leave no hole (the
	 * transcoder may first conceal them: at most the 5 of them) */
	uint16_t step = (uint16_t)(rx[0].seq - music_last);
	if (sa->pt == sb->pt)
		assert_int_equal(step, 1);
	else
		assert_true(step >= 1 && step <= 6);
	media_engine_destroy(m);
	close(a.rtp);
	close(a.rtcp);
	close(b.rtp);
	close(b.rtcp);
}

static void test_hold_passed(void **state)
{
	struct media_codec_spec u = {.name = "PCMU", .rate = 8000, .pt = 0};

	run_hold(&u, &u, &media_codec_pcmu);
}

static void test_hold_transcoded(void **state)
{
	struct media_codec_spec a = {.name = "PCMA", .rate = 8000, .pt = 8};
	struct media_codec_spec u = {.name = "PCMU", .rate = 8000, .pt = 0};

	run_hold(&a, &u, &media_codec_pcma);
}

static int setup(void **state)
{
	snprintf(wav, sizeof(wav), "/tmp/zv-moh-%d.wav", (int)getpid());
	write_wav(wav);
	return loop_new(&ctl);
}

static int teardown(void **state)
{
	unlink(wav);
	loop_destroy(ctl);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_load),
	    cmocka_unit_test(test_hold_passed),
	    cmocka_unit_test(test_hold_transcoded),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
