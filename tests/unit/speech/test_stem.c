/* Stemmed text for search: the same stems for a transcript and a query in Russian and English,
 * ё folded, hyphens dropped, numbers skipped; queries: distinct terms, limits, FTS5 form. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "speech/stem.h"

static void assert_stems(const char *text, const char *want)
{
	char *got = stem_text(text, strlen(text));
	assert_string_equal(got, want);
	free(got);
}

static void test_text(void **state)
{
	assert_stems("Она звонила вчера, он звонил сегодня.", "он звон вчер он звон сегодн");
	assert_stems("I called; she is calling. Calls", "i call she is call call");
	assert_stems("Ёлка ЁЛКИ елка", "елк елк елк");
	assert_stems("e-mail don't 42 1 250 руб.", "email dont руб");
	assert_stems("", "");
	assert_stems("!!! 123 ...", "");
}

static void test_query(void **state)
{
	struct stem_query q;
	struct buf fts;

	assert_int_equal(stem_query_parse("Звонил ЗВОНИЛА calling called", &q), 0);
	assert_int_equal(q.n, 2); /* звон, call: repeats are one term */
	assert_string_equal(q.term[0], "звон");
	assert_string_equal(q.term[1], "call");
	assert_true(stem_query_has(&q, "call"));
	assert_false(stem_query_has(&q, "cal"));
	buf_init(&fts, 0);
	stem_query_fts(&q, &fts);
	assert_string_equal(fts.data, "\"звон\" \"call\"");
	buf_free(&fts);
	stem_query_free(&q);

	/* operators of the FTS5 syntax are words like others */
	assert_int_equal(stem_query_parse("\" OR invoice NEAR(", &q), 0);
	assert_int_equal(q.n, 3);
	assert_string_equal(q.term[0], "or");
	stem_query_free(&q);

	assert_int_equal(stem_query_parse("", &q), EINVAL);
	assert_int_equal(stem_query_parse("12 ... !!", &q), EINVAL);
	assert_int_equal(stem_query_parse(NULL, &q), EINVAL);
	assert_int_equal(stem_query_parse("a b c d e f g h i j k l m n o p q", &q), EOVERFLOW);
	assert_int_equal(q.n, 0);
	assert_int_equal(stem_query_parse("a a a a a a a a a a a a a a a a a a a a b", &q), 0);
	assert_int_equal(q.n, 2);
	stem_query_free(&q);
}

static void test_words(void **state)
{
	const char *text = "Она звонила вчера", *p = text, *end = text + strlen(text);
	struct stemmer s;
	struct buf stem;

	stemmer_open(&s);
	buf_init(&stem, 0);
	assert_true(stemmer_next(&s, &p, end, &stem));
	assert_true(stemmer_next(&s, &p, end, &stem));
	assert_string_equal(s.word.data, "звонила"); /* the word as said, lowercased */
	assert_string_equal(stem.data, "звон");
	assert_int_equal(p - text, strlen("Она звонила"));
	assert_true(stemmer_next(&s, &p, end, &stem));
	assert_false(stemmer_next(&s, &p, end, &stem));
	buf_free(&stem);
	stemmer_close(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_text),
	    cmocka_unit_test(test_query),
	    cmocka_unit_test(test_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
