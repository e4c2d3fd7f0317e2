/* Shared scanners of the TTS normalisers: numbers, phone numbers, dates, times, word matches. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "core/mem.h"
#include "speech/chat.h"
#include "speech/normalize.h"

static bool dig(const char *p, const char *end)
{
	return p < end && *p >= '0' && *p <= '9';
}

/* ASCII space, U+00A0, U+202F. */
size_t norm_spaces(const char *p, const char *end)
{
	if (p < end && *p == ' ')
		return 1;
	if (end - p >= 2 && !memcmp(p, "\xc2\xa0", 2))
		return 2;
	if (end - p >= 3 && !memcmp(p, "\xe2\x80\xaf", 3))
		return 3;
	return 0;
}

bool norm_word_char(unsigned char c)
{
	return isalnum(c) || c >= 0x80 || c == '_';
}

bool norm_starts_token(const char *start, const char *p)
{
	return p == start || !norm_word_char((unsigned char)p[-1]);
}

size_t norm_match_word(const char *p, const char *end, const char *word)
{
	size_t n = strlen(word);
	if ((size_t)(end - p) < n || strncasecmp(p, word, n) != 0)
		return 0;
	if (p + n < end && norm_word_char((unsigned char)p[n]) && norm_word_char((unsigned char)word[n - 1]))
		return 0;
	return n;
}

static const char *digits(const char *p, const char *end, size_t max, uint64_t *v, size_t *nd)
{
	*nd = 0;
	while (dig(p, end) && *nd < max) {
		*v = *v * 10 + (uint64_t)(*p++ - '0');
		(*nd)++;
	}
	return p;
}

bool norm_scan_number(const char *p, const char *end, bool ru, struct norm_num *n)
{
	const char *s = p;
	size_t nd, total;

	memset(n, 0, sizeof(*n));
	if (!dig(p, end))
		return false;
	p = digits(p, end, 19, &n->ip, &nd);
	total = nd;
	if (dig(p, end))
		n->too_big = true;
	while (dig(p, end))
		p++;
	/* thousands groups: exactly three digits after a separator */
	for (;;) {
		size_t sl = ru ? norm_spaces(p, end) : (p < end && *p == ',');
		uint64_t g = 0;
		if (!sl || nd > 3 || (end - p) < (long)sl + 3 || !dig(p + sl, end) ||
		    !dig(p + sl + 1, end) || !dig(p + sl + 2, end) || dig(p + sl + 3, end))
			break;
		digits(p + sl, end, 3, &g, &nd);
		n->ip = n->ip * 1000 + g;
		total += 3;
		p += sl + 3;
		nd = 3;
	}
	if (total > 12 || n->ip > NORM_MAX_NUMBER)
		n->too_big = true;
	if (p + 1 < end && (*p == '.' || (ru && *p == ',')) && dig(p + 1, end)) {
		size_t k = 0;
		const char *q = p + 1;
		while (dig(q, end) && k < sizeof(n->frac) - 1)
			n->frac[k++] = *q++;
		if (!dig(q, end))
			p = q;
		else
			n->frac[0] = '\0'; /* an IP address or version, not a decimal */
	}
	n->len = (size_t)(p - s);
	return true;
}

static void split_plain(struct norm_phone *ph, const char *d, size_t n, bool ru)
{
	static const int ru11[] = {1, 3, 3, 2, 2}, ru10[] = {3, 3, 2, 2}, en10[] = {3, 3, 4},
			 en11[] = {1, 3, 3, 4};
	const int *pat = NULL;
	size_t np = 0, at = 0;

	if (n == 11)
		pat = ru ? ru11 : en11, np = ru ? 5 : 4;
	else if (n == 10)
		pat = ru ? ru10 : en10, np = ru ? 4 : 3;
	ph->ngroups = 0;
	for (size_t g = 0; at < n && ph->ngroups < NORM_MAX_GROUPS; g++) {
		size_t len = g < np ? (size_t)pat[g] : 3;
		if (at + len > n)
			len = n - at;
		memcpy(ph->group[ph->ngroups], d + at, len);
		ph->group[ph->ngroups++][len] = '\0';
		at += len;
	}
}

