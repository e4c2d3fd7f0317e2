/* Refcounted objects and random bytes: counts, destructor order, alignment, token alphabets. */
#include <ctype.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/obj.h"
#include "core/rand.h"

struct thing {
	long double big; /* needs the strictest alignment */
	int *destroyed;
};

static void thing_destroy(void *obj)
{
	struct thing *t = obj;

	(*t->destroyed)++;
}

static void test_refcount(void **state)
{
	int destroyed = 0;
	struct thing *t = obj_new(sizeof(*t), thing_destroy);

	assert_int_equal((uintptr_t)t % _Alignof(max_align_t), 0);
	assert_true(t->big == 0 && t->destroyed == NULL); /* zeroed */
	t->destroyed = &destroyed;
	assert_int_equal(obj_refs(t), 1);
	assert_ptr_equal(obj_ref(t), t);
	assert_int_equal(obj_refs(t), 2);
	assert_null(obj_unref(t));
	assert_int_equal(destroyed, 0);
	assert_null(obj_unref(t));
	assert_int_equal(destroyed, 1);
	assert_null(obj_ref(NULL));
	assert_null(obj_unref(NULL));
	assert_int_equal(obj_refs(NULL), 0);
}

static void *ref_storm(void *arg)
{
	for (int i = 0; i < 100000; i++) {
		obj_ref(arg);
		obj_unref(arg);
	}
	return NULL;
}

static void test_refs_across_threads(void **state)
{
	int destroyed = 0;
	struct thing *t = obj_new(sizeof(*t), thing_destroy);
	pthread_t th[2];

	t->destroyed = &destroyed;
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&th[i], NULL, ref_storm, t), 0);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	assert_int_equal(obj_refs(t), 1);
	assert_int_equal(destroyed, 0);
	obj_unref(t);
	assert_int_equal(destroyed, 1);
}

static void test_rand(void **state)
{
	char tok[33], hex[2 * 20 + 1];
	unsigned char a[32] = {0}, b[32] = {0};

	rand_bytes(a, sizeof(a));
	rand_bytes(b, sizeof(b));
	assert_memory_not_equal(a, b, sizeof(a));
	rand_token(tok, 32);
	assert_int_equal(strlen(tok), 32);
	for (int i = 0; i < 32; i++)
		assert_true(isalnum((unsigned char)tok[i]));
	rand_hex(hex, 20);
	assert_int_equal(strlen(hex), 40);
	assert_int_equal(strspn(hex, "0123456789abcdef"), 40);
	rand_token(tok, 0);
	assert_string_equal(tok, "");
	/* 1000 draws of 32 bits never all agree unless something is badly wrong. */
	uint32_t first = rand_u32(), same = 0;
	for (int i = 0; i < 1000; i++)
		same += rand_u32() == first;
	assert_true(same < 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_refcount),
	    cmocka_unit_test(test_refs_across_threads),
	    cmocka_unit_test(test_rand),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
