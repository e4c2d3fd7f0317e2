/*
 * Intrusive hash map that grows (load factor <= 1) so lookups stay O(1)
 * at any number of live transactions, dialogs or registrations.
 * The caller embeds struct hmap_node and supplies the hash; equality is
 * checked by the caller while iterating a bucket's chain.
 */
#ifndef CORE_HMAP_H
#define CORE_HMAP_H

#include <stddef.h>
#include <stdint.h>

struct hmap_node {
	struct hmap_node *next;
	uint32_t hash;
};

struct hmap {
	struct hmap_node **buckets; /* owned */
	size_t nbuckets;            /* power of two */
	size_t count;
};

void hmap_init(struct hmap *m, size_t initial_buckets);
void hmap_free(struct hmap *m); /* frees the bucket array, not the nodes */
void hmap_insert(struct hmap *m, struct hmap_node *n, uint32_t hash);
void hmap_remove(struct hmap *m, struct hmap_node *n);
/* First node with this hash (then follow hmap_next_same) */
struct hmap_node *hmap_first(const struct hmap *m, uint32_t hash);
struct hmap_node *hmap_next_same(const struct hmap_node *n);

/* Iterate everything (not safe against removal of other nodes; removing n itself is fine
 * if next was fetched first). */
struct hmap_iter {
	const struct hmap *m;
	size_t bucket;
	struct hmap_node *next;
};
void hmap_iter_init(struct hmap_iter *it, const struct hmap *m);
struct hmap_node *hmap_iter_next(struct hmap_iter *it);

#define container_of(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))

#endif
