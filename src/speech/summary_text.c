/* Text layer of the summariser: UTF-8 code points, lowercase words by script, sentence spans. */
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "speech/summary.h"

uint32_t summary_utf8_next(const char **pp, const char *end)
{
	const unsigned char *p = (const unsigned char *)*pp;
	uint32_t c = *p, n = 0;

	if (c < 0x80)
		n = 0;
	else if (c >= 0xc2 && c <= 0xdf)
		n = 1, c &= 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 2, c &= 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 3, c &= 0x07;
	else {
		*pp += 1;
		return 0xfffd;
	}
	if ((size_t)(end - *pp) < n + 1) {
		*pp = end;
		return 0xfffd;
	}
	for (uint32_t i = 1; i <= n; i++) {
		if ((p[i] & 0xc0) != 0x80) {
			*pp += 1;
			return 0xfffd;
		}
		c = c << 6 | (p[i] & 0x3f);
	}
	*pp += n + 1;
	return c;
}

void summary_utf8_put(struct buf *b, uint32_t c)
{
	char s[4];
	size_t n;

	if (c < 0x80)
		s[0] = (char)c, n = 1;
	else if (c < 0x800)
		s[0] = (char)(0xc0 | c >> 6), s[1] = (char)(0x80 | (c & 0x3f)), n = 2;
	else if (c < 0x10000)
		s[0] = (char)(0xe0 | c >> 12), s[1] = (char)(0x80 | ((c >> 6) & 0x3f)),
		s[2] = (char)(0x80 | (c & 0x3f)), n = 3;
	else
		s[0] = (char)(0xf0 | c >> 18), s[1] = (char)(0x80 | ((c >> 12) & 0x3f)),
		s[2] = (char)(0x80 | ((c >> 6) & 0x3f)), s[3] = (char)(0x80 | (c & 0x3f)), n = 4;
	buf_append(b, s, n);
}

static enum summary_script script_of(uint32_t c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= 0xc0 && c <= 0x24f && c != 0xd7 && c != 0xf7))
		return SCRIPT_LATIN;
	if (c >= 0x400 && c <= 0x4ff)
		return SCRIPT_CYRILLIC;
	return SCRIPT_NONE;
}

static uint32_t lower(uint32_t c)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 0xc0 && c <= 0xde && c != 0xd7) || (c >= 0x410 && c <= 0x42f))
		return c + 0x20;
	if (c >= 0x400 && c <= 0x40f)
		return c + 0x50;
	return c;
}

static bool is_upper(uint32_t c)
{
	return lower(c) != c;
}

static bool is_digit(uint32_t c)
{
	return c >= '0' && c <= '9';
}

enum summary_script summary_next_word(const char **pp, const char *end, struct buf *w)
{
	while (*pp < end) {
		const char *start = *pp;
		uint32_t c = summary_utf8_next(pp, end);
		enum summary_script s = script_of(c);
		if (is_digit(c)) {
			while (*pp < end && (is_digit((unsigned char)**pp) || script_of((unsigned char)**pp)))
				(*pp)++;
			continue;
		}
		if (s == SCRIPT_NONE)
			continue;
		buf_reset(w);
		*pp = start;
		while (*pp < end) {
			const char *here = *pp;
			c = summary_utf8_next(pp, end);
			/* an apostrophe or hyphen between letters stays inside the word */
			if ((c == '\'' || c == 0x2019 || c == '-') && *pp < end) {
				const char *q = *pp;
				if (script_of(summary_utf8_next(&q, end)) == s) {
					summary_utf8_put(w, c == 0x2019 ? '\'' : c);
					continue;
				}
			}
			if (script_of(c) != s) {
				*pp = here;
				break;
			}
			summary_utf8_put(w, lower(c));
		}
		return s;
	}
	return SCRIPT_NONE;
}

