/* Hash map: insert, lookup with colliding hashes, growth, removal, iteration. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "core/hmap.h"
#include "core/mem.h"

struct item {
	struct hmap_node node;
	int key;
};

static uint32_t hash_of(int key)
{
	return (uint32_t)key * 2654435761u;
}

static struct item *find(struct hmap *m, int key)
{
	for (struct hmap_node *n = hmap_first(m, hash_of(key)); n; n = hmap_next_same(n)) {
		struct item *it = container_of(n, struct item, node);
		if (it->key == key)
			return it;
	}
	return NULL;
}

static void test_grow_and_find(void **state)
{
	enum { N = 10000 };
	struct hmap m;
	struct item *items = xcalloc(N, sizeof(*items));

	hmap_init(&m, 4);
	assert_int_equal(m.nbuckets, 8);
	for (int i = 0; i < N; i++) {
		items[i].key = i;
		hmap_insert(&m, &items[i].node, hash_of(i));
		assert_true(m.count <= m.nbuckets);
	}
	assert_int_equal(m.count, N);
	assert_int_equal(m.nbuckets, 16384);
	for (int i = 0; i < N; i++)
		assert_ptr_equal(find(&m, i), &items[i]);
	assert_null(find(&m, N + 1));
	for (int i = 0; i < N; i += 2)
		hmap_remove(&m, &items[i].node);
	assert_int_equal(m.count, N / 2);
	for (int i = 0; i < N; i++)
		assert_true((find(&m, i) != NULL) == (i % 2 == 1));
	hmap_free(&m);
	free(items);
}

static void test_same_hash_chain(void **state)
{
	struct hmap m;
	struct item a = {.key = 1}, b = {.key = 2}, c = {.key = 3};

	hmap_init(&m, 8);
	/* Three keys forced onto one hash: the caller tells them apart. */
	hmap_insert(&m, &a.node, 42);
	hmap_insert(&m, &b.node, 42);
	hmap_insert(&m, &c.node, 42 + 8); /* same bucket, other hash */
	int seen = 0;
	for (struct hmap_node *n = hmap_first(&m, 42); n; n = hmap_next_same(n)) {
		assert_int_equal(n->hash, 42);
		seen++;
	}
	assert_int_equal(seen, 2);
	assert_ptr_equal(hmap_first(&m, 50), &c.node);
	assert_null(hmap_first(&m, 43));
	hmap_remove(&m, &a.node);
	assert_ptr_equal(hmap_first(&m, 42), &b.node);
	assert_null(hmap_next_same(&b.node));
	hmap_free(&m);
}

static void test_iterate_and_remove(void **state)
{
	enum { N = 500 };
	struct hmap m;
	struct item items[N];
	struct hmap_iter it;
	int seen[N] = {0};

	hmap_init(&m, 0);
	for (int i = 0; i < N; i++) {
		items[i].key = i;
		hmap_insert(&m, &items[i].node, hash_of(i));
	}
	hmap_iter_init(&it, &m);
	for (struct hmap_node *n; (n = hmap_iter_next(&it)) != NULL;) {
		struct item *x = container_of(n, struct item, node);
		seen[x->key]++;
		hmap_remove(&m, n); /* removing the current node is allowed */
	}
	for (int i = 0; i < N; i++)
		assert_int_equal(seen[i], 1);
	assert_int_equal(m.count, 0);
	hmap_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_grow_and_find),
	    cmocka_unit_test(test_same_hash_chain),
	    cmocka_unit_test(test_iterate_and_remove),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
