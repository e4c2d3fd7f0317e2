/* Number patterns: exact, "PREFIX*", and Asterisk-style "_NXX[1-5]." (no backtracking). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "scenario/scenario_int.h"

#define MAX_PATTERN 64
#define MAX_NUMBER 64

struct token {
	uint8_t set[32]; /* bytes this position accepts */
	char rep;	 /* '\0' once, '.' one or more, '!' zero or more */
};

static void set_add(struct token *t, unsigned lo, unsigned hi)
{
	for (unsigned c = lo; c <= hi; c++)
		t->set[c / 8] |= (uint8_t)(1u << (c % 8));
}

static bool set_has(const struct token *t, unsigned char c)
{
	return t->set[c / 8] & (1u << (c % 8));
}

/* "[1-5a]" at p into t; the length consumed, or 0 if malformed. */
static size_t parse_class(const char *p, struct token *t)
{
	size_t i = 1;

	while (p[i] && p[i] != ']') {
		if (p[i + 1] == '-' && p[i + 2] && p[i + 2] != ']') {
			if ((unsigned char)p[i] > (unsigned char)p[i + 2])
				return 0;
			set_add(t, (unsigned char)p[i], (unsigned char)p[i + 2]);
			i += 3;
		} else {
			set_add(t, (unsigned char)p[i], (unsigned char)p[i]);
			i++;
		}
	}
	return p[i] == ']' && i > 1 ? i + 1 : 0;
}

/* The tokens of an Asterisk pattern (without its '_'); -1 if malformed. */
static int compile(const char *p, struct token *tok)
{
	int n = 0;

	while (*p) {
		struct token *t = &tok[n];
		memset(t, 0, sizeof(*t));
		size_t used = 1;
		char c = *p;
		if (c == 'X' || c == 'x')
			set_add(t, '0', '9');
		else if (c == 'Z' || c == 'z')
			set_add(t, '1', '9');
		else if (c == 'N' || c == 'n')
			set_add(t, '2', '9');
		else if (c == '.' || c == '!') {
			set_add(t, 1, 255);
			t->rep = c;
		} else if (c == '[' && !(used = parse_class(p, t)))
			return -1;
		else if (c != '[')
			set_add(t, (unsigned char)c, (unsigned char)c);
		p += used;
		n++;
	}
	return n;
}

int scenario_pattern_check(const char *pattern, char *err, size_t errlen)
{
	struct token tok[MAX_PATTERN];

	if (!pattern[0] || strlen(pattern) > MAX_PATTERN) {
		snprintf(err, errlen, "a pattern has 1-%d characters", MAX_PATTERN);
		return EINVAL;
	}
	if (pattern[0] == '_' && (!pattern[1] || compile(pattern + 1, tok) < 0)) {
		snprintf(err, errlen, "malformed pattern '%s' (a [class] is not closed or empty)",
			 pattern);
		return EINVAL;
	}
	return 0;
}

/* ok[j]: the tokens so far can consume exactly the first j characters of the number. */
static bool run_tokens(const struct token *tok, int ntok, const char *num, size_t len)
{
	bool ok[MAX_NUMBER + 1] = { true }, nx[MAX_NUMBER + 1];

	for (int i = 0; i < ntok; i++) {
		const struct token *t = &tok[i];
		memset(nx, 0, sizeof(nx));
		for (size_t j = 0; j <= len; j++) {
			if (!ok[j])
				continue;
			if (t->rep == '!')
				nx[j] = true;
			for (size_t k = j; k < len && set_has(t, (unsigned char)num[k]); k++) {
				nx[k + 1] = true;
				if (!t->rep)
					break;
			}
		}
		memcpy(ok, nx, sizeof(ok));
	}
	return ok[len];
}

bool scenario_pattern_match(const char *pattern, const char *number)
{
	struct token tok[MAX_PATTERN];
	size_t plen = pattern ? strlen(pattern) : 0, len = strlen(number);

	if (!plen || plen > MAX_PATTERN || len > MAX_NUMBER)
		return false;
	if (pattern[0] != '_') {
		if (pattern[plen - 1] == '*')
			return strncmp(pattern, number, plen - 1) == 0;
		return strcmp(pattern, number) == 0;
	}
	int n = compile(pattern + 1, tok);
	return n >= 0 && run_tokens(tok, n, number, len);
}
