/*
 * The tenant directory: an in-memory copy of the tenants and SIP users tables on
 * the control thread, so that routing and digest checks never wait for the
 * database. Loaded at start-up and on reload; commands update it after the
 * store has committed.
 */
#ifndef NODE_DIRECTORY_H
#define NODE_DIRECTORY_H

#include <stdbool.h>
#include <stdint.h>

#include "core/hmap.h"
#include "core/str.h"
#include "store/sip_users.h"
#include "store/tenants.h"

struct store;

struct dir_tenant {
	struct hmap_node by_domain, by_id;
	struct store_tenant_row row;
};

struct dir_user {
	struct hmap_node node;
	struct store_sip_user_row row;
};

struct directory;

void directory_new(struct directory **dp);
void directory_destroy(struct directory *d);
/* Replaces the contents with what the store holds (blocks until read). 0 or an errno. */
int directory_load(struct directory *d, struct store *s);

/* Caseless, with or without a trailing dot. */
const struct dir_tenant *directory_tenant_by_domain(const struct directory *d, struct str domain);
const struct dir_tenant *directory_tenant_by_name(const struct directory *d, const char *name);
const struct dir_tenant *directory_tenant_by_id(const struct directory *d, int64_t id);
const struct dir_user *directory_user(const struct directory *d, int64_t tenant_id, struct str number);

void directory_put_tenant(struct directory *d, const struct store_tenant_row *row);
void directory_del_tenant(struct directory *d, int64_t id); /* and its users */
void directory_put_user(struct directory *d, const struct store_sip_user_row *row);
void directory_del_user(struct directory *d, int64_t tenant_id, struct str number);

typedef void(dir_tenant_fn)(const struct dir_tenant *t, void *arg);
typedef void(dir_user_fn)(const struct dir_user *u, void *arg);
/* In id order / in number order within tenant_id (0 = every tenant). */
void directory_foreach_tenant(const struct directory *d, dir_tenant_fn *fn, void *arg);
void directory_foreach_user(const struct directory *d, int64_t tenant_id, dir_user_fn *fn,
			    void *arg);
size_t directory_user_count(const struct directory *d);
size_t directory_tenant_count(const struct directory *d);

#endif
