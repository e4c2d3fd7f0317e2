/* Call variables (caller, did, collected digits, webhook answers) and ${name} substitution. */
#include <errno.h>
#include <string.h>

#include "core/mem.h"
#include "scenario/scenario_int.h"

struct scenario_var {
	char *name, *value; /* owned */
};

struct scenario_vars {
	size_t n;
	struct scenario_var v[SCENARIO_MAX_VARS];
};

struct scenario_vars *scenario_vars_new(void)
{
	return xcalloc(1, sizeof(struct scenario_vars));
}

void scenario_vars_destroy(struct scenario_vars *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++) {
		free(v->v[i].name);
		free(v->v[i].value);
	}
	free(v);
}

bool scenario_var_name_ok(const char *name)
{
	size_t n = strlen(name);

	return n > 0 && n <= SCENARIO_MAX_ID &&
	       strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.") == n;
}

int scenario_vars_set(struct scenario_vars *v, const char *name, const char *value)
{
	if (!scenario_var_name_ok(name))
		return EINVAL;
	if (strlen(value) > SCENARIO_MAX_STRING)
		return EOVERFLOW;
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->v[i].name, name) == 0) {
			free(v->v[i].value);
			v->v[i].value = xstrdup(value);
			return 0;
		}
	if (v->n == SCENARIO_MAX_VARS)
		return EOVERFLOW;
	v->v[v->n].name = xstrdup(name);
	v->v[v->n++].value = xstrdup(value);
	return 0;
}

const char *scenario_vars_get(const struct scenario_vars *v, const char *name)
{
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->v[i].name, name) == 0)
			return v->v[i].value;
	return NULL;
}

static void append(char **out, size_t *len, size_t *cap, const char *p, size_t n)
{
	if (*len + n + 1 > *cap) {
		*cap = (*len + n + 1) * 2;
		*out = xrealloc(*out, *cap);
	}
	memcpy(*out + *len, p, n);
	*len += n;
	(*out)[*len] = '\0';
}

/* A value in a URL: everything but RFC 3986 unreserved characters percent-encoded. */
static void append_url(char **out, size_t *len, size_t *cap, const char *val)
{
	static const char hex[] = "0123456789ABCDEF";
	char enc[3] = { '%' };

	for (; *val; val++) {
		unsigned char c = (unsigned char)*val;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    strchr("-._~", c)) {
			append(out, len, cap, val, 1);
			continue;
		}
		enc[1] = hex[c >> 4];
		enc[2] = hex[c & 15];
		append(out, len, cap, enc, 3);
	}
}

char *scenario_vars_expand(const struct scenario_vars *v, const char *text)
{
	return scenario_vars_expand_as(v, text, false);
}

/* Values are inserted as they are (never expanded again), so a caller's input cannot inject. */
char *scenario_vars_expand_as(const struct scenario_vars *v, const char *text, bool url)
{
	size_t len = 0, cap = strlen(text) + 1;
	char *out = xmalloc(cap), name[SCENARIO_MAX_ID + 1];

	out[0] = '\0';
	while (*text) {
		const char *open = strstr(text, "${"), *close = open ? strchr(open, '}') : NULL;
		size_t n = close ? (size_t)(close - open - 2) : 0;
		if (!close || n == 0 || n > SCENARIO_MAX_ID) {
			size_t skip = open ? (size_t)(open - text) + 2 : strlen(text);
			append(&out, &len, &cap, text, skip);
			text += skip;
			continue;
		}
		append(&out, &len, &cap, text, (size_t)(open - text));
		memcpy(name, open + 2, n);
		name[n] = '\0';
		const char *val = scenario_vars_get(v, name);
		if (val && url)
			append_url(&out, &len, &cap, val);
		else if (val)
			append(&out, &len, &cap, val, strlen(val));
		text = close + 1;
	}
	return out;
}
