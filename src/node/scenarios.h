/* The active scenarios of every tenant, parsed, on the control thread (node/scenarios.c). */
#ifndef NODE_SCENARIOS_H
#define NODE_SCENARIOS_H

#include <stdbool.h>
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
/* node/forwarding.c: an extension's call forwarding, run as a scenario made from its
 * settings. node_call_forwarded is false when it could not start (ring it directly). */
struct call_request;
struct dir_user;
struct sip_msg;
struct sip_peer;
struct sip_tsx;
bool node_forwarding_set(const struct dir_user *u);
bool node_call_forwarded(struct node *n, struct sip_tsx *tsx, const struct sip_msg *req,
			 const struct sip_peer *from, const struct call_request *r,
			 const struct dir_user *u);

/* The active scenario with this id, if it is tenant_id's; NULL otherwise. */
const struct node_scenario *node_scenario_find(const struct node *n, int64_t tenant_id, int64_t id);

#endif
