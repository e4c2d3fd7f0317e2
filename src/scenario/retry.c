/* The retry rule menus and collects share: a failed attempt repeats until retries run out. */
#include "scenario/scenario_int.h"

enum step_outcome scenario_step_retry(struct scenario_engine *e, const struct scenario_step *st,
				      const char *kind);

/*
 * kind is "timeout" or "invalid". Its edge (default: "repeat") is taken while fewer than
 * "retries" failures happened; then "exhausted" (default: the call ends). The count lives in
 * the engine, so an "invalid" branch that plays a message and comes back still counts.
 */
enum step_outcome scenario_step_retry(struct scenario_engine *e, const struct scenario_step *st,
				      const char *kind)
{
	int *count = engine_retries(e, st), max = json_int(st->obj, "retries", 3);

	if (++*count > max) {
		*count = 0;
		engine_trace(e, "%s, no retries left", kind);
		return engine_next(e, "exhausted");
	}
	engine_trace(e, "%s (attempt %d of %d)", kind, *count, max + 1);
	if (!scenario_edge(st->obj, kind))
		return STEP_NEXT; /* the current step again */
	return engine_next(e, kind);
}
