/* JSGF grammars from phrase lists (one alternative set per intent) and spelled-out digit strings. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "speech/asr.h"

static const char *const yes_no[] = {"yes|yeah|yep|sure|correct|right", "no|nope|wrong"};
const struct asr_grammar asr_yes_no = {yes_no, 2, 0};

static bool word_char(char c)
{
	return (c >= 'a' && c <= 'z') || c == '\'' || c == ' ';
}

/* Alternatives of one phrase, checked: lowercase words, single spaces. */
static int add_phrase(struct buf *out, const char *p, size_t idx, char *err, size_t errlen)
{
	bool any = false;

	for (const char *alt = p; *alt;) {
		const char *bar = strchr(alt, '|');
		size_t n = bar ? (size_t)(bar - alt) : strlen(alt);
		for (size_t i = 0; i < n; i++)
			if (!word_char(alt[i]) || (alt[i] == ' ' && (i == 0 || i + 1 == n || alt[i + 1] == ' '))) {
				snprintf(err, errlen, "phrase %zu: only lowercase English words, single spaces", idx);
				return EINVAL;
			}
		if (!n) {
			snprintf(err, errlen, "phrase %zu: empty alternative", idx);
			return EINVAL;
		}
		buf_printf(out, "%s%.*s", out->len && out->data[out->len - 1] != ' ' ? " | " : "", (int)n, alt);
		any = true;
		alt += n + (bar != NULL);
	}
	if (!any) {
		snprintf(err, errlen, "phrase %zu: empty", idx);
		return EINVAL;
	}
	return 0;
}

/* "<digit> [<digit>] ... [<digit>]": "<digit>+" inside an alternation let the decoder
 * produce strings the grammar does not allow. */
static void digits(const struct asr_grammar *g, struct buf *out)
{
	buf_puts(out, "<digit> = zero | oh | one | two | three | four | five | six | seven | eight | nine;\n");
	buf_puts(out, "public <digits> = <digit>");
	for (unsigned i = 1; i < g->max_digits; i++)
		buf_puts(out, " [<digit>]");
	buf_puts(out, ";\n");
}

int asr_grammar_jsgf(const struct asr_grammar *g, struct buf *out, char *err, size_t errlen)
{
	int rc;

	buf_puts(out, "#JSGF V1.0;\ngrammar zvonar;\n");
	if (g->max_digits) {
		if (g->max_digits > ASR_MAX_DIGITS) {
			snprintf(err, errlen, "at most %u digits", ASR_MAX_DIGITS);
			return EINVAL;
		}
		digits(g, out);
		return 0;
	}
	if (!g->nphrases || g->nphrases > ASR_MAX_PHRASES) {
		snprintf(err, errlen, "1 to %u phrases", ASR_MAX_PHRASES);
		return EINVAL;
	}
	buf_puts(out, "public <intent> = ");
	size_t mark = out->len;
	for (size_t i = 0; i < g->nphrases; i++) {
		if (out->len > mark)
			buf_puts(out, " | ");
		struct buf one;
		buf_init(&one, 0);
		rc = add_phrase(&one, g->phrases[i] ? g->phrases[i] : "", i, err, errlen);
		if (!rc)
			buf_append(out, one.data, one.len);
		buf_free(&one);
		if (rc)
			return rc;
	}
	buf_puts(out, ";\n");
	return 0;
}
