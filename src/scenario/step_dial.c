/* dial: extensions and numbers, rung all at once, in turn or round-robin; exits per result. */
#include <stdio.h>
#include <string.h>

#include "scenario/scenario_int.h"

static const char *const fields[] = { "targets", "strategy", "group", "timeout", "caller_id",
				      NULL };
static const char *const target_fields[] = { "extension", "number", NULL };
static const char *const edges[] = { "answered", "busy", "no_answer", "failed", NULL };
static const char *const strategies[] = { "ring-all", "sequential", "round-robin", NULL };

static void validate_target(struct scenario_vctx *vc, json_t *t, size_t i)
{
	char path[64];
	json_t *ext = json_object_get(t, "extension"), *num = json_object_get(t, "number");
	json_t *v = ext ? ext : num;

	snprintf(path, sizeof(path), "targets[%zu]", i);
	if (!json_is_object(t) || (ext && num) || !v) {
		vc_error(vc, path, "a target is {\"extension\": \"101\"} or {\"number\": \"+7...\"}");
		return;
	}
	vc_known_fields(vc, t, path, target_fields);
	if (!json_is_string(v) || json_string_length(v) == 0 ||
	    json_string_length(v) > SCENARIO_MAX_ID)
		vc_error(vc, path, "the %s is a string of 1-%d characters",
			 ext ? "extension" : "number", SCENARIO_MAX_ID);
}

static void validate(struct scenario_vctx *vc)
{
	json_t *targets = json_object_get(vc->obj, "targets");
	const char *s;

	vc_known_fields(vc, vc->obj, "", fields);
	if (!json_is_array(targets) || json_array_size(targets) == 0 ||
	    json_array_size(targets) > SCENARIO_MAX_TARGETS)
		vc_error(vc, "targets", targets ? "an array of 1-%d targets"
						: "missing required field (an array of 1-%d targets)",
			 SCENARIO_MAX_TARGETS);
	else
		for (size_t i = 0; i < json_array_size(targets); i++)
			validate_target(vc, json_array_get(targets, i), i);
	s = vc_string(vc, "strategy", false, 32);
	bool known = !s;
	for (size_t i = 0; s && strategies[i]; i++)
		known |= strcmp(s, strategies[i]) == 0;
	if (!known)
		vc_error(vc, "strategy", "one of ring-all, sequential, round-robin");
	vc_string(vc, "group", false, SCENARIO_MAX_ID);
	vc_int(vc, "timeout", 1, SCENARIO_MAX_TIMEOUT, 30);
	vc_string(vc, "caller_id", false, SCENARIO_MAX_ID);
}

static enum scenario_dial_strategy strategy(const json_t *step)
{
	const char *s = json_str(step, "strategy", "ring-all");

	if (strcmp(s, "sequential") == 0)
		return SCENARIO_SEQUENTIAL;
	return strcmp(s, "round-robin") == 0 ? SCENARIO_ROUND_ROBIN : SCENARIO_RING_ALL;
}

static enum step_outcome run(struct scenario_engine *e, const struct scenario_step *st)
{
	const struct scenario_host_ops *ops = engine_ops(e);
	json_t *targets = json_object_get(st->obj, "targets");
	struct scenario_target t[SCENARIO_MAX_TARGETS];
	const char *cid = json_str(st->obj, "caller_id", NULL);
	struct scenario_dial d = { .targets = t, .strategy = strategy(st->obj),
				   .group = json_str(st->obj, "group", NULL),
				   .timeout = json_int(st->obj, "timeout", 30),
				   .caller_id = cid ? engine_expand(e, cid) : NULL };

	for (size_t i = 0; i < json_array_size(targets) && i < SCENARIO_MAX_TARGETS; i++) {
		json_t *o = json_array_get(targets, i), *ext = json_object_get(o, "extension");
		t[i].kind = ext ? SCENARIO_TARGET_EXTENSION : SCENARIO_TARGET_NUMBER;
		t[i].value = engine_expand(e, json_string_value(ext ? ext : json_object_get(o, "number")));
		d.ntargets++;
	}
	engine_trace(e, "dial %zu target(s) %s, %d s", d.ntargets,
		     json_str(st->obj, "strategy", "ring-all"), d.timeout);
	if (!ops->dial || ops->dial(engine_host(e), &d)) {
		engine_trace(e, "dial failed");
		return engine_next(e, "failed");
	}
	engine_wait(e, "dial");
	return STEP_WAIT;
}

static enum step_outcome event(struct scenario_engine *e, const struct scenario_step *st,
			       const struct scenario_event *ev)
{
	static const char *const names[] = { "answered", "busy", "no_answer", "failed" };
	static const char *const causes[] = { "normal", "busy", "unavailable", "unavailable" };
	int r = ev->type == SCENARIO_EV_DIAL ? (int)ev->dial_result : SCENARIO_DIAL_FAILED;

	if (r < 0 || r > SCENARIO_DIAL_FAILED)
		r = SCENARIO_DIAL_FAILED;
	engine_trace(e, "dial result %s", names[r]);
	scenario_vars_set(engine_vars(e), "dial_result", names[r]);
	if (!scenario_edge(st->obj, names[r]))
		return engine_end(e, causes[r], false);
	return engine_next(e, names[r]);
}

const struct scenario_step_desc step_dial = {
	.type = "dial",
	.waits = true,
	.edges = EDGES_MAP,
	.edge_names = edges,
	.validate = validate,
	.run = run,
	.event = event,
};
