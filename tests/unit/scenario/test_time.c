/* Time zones from the tz database (DST, southern hemisphere, past the table) and time tests. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "host.h"
#include "scenario/scenario.h"

static int64_t at(const char *iso)
{
	int64_t t;
	assert_int_equal(scenario_parse_iso8601(iso, &t), 0);
	return t;
}

static int off(const char *zone, const char *iso)
{
	int o = 12345;
	assert_int_equal(scenario_tz_offset(zone, at(iso), &o), 0);
	return o;
}

static void test_iso8601(void **state)
{
	int64_t t;

	assert_int_equal(at("1970-01-01T00:00:00Z"), 0);
	assert_int_equal(at("2026-12-02T10:00:00+03:00"), 1796194800);
	assert_int_equal(at("2026-12-02T07:00:00Z"), 1796194800);
	assert_int_equal(at("2026-12-02 02:00-05:00"), 1796194800);
	assert_int_equal(scenario_parse_iso8601("2026-12-02T10:00:00", &t), EINVAL); /* no zone */
	assert_int_equal(scenario_parse_iso8601("2026-13-02T10:00:00Z", &t), EINVAL);
	assert_int_equal(scenario_parse_iso8601("yesterday", &t), EINVAL);
}

static void test_offsets_and_dst(void **state)
{
	assert_int_equal(off("Europe/Moscow", "2026-12-02T07:00:00Z"), 3 * 3600);
	assert_int_equal(off("Europe/Moscow", "2013-01-01T00:00:00Z"), 4 * 3600); /* 2011-2014 */
	assert_int_equal(off("UTC", "2026-06-01T00:00:00Z"), 0);
	/* New York 2026: EDT from 8 March 07:00 UTC to 1 November 06:00 UTC */
	assert_int_equal(off("America/New_York", "2026-03-08T06:59:59Z"), -5 * 3600);
	assert_int_equal(off("America/New_York", "2026-03-08T07:00:00Z"), -4 * 3600);
	assert_int_equal(off("America/New_York", "2026-11-01T05:59:59Z"), -4 * 3600);
	assert_int_equal(off("America/New_York", "2026-11-01T06:00:00Z"), -5 * 3600);
	/* Berlin 2026: CEST from 29 March to 25 October, 01:00 UTC */
	assert_int_equal(off("Europe/Berlin", "2026-03-29T00:59:59Z"), 3600);
	assert_int_equal(off("Europe/Berlin", "2026-03-29T01:00:00Z"), 7200);
	assert_int_equal(off("Europe/Berlin", "2026-10-25T01:00:00Z"), 3600);
	/* southern hemisphere: Sydney's summer spans the new year */
	assert_int_equal(off("Australia/Sydney", "2026-01-15T00:00:00Z"), 11 * 3600);
	assert_int_equal(off("Australia/Sydney", "2026-04-04T15:59:59Z"), 11 * 3600);
	assert_int_equal(off("Australia/Sydney", "2026-04-04T16:00:00Z"), 10 * 3600);
	assert_int_equal(off("Australia/Sydney", "2026-10-03T16:00:00Z"), 11 * 3600);
	/* far past the listed transitions: the POSIX rule of the file's footer */
	assert_int_equal(off("America/New_York", "2090-07-01T12:00:00Z"), -4 * 3600);
	assert_int_equal(off("America/New_York", "2090-12-01T12:00:00Z"), -5 * 3600);
	assert_int_equal(off("Australia/Sydney", "2090-01-01T12:00:00Z"), 11 * 3600);
	assert_int_equal(off("Asia/Kolkata", "2090-01-01T12:00:00Z"), 5 * 3600 + 1800);
}

/* Our reader against the C library's for many instants, 2000-2059, every week and an hour
 * later each time (TZ set here: this test is one thread). */
