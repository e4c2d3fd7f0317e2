/* Trunks, numbers (DIDs) and outbound routes tables. Store thread only. */
#ifndef STORE_TRUNKS_H
#define STORE_TRUNKS_H

#include <stdbool.h>
#include <stdint.h>

struct db;

struct store_trunk_row {
	int64_t id, tenant_id;
	char name[64];
	char host[128];   /* "ip:port" */
	char transport[8];
	char domain[128];
	char username[128], password[128];
	bool do_register;
	int expires;
	char caller_id[64];
	int64_t created_at;
};

struct store_number_row {
	int64_t id, tenant_id, trunk_id; /* trunk_id 0: any */
	char number[64], extension[64];
	int64_t created_at;
	int64_t scenario_id; /* read only (set by store_number_set_scenario): 0 = none */
};

struct store_route_row {
	int64_t id, tenant_id, trunk_id;
	char prefix[32], prepend[32], caller_id[64];
	int strip;
	int64_t created_at;
};

typedef int(store_trunk_fn)(const struct store_trunk_row *r, void *arg);
typedef int(store_number_fn)(const struct store_number_row *r, void *arg);
typedef int(store_route_fn)(const struct store_route_row *r, void *arg);

/* add: EEXIST on a duplicate name/number/prefix, ENOENT for an unknown tenant or trunk,
 * EOVERFLOW for an unterminated field; the row's id is set. del: ENOENT when absent. */
int store_trunk_add(struct db *db, struct store_trunk_row *r);
int store_trunk_del(struct db *db, int64_t tenant_id, const char *name);
int store_trunk_list(struct db *db, store_trunk_fn *fn, void *arg);
int store_number_add(struct db *db, struct store_number_row *r);
int store_number_del(struct db *db, const char *number);
int store_number_list(struct db *db, store_number_fn *fn, void *arg);
int store_route_add(struct db *db, struct store_route_row *r);
int store_route_del(struct db *db, int64_t tenant_id, const char *prefix);
int store_route_list(struct db *db, store_route_fn *fn, void *arg);

#endif
