/* goto: jumps to another step (a named join point for the visual builder). */
#include "scenario/scenario_int.h"

static const char *const fields[] = { NULL };

static void validate(struct scenario_vctx *vc)
{
	vc_known_fields(vc, vc->obj, "", fields);
	if (!json_object_get(vc->obj, "next"))
		vc_error(vc, "next", "missing required field (a step id)");
}

static enum step_outcome run(struct scenario_engine *e, const struct scenario_step *st)
{
	engine_trace(e, "goto '%s'", json_str(st->obj, "next", ""));
	return engine_next(e, "next");
}

const struct scenario_step_desc step_goto = {
	.type = "goto",
	.edges = EDGES_ONE,
	.validate = validate,
	.run = run,
};
