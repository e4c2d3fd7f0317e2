/* The tenant directory: tenants by domain and id, SIP users by (tenant, number). */
#include <errno.h>
#include <stdlib.h>

#include "core/mem.h"
#include "node/directory.h"
#include "store/store.h"

struct directory {
	struct hmap domains, ids, users;
};

static uint32_t id_hash(int64_t id)
{
	return (uint32_t)((uint64_t)id * 0x9e3779b97f4a7c15ull >> 32);
}

static uint32_t user_hash(int64_t tenant_id, struct str number)
{
	return str_hash(number) ^ id_hash(tenant_id);
}

static struct str domain_key(struct str d)
{
	if (d.len > 1 && d.p[d.len - 1] == '.')
		d.len--;
	return d;
}

void directory_new(struct directory **dp)
{
	struct directory *d = xcalloc(1, sizeof(*d));
	hmap_init(&d->domains, 64);
	hmap_init(&d->ids, 64);
	hmap_init(&d->users, 1024);
	*dp = d;
}

static void clear(struct directory *d)
{
	struct hmap_iter it;
	struct hmap_node *n;

	hmap_iter_init(&it, &d->users);
	while ((n = hmap_iter_next(&it))) {
		hmap_remove(&d->users, n);
		free(container_of(n, struct dir_user, node));
	}
	hmap_iter_init(&it, &d->ids);
	while ((n = hmap_iter_next(&it))) {
		struct dir_tenant *t = container_of(n, struct dir_tenant, by_id);
		hmap_remove(&d->ids, n);
		hmap_remove(&d->domains, &t->by_domain);
		free(t);
	}
}

void directory_destroy(struct directory *d)
{
	if (!d)
		return;
	clear(d);
	hmap_free(&d->domains);
	hmap_free(&d->ids);
	hmap_free(&d->users);
	free(d);
}

const struct dir_tenant *directory_tenant_by_domain(const struct directory *d, struct str domain)
{
	struct str key = domain_key(domain);
	for (struct hmap_node *n = hmap_first(&d->domains, str_hash_case(key)); n;
	     n = hmap_next_same(n)) {
		const struct dir_tenant *t = container_of(n, struct dir_tenant, by_domain);
		if (str_eq_case(key, str_c(t->row.domain)))
			return t;
	}
	return NULL;
}

const struct dir_tenant *directory_tenant_by_id(const struct directory *d, int64_t id)
{
	for (struct hmap_node *n = hmap_first(&d->ids, id_hash(id)); n; n = hmap_next_same(n)) {
		const struct dir_tenant *t = container_of(n, struct dir_tenant, by_id);
		if (t->row.id == id)
			return t;
	}
	return NULL;
}

const struct dir_tenant *directory_tenant_by_name(const struct directory *d, const char *name)
{
	struct hmap_iter it;
	struct hmap_node *n;

	hmap_iter_init(&it, &d->ids);
	while ((n = hmap_iter_next(&it))) {
		const struct dir_tenant *t = container_of(n, struct dir_tenant, by_id);
		if (strcmp(t->row.name, name) == 0)
			return t;
	}
	return NULL;
}

static struct dir_user *user_find(const struct directory *d, int64_t tenant_id, struct str number)
{
	for (struct hmap_node *n = hmap_first(&d->users, user_hash(tenant_id, number)); n;
	     n = hmap_next_same(n)) {
		struct dir_user *u = container_of(n, struct dir_user, node);
		if (u->row.tenant_id == tenant_id && str_eq_cstr(number, u->row.number))
			return u;
	}
	return NULL;
}

const struct dir_user *directory_user(const struct directory *d, int64_t tenant_id, struct str number)
{
	return user_find(d, tenant_id, number);
}

void directory_put_tenant(struct directory *d, const struct store_tenant_row *row)
{
	struct dir_tenant *t = (struct dir_tenant *)directory_tenant_by_id(d, row->id);
	if (t) {
		hmap_remove(&d->domains, &t->by_domain);
	} else {
		t = xcalloc(1, sizeof(*t));
		hmap_insert(&d->ids, &t->by_id, id_hash(row->id));
	}
	t->row = *row;
	hmap_insert(&d->domains, &t->by_domain, str_hash_case(domain_key(str_c(row->domain))));
}

