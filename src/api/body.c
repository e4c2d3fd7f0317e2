/* Fields of a request body, checked with the field named in the error (400 on c). */
#include <string.h>

#include "api/api_int.h"

bool api_json_str(struct api_ctx *c, json_t *obj, const char *key, bool required, size_t max,
		  const char **out)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (!v && !required)
		return true;
	if (!v) {
		api_fail(c, 400, "missing_field", "field '%s' is required", key);
		return false;
	}
	if (!json_is_string(v) || json_string_length(v) > max ||
	    strlen(json_string_value(v)) != json_string_length(v)) {
		api_fail(c, 400, "invalid", "field '%s' must be a string of at most %zu characters",
			 key, max);
		return false;
	}
	*out = json_string_value(v);
	return true;
}

bool api_json_int(struct api_ctx *c, const char *key, json_int_t lo, json_int_t hi,
		  json_int_t *out)
{
	json_t *v = json_object_get(c->body, key);

	if (!v)
		return true;
	if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
		api_fail(c, 400, "invalid", "field '%s' is an integer from %lld to %lld", key,
			 (long long)lo, (long long)hi);
		return false;
	}
	*out = json_integer_value(v);
	return true;
}

bool api_json_only_keys(struct api_ctx *c, const char *const *keys, const char *list)
{
	const char *k;
	json_t *v;

	json_object_foreach(c->body, k, v) {
		bool known = false;
		for (const char *const *p = keys; *p; p++)
			known |= !strcmp(*p, k);
		if (!known) {
			api_fail(c, 400, "unknown_field", "unknown field '%s' (only %s)", k, list);
			return false;
		}
	}
	return true;
}
