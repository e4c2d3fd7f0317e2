/* play: a prompt by name ("welcome", "${lang}/closed"), then the next step. */
#include "scenario/scenario_int.h"

static const char *const fields[] = { "prompt", NULL };

static void validate(struct scenario_vctx *vc)
{
	vc_known_fields(vc, vc->obj, "", fields);
	vc_string(vc, "prompt", true, SCENARIO_MAX_STRING);
}

static enum step_outcome run(struct scenario_engine *e, const struct scenario_step *st)
{
	const struct scenario_host_ops *ops = engine_ops(e);
	const char *prompt = engine_expand(e, json_str(st->obj, "prompt", ""));

	engine_trace(e, "play '%s'", prompt);
	if (!ops->play || ops->play(engine_host(e), prompt)) {
		engine_trace(e, "play not available");
		return engine_next(e, "next");
	}
	engine_wait(e, "play");
	return STEP_WAIT;
}

static enum step_outcome event(struct scenario_engine *e, const struct scenario_step *st,
			       const struct scenario_event *ev)
{
	return engine_next(e, "next");
}

const struct scenario_step_desc step_play = {
	.type = "play",
	.waits = true,
	.edges = EDGES_ONE,
	.validate = validate,
	.run = run,
	.event = event,
};
