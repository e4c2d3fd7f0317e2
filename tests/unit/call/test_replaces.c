/* Replaces values (RFC 3891) as a header and inside a Refer-To URI's headers (RFC 5589). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "call/call_int.h"

static void assert_str(struct str s, const char *want)
{
	if (!str_eq_cstr(s, want))
		fprintf(stderr, "got '%.*s' want '%s'\n", STR_FMT(s), want);
	assert_true(str_eq_cstr(s, want));
}

static void test_header(void **state)
{
	struct call_replaces r;

	assert_int_equal(call_replaces_parse(str_c("425928@bobster.example.org;to-tag=7743;"
						   "from-tag=6472"),
					     &r),
			 0);
	assert_str(r.call_id, "425928@bobster.example.org");
	assert_str(r.to_tag, "7743");
	assert_str(r.from_tag, "6472");
	assert_false(r.early_only);
	assert_int_equal(call_replaces_parse(str_c(" abc ; from-tag = F ;to-tag=T;early-only"), &r),
			 0);
	assert_str(r.call_id, "abc");
	assert_str(r.to_tag, "T");
	assert_str(r.from_tag, "F");
	assert_true(r.early_only);
}

static void test_header_bad(void **state)
{
	static const char *const bad[] = {
	    "",
	    "abc",
	    "abc;to-tag=1",
	    "abc;from-tag=1",
	    ";to-tag=1;from-tag=2",
	    "abc;to-tag=;from-tag=2",
	    "abc;to-tag=1;from-tag",
	    " ;to-tag=1;from-tag=2",
	};
	struct call_replaces r;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (call_replaces_parse(str_c(bad[i]), &r) != EBADMSG)
			fprintf(stderr, "accepted: bad[%zu]\n", i);
		assert_int_equal(call_replaces_parse(str_c(bad[i]), &r), EBADMSG);
	}
}

static void test_from_uri(void **state)
{
	char buf[128];
	struct str v;
	struct call_replaces r;

	assert_int_equal(
	    call_replaces_from_uri(str_c("x=1&replaces=12%40h%3Bto-tag%3Da%3Bfrom-tag%3Db&y"), buf,
				   sizeof(buf), &v),
	    0);
	assert_str(v, "12@h;to-tag=a;from-tag=b");
	assert_int_equal(call_replaces_parse(v, &r), 0);
	assert_str(r.call_id, "12@h");
	assert_int_equal(call_replaces_from_uri(str_c("subject=hi"), buf, sizeof(buf), &v), ENOENT);
	assert_int_equal(call_replaces_from_uri(str_c("Replaces=%zz"), buf, sizeof(buf), &v),
			 EBADMSG);
	assert_int_equal(call_replaces_from_uri(str_c("Replaces"), buf, sizeof(buf), &v), EBADMSG);
	assert_int_equal(call_replaces_from_uri(str_c("Replaces=abcdefgh"), buf, 4, &v), EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_header),
	    cmocka_unit_test(test_header_bad),
	    cmocka_unit_test(test_from_uri),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
