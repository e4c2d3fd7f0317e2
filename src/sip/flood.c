/* Token bucket per source address: requests over the rate start a ban of the whole address. */
#include <errno.h>

#include "core/log.h"
#include "sip/auth.h"
#include "sip/flood.h"

/* Spoofed UDP sources can be endless: past this the least recently seen bucket is reused. */
enum { FLOOD_MAX_SOURCES = 65536, FLOOD_UNIT = 1000 /* milli-tokens per request */ };

struct sip_flood {
	uint64_t rate; /* milli-tokens gained per ms == requests per second */
	uint64_t full; /* bucket size in milli-tokens */
	uint64_t ban_ms;
	struct sip_auth_table sources; /* t0: last refill, count: milli-tokens, until: ban end */
};

int sip_flood_new(struct sip_flood **fp, unsigned rate_per_s, unsigned burst, unsigned ban_s)
{
	struct sip_flood *f = xcalloc(1, sizeof(*f));

	f->rate = rate_per_s;
	f->full = (uint64_t)(burst ? burst : (rate_per_s ? rate_per_s : 1)) * FLOOD_UNIT;
	f->ban_ms = (uint64_t)ban_s * 1000;
	sip_auth_table_init(&f->sources, FLOOD_MAX_SOURCES);
	*fp = f;
	return 0;
}

void sip_flood_destroy(struct sip_flood *f)
{
	if (!f)
		return;
	sip_auth_table_free(&f->sources);
	free(f);
}

static uint64_t bucket_level(const struct sip_flood *f, const struct sip_auth_entry *e,
			     uint64_t now_ms)
{
	uint64_t elapsed = now_ms > e->t0 ? now_ms - e->t0 : 0;

	if (elapsed >= f->full) /* a full refill at any rate >= 1/s: also avoids overflow */
		return f->full;
	uint64_t level = e->count + elapsed * f->rate;
	return level < f->full ? level : f->full;
}

static struct sip_auth_entry *bucket_get(struct sip_flood *f, const struct sa *src, uint64_t now_ms)
{
	unsigned char key[17];
	size_t klen = sip_auth_addr_key(src, key);
	struct sip_auth_entry *e = sip_auth_table_find(&f->sources, key, klen);

	if (!e) {
		e = sip_auth_table_get(&f->sources, key, klen);
		e->t0 = now_ms;
		e->count = f->full;
	}
	return e;
}

bool sip_flood_allow(struct sip_flood *f, const struct sa *src, uint64_t now_ms)
{
	struct sip_auth_entry *e;
	char ip[SA_ADDRSTRLEN];

	if (f->rate == 0)
		return true;
	e = bucket_get(f, src, now_ms);
	if (e->until > now_ms)
		return false;
	if (e->until) { /* ban over: start again with a full bucket */
		e->until = 0;
		e->count = f->full;
		e->t0 = now_ms;
	}
	e->count = bucket_level(f, e, now_ms);
	e->t0 = now_ms;
	if (e->count >= FLOOD_UNIT) {
		e->count -= FLOOD_UNIT;
		return true;
	}
	if (f->ban_ms == 0)
		return false;
	e->until = now_ms + f->ban_ms;
	log_notice("security", "flood ban src=%s seconds=%llu", sa_host_str(src, ip, sizeof(ip)),
		   (unsigned long long)(f->ban_ms / 1000));
	return false;
}

struct flood_gc_arg {
	const struct sip_flood *f;
	uint64_t now_ms;
};

/* A source whose bucket has refilled is indistinguishable from a new one: forget it. */
static bool flood_dead(const struct sip_auth_entry *e, const void *arg)
{
	const struct flood_gc_arg *g = arg;

	return e->until <= g->now_ms && bucket_level(g->f, e, g->now_ms) >= g->f->full;
}

void sip_flood_gc(struct sip_flood *f, uint64_t now_ms)
{
	struct flood_gc_arg g = {f, now_ms};

	sip_auth_table_sweep(&f->sources, flood_dead, &g);
}

size_t sip_flood_count(const struct sip_flood *f)
{
	return sip_auth_table_count(&f->sources);
}
