/* The offline backend through its descriptor: TTS (cache), grammar ASR, summaries, usage records. */
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

#include "speech/speech.h"

static void test_offline_round_trip(void **state)
{
	char dir[] = "/tmp/zv-backend-XXXXXX", cache[300], wav[300], err[256], cmd[400];
	const struct speech_backend *b = speech_backend_find("offline");
	struct speech_usage u;
	struct asr_result r;

	assert_non_null(mkdtemp(dir));
	snprintf(cache, sizeof(cache), "%s/cache", dir);
	snprintf(wav, sizeof(wav), "%s/no.wav", dir);
	struct speech_config c = {.cache_dir = cache};
	struct speech_tts_req req = {"no", {"en-us", true, 130, 0, NULL, NULL}, 8000, wav};

	assert_int_equal(speech_synthesize(b, &c, &req, &u, err, sizeof(err)), 0);
	assert_string_equal(u.op, "synthesize");
	assert_int_equal(u.synthesized_chars, 2);
	assert_false(u.cached);
	assert_true(u.synthesized_seconds > 0.1);
	assert_int_equal(speech_synthesize(b, &c, &req, &u, err, sizeof(err)), 0);
	assert_true(u.cached);

	assert_int_equal(speech_recognize(b, &c, wav, &asr_yes_no, &r, &u, err, sizeof(err)), 0);
	assert_int_equal(r.intent, 1);
	assert_string_equal(u.op, "recognize");
	assert_true(u.recognized_seconds > 0.1 && u.recognized_seconds < 5);
	asr_result_free(&r);

	struct buf j;
	buf_init(&j, 0);
	speech_usage_json(&u, &j);
	assert_non_null(strstr(j.data, "\"backend\":\"offline\",\"op\":\"recognize\",\"recognized_seconds\":"));
	buf_free(&j);

	req.text = "Привет, мир";
	req.voice.lang = "ru";
	assert_int_equal(speech_synthesize(b, &c, &req, &u, err, sizeof(err)), 0);
	assert_int_equal(u.synthesized_chars, 11); /* code points, not bytes */
	assert_int_equal(speech_recognize(b, &c, "/nonexistent.wav", &asr_yes_no, &r, &u, err, sizeof(err)), ENOENT);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_offline_summary(void **state)
{
	const struct speech_backend *b = &speech_backend_offline;
	struct speech_usage u;
	char err[256], *out;

	assert_int_equal(speech_summarize(b, NULL, "The parcel is late. The parcel with the phone comes on Monday. The phone is a gift. Bye.",
					  &(struct summary_opts){.sentences = 1, .keywords = 1}, &out, &u, err, sizeof(err)), 0);
	assert_string_equal(out, "The parcel with the phone comes on Monday.\nkeywords: parcel\n");
	assert_int_equal(u.summaries, 1);
	free(out);
	assert_int_equal(speech_summarize(b, NULL, "\xff", NULL, &out, &u, err, sizeof(err)), EINVAL);
	assert_null(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_offline_round_trip),
	    cmocka_unit_test(test_offline_summary),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
