/* record: the caller's voice into a file whose name the host returns into a variable. */
#include <string.h>

#include "scenario/scenario_int.h"

static const char *const fields[] = { "var", "max_seconds", "terminator", "beep", NULL };

static void validate(struct scenario_vctx *vc)
{
	vc_known_fields(vc, vc->obj, "", fields);
	const char *var = vc_string(vc, "var", false, SCENARIO_MAX_ID);
	if (var && !scenario_var_name_ok(var))
		vc_error(vc, "var", "a variable name is letters, digits, '_' and '.'");
	vc_int(vc, "max_seconds", 1, SCENARIO_MAX_TIMEOUT, 60);
	const char *t = vc_string(vc, "terminator", false, 1);
	if (t && t[0] && !scenario_dtmf_key(t))
		vc_error(vc, "terminator", "one DTMF key (0-9 * #)");
	vc_bool(vc, "beep", true);
}

static enum step_outcome run(struct scenario_engine *e, const struct scenario_step *st)
{
	const struct scenario_host_ops *ops = engine_ops(e);
	struct scenario_record r = {
		.max_seconds = json_int(st->obj, "max_seconds", 60),
		.terminator = json_str(st->obj, "terminator", "")[0],
		.beep = !json_is_false(json_object_get(st->obj, "beep")),
	};

	engine_trace(e, "record up to %d s", r.max_seconds);
	if (!ops->record || ops->record(engine_host(e), &r)) {
		engine_trace(e, "record not available");
		return engine_next(e, "next");
	}
	engine_wait(e, "record");
	return STEP_WAIT;
}

static enum step_outcome event(struct scenario_engine *e, const struct scenario_step *st,
			       const struct scenario_event *ev)
{
	const char *var = json_str(st->obj, "var", "recording");

	if (ev->type == SCENARIO_EV_DONE && ev->value && strlen(ev->value) <= SCENARIO_MAX_STRING)
		scenario_vars_set(engine_vars(e), var, ev->value);
	return engine_next(e, "next");
}

const struct scenario_step_desc step_record = {
	.type = "record",
	.waits = true,
	.edges = EDGES_ONE,
	.validate = validate,
	.run = run,
	.event = event,
};
