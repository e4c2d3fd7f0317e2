/* Timer wheel: ordering, cancellation from callbacks, big jumps, scale, and next() never late. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "core/mem.h"
#include "core/timer.h"

static struct timer_wheel *w;
static uint64_t now;

struct rec {
	struct timer t;
	int id;
	uint64_t fired_at;    /* 0 = not fired */
	struct timer *victim; /* cancelled by this timer's callback, if set */
	uint64_t restart_ms;  /* restart itself once with this delay, if set */
};

static int order[64];
static int norder;

static void on_fire(void *arg)
{
	struct rec *r = arg;

	r->fired_at = now;
	if (norder < 64)
		order[norder++] = r->id;
	if (r->victim)
		timer_cancel(r->victim);
	if (r->restart_ms) {
		uint64_t d = r->restart_ms;
		r->restart_ms = 0;
		timer_start(w, &r->t, d, on_fire, r);
	}
}

static void step_to(uint64_t t)
{
	now = t;
	timer_wheel_advance(w, t);
}

static int setup(void **state)
{
	now = 1000;
	norder = 0;
	return timer_wheel_new(&w, now);
}

static int teardown(void **state)
{
	timer_wheel_destroy(w);
	return 0;
}

static void test_order(void **state)
{
	struct rec r[4] = {{.id = 0}, {.id = 1}, {.id = 2}, {.id = 3}};
	uint64_t delays[4] = {300, 5, 70000, 5};

	for (int i = 0; i < 4; i++) {
		timer_init(&r[i].t);
		timer_start(w, &r[i].t, delays[i], on_fire, &r[i]);
	}
	assert_int_equal(timer_wheel_count(w), 4);
	assert_int_equal(timer_remaining(w, &r[0].t), 300);
	step_to(1004);
	assert_int_equal(norder, 0);
	for (uint64_t t = 1005; t <= 72000; t++)
		step_to(t);
	assert_int_equal(norder, 4);
	assert_int_equal(order[0], 1);
	assert_int_equal(order[1], 3);
	assert_int_equal(order[2], 0);
	assert_int_equal(order[3], 2);
	assert_int_equal(r[0].fired_at, 1300);
	assert_int_equal(r[2].fired_at, 71000);
	assert_false(timer_pending(&r[2].t));
	assert_int_equal(timer_remaining(w, &r[2].t), UINT64_MAX);
	assert_int_equal(timer_wheel_count(w), 0);
	assert_int_equal(timer_wheel_next(w, now), -1);
}

static void test_cancel_and_restart(void **state)
{
	struct rec a = {.id = 1}, b = {.id = 2};

	timer_init(&a.t);
	timer_init(&b.t);
	timer_cancel(&a.t); /* idle: harmless */
	timer_start(w, &a.t, 10, on_fire, &a);
	timer_start(w, &b.t, 20, on_fire, &b);
	timer_cancel(&a.t);
	timer_cancel(&a.t);
	assert_false(timer_pending(&a.t));
	/* Restarting moves the expiry instead of adding a second entry. */
	timer_start(w, &b.t, 50, on_fire, &b);
	assert_int_equal(timer_wheel_count(w), 1);
	step_to(1049);
	assert_int_equal(norder, 0);
	step_to(1050);
	assert_int_equal(norder, 1);
	assert_int_equal(order[0], 2);
	assert_int_equal(a.fired_at, 0);
}

static void test_restart_from_callback(void **state)
{
	struct rec a = {.id = 7, .restart_ms = 100};

	timer_init(&a.t);
	timer_start(w, &a.t, 10, on_fire, &a);
	step_to(1010);
	assert_int_equal(norder, 1);
	assert_true(timer_pending(&a.t));
	assert_int_equal(timer_remaining(w, &a.t), 100);
	step_to(1109);
	assert_int_equal(norder, 1);
	step_to(1110);
	assert_int_equal(norder, 2);
	assert_false(timer_pending(&a.t));
}

static void test_cancel_same_tick(void **state)
{
	struct rec a = {.id = 1}, b = {.id = 2}, c = {.id = 3};

	timer_init(&a.t);
	timer_init(&b.t);
	timer_init(&c.t);
	a.victim = &b.t;
	timer_start(w, &a.t, 30, on_fire, &a);
	timer_start(w, &b.t, 30, on_fire, &b);
	timer_start(w, &c.t, 30, on_fire, &c);
	step_to(5000);
	assert_int_equal(norder, 2);
	assert_int_equal(order[0], 1);
	assert_int_equal(order[1], 3);
	assert_int_equal(b.fired_at, 0);
	assert_false(timer_pending(&b.t));
}

