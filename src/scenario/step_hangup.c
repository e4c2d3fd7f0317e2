/* hangup: ends the call with a cause the host maps to SIP (busy 486, rejected 603, ...). */
#include <string.h>

#include "scenario/scenario_int.h"

static const char *const fields[] = { "cause", NULL };
static const char *const causes[] = { "normal", "busy", "rejected", "unavailable", NULL };

static void validate(struct scenario_vctx *vc)
{
	vc_known_fields(vc, vc->obj, "", fields);
	const char *c = vc_string(vc, "cause", false, 32);
	for (size_t i = 0; c && causes[i]; i++)
		if (strcmp(c, causes[i]) == 0)
			return;
	if (c)
		vc_error(vc, "cause", "one of normal, busy, rejected, unavailable");
}

static enum step_outcome run(struct scenario_engine *e, const struct scenario_step *st)
{
	const char *cause = json_str(st->obj, "cause", "normal");

	for (size_t i = 0; causes[i]; i++)
		if (strcmp(cause, causes[i]) == 0) {
			engine_trace(e, "hangup (%s)", causes[i]);
			return engine_end(e, causes[i], false);
		}
	return engine_end(e, "normal", false);
}

const struct scenario_step_desc step_hangup = {
	.type = "hangup",
	.edges = EDGES_NONE,
	.validate = validate,
	.run = run,
};
