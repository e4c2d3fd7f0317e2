/* The runtime: menus, collects, dial branches, webhooks, variables and the step budget. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "host.h"
#include "scenario/scenario.h"

struct run {
	struct scenario *s;
	struct scenario_engine *e;
	struct test_host h;
};

static struct run *start(const char *json)
{
	struct run *r = calloc(1, sizeof(*r));
	struct scenario_errors errs;

	if (scenario_load(&r->s, json, strlen(json), &errs))
		fail_msg("invalid scenario: step '%s' field '%s': %s", errs.e[0].step,
			 errs.e[0].field, errs.e[0].msg);
	assert_int_equal(scenario_engine_new(&r->e, r->s, &test_host_ops, &r->h), 0);
	assert_int_equal(scenario_engine_set_var(r->e, "caller", "+79161234567"), 0);
	assert_int_equal(scenario_engine_set_var(r->e, "did", "5551000"), 0);
	assert_int_equal(scenario_engine_start(r->e), 0);
	return r;
}

static void finish(struct run *r)
{
	scenario_engine_destroy(r->e);
	scenario_destroy(r->s);
	free(r);
}

static int feed(struct run *r, enum scenario_event_type t, const char *value)
{
	struct scenario_event ev = { .type = t, .value = value };
	return scenario_engine_feed(r->e, &ev);
}

static int feed_dial(struct run *r, enum scenario_dial_result res)
{
	struct scenario_event ev = { .type = SCENARIO_EV_DIAL, .dial_result = res };
	return scenario_engine_feed(r->e, &ev);
}

static int feed_http(struct run *r, int status, const char *body)
{
	struct scenario_event ev = { .type = SCENARIO_EV_HTTP, .status = status, .value = body };
	return scenario_engine_feed(r->e, &ev);
}

static const char *menu_json =
	"{\"name\":\"ivr\",\"start\":\"menu\",\"steps\":{"
	"\"menu\":{\"type\":\"menu\",\"prompt\":\"main\",\"timeout\":4,\"retries\":2,\"next\":{"
	"\"1\":\"sales\",\"2\":\"support\",\"invalid\":\"sorry\",\"exhausted\":\"bye\"}},"
	"\"sorry\":{\"type\":\"play\",\"prompt\":\"sorry\",\"next\":\"menu\"},"
	"\"sales\":{\"type\":\"play\",\"prompt\":\"sales\"},"
	"\"support\":{\"type\":\"play\",\"prompt\":\"support\"},"
	"\"bye\":{\"type\":\"hangup\",\"cause\":\"normal\"}}}";

static void test_menu_choice(void **state)
{
	struct run *r = start(menu_json);

	assert_int_equal(scenario_engine_state(r->e), SCENARIO_WAITING);
	assert_string_equal(scenario_engine_waiting(r->e), "collect");
	assert_string_equal(scenario_engine_step(r->e), "menu");
	assert_string_equal(r->h.log, "collect:main/1-1/-/4;");
	/* an answer of the wrong kind is refused and changes nothing */
	assert_int_equal(feed_dial(r, SCENARIO_DIAL_BUSY), EPROTO);
	assert_int_equal(feed(r, SCENARIO_EV_DONE, NULL), EPROTO);
	assert_int_equal(feed(r, SCENARIO_EV_DIGITS, "2"), 0);
	assert_string_equal(scenario_engine_step(r->e), "support");
	assert_int_equal(feed(r, SCENARIO_EV_DONE, NULL), 0);
	assert_int_equal(scenario_engine_state(r->e), SCENARIO_ENDED);
	assert_string_equal(r->h.log, "collect:main/1-1/-/4;play:support;hangup:normal;");
	assert_int_equal(feed(r, SCENARIO_EV_DONE, NULL), EPROTO); /* over */
	finish(r);
}

