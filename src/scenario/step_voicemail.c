/* voicemail: leave a message in a mailbox; afterwards "next" if given, else the call ends. */
#include "scenario/scenario_int.h"

static const char *const fields[] = { "mailbox", NULL };

static void validate(struct scenario_vctx *vc)
{
	vc_known_fields(vc, vc->obj, "", fields);
	vc_string(vc, "mailbox", true, SCENARIO_MAX_ID);
}

static enum step_outcome run(struct scenario_engine *e, const struct scenario_step *st)
{
	const struct scenario_host_ops *ops = engine_ops(e);
	const char *box = engine_expand(e, json_str(st->obj, "mailbox", ""));

	engine_trace(e, "voicemail of mailbox '%s'", box);
	if (!ops->voicemail || ops->voicemail(engine_host(e), box)) {
		engine_trace(e, "voicemail not available");
		return engine_end(e, "unavailable", false);
	}
	engine_wait(e, "voicemail");
	return STEP_WAIT;
}

static enum step_outcome event(struct scenario_engine *e, const struct scenario_step *st,
			       const struct scenario_event *ev)
{
	return engine_next(e, "next");
}

const struct scenario_step_desc step_voicemail = {
	.type = "voicemail",
	.waits = true,
	.edges = EDGES_ONE,
	.validate = validate,
	.run = run,
	.event = event,
};
