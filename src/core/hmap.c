/* Intrusive chained hash map: power-of-two buckets, doubled when count exceeds them. */
#include "core/hmap.h"
#include "core/mem.h"

static size_t hmap_round_pow2(size_t n)
{
	size_t p = 8;

	while (p < n)
		p *= 2;
	return p;
}

void hmap_init(struct hmap *m, size_t initial_buckets)
{
	m->nbuckets = hmap_round_pow2(initial_buckets);
	m->buckets = xcalloc(m->nbuckets, sizeof(*m->buckets));
	m->count = 0;
}

void hmap_free(struct hmap *m)
{
	free(m->buckets);
	m->buckets = NULL;
	m->nbuckets = 0;
	m->count = 0;
}

/* Rehash in place: after realloc, bucket i splits into i and i + old (one more hash bit). */
static void hmap_grow(struct hmap *m)
{
	size_t old = m->nbuckets;

	m->buckets = xrealloc(m->buckets, 2 * old * sizeof(*m->buckets));
	m->nbuckets = 2 * old;
	for (size_t i = 0; i < old; i++) {
		struct hmap_node *n = m->buckets[i];
		struct hmap_node **lo = &m->buckets[i], **hi = &m->buckets[i + old];

		*lo = NULL;
		*hi = NULL;
		while (n) {
			struct hmap_node *next = n->next;
			struct hmap_node ***tail = (n->hash & old) ? &hi : &lo;
			**tail = n;
			*tail = &n->next;
			n = next;
		}
		*lo = NULL;
		*hi = NULL;
	}
}

void hmap_insert(struct hmap *m, struct hmap_node *n, uint32_t hash)
{
	if (!m->buckets)
		hmap_init(m, 8);
	n->hash = hash;
	struct hmap_node **b = &m->buckets[hash & (m->nbuckets - 1)];
	n->next = *b;
	*b = n;
	m->count++;
	if (m->count > m->nbuckets)
		hmap_grow(m);
}

void hmap_remove(struct hmap *m, struct hmap_node *n)
{
	struct hmap_node **pp = &m->buckets[n->hash & (m->nbuckets - 1)];

	while (*pp && *pp != n)
		pp = &(*pp)->next;
	if (*pp) {
		*pp = n->next;
		n->next = NULL;
		m->count--;
	}
}

struct hmap_node *hmap_first(const struct hmap *m, uint32_t hash)
{
	if (!m->nbuckets)
		return NULL;
	struct hmap_node *n = m->buckets[hash & (m->nbuckets - 1)];
	while (n && n->hash != hash)
		n = n->next;
	return n;
}

struct hmap_node *hmap_next_same(const struct hmap_node *n)
{
	uint32_t hash = n->hash;

	for (n = n->next; n; n = n->next)
		if (n->hash == hash)
			return (struct hmap_node *)n;
	return NULL;
}

void hmap_iter_init(struct hmap_iter *it, const struct hmap *m)
{
	it->m = m;
	it->bucket = 0;
	it->next = NULL;
}

struct hmap_node *hmap_iter_next(struct hmap_iter *it)
{
	while (!it->next && it->bucket < it->m->nbuckets)
		it->next = it->m->buckets[it->bucket++];
	struct hmap_node *n = it->next;
	if (n)
		it->next = n->next;
	return n;
}