static void test_menu_retries(void **state)
{
	struct run *r = start(menu_json);

	/* timeout: repeat (no "timeout" exit); a wrong key: the "sorry" branch, still counted */
	assert_int_equal(feed(r, SCENARIO_EV_TIMEOUT, NULL), 0);
	assert_string_equal(scenario_engine_step(r->e), "menu");
	assert_int_equal(feed(r, SCENARIO_EV_DIGITS, "9"), 0);
	assert_string_equal(scenario_engine_step(r->e), "sorry");
	assert_int_equal(feed(r, SCENARIO_EV_DONE, NULL), 0);
	assert_string_equal(scenario_engine_step(r->e), "menu");
	/* the third failure is past retries=2: "exhausted" */
	assert_int_equal(feed(r, SCENARIO_EV_TIMEOUT, NULL), 0);
	assert_int_equal(scenario_engine_state(r->e), SCENARIO_ENDED);
	assert_string_equal(r->h.log, "collect:main/1-1/-/4;collect:main/1-1/-/4;play:sorry;"
				      "collect:main/1-1/-/4;hangup:normal;");
	finish(r);

	/* a good choice resets the count */
	r = start("{\"name\":\"m\",\"start\":\"m\",\"steps\":{\"m\":{\"type\":\"menu\","
		  "\"prompt\":\"p\",\"retries\":1,\"next\":{\"1\":\"again\",\"exhausted\":\"x\"}},"
		  "\"again\":{\"type\":\"play\",\"prompt\":\"ok\",\"next\":\"m\"},"
		  "\"x\":{\"type\":\"hangup\",\"cause\":\"busy\"}}}");
	assert_int_equal(feed(r, SCENARIO_EV_TIMEOUT, NULL), 0);
	assert_int_equal(feed(r, SCENARIO_EV_DIGITS, "1"), 0);
	assert_int_equal(feed(r, SCENARIO_EV_DONE, NULL), 0);
	assert_int_equal(feed(r, SCENARIO_EV_TIMEOUT, NULL), 0);
	assert_string_equal(scenario_engine_step(r->e), "m"); /* one retry left again */
	assert_int_equal(feed(r, SCENARIO_EV_DIGITS, "#"), 0);
	assert_int_equal(scenario_engine_state(r->e), SCENARIO_ENDED);
	assert_non_null(strstr(r->h.log, "hangup:busy;"));
	finish(r);
}

static void test_collect(void **state)
{
	const char *json =
		"{\"name\":\"c\",\"start\":\"acct\",\"steps\":{\"acct\":{\"type\":\"collect\","
		"\"prompt\":\"enter\",\"var\":\"account\",\"min\":3,\"max\":5,\"terminator\":\"#\","
		"\"timeout\":7,\"retries\":1,\"next\":{\"ok\":\"say\",\"invalid\":\"bad\","
		"\"exhausted\":\"out\"}},\"bad\":{\"type\":\"play\",\"prompt\":\"bad\",\"next\":"
		"\"acct\"},\"say\":{\"type\":\"play\",\"prompt\":\"acct-${account}\"},"
		"\"out\":{\"type\":\"hangup\"}}}";
	struct run *r = start(json);

	assert_string_equal(r->h.log, "collect:enter/3-5/#/7;");
	assert_int_equal(feed(r, SCENARIO_EV_DIGITS, "12#"), 0); /* too short */
	assert_string_equal(scenario_engine_step(r->e), "bad");
	assert_int_equal(feed(r, SCENARIO_EV_DONE, NULL), 0);
	assert_int_equal(feed(r, SCENARIO_EV_DIGITS, "4711#"), 0);
	assert_string_equal(scenario_engine_var(r->e, "account"), "4711");
	assert_string_equal(scenario_engine_step(r->e), "say");
	assert_non_null(strstr(r->h.log, "play:acct-4711;"));
	finish(r);

	r = start(json);
	assert_int_equal(feed(r, SCENARIO_EV_DIGITS, "123456"), 0); /* too long */
	assert_int_equal(feed(r, SCENARIO_EV_DONE, NULL), 0);
	assert_int_equal(feed(r, SCENARIO_EV_TIMEOUT, NULL), 0); /* second failure > retries */
	assert_int_equal(scenario_engine_state(r->e), SCENARIO_ENDED);
	assert_null(scenario_engine_var(r->e, "account"));
	finish(r);
}

