/* Flite TTS behind the same interface as espeak: voices, telephone rates, the cache, what the
 * recogniser hears, and the refusals (Russian, unknown voices and engines). */
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

#include "speech/asr.h"
#include "speech/tts.h"

/* Median F0 over voiced 40 ms frames, by autocorrelation in 70..400 Hz (as in test_tts.c). */
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

static void test_rates(void **state)
{
	struct tts_voice kal = {"en-us", false, 0, 0, "flite", "kal"};
	struct audio a8, a16;
	char err[256];

	/* kal is an 8 kHz voice: 8000 is native, 16000 an upsampling of the same utterance */
	assert_int_equal(tts_synth("Please hold the line.", &kal, 8000, &a8, err, sizeof(err)), 0);
	assert_int_equal(tts_synth("Please hold the line.", &kal, 16000, &a16, err, sizeof(err)), 0);
	assert_int_equal(a8.rate, 8000);
	assert_int_equal(a16.rate, 16000);
	assert_true(audio_seconds(&a8) > 0.8 && audio_seconds(&a8) < 4.0);
	assert_true(a16.n >= 2 * a8.n - 4 && a16.n <= 2 * a8.n + 4);
	audio_free(&a8);
	audio_free(&a16);

	/* slt is 16 kHz natively: downsampled to the narrowband rate */
	struct tts_voice slt = {"en", true, 0, 0, "flite", "slt"};
	assert_int_equal(tts_synth("Please hold the line.", &slt, 8000, &a8, err, sizeof(err)), 0);
	assert_int_equal(a8.rate, 8000);
	assert_true(audio_seconds(&a8) > 0.8 && audio_seconds(&a8) < 4.0);
	audio_free(&a8);
}

static void test_voices_and_speed(void **state)
{
	const char *text = "Your appointment is confirmed for Monday morning.";
	struct tts_voice female = {"en-us", true, 0, 0, "flite", NULL};
	struct tts_voice male = {"en-us", false, 0, 0, "flite", NULL};
	struct tts_voice slow = {"en-us", true, 85, 0, "flite", NULL};
	struct audio f, m, s;
	char err[256], name[32];

	assert_int_equal(tts_voice_name(&female, name, sizeof(name)), 0);
	assert_string_equal(name, "flite/slt");
	assert_int_equal(tts_voice_name(&male, name, sizeof(name)), 0);
	assert_string_equal(name, "flite/rms");
	assert_int_equal(tts_synth(text, &female, 16000, &f, err, sizeof(err)), 0);
	assert_int_equal(tts_synth(text, &male, 16000, &m, err, sizeof(err)), 0);
	double ff = median_f0(&f), fm = median_f0(&m);
	print_message("median F0: slt %.0f Hz, rms %.0f Hz\n", ff, fm);
	assert_true(fm > 70 && ff > fm * 1.4);
	/* half the words per minute: about twice as long */
	assert_int_equal(tts_synth(text, &slow, 16000, &s, err, sizeof(err)), 0);
	assert_true(audio_seconds(&s) > 1.6 * audio_seconds(&f));
	audio_free(&f);
	audio_free(&m);
	audio_free(&s);
}

static void test_recognised(void **state)
{
	const char *names[] = {"kal", "slt", "rms", "awb"};
	struct asr_grammar digits = {NULL, 0, 6};
	struct asr_result r;
	struct audio a;
	char err[256];

	for (size_t i = 0; i < 4; i++) {
		struct tts_voice v = {"en-us", false, 0, 0, "flite", names[i]};
		assert_int_equal(tts_synth("yes", &v, 8000, &a, err, sizeof(err)), 0);
		assert_int_equal(asr_recognize(&a, &asr_yes_no, NULL, &r, err, sizeof(err)), 0);
		assert_int_equal(r.intent, 0);
		asr_result_free(&r);
		audio_free(&a);
	}
	/* kal adds an "eight" after its digits; the clustergen voices are heard exactly */
	struct tts_voice slt = {"en-us", true, 0, 0, "flite", "slt"};
	assert_int_equal(tts_synth("one two three", &slt, 8000, &a, err, sizeof(err)), 0);
	assert_int_equal(asr_recognize(&a, &digits, NULL, &r, err, sizeof(err)), 0);
	assert_string_equal(r.digits, "123");
	asr_result_free(&r);
	audio_free(&a);
}

