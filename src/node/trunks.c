/* Trunks, numbers and routes in memory, and the trunks' outbound registrations. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/log.h"
#include "core/mem.h"
#include "node/directory.h"
#include "node/node.h"
#include "node/trunks.h"
#include "sip/regclient.h"
#include "store/store.h"

struct node_trunks {
	struct node_trunk **t;
	size_t n, cap;
	struct store_number_row *num;
	size_t nnum, capnum;
	struct store_route_row *route;
	size_t nroute, caproute;
};

#define PUSH(arr, n, cap, v)                                                                   \
	do {                                                                                   \
		if ((n) == (cap)) {                                                            \
			(cap) = (cap) ? (cap)*2 : 16;                                          \
			(arr) = xrealloc((arr), (cap) * sizeof(*(arr)));                       \
		}                                                                              \
		(arr)[(n)++] = (v);                                                            \
	} while (0)

static int add_trunk(const struct store_trunk_row *r, void *arg)
{
	struct node_trunks *ts = arg;
	struct node_trunk *t = xcalloc(1, sizeof(*t));

	t->row = *r;
	t->peer.proto = strcmp(r->transport, "tcp") == 0 ? SIP_PROTO_TCP : SIP_PROTO_UDP;
	if (sa_parse(&t->peer.addr, r->host))
		log_warn("trunk", "trunk %s: host '%s' is not ip:port", r->name, r->host);
	PUSH(ts->t, ts->n, ts->cap, t);
	return 0;
}

static int add_number(const struct store_number_row *r, void *arg)
{
	struct node_trunks *ts = arg;
	PUSH(ts->num, ts->nnum, ts->capnum, *r);
	return 0;
}

static int add_route(const struct store_route_row *r, void *arg)
{
	struct node_trunks *ts = arg;
	PUSH(ts->route, ts->nroute, ts->caproute, *r);
	return 0;
}

struct load_job {
	struct node_trunks *ts;
	int err;
};

static void load_op(struct db *db, void *arg)
{
	struct load_job *job = arg;
	job->err = store_trunk_list(db, add_trunk, job->ts);
	if (!job->err)
		job->err = store_number_list(db, add_number, job->ts);
	if (!job->err)
		job->err = store_route_list(db, add_route, job->ts);
}

static void free_trunks(struct node_trunks *ts)
{
	if (!ts)
		return;
	for (size_t i = 0; i < ts->n; i++) {
		if (!ts->t[i])
			continue; /* moved to the fresh table */
		sip_regclient_destroy(ts->t[i]->reg);
		free(ts->t[i]);
	}
	free(ts->t);
	free(ts->num);
	free(ts->route);
	free(ts);
}

static void on_reg(struct sip_regclient *rc, uint16_t status, unsigned expires, void *arg)
{
	struct node_trunk *t = arg;

	if (status != t->reg_status)
		log_notice("trunk", "trunk %s: registration %s (%u), expires %u s", t->row.name,
			   status == 200 ? "ok" : "failed", status, expires);
	t->reg_status = status;
	t->reg_expires = expires;
}

static void start_registration(struct node *n, struct node_trunk *t)
{
	const char *domain = t->row.domain[0] ? t->row.domain : t->row.host;
	char registrar[200], aor[400];

	snprintf(registrar, sizeof(registrar), "sip:%s", domain);
	snprintf(aor, sizeof(aor), "sip:%s@%s", t->row.username, domain);
	struct sip_regclient_cfg cfg = {
		.registrar = registrar, .aor = aor, .contact_user = t->row.username,
		.user = t->row.username, .password = t->row.password,
		.expires = (unsigned)t->row.expires, .peer = t->peer,
	};
	if (sip_regclient_new(&t->reg, n->stack, &cfg, on_reg, t))
		log_warn("trunk", "trunk %s: cannot register (username, password, domain?)",
			 t->row.name);
}

/* A trunk that did not change keeps its object, and with it its registration: changing a
 * route or a number must not make the provider see an un-REGISTER. */
static void keep_unchanged(struct node_trunks *old, struct node_trunks *fresh)
{
	for (size_t i = 0; old && i < old->n; i++) {
		for (size_t k = 0; k < fresh->n; k++) {
			if (!old->t[i] || memcmp(&old->t[i]->row, &fresh->t[k]->row,
						 sizeof(fresh->t[k]->row)) != 0)
				continue;
			free(fresh->t[k]);
			fresh->t[k] = old->t[i];
			old->t[i] = NULL;
		}
	}
}