static void test_matches_libc(void **state)
{
	static const char *const zones[] = { "Europe/Moscow", "America/New_York", "Europe/London",
					     "Australia/Sydney", "America/Sao_Paulo", "Asia/Tehran",
					     "Pacific/Chatham", "America/Santiago", "Africa/Casablanca",
					     /* footers with negative and 26 h rule times, negative DST
					      * (Dublin), half hours, two-hour DST */
					     "America/Nuuk", "Asia/Jerusalem", "Europe/Dublin",
					     "America/Havana", "Antarctica/Troll", "America/St_Johns" };
	int checked = 0;

	for (size_t z = 0; z < sizeof(zones) / sizeof(zones[0]); z++) {
		setenv("TZ", zones[z], 1);
		tzset();
		for (int64_t t = at("2000-01-01T00:00:00Z"); t < at("2060-01-01T00:00:00Z");
		     t += 86400 * 7 + 3599) {
			time_t tt = (time_t)t;
			struct tm tm;
			int o;
			localtime_r(&tt, &tm);
			assert_int_equal(scenario_tz_offset(zones[z], t, &o), 0);
			if (o != tm.tm_gmtoff)
				fail_msg("%s at %lld: ours %d, libc %ld", zones[z], (long long)t, o,
					 tm.tm_gmtoff);
			checked++;
		}
	}
	/* every hour of 2031 and the second before it: the switches themselves */
	for (size_t z = 9; z < sizeof(zones) / sizeof(zones[0]); z++) {
		setenv("TZ", zones[z], 1);
		tzset();
		for (int64_t h = at("2031-01-01T00:00:00Z"); h < at("2032-01-01T00:00:00Z"); h += 1800)
			for (int64_t t = h - 1; t <= h; t++) {
				time_t tt = (time_t)t;
				struct tm tm;
				int o;
				localtime_r(&tt, &tm);
				assert_int_equal(scenario_tz_offset(zones[z], t, &o), 0);
				if (o != tm.tm_gmtoff)
					fail_msg("%s at %lld: ours %d, libc %ld", zones[z],
						 (long long)t, o, tm.tm_gmtoff);
				checked++;
			}
	}
	unsetenv("TZ");
	assert_true(checked > 150000);
}

static void test_bad_zones(void **state)
{
	char dir[64] = "/tmp/zvonar-tz-XXXXXX", path[128];
	int o;

	assert_int_equal(scenario_tz_offset("Mars/Olympus", 0, &o), ENOENT);
	assert_int_equal(scenario_tz_offset("../../etc/passwd", 0, &o), EINVAL);
	assert_int_equal(scenario_tz_offset("/etc/passwd", 0, &o), EINVAL);
	assert_int_equal(scenario_tz_offset("", 0, &o), EINVAL);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/Broken", dir);
	FILE *f = fopen(path, "w");
	fputs("TZif2 this is not a zone file", f);
	fclose(f);
	setenv("TZDIR", dir, 1);
	assert_int_equal(scenario_tz_offset("Broken", 0, &o), EBADMSG);
	unsetenv("TZDIR");
	unlink(path);
	rmdir(dir);
}

/* A condition on the time, then play "open" or "closed". */
static const char *route(const char *time_test, const char *iso)
{
	static char json[2048];
	static struct test_host h;
	struct scenario *s;
	struct scenario_engine *e;
	struct scenario_errors errs;

	snprintf(json, sizeof(json),
		 "{\"name\":\"hours\",\"start\":\"c\",\"calendars\":{\"holidays\":[\"12-31\","
		 "\"2026-01-01..2026-01-08\"]},\"steps\":{\"c\":{\"type\":\"condition\",\"test\":"
		 "{\"time\":%s},\"next\":{\"true\":\"open\",\"false\":\"closed\"}},\"open\":{\"type\":"
		 "\"play\",\"prompt\":\"open\"},\"closed\":{\"type\":\"play\",\"prompt\":\"closed\"}}}",
		 time_test);
	if (scenario_load(&s, json, strlen(json), &errs))
		fail_msg("invalid: %s %s", errs.e[0].field, errs.e[0].msg);
	memset(&h, 0, sizeof(h));
	h.now = at(iso);
	assert_int_equal(scenario_engine_new(&e, s, &test_host_ops, &h), 0);
	assert_int_equal(scenario_engine_start(e), 0);
	scenario_engine_destroy(e);
	scenario_destroy(s);
	return strstr(h.log, "play:open") ? "open" : "closed";
}

