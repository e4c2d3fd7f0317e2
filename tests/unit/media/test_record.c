/* Call recording: both sides decoded into a stereo WAV, aligned by timestamps, finished whole. */
#include <errno.h>
#include <setjmp.h>
#include <sndfile.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/loop.h"
#include "media/codec.h"
#include "media/media.h"
#include "net/sock.h"
#include "tone.h"

struct leg {
	int rtp, rtcp;
	struct sa addr;
	const struct media_codec *codec;
	uint8_t pt;
	void *enc;
	double freq;
	size_t sample; /* of the tone */
	uint16_t seq;
	uint32_t ts;
};

static struct loop *ctl;
static char dir[64];
static struct media_event_info got;
static int ngot;

static void on_event(uint64_t id, const struct media_event_info *ev, void *arg)
{
	if (ev->type != MEDIA_EV_RECORDED)
		return;
	got = *ev;
	ngot++;
}

static void leg_open(struct leg *l, unsigned salt, const struct media_codec *c, uint8_t pt,
		     double freq)
{
	memset(l, 0, sizeof(*l));
	for (unsigned i = 0; i < 2000; i++) {
		struct sa a, r;
		uint16_t port =
		    (uint16_t)(61000 + 2 * ((i * 53 + salt + (unsigned)getpid()) % 2200));
		if (sa_set_cstr(&a, "127.0.0.1", port) || net_sock_udp_open(&l->rtp, &a, 0))
			continue;
		sa_set_cstr(&r, "127.0.0.1", (uint16_t)(port + 1));
		if (net_sock_udp_open(&l->rtcp, &r, 0) == 0) {
			net_sock_local(l->rtp, &l->addr);
			break;
		}
		close(l->rtp);
	}
	l->codec = c;
	l->pt = pt;
	l->enc = c->enc_new ? c->enc_new() : NULL;
	l->freq = freq;
	l->seq = (uint16_t)(salt * 7);
	l->ts = salt * 1000;
}

static void leg_close(struct leg *l)
{
	if (l->codec->enc_free)
		l->codec->enc_free(l->enc);
	close(l->rtp);
	close(l->rtcp);
}

/* 20 ms of the leg's tone to the relay's port; skip: the packet is "lost" (numbers move on). */
static void leg_send(struct leg *l, uint16_t port, bool skip)
{
	int16_t pcm[960];
	uint8_t p[12 + 1280] = {0};
	size_t n = media_codec_samples(l->codec, 20);
	struct sa dst;

	tone_fill(pcm, n, l->codec->pcm_rate, l->freq, 8000, l->sample);
	l->sample += n;
	int len = l->codec->encode(l->enc, p + 12, 1280, pcm, n);
	assert_true(len > 0);
	p[0] = 0x80;
	p[1] = l->pt;
	p[2] = (uint8_t)(l->seq >> 8);
	p[3] = (uint8_t)l->seq;
	for (int i = 0; i < 4; i++) {
		p[4 + i] = (uint8_t)(l->ts >> (24 - 8 * i));
		p[8 + i] = (uint8_t)((0x5eed0000u + l->pt) >> (24 - 8 * i));
	}
	l->seq++;
	l->ts += l->codec->rate / 50;
	if (skip)
		return;
	sa_set_cstr(&dst, "127.0.0.1", port);
	assert_int_equal(sendto(l->rtp, p, 12 + (size_t)len, 0, &dst.u.sa, dst.len),
			 (ssize_t)(12 + len));
}

static void pace(void)
{
	struct timespec t = {0, 20 * 1000 * 1000};

	nanosleep(&t, NULL);
	loop_run_once(ctl, 0);
}

static void wait_recorded(int want)
{
	for (int i = 0; i < 500 && ngot < want; i++)
		loop_run_once(ctl, 10);
	assert_int_equal(ngot, want);
}

struct rec_env {
	struct media_engine *m;
	uint64_t id;
	uint16_t pa, pb;
	struct leg a, b;
};

