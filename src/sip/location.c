/* The location service: AOR table, contact bindings and their expiry timers. */
#include <errno.h>
#include <stdlib.h>

#include "core/loop.h"
#include "core/mem.h"
#include "core/time.h"
#include "sip/location.h"

struct sip_location {
	struct loop *loop; /* borrowed */
	struct hmap aors;
	unsigned ncontacts;
	sip_location_change_fn *change;
	void *change_arg;
	unsigned ping_s;
	sip_location_ping_fn *ping;
	void *ping_arg;
};

static uint32_t aor_hash(int64_t tenant_id, struct str user)
{
	return str_hash(user) ^ (uint32_t)(tenant_id * 2654435761u);
}

int sip_location_new(struct sip_location **lp, struct loop *loop, sip_location_change_fn *change,
		     void *arg)
{
	struct sip_location *loc = xcalloc(1, sizeof(*loc));
	loc->loop = loop;
	loc->change = change;
	loc->change_arg = arg;
	hmap_init(&loc->aors, 1024);
	*lp = loc;
	return 0;
}

static void contact_free(struct sip_contact *c)
{
	timer_cancel(&c->expiry);
	timer_cancel(&c->ping);
	sip_peer_release(&c->peer);
	free(c->uri);
	free(c->path);
	free(c->instance);
	free(c->user_agent);
	free(c->call_id);
	free(c);
}

static void aor_free(struct sip_aor *aor)
{
	while (aor->contacts) {
		struct sip_contact *c = aor->contacts;
		aor->contacts = c->next;
		contact_free(c);
	}
	free(aor->user);
	free(aor);
}

void sip_location_destroy(struct sip_location *loc)
{
	struct hmap_iter it;
	struct hmap_node *n;

	if (!loc)
		return;
	hmap_iter_init(&it, &loc->aors);
	while ((n = hmap_iter_next(&it)))
		aor_free(container_of(n, struct sip_aor, node));
	hmap_free(&loc->aors);
	free(loc);
}

struct sip_aor *sip_location_find(struct sip_location *loc, int64_t tenant_id, struct str user)
{
	uint32_t h = aor_hash(tenant_id, user);
	for (struct hmap_node *n = hmap_first(&loc->aors, h); n; n = hmap_next_same(n)) {
		struct sip_aor *aor = container_of(n, struct sip_aor, node);
		if (aor->tenant_id == tenant_id && str_eq_cstr(user, aor->user))
			return aor;
	}
	return NULL;
}

static struct sip_aor *aor_get(struct sip_location *loc, int64_t tenant_id, struct str user)
{
	struct sip_aor *aor = sip_location_find(loc, tenant_id, user);
	if (aor)
		return aor;
	aor = xcalloc(1, sizeof(*aor));
	aor->loc = loc;
	aor->tenant_id = tenant_id;
	aor->user = str_dup(user);
	hmap_insert(&loc->aors, &aor->node, aor_hash(tenant_id, user));
	return aor;
}

struct sip_contact *sip_aor_contact(struct sip_aor *aor, struct str uri)
{
	for (struct sip_contact *c = aor ? aor->contacts : NULL; c; c = c->next)
		if (str_eq_cstr(uri, c->uri))
			return c;
	return NULL;
}

/* Removes c; drops the AOR when it was the last contact. */
static void contact_remove(struct sip_location *loc, struct sip_contact *c,
			   enum sip_location_change why)
{
	struct sip_aor *aor = c->aor;
	struct sip_contact **pp = &aor->contacts;

	while (*pp && *pp != c)
		pp = &(*pp)->next;
	if (!*pp)
		return;
	*pp = c->next;
	aor->ncontacts--;
	loc->ncontacts--;
	if (loc->change)
		loc->change(why, c, loc->change_arg);
	contact_free(c);
	if (!aor->contacts) {
		hmap_remove(&loc->aors, &aor->node);
		aor_free(aor);
	}
}

static void on_expiry(void *arg)
{
	struct sip_contact *c = arg;
	contact_remove(c->aor->loc, c, SIP_LOC_EXPIRED);
}

static void on_ping(void *arg);

static void contact_arm(struct sip_location *loc, struct sip_contact *c)
{
	uint64_t now = time_wall_ms() / 1000u;
	uint64_t left = c->expires_at > now ? c->expires_at - now : 0;

	loop_timer_start(loc->loop, &c->expiry, left * 1000u + 1, on_expiry, c);
	if (loc->ping_s && loc->ping)
		loop_timer_start(loc->loop, &c->ping, loc->ping_s * 1000u, on_ping, c);
}

