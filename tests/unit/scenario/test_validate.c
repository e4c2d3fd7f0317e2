/* Validation of scenario documents: every error class names its step and field. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scenario/scenario.h"

/* A document with the given steps object and start "a". */
static char *doc(const char *steps)
{
	static char buf[400000];
	snprintf(buf, sizeof(buf), "{\"name\":\"t\",\"version\":1,\"start\":\"a\",\"steps\":%s}",
		 steps);
	return buf;
}

static void expect_error(const char *json, const char *step, const char *field, const char *msg)
{
	struct scenario_errors errs;
	struct scenario *s = NULL;
	char line[512];

	assert_int_equal(scenario_load(&s, json, strlen(json), &errs), EBADMSG);
	assert_null(s);
	for (size_t i = 0; i < errs.n; i++) {
		const struct scenario_error *e = &errs.e[i];
		if (strcmp(e->step, step) == 0 && strcmp(e->field, field) == 0 &&
		    strstr(e->msg, msg))
			return;
	}
	for (size_t i = 0; i < errs.n; i++) {
		scenario_error_format(&errs.e[i], line, sizeof(line));
		fprintf(stderr, "  got: %s\n", line);
	}
	fail_msg("no error step '%s' field '%s' with '%s'", step, field, msg);
}

static void expect_ok(const char *json)
{
	struct scenario_errors errs;
	struct scenario *s = NULL;
	char line[512];
	int rc = scenario_load(&s, json, strlen(json), &errs);

	for (size_t i = 0; rc && i < errs.n; i++) {
		scenario_error_format(&errs.e[i], line, sizeof(line));
		fprintf(stderr, "  error: %s\n", line);
	}
	assert_int_equal(rc, 0);
	scenario_destroy(s);
}

static void test_document(void **state)
{
	expect_error("{\"name\": ", "", "", "not JSON");
	expect_error("[1]", "", "", "not a JSON object");
	expect_error("{\"name\":\"t\",\"start\":\"a\",\"steps\":{\"a\":{\"type\":\"hangup\"}},"
		     "\"name\":\"u\"}", "", "", "not JSON");
	expect_error("{\"start\":\"a\",\"steps\":{\"a\":{\"type\":\"hangup\"}}}", "", "name",
		     "required");
	expect_error("{\"name\":\"t\",\"start\":\"b\",\"steps\":{\"a\":{\"type\":\"hangup\"}}}", "",
		     "start", "no step 'b'");
	expect_error("{\"name\":\"t\",\"start\":\"a\",\"steps\":{}}", "", "steps", "required");
	expect_error("{\"name\":\"t\",\"start\":\"a\",\"steps\":{\"a\":{\"type\":\"hangup\"}},"
		     "\"colour\":1}", "", "colour", "unknown field");
	expect_error("{\"name\":\"t\",\"version\":0,\"start\":\"a\",\"steps\":{\"a\":{\"type\":"
		     "\"hangup\"}}}", "", "version", "integer");
	expect_ok(doc("{\"a\":{\"type\":\"hangup\"}}"));
}