static void test_time_conditions(void **state)
{
	const char *office = "{\"tz\":\"Europe/Moscow\",\"weekdays\":[\"mon-fri\"],"
			     "\"hours\":[\"09:00-13:00\",\"14:00-18:00\"],\"except\":\"holidays\"}";

	assert_string_equal(route(office, "2026-12-02T10:00:00+03:00"), "open"); /* Wednesday */
	assert_string_equal(route(office, "2026-12-02T13:30:00+03:00"), "closed"); /* lunch */
	assert_string_equal(route(office, "2026-12-02T17:59:59+03:00"), "open");
	assert_string_equal(route(office, "2026-12-02T18:00:00+03:00"), "closed");
	assert_string_equal(route(office, "2026-12-05T10:00:00+03:00"), "closed"); /* Saturday */
	assert_string_equal(route(office, "2026-12-31T10:00:00+03:00"), "closed"); /* yearly */
	assert_string_equal(route(office, "2026-01-05T10:00:00+03:00"), "closed"); /* range */
	assert_string_equal(route(office, "2026-01-09T10:00:00+03:00"), "open");
	/* the same instant: open in Moscow, night in New York */
	assert_string_equal(route(office, "2026-12-02T07:00:00Z"), "open");
	const char *ny = "{\"tz\":\"America/New_York\",\"hours\":[\"09:00-17:00\"]}";
	assert_string_equal(route(ny, "2026-12-02T07:00:00Z"), "closed");
	/* 13:30 UTC is 08:30 EST but 09:30 EDT: the day after the switch it is open */
	assert_string_equal(route(ny, "2026-03-07T13:30:00Z"), "closed");
	assert_string_equal(route(ny, "2026-03-09T13:30:00Z"), "open");
	/* a local day boundary: 23:30 UTC Sunday is Monday in Moscow */
	const char *monday = "{\"tz\":\"Europe/Moscow\",\"weekdays\":[\"mon\"]}";
	assert_string_equal(route(monday, "2026-12-06T23:30:00Z"), "open");
	assert_string_equal(route(monday, "2026-12-06T20:30:00Z"), "closed");
	/* ranges across midnight and across the week's end */
	const char *night = "{\"tz\":\"UTC\",\"hours\":[\"22:00-06:00\"],\"weekdays\":[\"fri-mon\"]}";
	assert_string_equal(route(night, "2026-12-05T23:00:00Z"), "open");  /* Saturday night */
	assert_string_equal(route(night, "2026-12-07T05:59:00Z"), "open");  /* Monday dawn */
	assert_string_equal(route(night, "2026-12-08T05:00:00Z"), "closed"); /* Tuesday */
	assert_string_equal(route(night, "2026-12-05T12:00:00Z"), "closed"); /* Saturday noon */
	const char *season = "{\"tz\":\"UTC\",\"dates\":[\"12-20..01-10\"]}";
	assert_string_equal(route(season, "2026-12-25T12:00:00Z"), "open");
	assert_string_equal(route(season, "2027-01-05T12:00:00Z"), "open");
	assert_string_equal(route(season, "2026-11-25T12:00:00Z"), "closed");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iso8601),	      cmocka_unit_test(test_offsets_and_dst),
		cmocka_unit_test(test_matches_libc),  cmocka_unit_test(test_bad_zones),
		cmocka_unit_test(test_time_conditions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
