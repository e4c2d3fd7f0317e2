/* Validation: field helpers for step descriptors, edges, reachability and busy loops. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/mem.h"
#include "scenario/scenario_int.h"

void scenario_validate_steps(struct scenario *s, struct scenario_errors *errs);
void scenario_validate_graph(struct scenario *s, struct scenario_errors *errs);

#define MAX_EXITS 64

/* Fields every step may carry besides its own: the visual builder keeps its layout in "ui". */
static const char *const common_fields[] = { "type", "next", "comment", "ui", NULL };

void scenario_errors_add(struct scenario_errors *errs, const char *step, const char *field,
			 const char *msg)
{
	if (errs->n == SCENARIO_MAX_ERRORS) {
		errs->truncated = true;
		return;
	}
	struct scenario_error *e = &errs->e[errs->n++];
	snprintf(e->step, sizeof(e->step), "%s", step);
	snprintf(e->field, sizeof(e->field), "%s", field);
	snprintf(e->msg, sizeof(e->msg), "%s", msg);
}

void scenario_error_format(const struct scenario_error *e, char *buf, size_t size)
{
	if (e->step[0] && e->field[0])
		snprintf(buf, size, "step '%s': field '%s': %s", e->step, e->field, e->msg);
	else if (e->step[0])
		snprintf(buf, size, "step '%s': %s", e->step, e->msg);
	else if (e->field[0])
		snprintf(buf, size, "field '%s': %s", e->field, e->msg);
	else
		snprintf(buf, size, "%s", e->msg);
}

void vc_error(struct scenario_vctx *vc, const char *field, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	scenario_errors_add(vc->errs, vc->step, field, msg);
}

const char *vc_string(struct scenario_vctx *vc, const char *field, bool required, size_t maxlen)
{
	json_t *v = json_object_get(vc->obj, field);

	if (!v) {
		if (required)
			vc_error(vc, field, "missing required field (a string)");
		return NULL;
	}
	if (!json_is_string(v)) {
		vc_error(vc, field, "wrong type: a string");
		return NULL;
	}
	const char *s = json_string_value(v);
	if (json_string_length(v) > maxlen || strlen(s) != json_string_length(v)) {
		vc_error(vc, field, "at most %zu characters, no NUL", maxlen);
		return NULL;
	}
	if (required && !s[0]) {
		vc_error(vc, field, "must not be empty");
		return NULL;
	}
	return s;
}

int vc_int(struct scenario_vctx *vc, const char *field, int min, int max, int def)
{
	json_t *v = json_object_get(vc->obj, field);

	if (!v)
		return def;
	if (!json_is_integer(v)) {
		vc_error(vc, field, "wrong type: an integer");
		return def;
	}
	json_int_t i = json_integer_value(v);
	if (i < min || i > max) {
		vc_error(vc, field, "%lld is out of range %d-%d", (long long)i, min, max);
		return def;
	}
	return (int)i;
}

bool vc_bool(struct scenario_vctx *vc, const char *field, bool def)
{
	json_t *v = json_object_get(vc->obj, field);

	if (!v)
		return def;
	if (!json_is_boolean(v)) {
		vc_error(vc, field, "wrong type: true or false");
		return def;
	}
	return json_is_true(v);
}

static bool listed(const char *key, const char *const *names)
{
	for (size_t i = 0; names && names[i]; i++)
		if (strcmp(key, names[i]) == 0)
			return true;
	return false;
}

void vc_known_fields(struct scenario_vctx *vc, json_t *obj, const char *prefix,
		     const char *const *allowed)
{
	const char *key;
	json_t *v;
	char path[64];

	json_object_foreach (obj, key, v) {
		if (listed(key, allowed) || (!prefix[0] && listed(key, common_fields)))
			continue;
		snprintf(path, sizeof(path), "%s%s%.40s", prefix, prefix[0] ? "." : "", key);
		vc_error(vc, path, "unknown field");
	}
}

bool scenario_dtmf_key(const char *s)
{
	return s[0] && !s[1] && strchr("0123456789*#", s[0]);
}

static void check_target(struct scenario_vctx *vc, const struct scenario_step_desc *d,
			 const char *field, json_t *v)
{
	const char *t = json_string_value(v);

	if (!t) {
		vc_error(vc, field, "wrong type: a step id");
		return;
	}
	if (strcmp(t, "repeat") == 0) {
		if (!d->repeat)
			vc_error(vc, field, "'repeat' is only for menu and collect steps");
		return;
	}
	if (!scenario_step_find(vc->s, t))
		vc_error(vc, field, "dangling edge: no step '%.64s'", t);
}