static void test_types_and_fields(void **state)
{
	expect_error(doc("{\"a\":{\"type\":\"dance\"}}"), "a", "type", "unknown step type 'dance'");
	expect_error(doc("{\"a\":{\"prompt\":\"x\"}}"), "a", "type", "missing required");
	expect_error(doc("{\"a\":{\"type\":\"play\"}}"), "a", "prompt", "missing required field");
	expect_error(doc("{\"a\":{\"type\":\"play\",\"prompt\":5}}"), "a", "prompt", "wrong type");
	expect_error(doc("{\"a\":{\"type\":\"menu\",\"prompt\":\"m\",\"timeout\":\"5\","
			 "\"next\":{\"1\":\"a\"}}}"),
		     "a", "timeout", "wrong type: an integer");
	expect_error(doc("{\"a\":{\"type\":\"play\",\"prompt\":\"x\",\"volume\":3}}"), "a",
		     "volume", "unknown field");
	expect_error(doc("{\"a\":{\"type\":\"menu\",\"prompt\":\"m\",\"next\":{\"timeout\":\"a\"}}}"),
		     "a", "next", "at least one choice");
	expect_error(doc("{\"a\":{\"type\":\"menu\",\"prompt\":\"m\",\"next\":{\"1\":\"a\","
			 "\"maybe\":\"a\"}}}"),
		     "a", "next.maybe", "no exit 'maybe'");
	expect_error(doc("{\"a\":{\"type\":\"collect\",\"var\":\"x\",\"min\":5,\"max\":2}}"), "a",
		     "min", "above max");
	expect_error(doc("{\"a\":{\"type\":\"collect\",\"var\":\"bad name\"}}"), "a", "var",
		     "variable name");
	expect_error(doc("{\"a\":{\"type\":\"dial\",\"targets\":[]}}"), "a", "targets", "1-32");
	expect_error(doc("{\"a\":{\"type\":\"dial\",\"targets\":[{\"phone\":\"1\"}]}}"), "a",
		     "targets[0]", "a target is");
	expect_error(doc("{\"a\":{\"type\":\"dial\",\"targets\":[{\"extension\":\"1\"}],"
			 "\"strategy\":\"random\"}}"),
		     "a", "strategy", "ring-all");
	expect_error(doc("{\"a\":{\"type\":\"hangup\",\"cause\":\"angry\"}}"), "a", "cause", "one of");
	expect_error(doc("{\"a\":{\"type\":\"hangup\",\"next\":\"a\"}}"), "a", "next", "no exits");
	expect_error(doc("{\"a\":{\"type\":\"set\",\"vars\":{\"x\":1}}}"), "a", "vars.x", "wrong type");
	expect_error(doc("{\"a\":{\"type\":\"goto\"}}"), "a", "next", "missing required");
	expect_error(doc("{\"a\":{\"type\":\"voicemail\"}}"), "a", "mailbox", "missing required");
	expect_error(doc("{\"a\":{\"type\":\"transfer\",\"target\":\"\"}}"), "a", "target", "empty");
	expect_error(doc("{\"a\":{\"type\":\"say\",\"text\":\"hi\",\"next\":{\"x\":\"a\"}}}"), "a",
		     "next", "wrong type: a step id");
}

static void test_webhook(void **state)
{
	expect_error(doc("{\"a\":{\"type\":\"webhook\",\"url\":\"ftp://x\",\"next\":{\"ok\":\"b\","
			 "\"error\":\"b\"}},\"b\":{\"type\":\"hangup\"}}"),
		     "a", "url", "http");
	expect_error(doc("{\"a\":{\"type\":\"webhook\",\"url\":\"https://${host}/x\",\"next\":{"
			 "\"ok\":\"b\",\"error\":\"b\"}},\"b\":{\"type\":\"hangup\"}}"),
		     "a", "url", "not in the host");
	expect_error(doc("{\"a\":{\"type\":\"webhook\",\"url\":\"https://crm/x\",\"next\":{"
			 "\"ok\":\"b\"}},\"b\":{\"type\":\"hangup\"}}"),
		     "a", "next", "\"error\"");
	expect_error(doc("{\"a\":{\"type\":\"webhook\",\"url\":\"https://crm/x\",\"body\":{\"a\":"
			 "\"b\"},\"next\":{\"ok\":\"b\",\"error\":\"b\"}},\"b\":{\"type\":\"hangup\"}}"),
		     "a", "body", "POST");
	expect_error(doc("{\"a\":{\"type\":\"webhook\",\"url\":\"https://crm/x\",\"timeout\":99,"
			 "\"next\":{\"ok\":\"b\",\"error\":\"b\"}},\"b\":{\"type\":\"hangup\"}}"),
		     "a", "timeout", "out of range");
	expect_ok(doc("{\"a\":{\"type\":\"webhook\",\"url\":\"https://crm/x?n=${caller}\","
		      "\"method\":\"POST\",\"body\":{\"n\":\"${caller}\"},\"next\":{\"ok\":\"b\","
		      "\"error\":\"b\",\"vip\":\"b\"}},\"b\":{\"type\":\"hangup\"}}"));
}

