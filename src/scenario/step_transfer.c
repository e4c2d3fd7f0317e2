/* transfer: hands the call to an extension or number; the scenario ends unless it fails. */
#include "scenario/scenario_int.h"

static const char *const fields[] = { "target", NULL };
static const char *const edges[] = { "failed", NULL };

static void validate(struct scenario_vctx *vc)
{
	vc_known_fields(vc, vc->obj, "", fields);
	vc_string(vc, "target", true, SCENARIO_MAX_ID);
}

static enum step_outcome run(struct scenario_engine *e, const struct scenario_step *st)
{
	const struct scenario_host_ops *ops = engine_ops(e);
	const char *target = engine_expand(e, json_str(st->obj, "target", ""));

	engine_trace(e, "transfer to '%s'", target);
	if (!target[0] || !ops->transfer || ops->transfer(engine_host(e), target)) {
		engine_trace(e, "transfer failed");
		return engine_next(e, "failed");
	}
	engine_wait(e, "transfer");
	return STEP_WAIT;
}

static enum step_outcome event(struct scenario_engine *e, const struct scenario_step *st,
			       const struct scenario_event *ev)
{
	if (ev->type == SCENARIO_EV_DONE)
		return engine_end(e, "normal", true);
	engine_trace(e, "transfer failed");
	return engine_next(e, "failed");
}

const struct scenario_step_desc step_transfer = {
	.type = "transfer",
	.waits = true,
	.edges = EDGES_MAP,
	.edge_names = edges,
	.validate = validate,
	.run = run,
	.event = event,
};