void directory_del_tenant(struct directory *d, int64_t id)
{
	struct dir_tenant *t = (struct dir_tenant *)directory_tenant_by_id(d, id);
	struct hmap_iter it;
	struct hmap_node *n;

	hmap_iter_init(&it, &d->users);
	while ((n = hmap_iter_next(&it))) {
		struct dir_user *u = container_of(n, struct dir_user, node);
		if (u->row.tenant_id == id) {
			hmap_remove(&d->users, n);
			free(u);
		}
	}
	if (!t)
		return;
	hmap_remove(&d->ids, &t->by_id);
	hmap_remove(&d->domains, &t->by_domain);
	free(t);
}

void directory_put_user(struct directory *d, const struct store_sip_user_row *row)
{
	struct str number = str_c(row->number);
	struct dir_user *u = user_find(d, row->tenant_id, number);
	if (!u) {
		u = xcalloc(1, sizeof(*u));
		hmap_insert(&d->users, &u->node, user_hash(row->tenant_id, number));
	}
	u->row = *row;
}

void directory_del_user(struct directory *d, int64_t tenant_id, struct str number)
{
	struct dir_user *u = user_find(d, tenant_id, number);
	if (u) {
		hmap_remove(&d->users, &u->node);
		free(u);
	}
}

size_t directory_user_count(const struct directory *d)
{
	return d->users.count;
}

size_t directory_tenant_count(const struct directory *d)
{
	return d->ids.count;
}

static int cmp_tenant(const void *a, const void *b)
{
	const struct dir_tenant *x = *(const struct dir_tenant *const *)a;
	const struct dir_tenant *y = *(const struct dir_tenant *const *)b;
	return (x->row.id > y->row.id) - (x->row.id < y->row.id);
}

static int cmp_user(const void *a, const void *b)
{
	const struct dir_user *x = *(const struct dir_user *const *)a;
	const struct dir_user *y = *(const struct dir_user *const *)b;
	if (x->row.tenant_id != y->row.tenant_id)
		return (x->row.tenant_id > y->row.tenant_id) - (x->row.tenant_id < y->row.tenant_id);
	return strcmp(x->row.number, y->row.number);
}

void directory_foreach_tenant(const struct directory *d, dir_tenant_fn *fn, void *arg)
{
	const struct dir_tenant **v = xcalloc(d->ids.count + 1, sizeof(*v));
	struct hmap_iter it;
	struct hmap_node *n;
	size_t k = 0;

	hmap_iter_init(&it, &d->ids);
	while ((n = hmap_iter_next(&it)))
		v[k++] = container_of(n, struct dir_tenant, by_id);
	qsort(v, k, sizeof(*v), cmp_tenant);
	for (size_t i = 0; i < k; i++)
		fn(v[i], arg);
	free(v);
}

void directory_foreach_user(const struct directory *d, int64_t tenant_id, dir_user_fn *fn,
			    void *arg)
{
	const struct dir_user **v = xcalloc(d->users.count + 1, sizeof(*v));
	struct hmap_iter it;
	struct hmap_node *n;
	size_t k = 0;

	hmap_iter_init(&it, &d->users);
	while ((n = hmap_iter_next(&it))) {
		const struct dir_user *u = container_of(n, struct dir_user, node);
		if (!tenant_id || u->row.tenant_id == tenant_id)
			v[k++] = u;
	}
	qsort(v, k, sizeof(*v), cmp_user);
	for (size_t i = 0; i < k; i++)
		fn(v[i], arg);
	free(v);
}

/* Runs on the store thread while the control thread waits in store_run_sync. */
struct load_job {
	struct directory *d;
	int err;
};

static int load_tenant(const struct store_tenant_row *row, void *arg)
{
	directory_put_tenant(((struct load_job *)arg)->d, row);
	return 0;
}

static int load_user(const struct store_sip_user_row *row, void *arg)
{
	directory_put_user(((struct load_job *)arg)->d, row);
	return 0;
}

static void load_op(struct db *db, void *arg)
{
	struct load_job *job = arg;
	job->err = store_tenant_list(db, load_tenant, job);
	if (!job->err)
		job->err = store_sip_user_list(db, 0, load_user, job);
}

int directory_load(struct directory *d, struct store *s)
{
	struct load_job job;
	int err;

	directory_new(&job.d);
	job.err = 0;
	err = store_run_sync(s, load_op, &job);
	if (!err)
		err = job.err;
	if (err) {
		directory_destroy(job.d);
		return err;
	}
	clear(d);
	/* move the fresh tables in */
	struct directory tmp = *d;
	*d = *job.d;
	*job.d = tmp;
	directory_destroy(job.d);
	return 0;
}