static void test_conditions(void **state)
{
	const char *tail = ",\"next\":{\"true\":\"b\",\"false\":\"b\"}},\"b\":{\"type\":\"hangup\"}}";
	char buf[1024];
#define COND(test) (snprintf(buf, sizeof(buf), "{\"a\":{\"type\":\"condition\",\"test\":%s%s", \
			     test, tail), doc(buf))
	expect_error(COND("{\"time\":{\"tz\":\"Mars/Olympus\"}}"), "a", "test.time.tz",
		     "unknown time zone");
	expect_error(COND("{\"time\":{\"tz\":\"../../etc/passwd\"}}"), "a", "test.time.tz",
		     "unknown time zone");
	expect_error(COND("{\"time\":{\"tz\":\"UTC\",\"hours\":[\"9-18\"]}}"), "a",
		     "test.time.hours", "09:00-18:00");
	expect_error(COND("{\"time\":{\"tz\":\"UTC\",\"weekdays\":[\"mon-fry\"]}}"), "a",
		     "test.time.weekdays", "item 0");
	expect_error(COND("{\"time\":{\"tz\":\"UTC\",\"dates\":[\"2026-13-01\"]}}"), "a",
		     "test.time.dates", "item 0");
	expect_error(COND("{\"time\":{\"tz\":\"UTC\",\"except\":\"holidays\"}}"), "a",
		     "test.time.except", "calendar");
	expect_error(COND("{\"caller\":[\"_8[49\"]}"), "a", "test.caller[0]", "malformed pattern");
	expect_error(COND("{\"weather\":\"sunny\"}"), "a", "test.weather", "unknown test");
	expect_error(COND("{\"var\":{\"name\":\"x\",\"op\":\"like\",\"value\":\"1\"}}"), "a",
		     "test.var", "\"op\"");
	expect_error(COND("{\"all\":[{\"caller\":\"1\"},{\"not\":{\"list\":\"\"}}]}"), "a",
		     "test.all[1].not.list", "list name");
	expect_error(COND("{\"not\":{\"not\":{\"not\":{\"not\":{\"not\":{\"not\":{\"not\":{\"not\":"
			  "{\"caller\":\"1\"}}}}}}}}}"),
		     "a", "test.not.not.not.not.not.not.not.not", "nested deeper");
	expect_ok(COND("{\"any\":[{\"time\":{\"tz\":\"Europe/Moscow\",\"weekdays\":[\"mon-fri\"],"
		       "\"hours\":[\"09:00-18:00\"],\"dates\":[\"2026-01-01..2026-12-31\"]}},"
		       "{\"caller\":[\"_8495XXXXXXX\",\"+7916*\",\"101\"]},{\"list\":{\"name\":"
		       "\"vip\"}},{\"var\":{\"name\":\"account\",\"op\":\"set\"}}]}"));
	expect_error("{\"name\":\"t\",\"start\":\"a\",\"calendars\":{\"h\":[\"tomorrow\"]},"
		     "\"steps\":{\"a\":{\"type\":\"hangup\"}}}",
		     "", "calendars.h", "dates");
#undef COND
}

static void test_graph(void **state)
{
	expect_error(doc("{\"a\":{\"type\":\"play\",\"prompt\":\"x\",\"next\":\"salez\"}}"), "a",
		     "next", "dangling edge: no step 'salez'");
	expect_error(doc("{\"a\":{\"type\":\"menu\",\"prompt\":\"m\",\"next\":{\"1\":\"sales\"}}}"),
		     "a", "next.1", "no step 'sales'");
	expect_error(doc("{\"a\":{\"type\":\"hangup\"},\"b\":{\"type\":\"hangup\"}}"), "b", "",
		     "unreachable");
	expect_error(doc("{\"a\":{\"type\":\"set\",\"vars\":{\"x\":\"1\"},\"next\":\"b\"},"
			 "\"b\":{\"type\":\"goto\",\"next\":\"a\"}}"),
		     "b", "next", "a loop without a waiting step: a -> b -> a");
	expect_error(doc("{\"a\":{\"type\":\"condition\",\"test\":{\"caller\":\"1\"},\"next\":{"
			 "\"true\":\"a\"}}}"),
		     "a", "next", "loop without a waiting step");
	expect_error(doc("{\"a\":{\"type\":\"play\",\"prompt\":\"x\",\"next\":\"repeat\"}}"), "a",
		     "next", "only for menu and collect");
	/* a loop through a play is a waiting loop: fine */
	expect_ok(doc("{\"a\":{\"type\":\"set\",\"vars\":{\"x\":\"1\"},\"next\":\"b\"},"
		      "\"b\":{\"type\":\"play\",\"prompt\":\"p\",\"next\":\"a\"}}"));
	expect_ok(doc("{\"a\":{\"type\":\"menu\",\"prompt\":\"m\",\"next\":{\"1\":\"a\","
		      "\"timeout\":\"repeat\"}}}"));
}

