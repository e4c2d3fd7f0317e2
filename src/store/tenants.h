/* The tenants table: each tenant is one SIP domain. Runs on the store thread. */
#ifndef STORE_TENANTS_H
#define STORE_TENANTS_H

#include <stdint.h>

struct db;

struct store_tenant_row {
	int64_t id;
	char name[64];
	char domain[256];
	int64_t created_at; /* Unix s */
};

typedef int(store_tenant_fn)(const struct store_tenant_row *row, void *arg); /* non-zero stops */

/* The tenant called name with this domain, created if missing; EEXIST when the name or the
 * domain belongs to another tenant; EOVERFLOW when a field does not fit the row. */
int store_tenant_ensure(struct db *db, const char *name, const char *domain, int64_t *id);
/* By domain (what a SIP request names); ENOENT if none. */
int store_tenant_find(struct db *db, const char *domain, struct store_tenant_row *out);
int store_tenant_find_id(struct db *db, int64_t id, struct store_tenant_row *out);
/* In id order; returns fn's non-zero value if it stopped. */
int store_tenant_list(struct db *db, store_tenant_fn *fn, void *arg);
/* Deletes the tenant and (by cascade) its users and registrations; ENOENT if none. */
int store_tenant_del(struct db *db, int64_t id);

#endif