/* +7 (912) 345-67-89, 8 800 555-35-35, +79123456789, +1 555-123-4567 */
bool norm_scan_phone(const char *p, const char *end, bool ru, struct norm_phone *ph)
{
	const char *s = p, *last = p;
	char all[16];
	size_t nall = 0, seps = 0, hard = 0, cur = 0;
	bool long_group = false;

	memset(ph, 0, sizeof(*ph));
	if (p < end && *p == '+')
		ph->plus = true, p++;
	while (p < end) {
		if (dig(p, end)) {
			if (nall >= 15)
				return false;
			all[nall++] = *p;
			if (ph->ngroups < NORM_MAX_GROUPS && cur < 7)
				ph->group[ph->ngroups][cur] = *p;
			long_group |= cur >= 7;
			cur++;
			last = ++p;
			continue;
		}
		size_t sl = (*p == '-' || *p == '(' || *p == ')') ? 1 : norm_spaces(p, end);
		if (!sl || !cur)
			break;
		hard += *p != ' ';
		if (ph->ngroups < NORM_MAX_GROUPS)
			ph->group[ph->ngroups++][cur < 7 ? cur : 7] = '\0';
		cur = 0;
		seps++;
		p += sl;
		if (p < end && (*p == '(' || *p == ' '))
			p++, hard += p[-1] == '(';
	}
	if (cur && ph->ngroups < NORM_MAX_GROUPS)
		ph->group[ph->ngroups++][cur < 7 ? cur : 7] = '\0';
	if (nall < 10 || nall > 13 || dig(last, end) || (last < end && norm_word_char((unsigned char)*last)))
		return false;
	bool trunk = nall == 11 && (all[0] == '7' || all[0] == '8') && ph->ngroups > 1 &&
		     strlen(ph->group[0]) == 1;
	if (!ph->plus && !hard && !trunk && !(seps == 0 && nall == 11 && (all[0] == '8' || all[0] == '7')))
		return false;
	if (ph->ngroups <= 1 || long_group || seps >= NORM_MAX_GROUPS)
		split_plain(ph, all, nall, ru);
	ph->len = (size_t)(last - s);
	return true;
}

static bool two(const char *p, const char *end, int *v)
{
	if (!dig(p, end) || !dig(p + 1, end))
		return false;
	*v = (p[0] - '0') * 10 + (p[1] - '0');
	return true;
}

static bool one_or_two(const char **p, const char *end, int *v)
{
	if (!dig(*p, end))
		return false;
	*v = **p - '0';
	(*p)++;
	if (dig(*p, end))
		*v = *v * 10 + (*(*p)++ - '0');
	return !dig(*p, end);
}

/* Any year 1000..9999 (chat dates start at 1970); leap years repeat every 400 years. */
static bool date_ok(int y, int m, int d)
{
	return y >= 1000 && y <= 9999 && chat_date_valid(2000 + y % 400, m, d);
}

bool norm_scan_date(const char *p, const char *end, bool ru, int *y, int *m, int *d, size_t *len)
{
	const char *s = p;
	int a, b, c;

	/* ISO first: four digits, '-' */
	if (end - p >= 10 && two(p, end, &a) && two(p + 2, end, &b) && p[4] == '-' &&
	    two(p + 5, end, m) && p[7] == '-' && two(p + 8, end, d) && !dig(p + 10, end)) {
		*y = a * 100 + b;
		*len = 10;
		return date_ok(*y, *m, *d);
	}
	if (!one_or_two(&p, end, &a) || p >= end || (*p != '.' && *p != '/'))
		return false;
	char sep = *p++;
	if (!one_or_two(&p, end, &b) || p >= end || *p != sep)
		return false;
	p++;
	if (!two(p, end, &c))
		return false;
	if (two(p + 2, end, y) && !dig(p + 4, end))
		*y += c * 100, p += 4;
	else if (!dig(p + 2, end))
		*y = 2000 + c, p += 2;
	else
		return false;
	bool md = !ru && sep == '/' && b <= 31 && (a <= 12);
	*d = md ? b : a;
	*m = md ? a : b;
	*len = (size_t)(p - s);
	return date_ok(*y, *m, *d);
}

bool norm_scan_time(const char *p, const char *end, int *h, int *m, size_t *len)
{
	const char *s = p;
	int sec;

	if (!one_or_two(&p, end, h) || p >= end || *p != ':' || !two(p + 1, end, m) || dig(p + 3, end))
		return false;
	p += 3;
	if (p < end && *p == ':' && two(p + 1, end, &sec) && !dig(p + 3, end))
		p += 3;
	*len = (size_t)(p - s);
	return *h <= 23 && *m <= 59;
}

char *normalize_text(const char *lang, const char *text)
{
	if (lang && !strncmp(lang, "ru", 2))
		return normalize_ru(text);
	if (lang && !strncmp(lang, "en", 2))
		return normalize_en(text);
	return xstrdup(text);
}
