/* The scenario document: parsing, the top-level shape, the step index and its accessors. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/mem.h"
#include "scenario/scenario_int.h"

void scenario_validate_steps(struct scenario *s, struct scenario_errors *errs);
void scenario_validate_graph(struct scenario *s, struct scenario_errors *errs);
void scenario_calendars_validate(const struct scenario *s, struct scenario_errors *errs);

static const char *const top_fields[] = { "name", "version", "start", "steps", "calendars",
					  "description", NULL };

const char *json_str(const json_t *obj, const char *field, const char *def)
{
	const char *v = json_string_value(json_object_get(obj, field));
	return v ? v : def;
}

int json_int(const json_t *obj, const char *field, int def)
{
	json_t *v = json_object_get(obj, field);
	return json_is_integer(v) ? (int)json_integer_value(v) : def;
}

const struct scenario_step *scenario_step_find(const struct scenario *s, const char *id)
{
	for (size_t i = 0; id && i < s->nsteps; i++)
		if (strcmp(s->steps[i].id, id) == 0)
			return &s->steps[i];
	return NULL;
}

const char *scenario_edge(const json_t *step, const char *name)
{
	json_t *next = json_object_get(step, "next");

	if (json_is_string(next))
		return strcmp(name, "next") == 0 ? json_string_value(next) : NULL;
	return json_string_value(json_object_get(next, name));
}

static bool id_ok(const char *id)
{
	size_t n = strlen(id);

	if (n == 0 || n > SCENARIO_MAX_ID || strcmp(id, "repeat") == 0)
		return false;
	return strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") == n;
}

static void top_error(struct scenario_errors *errs, const char *field, const char *msg)
{
	scenario_errors_add(errs, "", field, msg);
}

/* The steps object into s->steps; a step without a known type keeps desc NULL. */
static void index_steps(struct scenario *s, json_t *steps, struct scenario_errors *errs)
{
	const char *id;
	json_t *obj;
	char msg[256], types[160];

	s->steps = xcalloc(json_object_size(steps), sizeof(*s->steps));
	json_object_foreach (steps, id, obj) {
		struct scenario_step *st = &s->steps[s->nsteps++];
		st->id = id;
		st->obj = obj;
		if (!id_ok(id)) {
			scenario_errors_add(errs, id, "", "a step id is 1-64 characters of "
							  "letters, digits, '_', '-', '.' (not 'repeat')");
			continue;
		}
		if (!json_is_object(obj)) {
			scenario_errors_add(errs, id, "", "a step is a JSON object");
			continue;
		}
		const char *type = json_str(obj, "type", NULL);
		if (!type) {
			scenario_errors_add(errs, id, "type", "missing required field (a string)");
			continue;
		}
		st->desc = scenario_step_desc_find(type);
		if (!st->desc) {
			snprintf(msg, sizeof(msg), "unknown step type '%.64s' (known: %s)", type,
				 scenario_step_types(types, sizeof(types)));
			scenario_errors_add(errs, id, "type", msg);
		}
	}
}

static void check_top(struct scenario *s, struct scenario_errors *errs)
{
	json_t *r = s->root, *steps = json_object_get(r, "steps");
	const char *key;
	json_t *v;
	char msg[256];

	json_object_foreach (r, key, v) {
		bool known = false;
		for (size_t i = 0; top_fields[i]; i++)
			known |= strcmp(key, top_fields[i]) == 0;
		if (!known) {
			snprintf(msg, sizeof(msg), "unknown field '%.64s'", key);
			top_error(errs, key, msg);
		}
	}
	s->name = json_str(r, "name", "");
	if (!json_is_string(json_object_get(r, "name")) || !s->name[0] || strlen(s->name) > 64)
		top_error(errs, "name", "required: a string of 1-64 characters");
	v = json_object_get(r, "version");
	if (v && (!json_is_integer(v) || json_integer_value(v) < 1 ||
		  json_integer_value(v) > 1000000000))
		top_error(errs, "version", "an integer from 1");
	s->version = json_int(r, "version", 1);
	v = json_object_get(r, "calendars");
	if (v && !json_is_object(v))
		top_error(errs, "calendars", "an object of named date lists");
	s->calendars = json_is_object(v) ? v : NULL;
	if (!json_is_object(steps) || json_object_size(steps) == 0) {
		top_error(errs, "steps", "required: an object of steps by id");
		return;
	}
	if (json_object_size(steps) > SCENARIO_MAX_STEPS) {
		snprintf(msg, sizeof(msg), "%zu steps: at most %d", json_object_size(steps),
			 SCENARIO_MAX_STEPS);
		top_error(errs, "steps", msg);
		return;
	}
	index_steps(s, steps, errs);
}

