/* pocketsphinx: grammars, and a real round trip: espeak says it at 8 kHz, the grammar hears it. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "speech/asr.h"
#include "speech/tts.h"

/* espeak's robotic digits are hard for the en-us model: the female voice at 130 wpm is the one
 * it hears best (see docs/internals/speech.md) */
static void say(const char *text, struct audio *a)
{
	struct tts_voice v = {"en-us", true, 130, 0, NULL, NULL};
	char err[256];
	assert_int_equal(tts_espeak_synth(text, &v, 8000, a, err, sizeof(err)), 0);
	assert_int_equal(a->rate, 8000);
}

static void test_jsgf(void **state)
{
	static const char *const menu[] = {"sales|buy something", "support", "operator"};
	static const char *const bad[] = {"Yes"};
	struct asr_grammar g = {menu, 3, 0}, b = {bad, 1, 0}, d = {NULL, 0, 3};
	struct buf out;
	char err[128];

	buf_init(&out, 0);
	assert_int_equal(asr_grammar_jsgf(&g, &out, err, sizeof(err)), 0);
	assert_non_null(strstr(out.data, "public <intent> = sales | buy something | support | operator;"));
	buf_reset(&out);
	assert_int_equal(asr_grammar_jsgf(&d, &out, err, sizeof(err)), 0);
	assert_non_null(strstr(out.data, "public <digits> = <digit> [<digit>] [<digit>];"));
	buf_reset(&out);
	assert_int_equal(asr_grammar_jsgf(&b, &out, err, sizeof(err)), EINVAL);
	assert_string_equal(err, "phrase 0: only lowercase English words, single spaces");
	buf_free(&out);
}

static void test_yes_no(void **state)
{
	struct audio a;
	struct asr_result r;
	char err[256];

	say("yes", &a);
	assert_int_equal(asr_recognize(&a, &asr_yes_no, NULL, &r, err, sizeof(err)), 0);
	assert_int_equal(r.intent, 0); /* "yes" or one of its alternatives */
	assert_non_null(strstr(asr_yes_no.phrases[0], r.text));
	assert_true(r.seconds > 0.2);
	assert_int_equal(r.nwords, 1);
	assert_true(r.words[0].start < r.words[0].end && r.words[0].end <= r.seconds + 0.01);
	asr_result_free(&r);
	audio_free(&a);

	say("no", &a);
	assert_int_equal(asr_recognize(&a, &asr_yes_no, NULL, &r, err, sizeof(err)), 0);
	assert_string_equal(r.text, "no");
	assert_int_equal(r.intent, 1);
	asr_result_free(&r);
	audio_free(&a);
}

static void test_digits_and_phrases(void **state)
{
	static const char *const menu[] = {"sales", "technical support", "billing"};
	struct asr_grammar digits = {NULL, 0, 6}, g = {menu, 3, 0};
	struct audio a;
	struct asr_result r;
	char err[256];

	say("one two three", &a);
	assert_int_equal(asr_recognize(&a, &digits, NULL, &r, err, sizeof(err)), 0);
	assert_string_equal(r.text, "one two three");
	assert_string_equal(r.digits, "123");
	assert_int_equal(r.nwords, 3);
	assert_true(r.words[0].end <= r.words[1].start + 0.01 && r.words[1].end <= r.words[2].start + 0.01);
	asr_result_free(&r);
	audio_free(&a);

	say("technical support", &a);
	assert_int_equal(asr_recognize(&a, &g, NULL, &r, err, sizeof(err)), 0);
	assert_int_equal(r.intent, 1);
	asr_result_free(&r);
	audio_free(&a);

	static const char *const unknown[] = {"zzqxv"};
	struct asr_grammar u = {unknown, 1, 0};
	say("no", &a);
	assert_int_equal(asr_recognize(&a, &u, NULL, &r, err, sizeof(err)), EINVAL);
	assert_string_equal(err, "phrase 0: \"zzqxv\" is not in the dictionary");
	assert_int_equal(asr_recognize(&a, &asr_yes_no, "/nonexistent", &r, err, sizeof(err)), EIO);
	audio_free(&a);

	/* an answer to a question is short: two minutes of audio are refused */
	size_t n = 8000 * (ASR_MAX_GRAMMAR_SECONDS + 1);
	struct audio long_one = {calloc(n, sizeof(int16_t)), n, 8000};
	assert_int_equal(asr_recognize(&long_one, &asr_yes_no, NULL, &r, err, sizeof(err)), EOVERFLOW);
	assert_string_equal(err, "audio longer than 120 s");
	audio_free(&long_one);
}

/* The generic LM path: espeak through it gives poor words (docs), but the result is well formed:
 * words in order, inside the audio, and the text is the words joined. */
static void test_transcribe(void **state)
{
	struct audio a;
	struct asr_result r;
	char err[256], joined[512] = "";

	say("please call me back tomorrow morning", &a);
	assert_int_equal(asr_transcribe(&a, NULL, &r, err, sizeof(err)), 0);
	assert_true(r.nwords >= 2);
	for (size_t i = 0; i < r.nwords; i++) {
		assert_true(r.words[i].start < r.words[i].end && r.words[i].end <= r.seconds + 0.01);
		assert_true(i == 0 || r.words[i].start >= r.words[i - 1].end - 0.01);
		strcat(joined, i ? " " : "");
		strcat(joined, r.words[i].word);
	}
	assert_string_equal(r.text, joined);
	assert_true(r.confidence >= 0 && r.confidence <= 1);
	asr_result_free(&r);
	audio_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_jsgf),
	    cmocka_unit_test(test_yes_no),
	    cmocka_unit_test(test_digits_and_phrases),
	    cmocka_unit_test(test_transcribe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
