/* Number patterns: exact, prefix, and Asterisk-style classes and wildcards. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "scenario/scenario.h"

static void test_exact_and_prefix(void **state)
{
	assert_true(scenario_pattern_match("101", "101"));
	assert_false(scenario_pattern_match("101", "1010"));
	assert_false(scenario_pattern_match("101", "10"));
	assert_true(scenario_pattern_match("+7495*", "+74951234567"));
	assert_true(scenario_pattern_match("+7495*", "+7495"));
	assert_false(scenario_pattern_match("+7495*", "+7499123"));
	assert_true(scenario_pattern_match("*", "anything"));
	assert_false(scenario_pattern_match("", "")); /* an empty pattern matches nothing */
}

static void test_classes(void **state)
{
	assert_true(scenario_pattern_match("_8495XXXXXXX", "84951234567"));
	assert_false(scenario_pattern_match("_8495XXXXXXX", "8495123456"));   /* one short */
	assert_false(scenario_pattern_match("_8495XXXXXXX", "849512345678")); /* one long */
	assert_false(scenario_pattern_match("_8495XXXXXXX", "8495123456a"));
	assert_true(scenario_pattern_match("_NXX", "200"));
	assert_false(scenario_pattern_match("_NXX", "100")); /* N is 2-9 */
	assert_true(scenario_pattern_match("_ZX", "10"));
	assert_false(scenario_pattern_match("_ZX", "01")); /* Z is 1-9 */
	assert_true(scenario_pattern_match("_[1-5]00", "300"));
	assert_false(scenario_pattern_match("_[1-5]00", "600"));
	assert_true(scenario_pattern_match("_[15-7#]", "6"));
	assert_true(scenario_pattern_match("_[15-7#]", "#"));
	assert_false(scenario_pattern_match("_[15-7#]", "3"));
	assert_true(scenario_pattern_match("_+7[89]XX", "+7812"));
	assert_true(scenario_pattern_match("_nxx", "555")); /* letters in either case */
}

static void test_wildcards(void **state)
{
	assert_true(scenario_pattern_match("_9.", "9123"));
	assert_false(scenario_pattern_match("_9.", "9")); /* '.' is one or more */
	assert_true(scenario_pattern_match("_9!", "9"));  /* '!' is zero or more */
	assert_true(scenario_pattern_match("_9!", "91"));
	assert_true(scenario_pattern_match("_X.5", "12345")); /* a wildcard in the middle */
	assert_false(scenario_pattern_match("_X.5", "12346"));
	/* many wildcards stay linear (no backtracking blow-up) */
	assert_false(scenario_pattern_match("_.................................X",
					    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
	assert_true(scenario_pattern_match("_!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!1",
					   "0000000000000000000000000000000000000000000000001"));
}

static void test_check(void **state)
{
	char err[128];

	assert_int_equal(scenario_pattern_check("_8[49", err, sizeof(err)), EINVAL);
	assert_non_null(strstr(err, "malformed"));
	assert_int_equal(scenario_pattern_check("_[]", err, sizeof(err)), EINVAL);
	assert_int_equal(scenario_pattern_check("_[9-1]", err, sizeof(err)), EINVAL);
	assert_int_equal(scenario_pattern_check("_", err, sizeof(err)), EINVAL);
	assert_int_equal(scenario_pattern_check("", err, sizeof(err)), EINVAL);
	assert_int_equal(scenario_pattern_check("_[1-5]XX.", err, sizeof(err)), 0);
	assert_int_equal(scenario_pattern_check("+7*", err, sizeof(err)), 0);
	assert_false(scenario_pattern_match("_8[49", "84"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact_and_prefix),
		cmocka_unit_test(test_classes),
		cmocka_unit_test(test_wildcards),
		cmocka_unit_test(test_check),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
