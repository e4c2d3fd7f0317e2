/* String slices: numbers with overflow, trimming, splitting, hashing, copying. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/str.h"

static void test_to_u64(void **state)
{
	uint64_t v = 7;
	uint32_t u;

	assert_int_equal(str_to_u64(STR("0"), UINT64_MAX, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(str_to_u64(STR("18446744073709551615"), UINT64_MAX, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(str_to_u64(STR("18446744073709551616"), UINT64_MAX, &v), EOVERFLOW);
	assert_int_equal(str_to_u64(STR("99999999999999999999999"), UINT64_MAX, &v), EOVERFLOW);
	assert_int_equal(str_to_u64(STR("65535"), 65535, &v), 0);
	assert_int_equal(str_to_u64(STR("65536"), 65535, &v), EOVERFLOW);
	assert_int_equal(str_to_u64(STR(""), 10, &v), EINVAL);
	assert_int_equal(str_to_u64(STR("-1"), 10, &v), EINVAL);
	assert_int_equal(str_to_u64(STR(" 1"), 10, &v), EINVAL);
	assert_int_equal(str_to_u64(STR("1a"), 10, &v), EINVAL);
	assert_int_equal(str_to_u32(STR("4294967295"), &u), 0);
	assert_true(u == UINT32_MAX);
	assert_int_equal(str_to_u32(STR("4294967296"), &u), EOVERFLOW);
	/* Only the slice counts, not what follows it in memory. */
	assert_int_equal(str_to_u64(str_make("123456", 3), UINT64_MAX, &v), 0);
	assert_int_equal(v, 123);
}

static void test_trim_split(void **state)
{
	struct str head;
	struct str rest = str_split(STR("key=a=b"), '=', &head);

	assert_true(str_eq_cstr(head, "key"));
	assert_true(str_eq_cstr(rest, "a=b"));
	rest = str_split(STR("novalue"), '=', &head);
	assert_true(str_eq_cstr(head, "novalue"));
	assert_null(rest.p);
	assert_true(str_eq_cstr(str_trim(STR(" \t x y \r\n")), "x y"));
	assert_true(str_empty(str_trim(STR("  \r\n"))));
	assert_true(str_eq_cstr(str_sub(STR("abc"), 1), "bc"));
	assert_true(str_empty(str_sub(STR("abc"), 10)));
	{
		struct str s = STR("a;b");
		assert_ptr_equal(str_chr(s, ';'), s.p + 1);
	}
	assert_null(str_chr(STR("abc"), ';'));
	assert_true(str_has_prefix_case(STR("SIP/2.0"), "sip/"));
	assert_false(str_has_prefix_case(STR("SI"), "sip/"));
}

static void test_eq_hash_copy(void **state)
{
	char small[4];

	assert_true(str_eq_case(STR("Via"), STR("VIA")));
	assert_false(str_eq(STR("Via"), STR("VIA")));
	assert_int_equal(str_hash_case(STR("Call-ID")), str_hash_case(STR("call-id")));
	assert_int_not_equal(str_hash(STR("Call-ID")), str_hash(STR("call-id")));
	/* FNV-1a of the empty string is the offset basis. */
	assert_int_equal(str_hash(STR("")), 2166136261u);
	assert_true(str_copy(STR("abc"), small, sizeof(small)));
	assert_string_equal(small, "abc");
	assert_false(str_copy(STR("abcd"), small, sizeof(small)));
	assert_string_equal(small, "abc");
	char *dup = str_dup(STR("x"));
	assert_string_equal(dup, "x");
	free(dup);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_to_u64),
	    cmocka_unit_test(test_trim_split),
	    cmocka_unit_test(test_eq_hash_copy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