static void test_big_jumps(void **state)
{
	static const uint64_t delays[] = {
	    1,	      255,	256,	  257,	    65535,	     65536,	      65537,
	    16777215, 16777216, 16777217, 86400000, 3 * 86400000ull, (1ull << 32) + 5};
	enum { N = sizeof(delays) / sizeof(delays[0]) };
	struct rec r[N];

	for (int i = 0; i < N; i++) {
		r[i] = (struct rec){.id = i};
		timer_init(&r[i].t);
		timer_start(w, &r[i].t, delays[i], on_fire, &r[i]);
	}
	/* Jump to one ms before each expiry, then onto it: never early, never skipped. */
	for (int i = 0; i < N; i++) {
		step_to(1000 + delays[i] - 1);
		assert_int_equal(r[i].fired_at, 0);
		int64_t next = timer_wheel_next(w, now);
		assert_true(next >= 0 && next <= 1);
		step_to(1000 + delays[i]);
		assert_int_equal(r[i].fired_at, 1000 + delays[i]);
	}
	/* One jump far past everything fires all of them, late but exactly once. */
	for (int i = 0; i < N; i++)
		timer_start(w, &r[i].t, delays[i], on_fire, &r[i]);
	norder = 0;
	step_to(now + (1ull << 34));
	assert_int_equal(norder, N);
	assert_int_equal(timer_wheel_count(w), 0);
}

static void test_many_timers(void **state)
{
	enum { N = 100000 };
	struct rec *r = xcalloc(N, sizeof(*r));
	int fired = 0;

	for (int i = 0; i < N; i++) {
		timer_init(&r[i].t);
		r[i].id = i;
		timer_start(w, &r[i].t, 1 + (uint64_t)rand() % 86400000, on_fire, &r[i]);
	}
	assert_int_equal(timer_wheel_count(w), N);
	for (int i = 0; i < N; i += 2)
		timer_cancel(&r[i].t);
	assert_int_equal(timer_wheel_count(w), N / 2);
	step_to(now + 86400000);
	for (int i = 0; i < N; i++) {
		if (r[i].fired_at) {
			assert_true(i % 2 == 1);
			assert_true(r[i].fired_at >= r[i].t.expires_ms);
			fired++;
		}
	}
	assert_int_equal(fired, N / 2);
	free(r);
}

/* Reference model: random starts, cancels and time steps; checks exact firing times. */
static void test_random_model(void **state)
{
	enum { N = 300, STEPS = 20000 };
	struct rec *r = xcalloc(N, sizeof(*r));
	static const uint64_t scales[] = {10, 300, 70000, 20000000};

	srand(12345);
	for (int i = 0; i < N; i++) {
		timer_init(&r[i].t);
		r[i].id = i;
	}
	for (int s = 0; s < STEPS; s++) {
		struct rec *x = &r[rand() % N];
		int op = rand() % 4;
		if (op == 0) {
			timer_start(w, &x->t, 1 + (uint64_t)rand() % scales[rand() % 4], on_fire,
				    x);
			x->fired_at = 0;
		} else if (op == 1) {
			timer_cancel(&x->t);
		}
		/* Model: the earliest pending expiry; next() must not point past it. */
		uint64_t earliest = UINT64_MAX;
		for (int i = 0; i < N; i++)
			if (timer_pending(&r[i].t) && r[i].t.expires_ms < earliest)
				earliest = r[i].t.expires_ms;
		int64_t next = timer_wheel_next(w, now);
		if (earliest == UINT64_MAX) {
			assert_int_equal(next, -1);
		} else {
			assert_true(next >= 0);
			assert_true(now + (uint64_t)next <= earliest);
		}
		uint64_t target = now + (uint64_t)rand() % scales[rand() % 4];
		if (earliest != UINT64_MAX && rand() % 2)
			target = earliest; /* often jump exactly onto an expiry */
		step_to(target > now ? target : now);
		for (int i = 0; i < N; i++) {
			if (timer_pending(&r[i].t))
				assert_true(r[i].t.expires_ms > now);
			else if (r[i].fired_at && r[i].t.fn)
				assert_true(r[i].fired_at >= r[i].t.expires_ms);
		}
	}
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_order, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cancel_and_restart, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_restart_from_callback, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cancel_same_tick, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_big_jumps, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_many_timers, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_random_model, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
