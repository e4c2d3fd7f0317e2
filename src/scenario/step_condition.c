/* condition: a test (time, caller pattern, list, variable; all/any/not) choosing true/false. */
#include "scenario/scenario_int.h"

static const char *const fields[] = { "test", NULL };
static const char *const edges[] = { "true", "false", NULL };

static void validate(struct scenario_vctx *vc)
{
	json_t *test = json_object_get(vc->obj, "test");

	vc_known_fields(vc, vc->obj, "", fields);
	if (!test)
		vc_error(vc, "test", "missing required field (an object)");
	else
		scenario_test_validate(vc, test, "test", 0);
}

static enum step_outcome run(struct scenario_engine *e, const struct scenario_step *st)
{
	bool r = scenario_test_eval(e, json_object_get(st->obj, "test"), 0);

	engine_trace(e, "%s", r ? "true" : "false");
	return engine_next(e, r ? "true" : "false");
}

const struct scenario_step_desc step_condition = {
	.type = "condition",
	.edges = EDGES_MAP,
	.edge_names = edges,
	.validate = validate,
	.run = run,
};
