/*
 * Scenarios on the node: the active version of every tenant's scenarios, parsed once and
 * kept by scenario id, so that an INVITE to a number or extension pointing at one starts it
 * without waiting for the database. Reloaded whole after a scenario is saved, activated or
 * deleted through the API; calls already running keep the version they started with (each
 * holds a reference).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/mem.h"
#include "core/obj.h"
#include "node/node.h"
#include "node/scenarios.h"
#include "store/scenarios.h"
#include "store/store.h"

struct node_scenarios {
	struct hmap by_id; /* struct node_scenario */
};

static void scenario_free(void *obj)
{
	struct node_scenario *ns = obj;
	scenario_destroy(ns->s);
}

static uint32_t id_hash(int64_t id)
{
	return (uint32_t)((uint64_t)id * 0x9e3779b97f4a7c15ull >> 32);
}

struct load_job {
	struct node_scenarios *set; /* filled on the store thread */
	size_t bad;
};

static int load_one(const struct store_scenario_version_row *r, void *arg)
{
	struct load_job *job = arg;
	struct scenario_errors errs;
	struct scenario *s;

	/* stored documents were validated on save; one that fails now (a newer rule) is
	 * skipped with a log line rather than taking every other scenario down with it */
	if (scenario_load(&s, r->json, r->json_len, &errs)) {
		char line[400] = "";
		if (errs.n)
			scenario_error_format(&errs.e[0], line, sizeof(line));
		log_error("scenario", "scenario %s v%lld of tenant %lld does not load: %s", r->name,
			  (long long)r->version, (long long)r->tenant_id, line);
		job->bad++;
		return 0;
	}
	struct node_scenario *ns = obj_new(sizeof(*ns), scenario_free);
	ns->id = r->scenario_id;
	ns->tenant_id = r->tenant_id;
	ns->s = s;
	hmap_insert(&job->set->by_id, &ns->node, id_hash(ns->id));
	return 0;
}

static void load_op(struct db *db, void *arg)
{
	struct load_job *job = arg;
	int err = store_scenario_active_all(db, load_one, job);
	if (err)
		log_error("scenario", "reading scenarios: %s", strerror(err));
}

static void set_free(struct node_scenarios *set)
{
	struct hmap_iter it;
	struct hmap_node *n;
	struct node_scenario *batch[64];
	size_t k;

	if (!set)
		return;
	do {
		k = 0;
		hmap_iter_init(&it, &set->by_id);
		while ((n = hmap_iter_next(&it)) && k < 64)
			batch[k++] = container_of(n, struct node_scenario, node);
		for (size_t i = 0; i < k; i++) {
			hmap_remove(&set->by_id, &batch[i]->node);
			obj_unref(batch[i]); /* a running call may hold it longer */
		}
	} while (k);
	hmap_free(&set->by_id);
	free(set);
}

int node_scenarios_load(struct node *n)
{
	struct load_job job = { xcalloc(1, sizeof(struct node_scenarios)), 0 };
	int err;

	hmap_init(&job.set->by_id, 64);
	if ((err = store_run_sync(n->store, load_op, &job))) {
		set_free(job.set);
		return err;
	}
	set_free(n->scenarios);
	n->scenarios = job.set;
	log_info("scenario", "%zu scenario(s) active%s", job.set->by_id.count,
		 job.bad ? ", some skipped (see above)" : "");
	return 0;
}

void node_scenarios_close(struct node *n)
{
	set_free(n->scenarios);
	n->scenarios = NULL;
}

const struct node_scenario *node_scenario_find(const struct node *n, int64_t tenant_id, int64_t id)
{
	if (!n->scenarios || id <= 0)
		return NULL;
	for (struct hmap_node *h = hmap_first(&n->scenarios->by_id, id_hash(id)); h;
	     h = hmap_next_same(h)) {
		const struct node_scenario *ns = container_of(h, struct node_scenario, node);
		if (ns->id == id && ns->tenant_id == tenant_id)
			return ns;
	}
	return NULL;
}
