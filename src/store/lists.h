/* The number_lists and number_list_entries tables (black/white lists). Store thread only;
 * rows are written through the API's resource engine. */
#ifndef STORE_LISTS_H
#define STORE_LISTS_H

#include <stdint.h>

struct db;

/* One entry with its list, as the node's cache reads them. */
struct store_list_entry_row {
	int64_t tenant_id, list_id, number_id; /* number_id 0: every number of the tenant */
	char name[64], mode[8], action[8];
	char pattern[64]; /* "" for a list without entries (it still exists, and allows none) */
};

typedef int(store_list_entry_fn)(const struct store_list_entry_row *r, void *arg);

/* Every list of every tenant with its entries, by list then pattern; a list without entries
 * comes once with an empty pattern. */
int store_lists_all(struct db *db, store_list_entry_fn *fn, void *arg);

#endif