static const char *dial_json =
	"{\"name\":\"d\",\"start\":\"d\",\"steps\":{\"d\":{\"type\":\"dial\",\"strategy\":"
	"\"sequential\",\"timeout\":15,\"targets\":[{\"extension\":\"101\"},{\"number\":"
	"\"+7495${did}\"}],\"next\":{\"busy\":\"vm\",\"no_answer\":\"na\",\"answered\":\"survey\"}},"
	"\"vm\":{\"type\":\"voicemail\",\"mailbox\":\"101\"},"
	"\"na\":{\"type\":\"play\",\"prompt\":\"nobody\"},"
	"\"survey\":{\"type\":\"play\",\"prompt\":\"survey\"}}}";

static void test_dial_branches(void **state)
{
	static const struct {
		enum scenario_dial_result res;
		const char *log;
	} cases[] = {
		{ SCENARIO_DIAL_BUSY, "voicemail:101;hangup:normal;" },
		{ SCENARIO_DIAL_NO_ANSWER, "play:nobody;hangup:normal;" },
		{ SCENARIO_DIAL_ANSWERED, "play:survey;hangup:normal;" },
		{ SCENARIO_DIAL_FAILED, "hangup:unavailable;" }, /* no "failed" exit */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct run *r = start(dial_json);
		const char *prefix = "dial:ext 101,num +74955551000,/sequential/15;";
		assert_string_equal(scenario_engine_waiting(r->e), "dial");
		assert_int_equal(feed_dial(r, cases[i].res), 0);
		while (scenario_engine_state(r->e) == SCENARIO_WAITING)
			assert_int_equal(feed(r, SCENARIO_EV_DONE, NULL), 0);
		assert_int_equal(strncmp(r->h.log, prefix, strlen(prefix)), 0);
		assert_string_equal(r->h.log + strlen(prefix), cases[i].log);
		finish(r);
	}
}

static const char *hook_json =
	"{\"name\":\"w\",\"start\":\"w\",\"steps\":{\"w\":{\"type\":\"webhook\",\"url\":"
	"\"https://crm.example/l?n=${caller}\",\"method\":\"POST\",\"body\":{\"did\":\"${did}\"},"
	"\"timeout\":3,\"next\":{\"ok\":\"ok\",\"vip\":\"vip\",\"error\":\"fallback\"}},"
	"\"ok\":{\"type\":\"play\",\"prompt\":\"hello-${webhook.name}\"},"
	"\"vip\":{\"type\":\"transfer\",\"target\":\"${webhook.agent}\"},"
	"\"fallback\":{\"type\":\"play\",\"prompt\":\"fallback\"}}}";