static void env_open(struct rec_env *e, const struct media_codec *ca, const char *na, uint8_t pta,
		     const struct media_codec *cb, const char *nb, uint8_t ptb)
{
	uint16_t base = (uint16_t)(37000 + ((unsigned)getpid() % 400) * 16);
	struct media_cfg cfg = {.bind_ip = "127.0.0.1",
				.port_min = base,
				.port_max = (uint16_t)(base + 15),
				.threads = 1};
	struct media_codec_spec sa = {
	    .name = na, .rate = ca->rate, .channels = ca->channels, .pt = pta};
	struct media_codec_spec sb = {
	    .name = nb, .rate = cb->rate, .channels = cb->channels, .pt = ptb};

	leg_open(&e->a, 1, ca, pta, 1000);
	leg_open(&e->b, 777, cb, ptb, 600);
	assert_int_equal(media_engine_new(&e->m, ctl, &cfg, on_event, NULL), 0);
	assert_int_equal(media_relay_open(e->m, &e->id, &e->pa, &e->pb), 0);
	media_relay_set_peer(e->m, e->id, 0, &e->a.addr, 0);
	media_relay_set_peer(e->m, e->id, 1, &e->b.addr, 0);
	assert_int_equal(media_relay_set_codec(e->m, e->id, 0, &sa), 0);
	assert_int_equal(media_relay_set_codec(e->m, e->id, 1, &sb), 0);
}

static void env_close(struct rec_env *e)
{
	media_engine_destroy(e->m);
	leg_close(&e->a);
	leg_close(&e->b);
}

/* The file's samples (frames * channels), its rate and channels. */
static int16_t *read_wav(const char *path, size_t *frames, int *rate, int *channels)
{
	SF_INFO info = {0};
	SNDFILE *f = sf_open(path, SFM_READ, &info);

	assert_non_null(f);
	int16_t *pcm = calloc((size_t)info.frames * (size_t)info.channels + 1, sizeof(*pcm));
	assert_int_equal(sf_readf_short(f, pcm, info.frames), info.frames);
	sf_close(f);
	*frames = (size_t)info.frames;
	*rate = info.samplerate;
	*channels = info.channels;
	return pcm;
}

/* One channel of an interleaved buffer, frames [from, from + n). */
static void channel(const int16_t *pcm, int channels, int ch, size_t from, size_t n, int16_t *out)
{
	for (size_t i = 0; i < n; i++)
		out[i] = pcm[(from + i) * (size_t)channels + (size_t)ch];
}

static void test_stereo(void **state)
{
	struct rec_env e;
	struct media_record_opts o = {0};
	char path[128];
	unsigned rec;

	snprintf(path, sizeof(path), "%s/t1/call.wav", dir);
	o.path = path;
	/* A in PCMA, B in PCMU: the relay transcodes, the recording decodes each itself */
	env_open(&e, &media_codec_pcma, "PCMA", 8, &media_codec_pcmu, "PCMU", 0);
	assert_int_equal(media_relay_record_start(e.m, e.id, &o, &rec), 0);
	assert_int_equal(media_relay_record_start(e.m, e.id, &o, &rec), EBUSY);
	for (int i = 0; i < 100; i++) {
		leg_send(&e.a, e.pa, false);
		/* B is lost for 0.5 s in the middle: its numbers and timestamps move on */
		leg_send(&e.b, e.pb, i >= 40 && i < 65);
		pace();
	}
	assert_int_equal(media_relay_record_stop(e.m, e.id), 0);
	assert_int_equal(media_relay_record_stop(e.m, e.id), ENOENT);
	wait_recorded(1);
	assert_int_equal(got.rec_id, rec);
	assert_int_equal(got.rec_err, 0);
	assert_true(got.rec_ms >= 1500);
	char tmp[140];
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	assert_int_equal(access(tmp, F_OK), -1); /* renamed */

	size_t frames;
	int rate, ch;
	int16_t *pcm = read_wav(path, &frames, &rate, &ch);
	assert_int_equal(rate, 8000);
	assert_int_equal(ch, 2);
	assert_int_equal(frames * 1000 / 8000, got.rec_ms);
	int16_t l[8000], r[8000];
	/* the first 0.5 s of both: each channel holds its side's tone */
	channel(pcm, 2, 0, 400, 3200, l);
	channel(pcm, 2, 1, 400, 3200, r);
	assert_true(tone_share(l, 3200, 8000, 1000) > 0.9);
	assert_true(tone_share(l, 3200, 8000, 600) < 0.05);
	assert_true(tone_share(r, 3200, 8000, 600) > 0.9);
	assert_true(tone_share(r, 3200, 8000, 1000) < 0.05);
	/* B's lost half second is silence on the right, in 100 ms windows; A goes on */
	size_t silent = 0, loud = 0;
	for (size_t w = 0; w + 800 <= frames; w += 800) {
		channel(pcm, 2, 1, w, 800, r);
		channel(pcm, 2, 0, w, 800, l);
		silent += tone_rms(r, 800) < 50;
		loud += tone_rms(l, 800) > 1000;
	}
	assert_true(silent >= 4 && silent <= 6);
	assert_true(loud >= frames / 800 - 2);
	free(pcm);
	env_close(&e);
}

