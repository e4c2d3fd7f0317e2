/* libFuzzer harness: scenario documents through validation, dump/reload, and a scripted run. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int ok(void *host, const char *s)
{
	return 0;
}

static int collect(void *host, const struct scenario_collect *c)
{
	return 0;
}

static int dial(void *host, const struct scenario_dial *d)
{
	return 0;
}

static int record(void *host, const struct scenario_record *r)
{
	return 0;
}

static int http(void *host, const struct scenario_http *r)
{
	return 0;
}

static void hangup(void *host, const char *cause)
{
}

static int64_t now(void *host)
{
	return 1796194800; /* 2026-12-02T07:00:00Z */
}

static bool list_contains(void *host, const char *list, const char *number)
{
	return number[0] == '+';
}

static const struct scenario_host_ops ops = {
	.play = ok, .say = ok, .collect = collect, .dial = dial, .voicemail = ok,
	.record = record, .http_request = http, .transfer = ok, .hangup = hangup,
	.now = now, .list_contains = list_contains,
};

/* Answers whatever is pending, cycling through kinds of answers, until the run ends. */
static void run(const struct scenario *s, unsigned seed)
{
	static const char *const digits[] = { "1", "2", "12#", "*", "9999999", "" };
	static const char *const bodies[] = { "{\"branch\":\"vip\",\"set\":{\"a\":\"b\",\"n\":1}}",
					      "not json", "{\"set\":[1]}", NULL };
	struct scenario_engine *e;

	if (scenario_engine_new(&e, s, &ops, NULL))
		abort();
	scenario_engine_set_var(e, "caller", "+74951234567");
	scenario_engine_start(e);
	for (unsigned i = 0; i < 3000 && scenario_engine_state(e) == SCENARIO_WAITING; i++) {
		unsigned k = seed + i;
		struct scenario_event ev = { .type = SCENARIO_EV_DONE, .value = "file.wav" };
		const char *w = scenario_engine_waiting(e);
		if (strcmp(w, "collect") == 0) {
			ev.type = k % 7 == 0 ? SCENARIO_EV_TIMEOUT : SCENARIO_EV_DIGITS;
			ev.value = digits[k % 6];
		} else if (strcmp(w, "dial") == 0) {
			ev.type = SCENARIO_EV_DIAL;
			ev.dial_result = (enum scenario_dial_result)(k % 4);
		} else if (strcmp(w, "http") == 0) {
			ev.type = k % 5 == 0 ? SCENARIO_EV_FAILED : SCENARIO_EV_HTTP;
			ev.status = k % 3 ? 200 : 503;
			ev.value = bodies[k % 4];
		}
		if (scenario_engine_feed(e, &ev))
			abort(); /* the answer of the pending kind is always accepted */
	}
	if (scenario_engine_state(e) == SCENARIO_WAITING)
		abort(); /* the step budget ends every run */
	scenario_engine_destroy(e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scenario_errors errs;
	struct scenario *s, *again;

	if (scenario_load(&s, (const char *)data, size, &errs) != 0)
		return 0;
	char *text = scenario_dump(s);
	if (scenario_load(&again, text, strlen(text), &errs) != 0)
		abort(); /* what validated once validates again */
	free(text);
	scenario_destroy(again);
	run(s, size > 0 ? data[0] : 0);
	scenario_destroy(s);
	return 0;
}
