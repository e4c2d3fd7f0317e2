/* Yandex SpeechKit backend against a fake SpeechKit (yandex_mock.py) that checks each request's
 * shape as the service does: headers, query, form and body; answers, retries, errors. */
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
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "speech/speech.h"

#define KEY    "AQVNtest-key"
#define FOLDER "b1gtestfolder"

static pid_t mock_pid;
static char dir[] = "/tmp/zv-yandex-XXXXXX";
static char log_path[300], wav8[300], wav44[300], wav_long[300], out_path[300], base[128];

/* s seconds of a 440 Hz tone at rate, peak 8000. */
static void tone_file(const char *path, unsigned rate, double s)
{
	size_t n = (size_t)(s * rate);
	struct audio a = {calloc(n, sizeof(int16_t)), n, rate};
	char err[256];

	for (size_t i = 0; i < n; i++)
		a.pcm[i] = (int16_t)lrint(8000 * sin(2 * M_PI * 440 * (double)i / rate));
	a.pcm[n / 2] = 8000; /* the peak exactly, whatever the phase */
	assert_int_equal(audio_write_wav(path, &a, err, sizeof(err)), 0);
	audio_free(&a);
}

static int start_mock(void **state)
{
	int fds[2];
	char line[32] = "";

	assert_non_null(mkdtemp(dir));
	snprintf(log_path, sizeof(log_path), "%s/requests.log", dir);
	snprintf(wav8, sizeof(wav8), "%s/call8.wav", dir);
	snprintf(wav44, sizeof(wav44), "%s/call44.wav", dir);
	snprintf(wav_long, sizeof(wav_long), "%s/long.wav", dir);
	snprintf(out_path, sizeof(out_path), "%s/tts.wav", dir);
	assert_int_equal(pipe(fds), 0);
	mock_pid = fork();
	if (mock_pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		execlp("python3", "python3", "tests/unit/speech/yandex_mock.py", log_path, KEY,
		       FOLDER, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	FILE *f = fdopen(fds[0], "r");
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	snprintf(base, sizeof(base), "http://127.0.0.1:%d", atoi(line));
	tone_file(wav8, 8000, 1.0);
	tone_file(wav44, 44100, 1.0);
	tone_file(wav_long, 8000, 31.0);
	return 0;
}

static int stop_mock(void **state)
{
	kill(mock_pid, SIGTERM);
	waitpid(mock_pid, NULL, 0);
	unlink(log_path);
	unlink(wav8);
	unlink(wav44);
	unlink(wav_long);
	unlink(out_path);
	rmdir(dir);
	return 0;
}

static int requests(void)
{
	char line[65536];
	int n = 0;
	FILE *f = fopen(log_path, "r");

	while (f && fgets(line, sizeof(line), f))
		n++;
	if (f)
		fclose(f);
	return n;
}

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

static const char *get(json_t *req, const char *part, const char *name)
{
	const char *v = json_string_value(json_object_get(json_object_get(req, part), name));
	return v ? v : "(none)";
}

static struct speech_config config(const char *mode)
{
	static char url[160];

	snprintf(url, sizeof(url), "%s/%s", base, mode);
	return (struct speech_config){.base_url = url,
				      .api_key = KEY,
				      .folder_id = FOLDER,
				      .timeout_ms = 5000,
				      .retries = 2,
				      .backoff_ms = 10};
}

static void test_recognize(void **state)
{
	struct speech_config c = config("ok");
	struct asr_result r;
	struct speech_usage u;
	char err[256];

	assert_int_equal(
	    speech_transcribe_file(&speech_backend_yandex, &c, wav8, &r, &u, err, sizeof(err)), 0);
	assert_string_equal(r.text, "heard 8000 samples at 8000 Hz peak 8000");
	assert_true(fabs(u.recognized_seconds - 1.0) < 1e-9);
	assert_int_equal(u.http_attempts, 1);
	assert_string_equal(u.backend, "yandex");
	asr_result_free(&r);
	json_t *req = last_request();
	assert_string_equal(json_string_value(json_object_get(req, "path")),
			    "/ok/speech/v1/stt:recognize");
	assert_string_equal(get(req, "headers", "Authorization"), "Api-Key " KEY);
	assert_string_equal(get(req, "query", "lang"), "ru-RU");
	assert_string_equal(get(req, "query", "topic"), "general");
	assert_string_equal(get(req, "query", "format"), "lpcm");
	assert_string_equal(get(req, "query", "sampleRateHertz"), "8000");
	assert_string_equal(get(req, "query", "folderId"), FOLDER);
	assert_int_equal(json_integer_value(json_object_get(req, "size")), 16000);
	json_decref(req);

	/* 44.1 kHz goes as 16 kHz; "en" as en-US */
	c.language = "en";
	assert_int_equal(
	    speech_transcribe_file(&speech_backend_yandex, &c, wav44, &r, &u, err, sizeof(err)), 0);
	assert_non_null(strstr(r.text, "heard 16000 samples at 16000 Hz"));
	asr_result_free(&r);
	req = last_request();
	assert_string_equal(get(req, "query", "lang"), "en-US");
	json_decref(req);

	/* over 30 s: refused before anything is sent */
	int before = requests();
	assert_int_equal(
	    speech_transcribe_file(&speech_backend_yandex, &c, wav_long, &r, &u, err, sizeof(err)),
	    EOVERFLOW);
	assert_non_null(strstr(err, "at most 30 s"));
	assert_int_equal(requests(), before);
	assert_int_equal(u.http_attempts, 0);
}

static void test_synthesize(void **state)
{
	struct speech_config c = config("ok");
	struct speech_tts_req req = {"Привет, мир", {"ru", true, 0, 0, NULL, NULL}, 8000, out_path};
	struct speech_usage u;
	struct audio a;
	char err[256];

	assert_int_equal(speech_synthesize(&speech_backend_yandex, &c, &req, &u, err, sizeof(err)),
			 0);
	assert_int_equal(u.synthesized_chars, 11);
	assert_true(fabs(u.synthesized_seconds - 0.66) < 1e-9); /* 60 ms per character */
	assert_int_equal(audio_read(out_path, &a, err, sizeof(err)), 0);
	assert_int_equal(a.rate, 8000);
	assert_int_equal(a.n, 5280);
	audio_free(&a);
	json_t *r = last_request();
	assert_string_equal(json_string_value(json_object_get(r, "path")),
			    "/ok/speech/v1/tts:synthesize");
	assert_string_equal(get(r, "headers", "Authorization"), "Api-Key " KEY);
	assert_string_equal(get(r, "headers", "Content-Type"), "application/x-www-form-urlencoded");
	assert_string_equal(get(r, "form", "text"), "Привет, мир");
	assert_string_equal(get(r, "form", "lang"), "ru-RU");
	assert_string_equal(get(r, "form", "voice"), "alena");
	assert_string_equal(get(r, "form", "format"), "lpcm");
	assert_string_equal(get(r, "form", "sampleRateHertz"), "8000");
	assert_string_equal(get(r, "form", "folderId"), FOLDER);
	json_decref(r);

	req = (struct speech_tts_req){
	    "Your order & 2 = ready?", {"en", false, 0, 0, NULL, NULL}, 16000, out_path};
	assert_int_equal(speech_synthesize(&speech_backend_yandex, &c, &req, &u, err, sizeof(err)),
			 0);
	r = last_request();
	assert_string_equal(get(r, "form", "text"), "Your order & 2 = ready?");
	assert_string_equal(get(r, "form", "lang"), "en-US");
	assert_string_equal(get(r, "form", "voice"), "john");
	assert_string_equal(get(r, "form", "sampleRateHertz"), "16000");
	json_decref(r);

	c.voice = "robot"; /* the service refuses it, and says why */
	assert_int_equal(speech_synthesize(&speech_backend_yandex, &c, &req, &u, err, sizeof(err)),
			 EPROTO);
	assert_non_null(strstr(err, "HTTP 400"));
	assert_non_null(strstr(err, "unknown voice 'robot'"));
}

static void test_errors(void **state)
{
	struct speech_config c = config("ok");
	struct asr_result r;
	struct speech_usage u;
	char err[256];

	c.api_key = "wrong"; /* 401 is final */
	assert_int_equal(
	    speech_transcribe_file(&speech_backend_yandex, &c, wav8, &r, &u, err, sizeof(err)),
	    EPROTO);
	assert_int_equal(u.http_attempts, 1);
	assert_non_null(strstr(err, "HTTP 401"));
	assert_non_null(strstr(err, "The token is invalid"));
	c = config("ok");
	c.folder_id = "b1gother";
	assert_int_equal(
	    speech_transcribe_file(&speech_backend_yandex, &c, wav8, &r, &u, err, sizeof(err)),
	    EPROTO);
	assert_non_null(strstr(err, "folderId"));

	c = config("flaky"); /* 500, 500, then the answer */
	assert_int_equal(
	    speech_transcribe_file(&speech_backend_yandex, &c, wav8, &r, &u, err, sizeof(err)), 0);
	assert_int_equal(u.http_attempts, 3);
	asr_result_free(&r);
	c = config("busy");
	c.retries = 1;
	assert_int_equal(
	    speech_transcribe_file(&speech_backend_yandex, &c, wav8, &r, &u, err, sizeof(err)),
	    EPROTO);
	assert_int_equal(u.http_attempts, 2);
	assert_non_null(strstr(err, "HTTP 429"));
	assert_non_null(strstr(err, "quota exceeded"));
	c = config("slow");
	c.timeout_ms = 300;
	c.retries = 0;
	assert_int_equal(
	    speech_transcribe_file(&speech_backend_yandex, &c, wav8, &r, &u, err, sizeof(err)),
	    ETIMEDOUT);
	c = config("garbage");
	assert_int_equal(
	    speech_transcribe_file(&speech_backend_yandex, &c, wav8, &r, &u, err, sizeof(err)),
	    EBADMSG);
	struct speech_tts_req req = {"x", {"ru", true, 0, 0, NULL, NULL}, 8000, out_path};
	assert_int_equal(speech_synthesize(&speech_backend_yandex, &c, &req, &u, err, sizeof(err)),
			 EBADMSG); /* 21 bytes of HTML are not 16-bit PCM */
	c = (struct speech_config){.base_url = "http://127.0.0.1:1", .retries = 1, .backoff_ms = 1};
	assert_int_equal(
	    speech_transcribe_file(&speech_backend_yandex, &c, wav8, &r, &u, err, sizeof(err)),
	    ECONNREFUSED);
	assert_int_equal(u.http_attempts, 2);
	c.base_url = "ftp://example.org";
	assert_int_equal(
	    speech_transcribe_file(&speech_backend_yandex, &c, wav8, &r, &u, err, sizeof(err)),
	    EINVAL);
	char *out;
	assert_int_equal(
	    speech_summarize(&speech_backend_yandex, &c, "x", NULL, &out, &u, err, sizeof(err)),
	    ENOTSUP);
	assert_ptr_equal(speech_backend_find("yandex"), &speech_backend_yandex);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_recognize),
	    cmocka_unit_test(test_synthesize),
	    cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, start_mock, stop_mock);
}
