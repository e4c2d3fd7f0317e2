/* Time tests: weekdays, hours, dates and holiday calendars, in a named time zone. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "scenario/scenario_int.h"

int64_t scenario_days_from_civil(int y, int m, int d);
void scenario_civil_from_days(int64_t z, int *y, int *m, int *d);
void scenario_calendars_validate(const struct scenario *s, struct scenario_errors *errs);

static const char *const fields[] = { "tz", "weekdays", "hours", "dates", "except", NULL };
static const char *const days[] = { "sun", "mon", "tue", "wed", "thu", "fri", "sat" };

struct local {
	int y, m, d, wday, minute; /* minute of the day */
};

static int day_index(const char *s, size_t n)
{
	for (int i = 0; i < 7; i++)
		if (n == 3 && strncmp(s, days[i], 3) == 0)
			return i;
	return -1;
}

/* "mon" or "mon-fri" (wrapping: "fri-mon") into a bit mask of days. */
static int weekdays(const char *s)
{
	const char *dash = strchr(s, '-');
	int a = day_index(s, dash ? (size_t)(dash - s) : strlen(s));
	int b = dash ? day_index(dash + 1, strlen(dash + 1)) : a, mask = 0;

	if (a < 0 || b < 0)
		return 0;
	for (int i = a;; i = (i + 1) % 7) {
		mask |= 1 << i;
		if (i == b)
			break;
	}
	return mask;
}

/* "09:00-18:00" into minutes; end may be 24:00; start == end is refused. */
static bool hours(const char *s, int *from, int *to)
{
	int h1, m1, h2, m2, n = 0;

	if (sscanf(s, "%2d:%2d-%2d:%2d%n", &h1, &m1, &h2, &m2, &n) != 4 || s[n] || h1 > 23 ||
	    m1 > 59 || h2 > 24 || m2 > 59 || (h2 == 24 && m2) || h1 < 0 || m1 < 0 || h2 < 0 || m2 < 0)
		return false;
	*from = h1 * 60 + m1;
	*to = h2 * 60 + m2;
	return *from != *to;
}

