/* The table of open stream connections: lookup by peer address and per-IP limits. */
#include <errno.h>

#include "core/mem.h"
#include "core/obj.h"
#include "sip/transport_int.h"

static uint32_t conn_hash(enum sip_proto proto, const struct sa *addr)
{
	return sa_hash(addr) ^ ((uint32_t)proto * 0x9e3779b9u);
}

static struct sip_ip_count *ip_find(struct sip_transport *tp, const struct sa *addr)
{
	uint32_t h = sa_hash_addr(addr);

	for (struct hmap_node *n = hmap_first(&tp->per_ip, h); n; n = hmap_next_same(n)) {
		struct sip_ip_count *ic = container_of(n, struct sip_ip_count, node);
		if (sa_eq_addr(&ic->addr, addr))
			return ic;
	}
	return NULL;
}

int sip_conn_admit(struct sip_transport *tp, const struct sa *addr)
{
	const struct sip_ip_count *ic;

	if (tp->stats.conns_open >= tp->cfg.max_conns)
		return EOVERFLOW;
	ic = ip_find(tp, addr);
	if (ic && ic->n >= tp->cfg.max_conns_per_ip)
		return EOVERFLOW;
	return 0;
}

void sip_conn_table_insert(struct sip_transport *tp, struct sip_conn *c)
{
	struct sip_ip_count *ic = ip_find(tp, &c->addr);

	if (!ic) {
		ic = xcalloc(1, sizeof(*ic));
		ic->addr = c->addr;
		hmap_insert(&tp->per_ip, &ic->node, sa_hash_addr(&c->addr));
	}
	ic->n++;
	hmap_insert(&tp->conns, &c->node, conn_hash(c->proto, &c->addr));
	tp->stats.conns_open++;
}

void sip_conn_table_remove(struct sip_transport *tp, struct sip_conn *c)
{
	struct sip_ip_count *ic = ip_find(tp, &c->addr);

	if (ic && --ic->n == 0) {
		hmap_remove(&tp->per_ip, &ic->node);
		free(ic);
	}
	hmap_remove(&tp->conns, &c->node);
	tp->stats.conns_open--;
}

struct sip_conn *sip_conn_find(struct sip_transport *tp, enum sip_proto proto,
			       const struct sa *addr)
{
	uint32_t h = conn_hash(proto, addr);

	for (struct hmap_node *n = hmap_first(&tp->conns, h); n; n = hmap_next_same(n)) {
		struct sip_conn *c = container_of(n, struct sip_conn, node);
		if (c->proto == proto && c->state != SIP_CONN_CLOSED && sa_eq(&c->addr, addr))
			return c;
	}
	return NULL;
}

void sip_conn_table_close_all(struct sip_transport *tp)
{
	struct hmap_iter it;
	struct hmap_node *n;

	/* Each close removes only its own node, which the iterator allows. */
	hmap_iter_init(&it, &tp->conns);
	while ((n = hmap_iter_next(&it)))
		sip_conn_close(container_of(n, struct sip_conn, node), "shutdown", false);
}
