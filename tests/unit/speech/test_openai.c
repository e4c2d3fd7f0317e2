/* OpenAI-compatible backend against a python3 mock: requests as sent, answers, retries, errors. */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "speech/speech.h"

static pid_t mock_pid;
static char dir[] = "/tmp/zv-openai-XXXXXX";
static char log_path[300], wav_path[300], base[128];

static int start_mock(void **state)
{
	int fds[2];
	char line[32] = "";

	assert_non_null(mkdtemp(dir));
	snprintf(log_path, sizeof(log_path), "%s/requests.log", dir);
	snprintf(wav_path, sizeof(wav_path), "%s/call.wav", dir);
	assert_int_equal(pipe(fds), 0);
	mock_pid = fork();
	if (mock_pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		execlp("python3", "python3", "tests/unit/speech/openai_mock.py", log_path, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	FILE *f = fdopen(fds[0], "r");
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	snprintf(base, sizeof(base), "http://127.0.0.1:%d", atoi(line));

	/* one second of a 440 Hz tone at 8 kHz to upload */
	struct audio a = {calloc(8000, sizeof(int16_t)), 8000, 8000};
	char err[256];
	for (size_t i = 0; i < a.n; i++)
		a.pcm[i] = (int16_t)(8000 * sin(2 * M_PI * 440 * (double)i / 8000));
	assert_int_equal(audio_write_wav(wav_path, &a, err, sizeof(err)), 0);
	audio_free(&a);
	return 0;
}

static int stop_mock(void **state)
{
	kill(mock_pid, SIGTERM);
	waitpid(mock_pid, NULL, 0);
	unlink(log_path);
	unlink(wav_path);
	rmdir(dir);
	return 0;
}

/* The last request the mock saw. */
static json_t *last_request(void)
{
	char line[65536], last[65536] = "";
	FILE *f = fopen(log_path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		strcpy(last, line);
	fclose(f);
	json_t *j = json_loads(last, 0, NULL);
	assert_non_null(j);
	return j;
}

static const char *header(json_t *req, const char *name)
{
	return json_string_value(json_object_get(json_object_get(req, "headers"), name));
}

static json_t *field(json_t *req, const char *name)
{
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(req, "fields"), i, f) {
		if (!strcmp(json_string_value(json_object_get(f, "name")), name))
			return f;
	}
	fail_msg("no field %s", name);
	return NULL;
}

static struct speech_config config(const char *mode)
{
	static char url[160];
	snprintf(url, sizeof(url), "%s/%s", base, mode);
	return (struct speech_config){.base_url = url, .api_key = "testkey", .language = "en",
				      .chat_model = "test-model", .timeout_ms = 5000,
				      .retries = 2, .backoff_ms = 10};
}

static void test_transcribe(void **state)
{
	struct speech_config c = config("ok");
	struct asr_result r;
	struct speech_usage u;
	struct stat st;
	char err[256];

	assert_int_equal(speech_transcribe_file(&speech_backend_openai, &c, wav_path, &r, &u, err, sizeof(err)), 0);
	assert_string_equal(r.text, "hello there");
	assert_int_equal(r.nwords, 2);
	assert_string_equal(r.words[1].word, "there");
	assert_true(fabs(r.words[1].start - 0.6) < 1e-9);
	assert_true(fabs(r.confidence - exp(-0.25)) < 1e-9);
	assert_true(fabs(u.recognized_seconds - 1.5) < 1e-9);
	assert_int_equal(u.http_attempts, 1);
	assert_string_equal(u.backend, "openai");
	asr_result_free(&r);

	json_t *req = last_request();
	assert_string_equal(json_string_value(json_object_get(req, "path")), "/ok/v1/audio/transcriptions");
	assert_string_equal(header(req, "Authorization"), "Bearer testkey");
	assert_true(!strncmp(header(req, "Content-Type"), "multipart/form-data; boundary=", 30));
	json_t *file = field(req, "file");
	assert_string_equal(json_string_value(json_object_get(file, "filename")), "call.wav");
	assert_int_equal(stat(wav_path, &st), 0);
	assert_int_equal(json_integer_value(json_object_get(file, "size")), st.st_size);
	assert_string_equal(json_string_value(json_object_get(file, "riff")), "RIFF");
	assert_string_equal(json_string_value(json_object_get(field(req, "model"), "value")), "whisper-1");
	assert_string_equal(json_string_value(json_object_get(field(req, "response_format"), "value")), "verbose_json");
	assert_string_equal(json_string_value(json_object_get(field(req, "language"), "value")), "en");
	json_decref(req);
}

static void test_summarize(void **state)
{
	static const char text[] = "Agent: Your refund was approved. Customer: Thank you.";
	struct speech_config c = config("ok");
	struct speech_usage u;
	char err[256], *out;

	assert_int_equal(speech_summarize(&speech_backend_openai, &c, text, NULL, &out, &u, err, sizeof(err)), 0);
	char want[64];
	snprintf(want, sizeof(want), "Summary of %zu characters.", strlen(text));
	assert_string_equal(out, want);
	free(out);
	assert_int_equal(u.llm_prompt_tokens, 42);
	assert_int_equal(u.llm_completion_tokens, 7);
	assert_int_equal(u.summaries, 1);

	json_t *req = last_request(), *body = json_object_get(req, "json");
	assert_string_equal(json_string_value(json_object_get(req, "path")), "/ok/v1/chat/completions");
	assert_string_equal(header(req, "Content-Type"), "application/json");
	assert_string_equal(header(req, "Authorization"), "Bearer testkey");
	assert_string_equal(json_string_value(json_object_get(body, "model")), "test-model");
	assert_true(json_is_false(json_object_get(body, "stream")));
	json_t *msgs = json_object_get(body, "messages");
	assert_string_equal(json_string_value(json_object_get(json_array_get(msgs, 0), "role")), "system");
	assert_string_equal(json_string_value(json_object_get(json_array_get(msgs, 1), "content")), text);
	json_decref(req);

	/* a prompt holding {text} is a template: one user message with the text in its place */
	c.prompt = "Summarise for the CRM:\n{text}\nEnd.";
	assert_int_equal(speech_summarize(&speech_backend_openai, &c, text, NULL, &out, &u, err, sizeof(err)), 0);
	free(out);
	req = last_request();
	msgs = json_object_get(json_object_get(req, "json"), "messages");
	assert_int_equal(json_array_size(msgs), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(msgs, 0), "role")), "user");
	assert_string_equal(json_string_value(json_object_get(json_array_get(msgs, 0), "content")),
			    "Summarise for the CRM:\nAgent: Your refund was approved. Customer: Thank you.\nEnd.");
	json_decref(req);
}