/* "2026-12-31" (yearly: "12-31") into a comparable key; yearly keys are below 10000. */
static bool date_key(const char *s, size_t len, int *key)
{
	int y = 0, m, d, n = 0;
	char buf[16];

	if (len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (sscanf(buf, "%4d-%2d-%2d%n", &y, &m, &d, &n) == 3 && !buf[n] && n == 10 && y >= 1970)
		;
	else if (y = 0, n = 0, sscanf(buf, "%2d-%2d%n", &m, &d, &n) == 2 && !buf[n] && n == 5)
		;
	else
		return false;
	if (m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	*key = y * 10000 + m * 100 + d;
	return true;
}

/* "A" or "A..B" of the same kind (dated or yearly). */
static bool date_range(const char *s, int *a, int *b)
{
	const char *dots = strstr(s, "..");

	if (!dots)
		return date_key(s, strlen(s), a) && (*b = *a, true);
	return date_key(s, (size_t)(dots - s), a) && date_key(dots + 2, strlen(dots + 2), b) &&
	       (*a < 10000) == (*b < 10000) && (*a <= *b || *a < 10000);
}

static bool in_range(const struct local *l, int a, int b)
{
	int k = a < 10000 ? l->m * 100 + l->d : l->y * 10000 + l->m * 100 + l->d;

	return a <= b ? k >= a && k <= b : k >= a || k <= b; /* yearly ranges may wrap */
}

typedef bool(item_ok_fn)(const char *s);

static bool weekday_ok(const char *s)
{
	return weekdays(s) != 0;
}

static bool hours_ok(const char *s)
{
	int a, b;
	return hours(s, &a, &b);
}

static bool date_ok(const char *s)
{
	int a, b;
	return date_range(s, &a, &b);
}

static void list_validate(struct scenario_vctx *vc, json_t *t, const char *field,
			  const char *path, item_ok_fn *ok, const char *what)
{
	json_t *a = json_object_get(t, field);
	char at[96];

	if (!a)
		return;
	snprintf(at, sizeof(at), "%.60s.%s", path, field);
	if (!json_is_array(a) || json_array_size(a) == 0 || json_array_size(a) > 1000) {
		vc_error(vc, at, "an array of 1-1000 %s", what);
		return;
	}
	for (size_t i = 0; i < json_array_size(a); i++) {
		const char *s = json_string_value(json_array_get(a, i));
		if (!s || !ok(s)) {
			vc_error(vc, at, "item %zu is not %s", i, what);
			return;
		}
	}
}

void scenario_time_validate(struct scenario_vctx *vc, json_t *t, const char *path)
{
	char at[96];

	if (!json_is_object(t)) {
		vc_error(vc, path, "an object of tz, weekdays, hours, dates, except");
		return;
	}
	vc_known_fields(vc, t, path, fields);
	const char *tz = json_str(t, "tz", NULL);
	snprintf(at, sizeof(at), "%.60s.tz", path);
	if (!tz)
		vc_error(vc, at, "missing required field (a zone such as \"Europe/Moscow\")");
	else if (scenario_tz_check(tz))
		vc_error(vc, at, "unknown time zone '%.64s'", tz);
	list_validate(vc, t, "weekdays", path, weekday_ok, "a day or range (\"mon-fri\")");
	list_validate(vc, t, "hours", path, hours_ok, "a range \"09:00-18:00\"");
	list_validate(vc, t, "dates", path, date_ok, "a date or range (\"2026-12-31\", \"01-01..01-08\")");
	json_t *ex = json_object_get(t, "except");
	snprintf(at, sizeof(at), "%.60s.except", path);
	if (ex && (!json_is_string(ex) || !vc->s->calendars ||
		   !json_object_get(vc->s->calendars, json_string_value(ex))))
		vc_error(vc, at, "not a calendar of the scenario's \"calendars\"");
}

void scenario_calendars_validate(const struct scenario *s, struct scenario_errors *errs)
{
	const char *name;
	json_t *list;
	char field[96];

	json_object_foreach (s->calendars, name, list) {
		snprintf(field, sizeof(field), "calendars.%.60s", name);
		bool ok = json_is_array(list) && json_array_size(list) <= 1000;
		for (size_t i = 0; ok && i < json_array_size(list); i++) {
			const char *d = json_string_value(json_array_get(list, i));
			ok = d && date_ok(d);
		}
		if (!ok)
			scenario_errors_add(errs, "", field,
					    "an array of dates or ranges (\"2026-01-01..2026-01-08\")");
	}
}

static bool dates_match(json_t *a, const struct local *l)
{
	int from, to;

	for (size_t i = 0; i < json_array_size(a); i++)
		if (date_range(json_string_value(json_array_get(a, i)), &from, &to) &&
		    in_range(l, from, to))
			return true;
	return false;
}

static bool hours_match(json_t *a, const struct local *l)
{
	int from, to;

	for (size_t i = 0; i < json_array_size(a); i++) {
		if (!hours(json_string_value(json_array_get(a, i)), &from, &to))
			continue;
		if (from < to ? l->minute >= from && l->minute < to
			      : l->minute >= from || l->minute < to)
			return true;
	}
	return false;
}

static bool weekdays_match(json_t *a, const struct local *l)
{
	for (size_t i = 0; i < json_array_size(a); i++)
		if (weekdays(json_string_value(json_array_get(a, i))) & (1 << l->wday))
			return true;
	return false;
}

bool scenario_time_eval(struct scenario_engine *e, json_t *t)
{
	const struct scenario_host_ops *ops = engine_ops(e);
	int64_t now = ops->now ? ops->now(engine_host(e)) : (int64_t)time(NULL);
	int off;
	struct local l;

	if (scenario_tz_offset(json_str(t, "tz", "UTC"), now, &off))
		return false; /* the zone vanished since validation */
	int64_t local = now + off, day = local / 86400 - (local % 86400 < 0);
	scenario_civil_from_days(day, &l.y, &l.m, &l.d);
	l.wday = (int)(((day + 4) % 7 + 7) % 7);
	l.minute = (int)((local - day * 86400) / 60);
	json_t *v;
	if ((v = json_object_get(t, "weekdays")) && !weekdays_match(v, &l))
		return false;
	if ((v = json_object_get(t, "hours")) && !hours_match(v, &l))
		return false;
	if ((v = json_object_get(t, "dates")) && !dates_match(v, &l))
		return false;
	const char *ex = json_str(t, "except", NULL);
	if (ex && dates_match(json_object_get(engine_scenario(e)->calendars, ex), &l))
		return false;
	return true;
}