static void test_webhook(void **state)
{
	struct run *r = start(hook_json);

	assert_string_equal(r->h.log,
			    "http:POST https://crm.example/l?n=%2B79161234567 {\"did\":\"5551000\"};");
	assert_string_equal(scenario_engine_waiting(r->e), "http");
	assert_int_equal(feed_http(r, 200, "{\"set\":{\"name\":\"ivan\",\"score\":7}}"), 0);
	assert_string_equal(scenario_engine_var(r->e, "webhook.name"), "ivan");
	assert_string_equal(scenario_engine_var(r->e, "webhook.score"), "7");
	assert_string_equal(scenario_engine_var(r->e, "webhook.status"), "200");
	assert_non_null(strstr(r->h.log, "play:hello-ivan;"));
	finish(r);

	r = start(hook_json); /* the answer chooses a branch */
	assert_int_equal(feed_http(r, 200, "{\"branch\":\"vip\",\"set\":{\"agent\":\"305\"}}"), 0);
	assert_non_null(strstr(r->h.log, "transfer:305;"));
	assert_int_equal(feed(r, SCENARIO_EV_DONE, NULL), 0);
	assert_int_equal(scenario_engine_state(r->e), SCENARIO_ENDED);
	assert_string_equal(scenario_engine_reason(r->e), "handed off");
	assert_int_equal(r->h.hangups, 0); /* transferred, not hung up */
	finish(r);

	/* every failure takes the fallback: timeout, 500, not JSON, unknown branch is "ok" */
	static const struct {
		int status;
		const char *body;
		const char *prompt;
	} cases[] = {
		{ 0, NULL, "play:fallback;" },
		{ 500, "{\"set\":{\"name\":\"x\"}}", "play:fallback;" },
		{ 200, "<html>", "play:fallback;" },
		{ 200, "[1,2]", "play:fallback;" },
		{ 200, "{\"branch\":\"error\"}", "play:hello-;" },
		{ 200, "{\"branch\":\"nowhere\"}", "play:hello-;" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		r = start(hook_json);
		if (cases[i].status == 0)
			assert_int_equal(feed(r, SCENARIO_EV_FAILED, NULL), 0);
		else
			assert_int_equal(feed_http(r, cases[i].status, cases[i].body), 0);
		assert_non_null(strstr(r->h.log, cases[i].prompt));
		finish(r);
	}
}

static void test_variables(void **state)
{
	struct run *r = start(
		"{\"name\":\"v\",\"start\":\"s\",\"steps\":{\"s\":{\"type\":\"set\",\"vars\":{"
		"\"greeting\":\"hi ${caller} on ${did}${missing}!\",\"lang\":\"ru\"},\"next\":\"c\"},"
		"\"c\":{\"type\":\"condition\",\"test\":{\"all\":[{\"var\":{\"name\":\"lang\",\"op\":"
		"\"eq\",\"value\":\"ru\"}},{\"caller\":[\"_+7916XXXXXXX\"]},{\"not\":{\"var\":{"
		"\"name\":\"missing\",\"op\":\"set\"}}}]},\"next\":{\"true\":\"p\",\"false\":\"q\"}},"
		"\"p\":{\"type\":\"say\",\"text\":\"${greeting} ${\"},"
		"\"q\":{\"type\":\"hangup\"}}}");

	assert_string_equal(scenario_engine_var(r->e, "greeting"), "hi +79161234567 on 5551000!");
	assert_string_equal(r->h.log, "say:hi +79161234567 on 5551000! ${;");
	finish(r);

	/* a caller's value is never expanded again */

	struct scenario *s;
	struct scenario_engine *e;
	struct test_host h = { 0 };
	const char *j = "{\"name\":\"v\",\"start\":\"p\",\"steps\":{\"p\":{\"type\":\"play\","
			"\"prompt\":\"x-${caller}\"}}}";
	assert_int_equal(scenario_load(&s, j, strlen(j), NULL), 0);
	assert_int_equal(scenario_engine_new(&e, s, &test_host_ops, &h), 0);
	assert_int_equal(scenario_engine_set_var(e, "caller", "${did}"), 0);
	assert_int_equal(scenario_engine_set_var(e, "did", "7"), 0);
	assert_int_equal(scenario_engine_set_var(e, "bad name", "7"), EINVAL);
	assert_int_equal(scenario_engine_start(e), 0);
	assert_string_equal(h.log, "play:x-${did};");
	assert_int_equal(scenario_engine_start(e), EPROTO); /* once */
	scenario_engine_destroy(e);
	scenario_destroy(s);
}

static void test_list_and_say(void **state)
{
	const char *json =
		"{\"name\":\"l\",\"start\":\"c\",\"steps\":{\"c\":{\"type\":\"condition\",\"test\":"
		"{\"list\":\"vip\"},\"next\":{\"true\":\"v\",\"false\":\"n\"}},"
		"\"v\":{\"type\":\"say\",\"text\":\"welcome back\",\"next\":\"n\"},"
		"\"n\":{\"type\":\"record\",\"var\":\"msg\",\"max_seconds\":30}}}";
	struct scenario *s;
	struct scenario_engine *e;
	struct test_host h = { .list_name = "vip", .list_number = "+7916*", .no_tts = true };

	assert_int_equal(scenario_load(&s, json, strlen(json), NULL), 0);
	assert_int_equal(scenario_engine_new(&e, s, &test_host_ops, &h), 0);
	scenario_engine_set_var(e, "caller", "+79160000000");
	assert_int_equal(scenario_engine_start(e), 0);
	/* no TTS: "say" is not available and the scenario goes on */
	assert_string_equal(h.log, "say:welcome back;record;");
	struct scenario_event ev = { .type = SCENARIO_EV_DONE, .value = "/rec/1.wav" };
	assert_int_equal(scenario_engine_feed(e, &ev), 0);
	assert_string_equal(scenario_engine_var(e, "msg"), "/rec/1.wav");
	scenario_engine_destroy(e);

	memset(&h, 0, sizeof(h));
	assert_int_equal(scenario_engine_new(&e, s, &test_host_ops, &h), 0);
	scenario_engine_set_var(e, "caller", "+79160000000");
	assert_int_equal(scenario_engine_start(e), 0);
	assert_string_equal(h.log, "record;"); /* no list: false */
	ev.type = SCENARIO_EV_HANGUP;
	assert_int_equal(scenario_engine_feed(e, &ev), 0);
	assert_int_equal(scenario_engine_state(e), SCENARIO_ENDED);
	assert_string_equal(scenario_engine_reason(e), "caller hung up");
	assert_int_equal(h.hangups, 0);
	scenario_engine_destroy(e);
	scenario_destroy(s);
}

static void test_step_budget(void **state)
{
	struct run *r = start("{\"name\":\"b\",\"start\":\"p\",\"steps\":{\"p\":{\"type\":\"play\","
			      "\"prompt\":\"loop\",\"next\":\"s\"},\"s\":{\"type\":\"set\",\"vars\":{"
			      "\"x\":\"${x}1\"},\"next\":\"p\"}}}");
	int fed = 0;

	while (scenario_engine_state(r->e) == SCENARIO_WAITING && fed < 10000) {
		assert_int_equal(feed(r, SCENARIO_EV_DONE, NULL), 0);
		fed++;
	}
	assert_int_equal(scenario_engine_state(r->e), SCENARIO_FAILED);
	assert_string_equal(scenario_engine_reason(r->e), "budget");
	assert_int_equal(scenario_engine_steps_run(r->e), SCENARIO_STEP_BUDGET + 1);
	assert_int_equal(fed, SCENARIO_STEP_BUDGET / 2);
	assert_non_null(strstr(r->h.log, "hangup:error;"));
	assert_int_equal(r->h.hangups, 1);
	/* the variable grew but stayed capped */
	assert_true(strlen(scenario_engine_var(r->e, "x")) <= SCENARIO_MAX_STRING);
	finish(r);
}

static struct scenario_engine *reentrant_engine;
static int reentrant_rc;

static int play_and_feed(void *host, const char *prompt)
{
	struct scenario_event ev = { .type = SCENARIO_EV_FAILED };
	reentrant_rc = scenario_engine_feed(reentrant_engine, &ev);
	return 0;
}

static void test_no_feed_from_inside(void **state)
{
	const char *j = "{\"name\":\"r\",\"start\":\"p\",\"steps\":{\"p\":{\"type\":\"play\","
			"\"prompt\":\"x\"}}}";
	struct scenario_host_ops ops = test_host_ops;
	struct test_host h = { 0 };
	struct scenario *s;

	ops.play = play_and_feed;
	assert_int_equal(scenario_load(&s, j, strlen(j), NULL), 0);
	assert_int_equal(scenario_engine_new(&reentrant_engine, s, &ops, &h), 0);
	assert_int_equal(scenario_engine_start(reentrant_engine), 0);
	assert_int_equal(reentrant_rc, EPROTO);
	assert_int_equal(scenario_engine_state(reentrant_engine), SCENARIO_WAITING);
	struct scenario_event ev = { .type = SCENARIO_EV_DONE };
	assert_int_equal(scenario_engine_feed(reentrant_engine, &ev), 0); /* from the loop: fine */
	assert_int_equal(scenario_engine_state(reentrant_engine), SCENARIO_ENDED);
	scenario_engine_destroy(reentrant_engine);
	scenario_destroy(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_menu_choice),  cmocka_unit_test(test_menu_retries),
		cmocka_unit_test(test_collect),	     cmocka_unit_test(test_dial_branches),
		cmocka_unit_test(test_webhook),	     cmocka_unit_test(test_variables),
		cmocka_unit_test(test_list_and_say), cmocka_unit_test(test_step_budget),
		cmocka_unit_test(test_no_feed_from_inside),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