static void test_limits(void **state)
{
	static char big[300000], text[2000];
	struct scenario *sc = NULL;
	size_t n = 0;

	n += (size_t)snprintf(big + n, sizeof(big) - n, "{");
	for (int i = 0; i <= SCENARIO_MAX_STEPS; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n, "%s\"s%d\":{\"type\":\"hangup\"}",
				      i ? "," : "", i);
	snprintf(big + n, sizeof(big) - n, "}");
	expect_error(doc(big), "", "steps", "at most 256");

	memset(text, 'x', SCENARIO_MAX_STRING + 1);
	text[SCENARIO_MAX_STRING + 1] = '\0';
	snprintf(big, sizeof(big), "{\"a\":{\"type\":\"say\",\"text\":\"%s\"}}", text);
	expect_error(doc(big), "a", "text", "at most 1024 characters");
	expect_error(doc("{\"a\":{\"type\":\"menu\",\"prompt\":\"m\",\"retries\":11,\"next\":{\"1\":"
			 "\"a\"}}}"),
		     "a", "retries", "out of range 0-10");
	memset(text, 'k', SCENARIO_MAX_ID + 1);
	text[SCENARIO_MAX_ID + 1] = '\0';
	snprintf(big, sizeof(big), "{\"a\":{\"type\":\"goto\",\"next\":\"%s\"},\"%s\":{\"type\":"
		 "\"hangup\"}}", text, text);
	char shown[SCENARIO_MAX_ID + 1];
	memcpy(shown, text, SCENARIO_MAX_ID); /* an error names at most 64 bytes of it */
	shown[SCENARIO_MAX_ID] = '\0';
	expect_error(doc(big), shown, "", "1-64 characters");

	n = (size_t)snprintf(big, sizeof(big), "{\"a\":{\"type\":\"webhook\",\"url\":\"http://h/\","
			     "\"next\":{\"ok\":\"a\",\"error\":\"a\"");
	for (int i = 0; i < 70; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n, ",\"b%d\":\"a\"", i);
	snprintf(big + n, sizeof(big) - n, "}}}");
	expect_error(doc(big), "a", "next", "72 exits: at most 64");

	/* over the document cap: refused before parsing */
	memset(big, ' ', sizeof(big));
	assert_int_equal(scenario_load(&sc, big, sizeof(big), NULL), EOVERFLOW);
	assert_null(sc);
}

static void test_error_format(void **state)
{
	struct scenario_error e = { "menu", "next.3", "dangling edge: no step 'salez'" };
	char line[256];

	scenario_error_format(&e, line, sizeof(line));
	assert_string_equal(line, "step 'menu': field 'next.3': dangling edge: no step 'salez'");
	struct scenario_error top = { "", "start", "required" };
	scenario_error_format(&top, line, sizeof(line));
	assert_string_equal(line, "field 'start': required");
}

static void test_dump_round_trip(void **state)
{
	const char *j = doc("{\"a\":{\"type\":\"play\",\"prompt\":\"x\",\"next\":\"b\"},"
			    "\"b\":{\"type\":\"hangup\",\"cause\":\"busy\"}}");
	struct scenario *s, *s2;

	assert_int_equal(scenario_load(&s, j, strlen(j), NULL), 0);
	assert_string_equal(scenario_name(s), "t");
	assert_int_equal(scenario_step_count(s), 2);
	char *out = scenario_dump(s);
	assert_int_equal(scenario_load(&s2, out, strlen(out), NULL), 0);
	char *out2 = scenario_dump(s2);
	assert_string_equal(out, out2);
	free(out);
	free(out2);
	scenario_destroy(s);
	scenario_destroy(s2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_document),   cmocka_unit_test(test_types_and_fields),
		cmocka_unit_test(test_webhook),	   cmocka_unit_test(test_conditions),
		cmocka_unit_test(test_graph),	   cmocka_unit_test(test_limits),
		cmocka_unit_test(test_error_format), cmocka_unit_test(test_dump_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
