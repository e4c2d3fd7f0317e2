/* Unit tests for sip/flood: per-source token buckets, bans, expiry and bounded memory. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "core/log.h"
#include "sip/flood.h"

#define T0 5000000ULL

static struct sa addr(const char *host)
{
	struct sa sa;

	assert_int_equal(sa_set_cstr(&sa, host, 5060), 0);
	return sa;
}

static void test_off(void **state)
{
	struct sip_flood *f;
	struct sa a = addr("192.0.2.1");

	assert_int_equal(sip_flood_new(&f, 0, 0, 300), 0);
	for (int i = 0; i < 10000; i++)
		assert_true(sip_flood_allow(f, &a, T0));
	assert_int_equal(sip_flood_count(f), 0);
	sip_flood_destroy(f);
}

static void test_burst_then_ban(void **state)
{
	struct sip_flood *f;
	struct sa a = addr("192.0.2.1"), b = addr("192.0.2.2");

	assert_int_equal(sip_flood_new(&f, 10, 5, 60), 0);
	for (int i = 0; i < 5; i++)
		assert_true(sip_flood_allow(f, &a, T0));
	assert_false(sip_flood_allow(f, &a, T0));
	/* other sources keep their own bucket */
	assert_true(sip_flood_allow(f, &b, T0));
	/* the ban holds although the bucket would have refilled long ago */
	assert_false(sip_flood_allow(f, &a, T0 + 30 * 1000));
	assert_false(sip_flood_allow(f, &a, T0 + 60 * 1000 - 1));
	/* the port is not part of the source */
	sa_set_port(&a, 6000);
	assert_false(sip_flood_allow(f, &a, T0 + 1000));
	/* after the ban a full burst is available again */
	for (int i = 0; i < 5; i++)
		assert_true(sip_flood_allow(f, &a, T0 + 60 * 1000));
	assert_false(sip_flood_allow(f, &a, T0 + 60 * 1000));
	sip_flood_destroy(f);
}

static void test_steady_rate_refill(void **state)
{
	struct sip_flood *f;
	struct sa a = addr("2001:db8::1");
	uint64_t t = T0;

	assert_int_equal(sip_flood_new(&f, 10, 2, 0), 0);
	assert_true(sip_flood_allow(f, &a, t));
	assert_true(sip_flood_allow(f, &a, t));
	assert_false(sip_flood_allow(f, &a, t)); /* ban_s 0: only the excess is refused */
	assert_false(sip_flood_allow(f, &a, t + 50));
	assert_true(sip_flood_allow(f, &a, t + 100)); /* 10/s: one token per 100 ms */
	/* exactly the rate for ten seconds is always allowed */
	for (int i = 0; i < 100; i++) {
		t += 100;
		assert_true(sip_flood_allow(f, &a, t + 100));
	}
	sip_flood_destroy(f);
}

static void test_default_burst(void **state)
{
	struct sip_flood *f;
	struct sa a = addr("192.0.2.9");
	int allowed = 0;

	assert_int_equal(sip_flood_new(&f, 16, 0, 300), 0);
	for (int i = 0; i < 100; i++)
		allowed += sip_flood_allow(f, &a, T0);
	assert_int_equal(allowed, 16); /* burst 0 = one second of traffic, like pike */
	sip_flood_destroy(f);
}

static void test_gc_and_bound(void **state)
{
	struct sip_flood *f;
	struct sa a = addr("192.0.2.1"), b = addr("192.0.2.2");
	char host[32];

	assert_int_equal(sip_flood_new(&f, 10, 1, 60), 0);
	assert_true(sip_flood_allow(f, &a, T0));
	assert_false(sip_flood_allow(f, &a, T0)); /* banned */
	assert_true(sip_flood_allow(f, &b, T0));
	assert_int_equal(sip_flood_count(f), 2);
	sip_flood_gc(f, T0 + 1000); /* b has refilled and is forgotten; a is banned */
	assert_int_equal(sip_flood_count(f), 1);
	assert_false(sip_flood_allow(f, &a, T0 + 1000));
	sip_flood_gc(f, T0 + 61 * 1000);
	assert_int_equal(sip_flood_count(f), 0);

	/* a spoofed-source flood does not grow memory without bound */
	for (unsigned i = 0; i < 70000; i++) {
		struct sa s;
		snprintf(host, sizeof(host), "10.%u.%u.%u", i >> 16, (i >> 8) & 255, i & 255);
		assert_int_equal(sa_set_cstr(&s, host, 5060), 0);
		sip_flood_allow(f, &s, T0);
	}
	assert_int_equal(sip_flood_count(f), 65536);
	sip_flood_destroy(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_off),
	    cmocka_unit_test(test_burst_then_ban),
	    cmocka_unit_test(test_steady_rate_refill),
	    cmocka_unit_test(test_default_burst),
	    cmocka_unit_test(test_gc_and_bound),
	};
	log_set_level(LL_WARN); /* ban lines are notices */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
