/* The test language of condition steps: one kind per object, combined with all/any/not. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/scenario_int.h"

static const char *const ops[] = { "eq", "ne", "lt", "le", "gt", "ge", "empty", "set",
				   "contains", "match", NULL };

static void patterns_validate(struct scenario_vctx *vc, json_t *p, const char *path)
{
	char err[128], field[80];
	size_t n = json_is_array(p) ? json_array_size(p) : 1;

	if (!json_is_string(p) && (!json_is_array(p) || n == 0 || n > 256)) {
		vc_error(vc, path, "a pattern or an array of 1-256 patterns");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		json_t *v = json_is_array(p) ? json_array_get(p, i) : p;
		snprintf(field, sizeof(field), "%s[%zu]", path, i);
		if (!json_is_string(v))
			vc_error(vc, field, "wrong type: a pattern string");
		else if (scenario_pattern_check(json_string_value(v), err, sizeof(err)))
			vc_error(vc, field, "%s", err);
	}
}

static void var_validate(struct scenario_vctx *vc, json_t *t, const char *path)
{
	static const char *const f[] = { "name", "op", "value", NULL };
	const char *name = json_str(t, "name", NULL), *op = json_str(t, "op", "eq");
	bool known = false;

	vc_known_fields(vc, t, path, f);
	if (!name || !scenario_var_name_ok(name))
		vc_error(vc, path, "\"name\" of a variable is required");
	for (size_t i = 0; ops[i]; i++)
		known |= strcmp(op, ops[i]) == 0;
	if (!known || (json_object_get(t, "op") && !json_is_string(json_object_get(t, "op"))))
		vc_error(vc, path, "\"op\" is one of eq ne lt le gt ge empty set contains match");
	json_t *v = json_object_get(t, "value");
	if (v && (!json_is_string(v) || json_string_length(v) > SCENARIO_MAX_STRING))
		vc_error(vc, path, "\"value\" is a string");
	if (!v && strcmp(op, "empty") != 0 && strcmp(op, "set") != 0)
		vc_error(vc, path, "\"value\" is required for op %s", op);
}

static void list_validate(struct scenario_vctx *vc, json_t *t, const char *path)
{
	static const char *const f[] = { "name", "var", NULL };
	const char *name = json_is_string(t) ? json_string_value(t) : json_str(t, "name", NULL);
	const char *var = json_str(t, "var", "caller");

	if (json_is_object(t))
		vc_known_fields(vc, t, path, f);
	if (!name || !name[0] || strlen(name) > SCENARIO_MAX_ID)
		vc_error(vc, path, "a list name, or {\"name\": ..., \"var\": ...}");
	if (!scenario_var_name_ok(var))
		vc_error(vc, path, "\"var\" is a variable name");
}

static void combo_validate(struct scenario_vctx *vc, json_t *a, const char *path, int depth)
{
	char field[96];

	if (!json_is_array(a) || json_array_size(a) == 0 || json_array_size(a) > 32) {
		vc_error(vc, path, "an array of 1-32 tests");
		return;
	}
	for (size_t i = 0; i < json_array_size(a); i++) {
		snprintf(field, sizeof(field), "%.60s[%zu]", path, i);
		scenario_test_validate(vc, json_array_get(a, i), field, depth + 1);
	}
}

void scenario_test_validate(struct scenario_vctx *vc, json_t *test, const char *path, int depth)
{
	char field[96];
	const char *kind = json_is_object(test) && json_object_size(test) == 1
				   ? json_object_iter_key(json_object_iter(test)) : NULL;
	json_t *v = kind ? json_object_get(test, kind) : NULL;

	if (depth >= SCENARIO_MAX_DEPTH) {
		vc_error(vc, path, "tests nested deeper than %d", SCENARIO_MAX_DEPTH);
		return;
	}
	if (!kind) {
		vc_error(vc, path, "a test is an object with one of time, caller, number, list, "
				   "var, all, any, not");
		return;
	}
	snprintf(field, sizeof(field), "%.60s.%s", path, kind);
	if (strcmp(kind, "time") == 0)
		scenario_time_validate(vc, v, field);
	else if (strcmp(kind, "caller") == 0)
		patterns_validate(vc, v, field);
	else if (strcmp(kind, "number") == 0) {
		static const char *const f[] = { "var", "match", NULL };
		vc_known_fields(vc, json_is_object(v) ? v : NULL, field, f);
		if (!json_is_object(v) || !scenario_var_name_ok(json_str(v, "var", "")))
			vc_error(vc, field, "{\"var\": \"did\", \"match\": [patterns]}");
		else
			patterns_validate(vc, json_object_get(v, "match"), field);
	} else if (strcmp(kind, "list") == 0)
		list_validate(vc, v, field);
	else if (strcmp(kind, "var") == 0 && json_is_object(v))
		var_validate(vc, v, field);
	else if (strcmp(kind, "all") == 0 || strcmp(kind, "any") == 0)
		combo_validate(vc, v, field, depth);
	else if (strcmp(kind, "not") == 0)
		scenario_test_validate(vc, v, field, depth + 1);
	else
		vc_error(vc, field, "unknown test (known: time, caller, number, list, var, all, any, "
				    "not)");
}

static bool patterns_eval(json_t *p, const char *number)
{
	size_t n = json_is_array(p) ? json_array_size(p) : 1;

	for (size_t i = 0; i < n; i++)
		if (scenario_pattern_match(json_string_value(json_is_array(p) ? json_array_get(p, i) : p),
					   number))
			return true;
	return false;
}

static bool is_number(const char *s, long long *out)
{
	char *end;

	if (!*s)
		return false;
	*out = strtoll(s, &end, 10);
	return *end == '\0';
}

static bool var_eval(struct scenario_engine *e, json_t *t)
{
	const char *val = scenario_vars_get(engine_vars(e), json_str(t, "name", ""));
	const char *op = json_str(t, "op", "eq");
	const char *want = engine_expand(e, json_str(t, "value", ""));
	long long a, b;

	if (strcmp(op, "set") == 0 || strcmp(op, "empty") == 0)
		return (val && *val) == (op[0] == 's');
	if (!val)
		val = "";
	if (strcmp(op, "eq") == 0 || strcmp(op, "ne") == 0)
		return (strcmp(val, want) == 0) == (op[0] == 'e');
	if (strcmp(op, "contains") == 0)
		return strstr(val, want) != NULL;
	if (strcmp(op, "match") == 0)
		return scenario_pattern_match(want, val);
	if (!is_number(val, &a) || !is_number(want, &b))
		return false; /* ordering is numeric only */
	if (op[0] == 'l')
		return op[1] == 't' ? a < b : a <= b;
	return op[1] == 't' ? a > b : a >= b;
}