static void test_retries_and_errors(void **state)
{
	struct speech_config c = config("flaky");
	struct speech_usage u;
	char err[256], *out;

	/* 503, 503, then an answer: two retries are enough */
	assert_int_equal(speech_summarize(&speech_backend_openai, &c, "x", NULL, &out, &u, err, sizeof(err)), 0);
	assert_int_equal(u.http_attempts, 3);
	free(out);

	c = config("busy");
	c.retries = 1;
	assert_int_equal(speech_summarize(&speech_backend_openai, &c, "x", NULL, &out, &u, err, sizeof(err)), EPROTO);
	assert_int_equal(u.http_attempts, 2);
	assert_non_null(strstr(err, "HTTP 429"));
	assert_non_null(strstr(err, "rate limited"));

	c = config("auth"); /* a 401 is not retried */
	assert_int_equal(speech_summarize(&speech_backend_openai, &c, "x", NULL, &out, &u, err, sizeof(err)), EPROTO);
	assert_int_equal(u.http_attempts, 1);
	assert_non_null(strstr(err, "HTTP 401"));
	assert_non_null(strstr(err, "invalid api key"));

	c = config("slow");
	c.timeout_ms = 300;
	c.retries = 0;
	assert_int_equal(speech_summarize(&speech_backend_openai, &c, "x", NULL, &out, &u, err, sizeof(err)), ETIMEDOUT);

	c = config("garbage");
	struct asr_result r;
	assert_int_equal(speech_transcribe_file(&speech_backend_openai, &c, wav_path, &r, &u, err, sizeof(err)), EBADMSG);
	asr_result_free(&r);
}

static void test_unreachable_and_unsupported(void **state)
{
	struct speech_config c = {.base_url = "http://127.0.0.1:1", .retries = 1, .backoff_ms = 1};
	struct speech_usage u;
	struct speech_tts_req tts = {"hi", {"en", false, 0, 0, NULL, NULL}, 8000, "/tmp/x.wav"};
	char err[256], *out;

	assert_int_equal(speech_summarize(&speech_backend_openai, &c, "x", NULL, &out, &u, err, sizeof(err)), ECONNREFUSED);
	assert_int_equal(u.http_attempts, 2);
	c.base_url = NULL;
	assert_int_equal(speech_summarize(&speech_backend_openai, &c, "x", NULL, &out, &u, err, sizeof(err)), EINVAL);
	assert_int_equal(speech_synthesize(&speech_backend_openai, &c, &tts, &u, err, sizeof(err)), ENOTSUP);
	assert_string_equal(err, "backend openai cannot synthesize");
	assert_ptr_equal(speech_backend_find("offline"), &speech_backend_offline);
	assert_null(speech_backend_find("nope"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_transcribe),
	    cmocka_unit_test(test_summarize),
	    cmocka_unit_test(test_retries_and_errors),
	    cmocka_unit_test(test_unreachable_and_unsupported),
	};
	return cmocka_run_group_tests(tests, start_mock, stop_mock);
}