static void on_ping(void *arg)
{
	struct sip_contact *c = arg;
	struct sip_location *loc = c->aor->loc;

	loop_timer_start(loc->loop, &c->ping, loc->ping_s * 1000u, on_ping, c);
	loc->ping(c, loc->ping_arg);
}

void sip_location_set_ping(struct sip_location *loc, unsigned interval_s,
			   sip_location_ping_fn *fn, void *arg)
{
	loc->ping_s = interval_s;
	loc->ping = fn;
	loc->ping_arg = arg;
}

static void dup_opt(char **dst, struct str s)
{
	free(*dst);
	*dst = s.len ? str_dup(s) : NULL;
}

static void contact_fill(struct sip_contact *c, const struct sip_binding *b)
{
	dup_opt(&c->path, b->path);
	dup_opt(&c->instance, b->instance);
	dup_opt(&c->user_agent, b->user_agent);
	free(c->call_id);
	c->call_id = str_dup(b->call_id);
	c->cseq = b->cseq;
	c->reg_id = b->reg_id;
	c->q1000 = b->q1000;
	c->expires_at = b->expires_at;
	c->ping_failures = 0;
	sip_peer_release(&c->peer);
	if (b->peer)
		sip_peer_copy(&c->peer, b->peer);
}

static struct sip_contact *contact_add(struct sip_location *loc, struct sip_aor *aor,
				       const struct sip_binding *b)
{
	struct sip_contact *c = xcalloc(1, sizeof(*c));
	timer_init(&c->expiry);
	timer_init(&c->ping);
	c->aor = aor;
	c->uri = str_dup(b->uri);
	c->next = aor->contacts;
	aor->contacts = c;
	aor->ncontacts++;
	loc->ncontacts++;
	contact_fill(c, b);
	contact_arm(loc, c);
	return c;
}

int sip_location_bind(struct sip_location *loc, int64_t tenant_id, struct str user,
		      const struct sip_binding *b, unsigned max_contacts, struct sip_contact **out)
{
	struct sip_aor *aor = sip_location_find(loc, tenant_id, user);
	struct sip_contact *c = sip_aor_contact(aor, b->uri);

	if (c) {
		contact_fill(c, b);
		contact_arm(loc, c);
		if (loc->change)
			loc->change(SIP_LOC_REFRESHED, c, loc->change_arg);
	} else {
		if (aor && aor->ncontacts >= max_contacts)
			return EOVERFLOW;
		c = contact_add(loc, aor_get(loc, tenant_id, user), b);
		if (loc->change)
			loc->change(SIP_LOC_ADDED, c, loc->change_arg);
	}
	if (out)
		*out = c;
	return 0;
}

int sip_location_restore(struct sip_location *loc, int64_t tenant_id, struct str user,
			 const struct sip_binding *b)
{
	struct sip_aor *aor = aor_get(loc, tenant_id, user);
	struct sip_contact *c = sip_aor_contact(aor, b->uri);
	if (c) {
		contact_fill(c, b);
		contact_arm(loc, c);
	} else {
		contact_add(loc, aor, b);
	}
	return 0;
}

void sip_location_unbind(struct sip_location *loc, struct sip_contact *c)
{
	contact_remove(loc, c, SIP_LOC_REMOVED);
}

void sip_location_unbind_all(struct sip_location *loc, int64_t tenant_id, struct str user)
{
	struct sip_aor *aor = sip_location_find(loc, tenant_id, user);
	while (aor && aor->contacts) {
		bool last = aor->ncontacts == 1;
		contact_remove(loc, aor->contacts, SIP_LOC_REMOVED);
		if (last)
			break;
	}
}

void sip_location_foreach(const struct sip_location *loc, sip_location_visit_fn *fn, void *arg)
{
	struct hmap_iter it;
	struct hmap_node *n;

	hmap_iter_init(&it, &loc->aors);
	while ((n = hmap_iter_next(&it))) {
		const struct sip_aor *aor = container_of(n, struct sip_aor, node);
		for (const struct sip_contact *c = aor->contacts; c; c = c->next)
			fn(aor, c, arg);
	}
}

unsigned sip_location_count(const struct sip_location *loc)
{
	return loc->ncontacts;
}
