/* Utterances found by energy (segment.c) and channels read apart from memory (audio_channels.c). */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/mem.h"
#include "speech/segment.h"

#define RATE 8000

/* s seconds of silence with a 300 Hz tone (-10 dBFS) over each [from, to) of spans. */
static struct audio tones(double s, const double (*spans)[2], size_t n, double noise)
{
	struct audio a = {xcalloc((size_t)(s * RATE), sizeof(int16_t)), (size_t)(s * RATE), RATE};

	srand(7);
	for (size_t i = 0; i < a.n; i++)
		a.pcm[i] = (int16_t)(noise * ((double)rand() / RAND_MAX - 0.5));
	for (size_t k = 0; k < n; k++)
		for (size_t i = (size_t)(spans[k][0] * RATE); i < (size_t)(spans[k][1] * RATE); i++)
			a.pcm[i] = (int16_t)(10000 * sin(2 * M_PI * 300 * i / RATE));
	return a;
}

static void check(const struct segment *s, double from, double to)
{
	/* padded by 0.2 s either side, to the 10 ms frame */
	assert_true(fabs((double)s->start / RATE - (from - 0.2)) < 0.021);
	assert_true(fabs((double)s->end / RATE - (to + 0.2)) < 0.021);
}

static void test_utterances(void **state)
{
	/* a 0.5 s pause stays inside one utterance, a 2 s one separates two */
	static const double spans[][2] = {{1.0, 2.0}, {2.5, 3.0}, {5.0, 6.5}};
	struct audio a = tones(8, spans, 3, 200); /* noise floor about -50 dBFS */
	struct segment *s;
	size_t n;

	speech_segments(&a, &s, &n);
	assert_int_equal(n, 2);
	check(&s[0], 1.0, 3.0);
	check(&s[1], 5.0, 6.5);
	free(s);
	audio_free(&a);
}

static void test_silence_and_clicks(void **state)
{
	static const double click[][2] = {{1.0, 1.05}}; /* 50 ms: not speech */
	struct audio a = tones(3, NULL, 0, 0);
	struct segment *s;
	size_t n;

	speech_segments(&a, &s, &n);
	assert_int_equal(n, 0);
	assert_null(s);
	audio_free(&a);
	a = tones(3, click, 1, 100);
	speech_segments(&a, &s, &n);
	assert_int_equal(n, 0);
	audio_free(&a);
	a = (struct audio){NULL, 0, RATE};
	speech_segments(&a, &s, &n);
	assert_int_equal(n, 0);
}

static void test_long_speech_is_cut(void **state)
{
	static const double talk[][2] = {{0.5, 70.0}};
	struct audio a = tones(72, talk, 1, 100);
	struct segment *s;
	size_t n;

	speech_segments(&a, &s, &n);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++) {
		assert_true(s[i].end - s[i].start <= (size_t)(SEGMENT_MAX_SECONDS * RATE));
		if (i)
			assert_int_equal(s[i].start,
					 s[i - 1].end); /* nothing lost between pieces */
	}
	check(&s[0], 0.5, s[0].end / (double)RATE - 0.2);
	assert_true(fabs((double)s[2].end / RATE - 70.2) < 0.021);
	free(s);
	audio_free(&a);
}

/* A 16-bit stereo WAV in memory: left a ramp, right its negation. */
static unsigned char *stereo_wav(size_t frames, size_t *len)
{
	size_t data = frames * 4;
	unsigned char *w = xcalloc(44 + data, 1);
	uint32_t u32;
	uint16_t u16;

#define PUT(off, v, t) (t = (v), memcpy(w + (off), &t, sizeof(t)))
	memcpy(w, "RIFF", 4), PUT(4, 36 + data, u32), memcpy(w + 8, "WAVEfmt ", 8);
	PUT(16, 16, u32), PUT(20, 1, u16), PUT(22, 2, u16), PUT(24, RATE, u32);
	PUT(28, RATE * 4, u32), PUT(32, 4, u16), PUT(34, 16, u16);
	memcpy(w + 36, "data", 4), PUT(40, data, u32);
	for (size_t i = 0; i < frames; i++) {
		int16_t l = (int16_t)i, r = (int16_t) - (int16_t)i;
		memcpy(w + 44 + i * 4, &l, 2);
		memcpy(w + 46 + i * 4, &r, 2);
	}
#undef PUT
	*len = 44 + data;
	return w;
}

static void test_channels_from_memory(void **state)
{
	struct audio ch[AUDIO_MAX_CHANNELS];
	struct audio_info info;
	unsigned nch;
	char err[256];
	size_t len;
	unsigned char *w = stereo_wav(20000, &len);

	assert_int_equal(audio_probe_mem(w, len, &info, err, sizeof(err)), 0);
	assert_int_equal(info.channels, 2);
	assert_int_equal(info.rate, RATE);
	assert_string_equal(info.format, "wav");
	assert_true(fabs(info.seconds - 2.5) < 1e-9);
	assert_int_equal(audio_read_channels_mem(w, len, ch, &nch, err, sizeof(err)), 0);
	assert_int_equal(nch, 2);
	assert_int_equal(ch[0].n, 20000);
	assert_int_equal(ch[1].n, 20000);
	assert_int_equal(ch[0].pcm[12345], 12345);
	assert_int_equal(ch[1].pcm[12345], -12345);
	audio_free(&ch[0]);
	audio_free(&ch[1]);

	/* text, a truncated header, nothing: refused, never read */
	assert_int_equal(
	    audio_probe_mem("hello, this is not a WAV file", 29, &info, err, sizeof(err)), EBADMSG);
	assert_non_null(strstr(err, "not an audio file"));
	assert_int_equal(audio_probe_mem(w, 30, &info, err, sizeof(err)), EBADMSG);
	assert_int_equal(audio_read_channels_mem(w, 0, ch, &nch, err, sizeof(err)), EBADMSG);
	assert_int_equal(nch, 0);
	free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_utterances),
	    cmocka_unit_test(test_silence_and_clicks),
	    cmocka_unit_test(test_long_speech_is_cut),
	    cmocka_unit_test(test_channels_from_memory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