static void check_edges(struct scenario_vctx *vc, const struct scenario_step_desc *d)
{
	json_t *next = json_object_get(vc->obj, "next"), *v;
	const char *key;
	char field[64];

	if (!next)
		return;
	if (d->edges == EDGES_NONE) {
		vc_error(vc, "next", "a %s step has no exits", d->type);
	} else if (d->edges == EDGES_ONE) {
		check_target(vc, d, "next", next);
	} else if (!json_is_object(next)) {
		vc_error(vc, "next", "wrong type: an object of exits by name");
	} else if (json_object_size(next) > MAX_EXITS) {
		vc_error(vc, "next", "%zu exits: at most %d", json_object_size(next), MAX_EXITS);
	} else {
		json_object_foreach (next, key, v) {
			snprintf(field, sizeof(field), "next.%.40s", key);
			if (!listed(key, d->edge_names) && !d->any_edges &&
			    !(d->digit_edges && scenario_dtmf_key(key)))
				vc_error(vc, field, "a %s step has no exit '%.40s'", d->type, key);
			else
				check_target(vc, d, field, v);
		}
	}
}

void scenario_validate_steps(struct scenario *s, struct scenario_errors *errs)
{
	for (size_t i = 0; i < s->nsteps; i++) {
		struct scenario_step *st = &s->steps[i];
		struct scenario_vctx vc = { errs, s, st->id, st->obj };
		if (!st->desc)
			continue;
		st->desc->validate(&vc);
		check_edges(&vc, st->desc);
	}
}

/* Indices of the steps st leads to ("repeat" is st itself). */
static size_t targets(const struct scenario *s, const struct scenario_step *st, size_t *out)
{
	json_t *next = json_object_get(st->obj, "next"), *v;
	const char *key;
	size_t n = 0;

	if (json_is_string(next)) {
		const struct scenario_step *t = scenario_step_find(s, json_string_value(next));
		if (t)
			out[n++] = (size_t)(t - s->steps);
		return n;
	}
	json_object_foreach (next, key, v) {
		const char *id = json_string_value(v);
		const struct scenario_step *t = id && strcmp(id, "repeat") == 0
							? st
							: scenario_step_find(s, id);
		if (t && n < SCENARIO_MAX_STEPS)
			out[n++] = (size_t)(t - s->steps);
	}
	return n;
}

static void check_reachable(struct scenario *s, struct scenario_errors *errs, size_t *out)
{
	bool *seen = xcalloc(s->nsteps, sizeof(bool));
	size_t *stack = xcalloc(s->nsteps, sizeof(size_t)), top = 0;

	seen[s->start] = true;
	stack[top++] = s->start;
	while (top) {
		size_t i = stack[--top], n = targets(s, &s->steps[i], out);
		for (size_t k = 0; k < n; k++)
			if (!seen[out[k]]) {
				seen[out[k]] = true;
				stack[top++] = out[k];
			}
	}
	for (size_t i = 0; i < s->nsteps; i++)
		if (!seen[i])
			scenario_errors_add(errs, s->steps[i].id, "",
					    "unreachable: no path from the start step leads here");
	free(stack);
	free(seen);
}

/* Depth-first over steps that do not wait; a back edge closes a loop nothing slows down. */
static bool busy_loop(struct scenario *s, size_t i, char *color, size_t *path, size_t depth,
		      struct scenario_errors *errs)
{
	size_t *out = xcalloc(SCENARIO_MAX_STEPS, sizeof(size_t)), n = targets(s, &s->steps[i], out);
	bool found = false;

	color[i] = 1;
	path[depth] = i;
	for (size_t k = 0; k < n && !found; k++) {
		size_t j = out[k];
		if (s->steps[j].desc->waits || color[j] == 2)
			continue;
		if (color[j] == 1) {
			char msg[256];
			size_t len = (size_t)snprintf(msg, sizeof(msg), "a loop without a waiting step:");
			size_t from = depth;
			while (from > 0 && path[from] != j)
				from--;
			for (size_t p = from; p <= depth && len < sizeof(msg); p++)
				len += (size_t)snprintf(msg + len, sizeof(msg) - len, " %s ->",
							s->steps[path[p]].id);
			if (len < sizeof(msg))
				snprintf(msg + len, sizeof(msg) - len, " %s", s->steps[j].id);
			scenario_errors_add(errs, s->steps[i].id, "next", msg);
			found = true;
		} else {
			found = busy_loop(s, j, color, path, depth + 1, errs);
		}
	}
	color[i] = 2;
	free(out);
	return found;
}

void scenario_validate_graph(struct scenario *s, struct scenario_errors *errs)
{
	size_t *out = xcalloc(SCENARIO_MAX_STEPS, sizeof(size_t));
	size_t *path = xcalloc(s->nsteps, sizeof(size_t));
	char *color = xcalloc(s->nsteps, 1);

	check_reachable(s, errs, out);
	for (size_t i = 0; i < s->nsteps; i++)
		if (!color[i] && !s->steps[i].desc->waits && busy_loop(s, i, color, path, 0, errs))
			break;
	free(color);
	free(path);
	free(out);
}