static void test_mono_wideband(void **state)
{
	struct rec_env e;
	struct media_record_opts o = {.rate = 16000, .channels = 1};
	char path[128];
	unsigned rec;

	snprintf(path, sizeof(path), "%s/t2/box/msg.wav", dir);
	o.path = path;
	env_open(&e, &media_codec_opus, "opus", 111, &media_codec_pcma, "PCMA", 8);
	assert_int_equal(media_relay_record_start(e.m, e.id, &o, &rec), 0);
	for (int i = 0; i < 50; i++) {
		leg_send(&e.a, e.pa, false);
		leg_send(&e.b, e.pb, false);
		pace();
	}
	/* closing the relay finishes its recording */
	media_relay_close(e.m, e.id);
	wait_recorded(2);
	assert_int_equal(got.rec_err, 0);
	size_t frames;
	int rate, ch;
	int16_t *pcm = read_wav(path, &frames, &rate, &ch);
	assert_int_equal(rate, 16000);
	assert_int_equal(ch, 1);
	assert_true(frames >= 8000);
	assert_true(tone_share(pcm + 1600, 6400, 16000, 1000) > 0.9);
	free(pcm);
	env_close(&e);
}

static void test_errors(void **state)
{
	struct rec_env e;
	struct media_record_opts o = {.path = "/proc/zvonar/none/x.wav"};
	unsigned rec;

	env_open(&e, &media_codec_pcma, "PCMA", 8, &media_codec_pcma, "PCMA", 8);
	assert_int_equal(media_relay_record_start(e.m, e.id + 1, &o, &rec), ENOENT);
	o.rate = 44100;
	assert_int_equal(media_relay_record_start(e.m, e.id, &o, &rec), EINVAL);
	o.rate = 8000;
	o.channels = 3;
	assert_int_equal(media_relay_record_start(e.m, e.id, &o, &rec), EINVAL);
	o.channels = 2;
	/* a file that cannot be made: the recording fails, the relay goes on */
	assert_int_equal(media_relay_record_start(e.m, e.id, &o, &rec), 0);
	leg_send(&e.a, e.pa, false);
	pace();
	assert_int_equal(media_relay_record_stop(e.m, e.id), 0);
	wait_recorded(3);
	assert_int_not_equal(got.rec_err, 0);
	env_close(&e);
}

static void test_recover(void **state)
{
	char path[128], tmp[140];
	uint8_t h[44] = "RIFF\0\0\0\0WAVEfmt ";
	unsigned secs = 0;

	snprintf(path, sizeof(path), "%s/crashed.wav", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	assert_int_equal(media_record_recover(path, &secs), ENOENT);
	/* the header as the writer starts it (sizes 0), a second of stereo, half a frame */
	h[16] = 16, h[20] = 1, h[22] = 2, h[24] = 0x40, h[25] = 0x1f, h[32] = 4, h[34] = 16;
	memcpy(h + 28, (uint8_t[]){0x00, 0x7d, 0, 0}, 4);
	memcpy(h + 36, "data", 4);
	FILE *f = fopen(tmp, "wb");
	fwrite(h, 1, sizeof(h), f);
	static int16_t pcm[2 * 8000];
	tone_fill(pcm, 2 * 8000, 16000, 1000, 5000, 0);
	fwrite(pcm, 1, sizeof(pcm), f);
	fwrite(pcm, 1, 3, f);
	fclose(f);
	assert_int_equal(media_record_recover(path, &secs), 0);
	assert_int_equal(secs, 1);
	assert_int_equal(access(tmp, F_OK), -1);
	size_t frames;
	int rate, ch;
	int16_t *back = read_wav(path, &frames, &rate, &ch);
	assert_int_equal(frames, 8000);
	assert_int_equal(rate, 8000);
	assert_int_equal(ch, 2);
	assert_memory_equal(back, pcm, sizeof(pcm));
	free(back);
	/* a temp file without a header is no recording */
	f = fopen(tmp, "wb");
	fputs("RIFF", f);
	fclose(f);
	assert_int_equal(media_record_recover(path, &secs), EBADMSG);
	assert_int_equal(access(tmp, F_OK), -1);
}

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/zv-rec-%d", (int)getpid());
	mkdir(dir, 0750);
	return loop_new(&ctl);
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 1;
	loop_destroy(ctl);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_stereo),
	    cmocka_unit_test(test_mono_wideband),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_recover),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