/* The same text twice in one process is the same audio (slt's noise source is reseeded). */
static void test_deterministic(void **state)
{
	struct tts_voice slt = {"en-us", true, 0, 0, "flite", "slt"};
	struct audio a, b;
	char err[256];

	assert_int_equal(tts_synth("four five one two", &slt, 8000, &a, err, sizeof(err)), 0);
	assert_int_equal(tts_synth("four five one two", &slt, 8000, &b, err, sizeof(err)), 0);
	assert_int_equal(a.n, b.n);
	assert_memory_equal(a.pcm, b.pcm, a.n * sizeof(int16_t));
	audio_free(&a);
	audio_free(&b);
}

static void test_refusals(void **state)
{
	struct tts_voice ru = {"ru", true, 0, 0, "flite", NULL};
	struct tts_voice unknown = {"en", true, 0, 0, "flite", "bob"};
	struct tts_voice engine = {"en", true, 0, 0, "festival", NULL};
	struct tts_voice ok = {"en", true, 0, 0, "flite", NULL};
	struct audio a;
	char err[256];

	assert_int_equal(tts_synth("привет", &ru, 8000, &a, err, sizeof(err)), EINVAL);
	assert_string_equal(err, "flite speaks English only");
	assert_int_equal(tts_synth("hello", &unknown, 8000, &a, err, sizeof(err)), EINVAL);
	assert_string_equal(err, "unknown flite voice 'bob' (kal, kal16, slt, rms, awb)");
	assert_int_equal(tts_synth("hello", &engine, 8000, &a, err, sizeof(err)), EINVAL);
	assert_string_equal(err, "unknown TTS engine 'festival' (espeak, flite)");
	assert_int_equal(tts_synth("hello", &ok, 22050, &a, err, sizeof(err)), EINVAL);
	assert_int_equal(tts_synth("bad \xff", &ok, 8000, &a, err, sizeof(err)), EINVAL);
	assert_string_equal(err, "text is not UTF-8");
	/* punctuation alone: flite says nothing, which is refused, not an empty file */
	assert_int_equal(tts_synth(" ... ", &ok, 8000, &a, err, sizeof(err)), EINVAL);
	assert_string_equal(err, "nothing to say");
	assert_null(a.pcm);
	/* an espeak voice never reaches flite and the other way round */
	assert_int_equal(tts_flite_synth("hello", &(struct tts_voice){"en", true, 0, 0, NULL, NULL}, 8000, &a,
					 err, sizeof(err)), 0);
	audio_free(&a);
	assert_int_equal(tts_espeak_synth("hello", &ok, 8000, &a, err, sizeof(err)), EINVAL);
}

static void test_cache(void **state)
{
	char dir[] = "/tmp/zv-flite-XXXXXX", p1[512], p2[512], p3[512], err[256];
	struct tts_voice flite = {"en-us", true, 0, 0, "flite", "slt"};
	struct tts_voice espeak = {"en-us", true, 0, 0, NULL, NULL};
	struct audio back;
	bool hit;
	double secs;

	assert_non_null(mkdtemp(dir));
	assert_int_equal(tts_cache_say(dir, "Thank you for calling.", &flite, 8000, p1, sizeof(p1), &hit, &secs, err, sizeof(err)), 0);
	assert_false(hit);
	assert_int_equal(audio_read(p1, &back, err, sizeof(err)), 0);
	assert_int_equal(back.rate, 8000);
	assert_true(secs > 0.5);
	audio_free(&back);
	assert_int_equal(tts_cache_say(dir, "Thank you for calling.", &flite, 8000, p2, sizeof(p2), &hit, &secs, err, sizeof(err)), 0);
	assert_true(hit);
	assert_string_equal(p1, p2);
	/* the same text from espeak is another file */
	assert_int_equal(tts_cache_say(dir, "Thank you for calling.", &espeak, 8000, p3, sizeof(p3), &hit, &secs, err, sizeof(err)), 0);
	assert_false(hit);
	assert_string_not_equal(p1, p3);
	unlink(p1);
	unlink(p3);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rates),
	    cmocka_unit_test(test_voices_and_speed),
	    cmocka_unit_test(test_recognised),
	    cmocka_unit_test(test_deterministic),
	    cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_cache),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