/* Abbreviations after which a full stop never ends a sentence (titles, "e.g.", "т.е."). */
static bool never_ends(const char *w)
{
	static const char *const abbr[] = {"mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "vs",
					   "e.g", "i.e", "no", "approx", "ул", "д", "кв", "им",
					   "проф", "т.е", "напр", "см", "ст", "пр", "каб", "тел",
					   "т.к", "тов", "г-н", "г-жа"};
	for (size_t i = 0; i < sizeof(abbr) / sizeof(*abbr); i++)
		if (!strcmp(w, abbr[i]))
			return true;
	return false;
}

/* The token before a full stop at text[dot], lowercased, for the abbreviation check. */
static bool abbreviation_before(const char *text, size_t dot)
{
	size_t a = dot;
	struct buf w;
	bool r, single_upper;

	while (a > 0 && text[a - 1] != ' ' && text[a - 1] != '\n' && text[a - 1] != '\t' &&
	       text[a - 1] != '(' && text[a - 1] != '"')
		a--;
	if (a == dot)
		return false;
	buf_init(&w, 0);
	const char *p = text + a, *end = text + dot;
	uint32_t first = summary_utf8_next(&p, end);
	single_upper = p == end && is_upper(first);
	p = text + a;
	while (p < end)
		summary_utf8_put(&w, lower(summary_utf8_next(&p, end)));
	r = single_upper || never_ends(w.data);
	buf_free(&w);
	return r;
}

static bool starts_sentence(uint32_t c)
{
	return is_upper(c) || is_digit(c) || c == '"' || c == 0xab || c == 0x201c || c == '-' ||
	       c == 0x2014 || c == 0x2013 || c == '(';
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Where the sentence ending at a terminator run [i, j) really ends, or 0 if it does not. */
static size_t boundary(const char *t, size_t len, size_t i, size_t j)
{
	while (j < len && (t[j] == '"' || t[j] == ')' || !strncmp(t + j, "\xc2\xbb", 2) ||
			   !strncmp(t + j, "\xe2\x80\x9d", 3)))
		j += t[j] == '"' || t[j] == ')' ? 1 : (unsigned char)t[j] == 0xc2 ? 2 : 3;
	if (j >= len)
		return j;
	if (!is_space(t[j]))
		return 0; /* "3.5", "e.g.x", "example.org" */
	size_t k = j;
	while (k < len && is_space(t[k]))
		k++;
	if (k >= len)
		return j;
	const char *p = t + k;
	if (!starts_sentence(summary_utf8_next(&p, t + len)))
		return 0;
	if (t[i] == '.' && j == i + 1 && abbreviation_before(t, i))
		return 0;
	return j;
}

static void push(struct summary_span **out, size_t *n, size_t *cap, const char *t, size_t a, size_t b)
{
	while (a < b && is_space(t[a]))
		a++;
	while (b > a && is_space(t[b - 1]))
		b--;
	if (a == b || *n >= SUMMARY_MAX_SENTENCES)
		return;
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 32;
		*out = xrealloc(*out, *cap * sizeof(**out));
	}
	(*out)[(*n)++] = (struct summary_span){a, b - a};
}

static bool is_terminator(const char *t, size_t len, size_t i, size_t *w)
{
	*w = 1;
	if (t[i] == '.' || t[i] == '!' || t[i] == '?')
		return true;
	*w = 3;
	return len - i >= 3 && !memcmp(t + i, "\xe2\x80\xa6", 3); /* … */
}

size_t summary_split(const char *t, size_t len, struct summary_span **out)
{
	size_t n = 0, cap = 0, start = 0, w;

	*out = NULL;
	for (size_t i = 0; i < len;) {
		if (t[i] == '\n' && i + 1 < len && t[i + 1] == '\n') {
			push(out, &n, &cap, t, start, i);
			start = i += 2;
			continue;
		}
		if (!is_terminator(t, len, i, &w)) {
			i++;
			continue;
		}
		size_t j = i + w;
		while (j < len && is_terminator(t, len, j, &w))
			j += w;
		size_t b = boundary(t, len, i, j);
		if (b) {
			push(out, &n, &cap, t, start, b);
			start = b;
		}
		i = j;
	}
	push(out, &n, &cap, t, start, len);
	return n;
}
