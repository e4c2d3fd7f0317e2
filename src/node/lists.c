/*
 * Black and white lists on the node: every tenant's lists with their numbers and prefixes,
 * read whole from the store at start-up and after a change through the API, kept sorted by
 * tenant so a call looks only at its own tenant's lists. Inbound calls are refused by a
 * block list their caller is on, or by allow lists the caller is not on; scenarios' `list`
 * conditions ask node_list_contains.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/mem.h"
#include "node/lists.h"
#include "node/node.h"
#include "scenario/scenario.h"
#include "store/lists.h"
#include "store/store.h"

struct node_lists {
	struct node_list *v; /* by tenant, then id */
	size_t n, cap;
};

static void lists_free(struct node_lists *ls)
{
	if (!ls)
		return;
	for (size_t i = 0; i < ls->n; i++) {
		for (size_t k = 0; k < ls->v[i].n; k++)
			free(ls->v[i].patterns[k]);
		free(ls->v[i].patterns);
	}
	free(ls->v);
	free(ls);
}

static int add_entry(const struct store_list_entry_row *r, void *arg)
{
	struct node_lists *ls = arg;
	struct node_list *l = ls->n ? &ls->v[ls->n - 1] : NULL;

	if (!l || l->id != r->list_id) {
		if (ls->n == ls->cap) {
			ls->cap = ls->cap ? ls->cap * 2 : 16;
			ls->v = xrealloc(ls->v, ls->cap * sizeof(*ls->v));
		}
		l = &ls->v[ls->n++];
		memset(l, 0, sizeof(*l));
		l->id = r->list_id;
		l->tenant_id = r->tenant_id;
		l->number_id = r->number_id;
		memcpy(l->name, r->name, sizeof(l->name));
		l->mode = !strcmp(r->mode, "allow") ? NODE_LIST_ALLOW
			  : !strcmp(r->mode, "plain") ? NODE_LIST_PLAIN
						      : NODE_LIST_BLOCK;
		l->reject = !strcmp(r->action, "reject");
	}
	if (r->pattern[0]) {
		l->patterns = xrealloc(l->patterns, (l->n + 1) * sizeof(char *));
		l->patterns[l->n++] = xstrdup(r->pattern);
	}
	return 0;
}

struct load_job {
	struct node_lists *ls;
	int err;
};

static void load_op(struct db *db, void *arg)
{
	struct load_job *j = arg;
	j->err = store_lists_all(db, add_entry, j->ls);
}

static int by_tenant(const void *a, const void *b)
{
	const struct node_list *x = a, *y = b;
	if (x->tenant_id != y->tenant_id)
		return x->tenant_id < y->tenant_id ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

int node_lists_load(struct node *n)
{
	struct load_job j = { xcalloc(1, sizeof(struct node_lists)), 0 };
	int err = store_run_sync(n->store, load_op, &j);

	if (err || j.err) {
		lists_free(j.ls);
		return err ? err : j.err;
	}
	if (j.ls->n)
		qsort(j.ls->v, j.ls->n, sizeof(*j.ls->v), by_tenant);
	lists_free(n->lists);
	n->lists = j.ls;
	return 0;
}

void node_lists_close(struct node *n)
{
	lists_free(n->lists);
	n->lists = NULL;
}

/* The tenant's lists: [*first, *first + count). */
static size_t tenant_range(const struct node_lists *ls, int64_t tenant_id, size_t *first)
{
	size_t lo = 0, hi = ls ? ls->n : 0;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (ls->v[mid].tenant_id < tenant_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	*first = lo;
	while (hi < (ls ? ls->n : 0) && ls->v[hi].tenant_id == tenant_id)
		hi++;
	return hi > lo ? hi - lo : 0;
}

static bool on_list(const struct node_list *l, const char *number)
{
	for (size_t i = 0; i < l->n; i++)
		if (scenario_pattern_match(l->patterns[i], number))
			return true;
	return false;
}

bool node_list_contains(const struct node *n, int64_t tenant_id, const char *name,
			const char *number)
{
	size_t first, count = tenant_range(n->lists, tenant_id, &first);

	for (size_t i = first; i < first + count; i++)
		if (!strcmp(n->lists->v[i].name, name))
			return on_list(&n->lists->v[i], number);
	return false;
}

const struct node_list *node_lists_refusing(const struct node *n, int64_t tenant_id,
					    int64_t number_id, const char *caller)
{
	size_t first, count = tenant_range(n->lists, tenant_id, &first);
	const struct node_list *allow = NULL, *block = NULL;

	/* a white list the caller is on wins over any black list it is on too */
	for (size_t i = first; i < first + count; i++) {
		const struct node_list *l = &n->lists->v[i];
		if (l->number_id && l->number_id != number_id)
			continue;
		if (l->mode == NODE_LIST_ALLOW) {
			if (on_list(l, caller))
				return NULL;
			if (!allow)
				allow = l;
		} else if (l->mode == NODE_LIST_BLOCK && !block && on_list(l, caller)) {
			block = l;
		}
	}
	return block ? block : allow;
}
