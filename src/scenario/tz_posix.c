/* POSIX TZ strings ("EST5EDT,M3.2.0,M11.1.0", "<+03>-3"): the rule a TZif footer gives
 * for the years after its last listed transition. */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/scenario_int.h"

int scenario_tz_posix_offset(const char *spec, int64_t t, int *offset);
int64_t scenario_days_from_civil(int y, int m, int d);
void scenario_civil_from_days(int64_t z, int *y, int *m, int *d);

struct rule {
	char kind; /* 'M', 'J' or 'n' */
	int m, w, d, n;
	int time; /* seconds after local midnight; may be negative or past 24 h */
};

/* Howard Hinnant's days-from-civil algorithm (proleptic Gregorian, days since 1970-01-01). */
int64_t scenario_days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void scenario_civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static const char *parse_name(const char *p)
{
	if (*p == '<') {
		const char *end = strchr(p, '>');
		return end ? end + 1 : NULL;
	}
	const char *s = p;
	while (isalpha((unsigned char)*p))
		p++;
	return p - s >= 3 ? p : NULL;
}

/* [+-]hh[:mm[:ss]] into seconds. */
static const char *parse_hms(const char *p, int *out)
{
	int sign = 1, part[3] = { 0, 0, 0 };

	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	for (int i = 0; i < 3; i++) {
		if (!isdigit((unsigned char)*p))
			return NULL;
		part[i] = (int)strtol(p, (char **)&p, 10);
		if (*p != ':')
			break;
		p++;
	}
	if (part[0] > 167 || part[1] > 59 || part[2] > 59)
		return NULL;
	*out = sign * (part[0] * 3600 + part[1] * 60 + part[2]);
	return p;
}

static const char *parse_rule(const char *p, struct rule *r)
{
	char *end;

	r->time = 7200;
	if (*p == 'M') {
		r->kind = 'M';
		r->m = (int)strtol(p + 1, &end, 10);
		if (*end != '.')
			return NULL;
		r->w = (int)strtol(end + 1, &end, 10);
		if (*end != '.')
			return NULL;
		r->d = (int)strtol(end + 1, &end, 10);
		if (r->m < 1 || r->m > 12 || r->w < 1 || r->w > 5 || r->d < 0 || r->d > 6)
			return NULL;
	} else {
		r->kind = *p == 'J' ? 'J' : 'n';
		r->n = (int)strtol(p + (*p == 'J'), &end, 10);
		if (end == p + (*p == 'J') || r->n < 0 || r->n > 365 || (r->kind == 'J' && !r->n))
			return NULL;
	}
	p = end;
	if (*p == '/' && !(p = parse_hms(p + 1, &r->time)))
		return NULL;
	return p;
}

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Local seconds since the epoch (in the zone's clock) at which rule r fires in year y. */
static int64_t rule_local(const struct rule *r, int y)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int64_t day;

	if (r->kind == 'M') {
		int64_t first = scenario_days_from_civil(y, r->m, 1);
		int dow = (int)(((first + 4) % 7 + 7) % 7); /* 1970-01-01 was a Thursday */
		int dom = 1 + (r->d - dow + 7) % 7 + (r->w - 1) * 7;
		int dim = mdays[r->m - 1] + (r->m == 2 && leap(y));
		while (dom > dim)
			dom -= 7;
		day = first + dom - 1;
	} else {
		int n = r->kind == 'J' ? r->n - 1 + (leap(y) && r->n >= 60) : r->n;
		day = scenario_days_from_civil(y, 1, 1) + n;
	}
	return day * 86400 + r->time;
}

int scenario_tz_posix_offset(const char *spec, int64_t t, int *offset)
{
	struct rule start, end;
	int std, dst;
	const char *p = parse_name(spec);

	if (!p || !(p = parse_hms(p, &std)))
		return EINVAL;
	std = -std; /* POSIX counts hours west of Greenwich */
	if (!*p) {
		*offset = std;
		return 0;
	}
	if (!(p = parse_name(p)))
		return EINVAL;
	dst = std + 3600;
	if (*p && *p != ',') {
		if (!(p = parse_hms(p, &dst)))
			return EINVAL;
		dst = -dst;
	}
	if (*p != ',' || !(p = parse_rule(p + 1, &start)) || *p != ',' ||
	    !(p = parse_rule(p + 1, &end)) || *p)
		return EINVAL;
	int y, m, d;
	scenario_civil_from_days((t + std) / 86400 - ((t + std) % 86400 < 0), &y, &m, &d);
	int64_t on = rule_local(&start, y) - std, off = rule_local(&end, y) - dst;
	bool in_dst = on < off ? t >= on && t < off : !(t >= off && t < on);
	*offset = in_dst ? dst : std;
	return 0;
}
