/* Bounded LRU tables for nonce counts, failure counters, bans and flood buckets. */
#include "core/rand.h"
#include "sip/auth.h"

static uint64_t rotl(uint64_t x, int b)
{
	return (x << b) | (x >> (64 - b));
}

static void sip_round(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = rotl(v[1], 13) ^ v[0];
	v[0] = rotl(v[0], 32);
	v[2] += v[3];
	v[3] = rotl(v[3], 16) ^ v[2];
	v[0] += v[3];
	v[3] = rotl(v[3], 21) ^ v[0];
	v[2] += v[1];
	v[1] = rotl(v[1], 17) ^ v[2];
	v[2] = rotl(v[2], 32);
}

static uint64_t load_le(const unsigned char *p, size_t n)
{
	uint64_t m = 0;

	for (size_t i = 0; i < n; i++)
		m |= (uint64_t)p[i] << (8 * i);
	return m;
}

/* SipHash-1-3: keys come from the network, so bucket choice must not be predictable. */
static uint32_t keyed_hash(const unsigned char seed[16], const unsigned char *p, size_t n)
{
	uint64_t k0 = load_le(seed, 8), k1 = load_le(seed + 8, 8);
	uint64_t v[4] = {k0 ^ 0x736f6d6570736575ULL, k1 ^ 0x646f72616e646f6dULL,
			 k0 ^ 0x6c7967656e657261ULL, k1 ^ 0x7465646279746573ULL};
	size_t i = 0;
	uint64_t m;

	for (; i + 8 <= n; i += 8) {
		m = load_le(p + i, 8);
		v[3] ^= m;
		sip_round(v);
		v[0] ^= m;
	}
	m = load_le(p + i, n - i) | ((uint64_t)n << 56);
	v[3] ^= m;
	sip_round(v);
	v[0] ^= m;
	v[2] ^= 0xff;
	for (int r = 0; r < 3; r++)
		sip_round(v);
	m = v[0] ^ v[1] ^ v[2] ^ v[3];
	return (uint32_t)(m ^ (m >> 32));
}

void sip_auth_table_init(struct sip_auth_table *t, size_t max)
{
	memset(t, 0, sizeof(*t));
	t->max = max ? max : 1;
	hmap_init(&t->map, 64);
	rand_bytes(t->seed, sizeof(t->seed));
}

void sip_auth_table_free(struct sip_auth_table *t)
{
	struct sip_auth_entry *e = t->newest, *next;

	for (; e; e = next) {
		next = e->older;
		free(e);
	}
	hmap_free(&t->map);
	t->newest = t->oldest = NULL;
}

static void lru_unlink(struct sip_auth_table *t, struct sip_auth_entry *e)
{
	if (e->newer)
		e->newer->older = e->older;
	else
		t->newest = e->older;
	if (e->older)
		e->older->newer = e->newer;
	else
		t->oldest = e->newer;
	e->newer = e->older = NULL;
}

static void lru_push(struct sip_auth_table *t, struct sip_auth_entry *e)
{
	e->newer = NULL;
	e->older = t->newest;
	if (t->newest)
		t->newest->newer = e;
	t->newest = e;
	if (!t->oldest)
		t->oldest = e;
}

struct sip_auth_entry *sip_auth_table_find(struct sip_auth_table *t, const void *key, size_t klen)
{
	if (klen > SIP_AUTH_KEY_MAX)
		klen = SIP_AUTH_KEY_MAX;
	uint32_t h = keyed_hash(t->seed, key, klen);

	for (struct hmap_node *n = hmap_first(&t->map, h); n; n = hmap_next_same(n)) {
		struct sip_auth_entry *e = container_of(n, struct sip_auth_entry, node);
		if (e->klen == klen && memcmp(e->key, key, klen) == 0) {
			lru_unlink(t, e);
			lru_push(t, e);
			return e;
		}
	}
	return NULL;
}

struct sip_auth_entry *sip_auth_table_get(struct sip_auth_table *t, const void *key, size_t klen)
{
	struct sip_auth_entry *e = sip_auth_table_find(t, key, klen);

	if (e)
		return e;
	if (klen > SIP_AUTH_KEY_MAX)
		klen = SIP_AUTH_KEY_MAX;
	if (t->map.count >= t->max) {
		e = t->oldest;
		if (e->t0 > t->evicted_t0)
			t->evicted_t0 = e->t0;
		hmap_remove(&t->map, &e->node);
		lru_unlink(t, e);
	} else {
		e = xmalloc(sizeof(*e));
	}
	memset(e, 0, sizeof(*e));
	e->klen = (uint8_t)klen;
	memcpy(e->key, key, klen);
	hmap_insert(&t->map, &e->node, keyed_hash(t->seed, e->key, klen));
	lru_push(t, e);
	return e;
}

void sip_auth_table_remove(struct sip_auth_table *t, struct sip_auth_entry *e)
{
	hmap_remove(&t->map, &e->node);
	lru_unlink(t, e);
	free(e);
}

void sip_auth_table_sweep(struct sip_auth_table *t,
			  bool (*dead)(const struct sip_auth_entry *e, const void *arg),
			  const void *arg)
{
	struct sip_auth_entry *e = t->newest, *next;

	for (; e; e = next) {
		next = e->older;
		if (dead(e, arg))
			sip_auth_table_remove(t, e);
	}
}

size_t sip_auth_table_count(const struct sip_auth_table *t)
{
	return t->map.count;
}

size_t sip_auth_addr_key(const struct sa *src, unsigned char out[17])
{
	int fam = src->u.sa.sa_family;

	out[0] = (unsigned char)fam;
	if (fam == AF_INET) {
		memcpy(out + 1, &src->u.in.sin_addr, 4);
		return 5;
	}
	if (fam == AF_INET6) {
		memcpy(out + 1, &src->u.in6.sin6_addr, 16);
		return 17;
	}
	return 1;
}

char *sip_auth_log_str(struct str s, char *out, size_t size)
{
	size_t n = 0;

	if (size == 0)
		return out;
	for (; n < s.len && n + 1 < size; n++) {
		char c = s.p[n];
		out[n] = (c > ' ' && c < 0x7f && c != '"') ? c : '?';
	}
	out[n] = '\0';
	return out;
}
