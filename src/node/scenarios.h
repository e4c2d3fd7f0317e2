/* The active scenarios of every tenant, parsed, on the control thread (node/scenarios.c). */
#ifndef NODE_SCENARIOS_H
#define NODE_SCENARIOS_H

#include <stdint.h>

#include "core/hmap.h"
#include "scenario/scenario.h"

struct node;

/* An obj (core/obj.h): a call running it holds a reference. */
struct node_scenario {
	struct hmap_node node;
	int64_t id, tenant_id;
	struct scenario *s; /* owned */
};

/* Replaces the set with what the store holds now. 0 or an errno. */
int node_scenarios_load(struct node *n);
void node_scenarios_close(struct node *n);
/* The active scenario with this id, if it is tenant_id's; NULL otherwise. */
const struct node_scenario *node_scenario_find(const struct node *n, int64_t tenant_id, int64_t id);

#endif