static void check_start(struct scenario *s, struct scenario_errors *errs)
{
	const char *start = json_str(s->root, "start", NULL);
	const struct scenario_step *st = scenario_step_find(s, start);
	char msg[256];

	if (!start) {
		top_error(errs, "start", "required: the id of the first step");
	} else if (!st && s->nsteps) {
		snprintf(msg, sizeof(msg), "no step '%.64s'", start);
		top_error(errs, "start", msg);
	}
	s->start = st ? (size_t)(st - s->steps) : 0;
}

int scenario_load(struct scenario **sp, const char *text, size_t len, struct scenario_errors *errs)
{
	struct scenario_errors local;
	json_error_t jerr;
	char msg[256];

	if (!errs)
		errs = &local;
	memset(errs, 0, sizeof(*errs));
	if (len > SCENARIO_MAX_JSON) {
		snprintf(msg, sizeof(msg), "the document has %zu bytes: at most %d", len,
			 SCENARIO_MAX_JSON);
		top_error(errs, "", msg);
		return EOVERFLOW;
	}
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root || !json_is_object(root)) {
		snprintf(msg, sizeof(msg), root ? "the document is not a JSON object"
						: "not JSON: line %d column %d: %.160s",
			 jerr.line, jerr.column, jerr.text);
		top_error(errs, "", msg);
		json_decref(root);
		return EBADMSG;
	}
	struct scenario *s = xcalloc(1, sizeof(*s));
	s->root = root;
	check_top(s, errs);
	check_start(s, errs);
	if (s->calendars)
		scenario_calendars_validate(s, errs);
	if (s->nsteps)
		scenario_validate_steps(s, errs);
	if (errs->n == 0)
		scenario_validate_graph(s, errs);
	if (errs->n) {
		scenario_destroy(s);
		return EBADMSG;
	}
	*sp = s;
	return 0;
}

int scenario_load_file(struct scenario **sp, const char *path, struct scenario_errors *errs)
{
	struct scenario_errors local;
	FILE *f = fopen(path, "rb");
	char msg[256];

	if (!errs)
		errs = &local;
	memset(errs, 0, sizeof(*errs));
	if (!f) {
		snprintf(msg, sizeof(msg), "cannot open %.200s: %s", path, strerror(errno));
		top_error(errs, "", msg);
		return ENOENT;
	}
	char *buf = xmalloc(SCENARIO_MAX_JSON + 1);
	size_t n = fread(buf, 1, SCENARIO_MAX_JSON + 1, f);
	fclose(f);
	int rc = scenario_load(sp, buf, n, errs);
	free(buf);
	return rc;
}

void scenario_destroy(struct scenario *s)
{
	if (!s)
		return;
	free(s->steps);
	json_decref(s->root);
	free(s);
}

const char *scenario_name(const struct scenario *s)
{
	return s->name;
}

int scenario_version(const struct scenario *s)
{
	return s->version;
}

size_t scenario_step_count(const struct scenario *s)
{
	return s->nsteps;
}

char *scenario_dump(const struct scenario *s)
{
	char *out = json_dumps(s->root, JSON_COMPACT | JSON_SORT_KEYS);
	if (!out)
		mem_oom(0);
	return out;
}
