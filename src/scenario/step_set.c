/* set: assigns variables from templates ("greeting": "hello ${caller}"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/scenario_int.h"

static const char *const fields[] = { "vars", NULL };

static void validate(struct scenario_vctx *vc)
{
	json_t *vars = json_object_get(vc->obj, "vars"), *v;
	const char *name;
	char path[64];

	vc_known_fields(vc, vc->obj, "", fields);
	if (!json_is_object(vars) || json_object_size(vars) == 0) {
		vc_error(vc, "vars", vars ? "wrong type: an object of name: value"
					  : "missing required field (an object)");
		return;
	}
	if (json_object_size(vars) > SCENARIO_MAX_VARS)
		vc_error(vc, "vars", "at most %d variables", SCENARIO_MAX_VARS);
	json_object_foreach (vars, name, v) {
		snprintf(path, sizeof(path), "vars.%.40s", name);
		if (!scenario_var_name_ok(name))
			vc_error(vc, path, "a variable name is letters, digits, '_' and '.'");
		else if (!json_is_string(v) || json_string_length(v) > SCENARIO_MAX_STRING)
			vc_error(vc, path, "wrong type: a string of at most %d characters",
				 SCENARIO_MAX_STRING);
	}
}

static enum step_outcome run(struct scenario_engine *e, const struct scenario_step *st)
{
	json_t *vars = json_object_get(st->obj, "vars"), *v;
	const char *name;

	json_object_foreach (vars, name, v) {
		char *val = scenario_vars_expand(engine_vars(e), json_string_value(v));
		if (strlen(val) > SCENARIO_MAX_STRING)
			val[SCENARIO_MAX_STRING] = '\0';
		if (scenario_vars_set(engine_vars(e), name, val))
			engine_trace(e, "too many variables: %s not set", name);
		else
			engine_trace(e, "%s = '%s'", name, val);
		free(val);
	}
	return engine_next(e, "next");
}

const struct scenario_step_desc step_set = {
	.type = "set",
	.edges = EDGES_ONE,
	.validate = validate,
	.run = run,
};
