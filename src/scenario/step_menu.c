/* menu: a prompt and one DTMF key choosing an exit; timeouts and wrong keys are retried. */
#include <string.h>

#include "scenario/scenario_int.h"

enum step_outcome scenario_step_retry(struct scenario_engine *e, const struct scenario_step *st,
				      const char *kind);

static const char *const fields[] = { "prompt", "timeout", "retries", NULL };
static const char *const edges[] = { "timeout", "invalid", "exhausted", NULL };

static void validate(struct scenario_vctx *vc)
{
	json_t *next = json_object_get(vc->obj, "next");
	const char *key;
	json_t *v;
	int choices = 0;

	vc_known_fields(vc, vc->obj, "", fields);
	vc_string(vc, "prompt", true, SCENARIO_MAX_STRING);
	vc_int(vc, "timeout", 1, SCENARIO_MAX_TIMEOUT, 5);
	vc_int(vc, "retries", 0, SCENARIO_MAX_RETRIES, 3);
	json_object_foreach (next, key, v)
		choices += scenario_dtmf_key(key);
	if (!json_is_string(next) && choices == 0)
		vc_error(vc, "next", "a menu needs at least one choice (a DTMF key: \"1\": \"step\")");
}

static enum step_outcome run(struct scenario_engine *e, const struct scenario_step *st)
{
	const struct scenario_host_ops *ops = engine_ops(e);
	struct scenario_collect c = {
		.prompt = engine_expand(e, json_str(st->obj, "prompt", "")),
		.min = 1,
		.max = 1,
		.timeout = json_int(st->obj, "timeout", 5),
	};

	engine_trace(e, "menu '%s', one key within %d s", c.prompt, c.timeout);
	if (!ops->collect || ops->collect(engine_host(e), &c))
		return engine_end(e, "error", false);
	engine_wait(e, "collect");
	return STEP_WAIT;
}

static enum step_outcome event(struct scenario_engine *e, const struct scenario_step *st,
			       const struct scenario_event *ev)
{
	char key[2] = { ev->value ? ev->value[0] : '\0', '\0' };

	if (ev->type == SCENARIO_EV_FAILED)
		return engine_end(e, "error", false);
	if (ev->type == SCENARIO_EV_TIMEOUT || !key[0])
		return scenario_step_retry(e, st, "timeout");
	if (!scenario_dtmf_key(key) || !scenario_edge(st->obj, key))
		return scenario_step_retry(e, st, "invalid");
	*engine_retries(e, st) = 0;
	engine_trace(e, "key %s", key);
	return engine_next(e, key);
}

const struct scenario_step_desc step_menu = {
	.type = "menu",
	.waits = true,
	.edges = EDGES_MAP,
	.edge_names = edges,
	.digit_edges = true,
	.repeat = true,
	.validate = validate,
	.run = run,
	.event = event,
};
