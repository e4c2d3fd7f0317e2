/* collect: several digits into a variable (min/max, terminator, timeout, retries). */
#include <string.h>

#include "scenario/scenario_int.h"

enum step_outcome scenario_step_retry(struct scenario_engine *e, const struct scenario_step *st,
				      const char *kind);

#define MAX_DIGITS 64

static const char *const fields[] = { "prompt", "var", "min", "max", "terminator",
				      "timeout", "retries", NULL };
static const char *const edges[] = { "ok", "timeout", "invalid", "exhausted", NULL };

static void validate(struct scenario_vctx *vc)
{
	vc_known_fields(vc, vc->obj, "", fields);
	vc_string(vc, "prompt", false, SCENARIO_MAX_STRING);
	const char *var = vc_string(vc, "var", true, SCENARIO_MAX_ID);
	if (var && !scenario_var_name_ok(var))
		vc_error(vc, "var", "a variable name is letters, digits, '_' and '.'");
	int min = vc_int(vc, "min", 1, MAX_DIGITS, 1);
	int max = vc_int(vc, "max", 1, MAX_DIGITS, 16);
	if (min > max)
		vc_error(vc, "min", "min %d is above max %d", min, max);
	const char *t = vc_string(vc, "terminator", false, 1);
	if (t && t[0] && !scenario_dtmf_key(t))
		vc_error(vc, "terminator", "one DTMF key (0-9 * #) or \"\" for none");
	vc_int(vc, "timeout", 1, SCENARIO_MAX_TIMEOUT, 5);
	vc_int(vc, "retries", 0, SCENARIO_MAX_RETRIES, 3);
}

static enum step_outcome run(struct scenario_engine *e, const struct scenario_step *st)
{
	const struct scenario_host_ops *ops = engine_ops(e);
	const char *prompt = json_str(st->obj, "prompt", NULL);
	struct scenario_collect c = {
		.prompt = prompt ? engine_expand(e, prompt) : NULL,
		.min = json_int(st->obj, "min", 1),
		.max = json_int(st->obj, "max", 16),
		.terminator = json_str(st->obj, "terminator", "#")[0],
		.timeout = json_int(st->obj, "timeout", 5),
	};

	engine_trace(e, "collect %d-%d digits into %s within %d s", c.min, c.max,
		     json_str(st->obj, "var", ""), c.timeout);
	if (!ops->collect || ops->collect(engine_host(e), &c))
		return engine_end(e, "error", false);
	engine_wait(e, "collect");
	return STEP_WAIT;
}

/* The digits without the terminator, if they are DTMF keys in the allowed count. */
static bool digits_ok(const struct scenario_step *st, const char *in, char *out)
{
	char term = json_str(st->obj, "terminator", "#")[0];
	size_t n = strlen(in);

	if (term && n && in[n - 1] == term)
		n--;
	if (n > MAX_DIGITS || strspn(in, "0123456789*#") < n)
		return false;
	memcpy(out, in, n);
	out[n] = '\0';
	return (int)n >= json_int(st->obj, "min", 1) && (int)n <= json_int(st->obj, "max", 16);
}

static enum step_outcome event(struct scenario_engine *e, const struct scenario_step *st,
			       const struct scenario_event *ev)
{
	char digits[MAX_DIGITS + 1];

	if (ev->type == SCENARIO_EV_FAILED)
		return engine_end(e, "error", false);
	if (ev->type == SCENARIO_EV_TIMEOUT || !ev->value || !ev->value[0])
		return scenario_step_retry(e, st, "timeout");
	if (!digits_ok(st, ev->value, digits))
		return scenario_step_retry(e, st, "invalid");
	*engine_retries(e, st) = 0;
	scenario_vars_set(engine_vars(e), json_str(st->obj, "var", "digits"), digits);
	engine_trace(e, "%s = '%s'", json_str(st->obj, "var", "digits"), digits);
	return engine_next(e, "ok");
}

const struct scenario_step_desc step_collect = {
	.type = "collect",
	.waits = true,
	.edges = EDGES_MAP,
	.edge_names = edges,
	.repeat = true,
	.validate = validate,
	.run = run,
	.event = event,
};
