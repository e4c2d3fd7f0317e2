/* Unit tests for net/addr: parsing, formatting, equality and hashing of socket addresses. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "net/addr.h"

static void test_ipv4_parse_format(void **state)
{
	struct sa sa;
	char out[SA_ADDRSTRLEN];

	assert_int_equal(sa_parse(&sa, "192.0.2.7:5060"), 0);
	assert_int_equal(sa_family(&sa), AF_INET);
	assert_int_equal(sa_port(&sa), 5060);
	assert_string_equal(sa_str(&sa, out, sizeof(out)), "192.0.2.7:5060");
	assert_string_equal(sa_host_str(&sa, out, sizeof(out)), "192.0.2.7");
	assert_false(sa_is_any(&sa));
	assert_int_equal(sa_set_cstr(&sa, "0.0.0.0", 0), 0);
	assert_true(sa_is_any(&sa));
}

static void test_ipv6_parse_format(void **state)
{
	struct sa sa;
	char out[SA_ADDRSTRLEN];

	assert_int_equal(sa_parse(&sa, "[::1]:5061"), 0);
	assert_int_equal(sa_family(&sa), AF_INET6);
	assert_int_equal(sa_port(&sa), 5061);
	assert_string_equal(sa_str(&sa, out, sizeof(out)), "[::1]:5061");
	assert_string_equal(sa_host_str(&sa, out, sizeof(out)), "::1");
	assert_int_equal(sa_set_cstr(&sa, "[2001:db8::5]", 7), 0);
	assert_string_equal(sa_str(&sa, out, sizeof(out)), "[2001:db8::5]:7");
	assert_int_equal(sa_set(&sa, STR("2001:db8::5"), 8), 0);
	assert_int_equal(sa_port(&sa), 8);
	assert_int_equal(sa_set_cstr(&sa, "::", 0), 0);
	assert_true(sa_is_any(&sa));
}

static void test_parse_rejects(void **state)
{
	struct sa sa;
	static const char *const bad[] = {
	    "",		  "1.2.3.4",	"1.2.3.4:",	     "1.2.3.4:65536",
	    "1.2.3.4:-1", "1.2.3.4:5x", "::1:5060",	     "[::1]",
	    "[::1]5060",  "[::1:5060",	"host.example:5060", "1.2.3.256:1",
	    "[1.2.3.4:5", "1.2.3.4: 5",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(sa_parse(&sa, bad[i]), EINVAL);
	assert_int_equal(sa_set(&sa, STR("example.com"), 1), EINVAL);
	assert_int_equal(sa_set(&sa, STR_NULL, 1), EINVAL);
	assert_int_equal(sa_parse(&sa, "1.2.3.4:65535"), 0);
	assert_int_equal(sa_port(&sa), 65535);
}

static void test_port_set(void **state)
{
	struct sa sa;

	assert_int_equal(sa_parse(&sa, "10.0.0.1:1"), 0);
	sa_set_port(&sa, 5080);
	assert_int_equal(sa_port(&sa), 5080);
	assert_int_equal(sa_parse(&sa, "[fe80::1]:1"), 0);
	sa_set_port(&sa, 443);
	assert_int_equal(sa_port(&sa), 443);
}

static void test_equality_and_hash(void **state)
{
	struct sa a, b, c, d;

	assert_int_equal(sa_parse(&a, "10.1.2.3:5060"), 0);
	assert_int_equal(sa_parse(&b, "10.1.2.3:5060"), 0);
	assert_int_equal(sa_parse(&c, "10.1.2.3:5070"), 0);
	assert_int_equal(sa_parse(&d, "[::ffff:10.1.2.3]:5060"), 0);
	assert_true(sa_eq(&a, &b));
	assert_int_equal(sa_hash(&a), sa_hash(&b));
	assert_false(sa_eq(&a, &c));
	assert_true(sa_eq_addr(&a, &c));
	assert_int_equal(sa_hash_addr(&a), sa_hash_addr(&c));
	assert_int_not_equal(sa_hash(&a), sa_hash(&c));
	assert_false(sa_eq_addr(&a, &d)); /* different families never compare equal */
	assert_int_equal(sa_parse(&c, "[2001:db8::1]:5060"), 0);
	assert_int_equal(sa_parse(&d, "[2001:db8::1]:5060"), 0);
	assert_true(sa_eq(&c, &d));
	assert_int_equal(sa_hash(&c), sa_hash(&d));
	assert_int_equal(sa_parse(&d, "[2001:db8::2]:5060"), 0);
	assert_false(sa_eq(&c, &d));
}

static void test_small_output_buffers(void **state)
{
	struct sa sa;
	char out[8];

	assert_int_equal(sa_parse(&sa, "192.168.100.200:5060"), 0);
	sa_str(&sa, out, sizeof(out));
	assert_int_equal(strlen(out), sizeof(out) - 1); /* truncated, still terminated */
	sa_host_str(&sa, out, sizeof(out));
	assert_int_equal(out[0], '\0'); /* inet_ntop refuses: empty, not garbage */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ipv4_parse_format), cmocka_unit_test(test_ipv6_parse_format),
	    cmocka_unit_test(test_parse_rejects),     cmocka_unit_test(test_port_set),
	    cmocka_unit_test(test_equality_and_hash), cmocka_unit_test(test_small_output_buffers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