int node_trunks_load(struct node *n)
{
	struct load_job job = { xcalloc(1, sizeof(struct node_trunks)), 0 };
	int err = store_run_sync(n->store, load_op, &job);

	if (err || job.err) {
		free_trunks(job.ts);
		return err ? err : job.err;
	}
	keep_unchanged(n->trunks, job.ts);
	free_trunks(n->trunks);
	n->trunks = job.ts;
	for (size_t i = 0; i < n->trunks->n; i++)
		if (n->trunks->t[i]->row.do_register && !n->trunks->t[i]->reg && n->stack)
			start_registration(n, n->trunks->t[i]);
	return 0;
}

void node_trunks_close(struct node *n)
{
	free_trunks(n->trunks);
	n->trunks = NULL;
}

const struct node_trunk *node_trunk_by_source(struct node *n, const struct sa *src)
{
	for (size_t i = 0; n->trunks && i < n->trunks->n; i++)
		if (sa_eq(&n->trunks->t[i]->peer.addr, src))
			return n->trunks->t[i];
	return NULL;
}

const struct node_trunk *node_trunk_by_name(struct node *n, int64_t tenant_id, const char *name)
{
	for (size_t i = 0; n->trunks && i < n->trunks->n; i++) {
		const struct node_trunk *t = n->trunks->t[i];
		if (t->row.tenant_id == tenant_id && strcmp(t->row.name, name) == 0)
			return t;
	}
	return NULL;
}

const struct node_trunk *node_trunk_by_id(struct node *n, int64_t id)
{
	for (size_t i = 0; n->trunks && i < n->trunks->n; i++)
		if (n->trunks->t[i]->row.id == id)
			return n->trunks->t[i];
	return NULL;
}

const struct store_number_row *node_number_find(struct node *n, struct str number)
{
	for (size_t i = 0; n->trunks && i < n->trunks->nnum; i++)
		if (str_eq_cstr(number, n->trunks->num[i].number))
			return &n->trunks->num[i];
	return NULL;
}

const struct store_route_row *node_route_find(struct node *n, int64_t tenant_id, struct str dialed)
{
	const struct store_route_row *best = NULL;

	for (size_t i = 0; n->trunks && i < n->trunks->nroute; i++) {
		const struct store_route_row *r = &n->trunks->route[i];
		size_t len = strlen(r->prefix);
		if (r->tenant_id != tenant_id || len > dialed.len ||
		    memcmp(dialed.p, r->prefix, len) != 0)
			continue;
		if (!best || len > strlen(best->prefix))
			best = r;
	}
	return best;
}

static const char *tenant_name(struct node *n, int64_t id)
{
	const struct dir_tenant *t = directory_tenant_by_id(n->dir, id);
	return t ? t->row.name : "?";
}

void node_trunks_list(struct node *n, struct buf *out)
{
	for (size_t i = 0; n->trunks && i < n->trunks->n; i++) {
		const struct node_trunk *t = n->trunks->t[i];
		buf_printf(out, "%-12s %-12s %-22s %-3s user=%s register=%s",
			   tenant_name(n, t->row.tenant_id), t->row.name, t->row.host,
			   t->row.transport, t->row.username[0] ? t->row.username : "-",
			   t->row.do_register ? "yes" : "no");
		if (t->row.do_register)
			buf_printf(out, " status=%u expires=%u", t->reg_status, t->reg_expires);
		buf_puts(out, "\n");
	}
}

void node_numbers_list(struct node *n, struct buf *out)
{
	for (size_t i = 0; n->trunks && i < n->trunks->nnum; i++) {
		const struct store_number_row *r = &n->trunks->num[i];
		const struct node_trunk *t = node_trunk_by_id(n, r->trunk_id);
		buf_printf(out, "%-12s %-16s -> %-8s via %s\n", tenant_name(n, r->tenant_id),
			   r->number, r->extension, t ? t->row.name : "any trunk");
	}
}

void node_routes_list(struct node *n, struct buf *out)
{
	for (size_t i = 0; n->trunks && i < n->trunks->nroute; i++) {
		const struct store_route_row *r = &n->trunks->route[i];
		const struct node_trunk *t = node_trunk_by_id(n, r->trunk_id);
		buf_printf(out, "%-12s prefix %-8s -> %-12s strip %d prepend '%s' caller-id '%s'\n",
			   tenant_name(n, r->tenant_id), r->prefix, t ? t->row.name : "?", r->strip,
			   r->prepend, r->caller_id);
	}
}
