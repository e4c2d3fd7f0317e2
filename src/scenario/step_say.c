/* say: text for speech synthesis; until the host has TTS it answers "not available". */
#include "scenario/scenario_int.h"

static const char *const fields[] = { "text", NULL };

static void validate(struct scenario_vctx *vc)
{
	vc_known_fields(vc, vc->obj, "", fields);
	vc_string(vc, "text", true, SCENARIO_MAX_STRING);
}

static enum step_outcome run(struct scenario_engine *e, const struct scenario_step *st)
{
	const struct scenario_host_ops *ops = engine_ops(e);
	const char *text = engine_expand(e, json_str(st->obj, "text", ""));

	engine_trace(e, "say '%s'", text);
	if (!ops->say || ops->say(engine_host(e), text)) {
		engine_trace(e, "say not available (no text-to-speech)");
		return engine_next(e, "next");
	}
	engine_wait(e, "say");
	return STEP_WAIT;
}

static enum step_outcome event(struct scenario_engine *e, const struct scenario_step *st,
			       const struct scenario_event *ev)
{
	return engine_next(e, "next");
}

const struct scenario_step_desc step_say = {
	.type = "say",
	.waits = true,
	.edges = EDGES_ONE,
	.validate = validate,
	.run = run,
	.event = event,
};
