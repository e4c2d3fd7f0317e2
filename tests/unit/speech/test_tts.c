/* espeak-ng TTS: voices, 8/16 kHz output, female above male in pitch, WAV files and the cache. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "speech/tts.h"

/* Median F0 over voiced 40 ms frames, by autocorrelation in 70..400 Hz. */
static double median_f0(const struct audio *a)
{
	size_t frame = a->rate / 25, nf = 0;
	double f0[4096];

	for (size_t at = 0; at + frame < a->n && nf < 4096; at += frame) {
		const int16_t *x = a->pcm + at;
		double e = 0, best = 0;
		size_t lag_best = 0;
		for (size_t i = 0; i < frame; i++)
			e += (double)x[i] * x[i];
		if (e / frame < 1e5)
			continue;
		for (size_t lag = a->rate / 400; lag <= a->rate / 70; lag++) {
			double r = 0;
			for (size_t i = 0; i + lag < frame; i++)
				r += (double)x[i] * x[i + lag];
			if (r > best)
				best = r, lag_best = lag;
		}
		if (lag_best && best > 0.3 * e)
			f0[nf++] = (double)a->rate / lag_best;
	}
	for (size_t i = 1; i < nf; i++)
		for (size_t j = i; j > 0 && f0[j - 1] > f0[j]; j--) {
			double t = f0[j];
			f0[j] = f0[j - 1];
			f0[j - 1] = t;
		}
	return nf ? f0[nf / 2] : 0;
}

static void test_voices(void **state)
{
	struct tts_voice female = {"ru", true, 0, 0, NULL, NULL}, male = {"ru", false, 0, 0, NULL, NULL};
	struct audio f, m;
	char err[256];

	assert_int_equal(tts_espeak_synth("Здравствуйте! Ваш заказ номер 15 готов.", &female, 8000, &f, err, sizeof(err)), 0);
	assert_int_equal(tts_espeak_synth("Здравствуйте! Ваш заказ номер 15 готов.", &male, 8000, &m, err, sizeof(err)), 0);
	assert_int_equal(f.rate, 8000);
	assert_true(audio_seconds(&f) > 1.0 && audio_seconds(&f) < 10.0);
	double ff = median_f0(&f), fm = median_f0(&m);
	assert_true(fm > 70 && ff > fm * 1.4);
	audio_free(&f);
	audio_free(&m);

	struct tts_voice en = {"en-us", true, 0, 0, NULL, NULL};
	struct audio a8, a16;
	assert_int_equal(tts_espeak_synth("Please hold the line.", &en, 8000, &a8, err, sizeof(err)), 0);
	assert_int_equal(tts_espeak_synth("Please hold the line.", &en, 16000, &a16, err, sizeof(err)), 0);
	assert_int_equal(a16.rate, 16000);
	/* same utterance, twice the samples (within the resampler's rounding) */
	assert_true(a16.n >= 2 * a8.n - 4 && a16.n <= 2 * a8.n + 4);
	audio_free(&a8);
	audio_free(&a16);
}

static void test_refusals(void **state)
{
	struct tts_voice bad = {"en-gb", false, 0, 0, NULL, NULL}, ok = {"en", false, 0, 0, NULL, NULL};
	struct audio a;
	char err[256];

	assert_int_equal(tts_espeak_synth("hello", &bad, 8000, &a, err, sizeof(err)), EINVAL);
	assert_int_equal(tts_espeak_synth("hello", &ok, 11025, &a, err, sizeof(err)), EINVAL);
	assert_int_equal(tts_espeak_synth("bad \xff", &ok, 8000, &a, err, sizeof(err)), EINVAL);
	assert_string_equal(err, "text is not UTF-8");
	assert_null(a.pcm);
}

static void test_wav_and_cache(void **state)
{
	char dir[] = "/tmp/zv-tts-XXXXXX", path[512], path2[512], path3[512], err[256];
	struct tts_voice v = {"en-us", false, 0, 0, NULL, NULL};
	struct audio back;
	bool hit;
	double secs, secs2;

	assert_non_null(mkdtemp(dir));
	assert_int_equal(tts_cache_say(dir, "Your balance is $12.50", &v, 8000, path, sizeof(path), &hit, &secs, err, sizeof(err)), 0);
	assert_false(hit);
	assert_int_equal(audio_read(path, &back, err, sizeof(err)), 0);
	assert_int_equal(back.rate, 8000);
	assert_true(back.n > 8000);
	assert_true(secs > 0.9 * audio_seconds(&back) && secs < 1.1 * audio_seconds(&back));
	audio_free(&back);
	assert_int_equal(tts_cache_say(dir, "Your balance is $12.50", &v, 8000, path2, sizeof(path2), &hit, &secs2, err, sizeof(err)), 0);
	assert_true(hit);
	assert_string_equal(path, path2);
	v.female = true;
	assert_int_equal(tts_cache_say(dir, "Your balance is $12.50", &v, 8000, path3, sizeof(path3), &hit, &secs2, err, sizeof(err)), 0);
	assert_false(hit);
	assert_string_not_equal(path, path3);
	/* nothing but the two finished files: no temporary left behind */
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "test $(ls %s | wc -l) -eq 2 && ! ls %s | grep -q tmp", dir, dir);
	assert_int_equal(system(cmd), 0);
	unlink(path);
	unlink(path3);
	rmdir(dir);
	assert_int_equal(audio_read("/nonexistent.wav", &back, err, sizeof(err)), ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_voices),
	    cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_wav_and_cache),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
