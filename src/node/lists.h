/* Black and white lists of numbers on the control thread (node/lists.c). */
#ifndef NODE_LISTS_H
#define NODE_LISTS_H

#include <stdbool.h>
#include <stdint.h>

struct node;

enum node_list_mode { NODE_LIST_BLOCK, NODE_LIST_ALLOW, NODE_LIST_PLAIN };

struct node_list {
	int64_t id, tenant_id, number_id; /* number_id 0: every number of the tenant */
	char name[64];
	enum node_list_mode mode;
	bool reject;	 /* refuse with 603 Decline, else 486 Busy Here */
	char **patterns; /* owned: numbers, "PREFIX*" or "_X." patterns */
	size_t n;
};

/* Replaces the cache with what the store holds. 0 or an errno. */
int node_lists_load(struct node *n);
void node_lists_close(struct node *n);
/* Whether number is on the tenant's list called name (false: no such list). */
bool node_list_contains(const struct node *n, int64_t tenant_id, const char *name,
			const char *number);
/* The list that refuses caller on number_id of the tenant: a block list it is on, or an
 * allow list (for that number or every number) when it is on none of those. NULL: let in. */
const struct node_list *node_lists_refusing(const struct node *n, int64_t tenant_id,
					    int64_t number_id, const char *caller);

#endif