static bool list_eval(struct scenario_engine *e, json_t *t)
{
	const struct scenario_host_ops *o = engine_ops(e);
	const char *name = json_is_string(t) ? json_string_value(t) : json_str(t, "name", "");
	const char *num = scenario_vars_get(engine_vars(e), json_str(t, "var", "caller"));

	return o->list_contains && num && o->list_contains(engine_host(e), name, num);
}

bool scenario_test_eval(struct scenario_engine *e, json_t *test, int depth)
{
	const char *kind = json_object_iter_key(json_object_iter(test));
	json_t *v = json_object_get(test, kind);
	const char *caller = scenario_vars_get(engine_vars(e), "caller");

	if (!kind || depth >= SCENARIO_MAX_DEPTH)
		return false;
	if (strcmp(kind, "time") == 0)
		return scenario_time_eval(e, v);
	if (strcmp(kind, "caller") == 0)
		return patterns_eval(v, caller ? caller : "");
	if (strcmp(kind, "number") == 0) {
		const char *n = scenario_vars_get(engine_vars(e), json_str(v, "var", ""));
		return patterns_eval(json_object_get(v, "match"), n ? n : "");
	}
	if (strcmp(kind, "list") == 0)
		return list_eval(e, v);
	if (strcmp(kind, "var") == 0)
		return var_eval(e, v);
	if (strcmp(kind, "not") == 0)
		return !scenario_test_eval(e, v, depth + 1);
	bool all = strcmp(kind, "all") == 0;
	for (size_t i = 0; i < json_array_size(v); i++)
		if (scenario_test_eval(e, json_array_get(v, i), depth + 1) != all)
			return !all;
	return all;
}
