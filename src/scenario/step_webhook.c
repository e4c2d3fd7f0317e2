/* webhook: asks a CRM over HTTP (the host does the request); its JSON answer sets variables
 * and may choose an exit; errors and timeouts take the "error" exit. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/scenario_int.h"

#define MAX_ANSWER (64 * 1024)

static const char *const fields[] = { "url", "method", "timeout", "body", NULL };
static const char *const edges[] = { "ok", "error", NULL };

static bool host_fixed(const char *url)
{
	const char *host = strstr(url, "://") + 3;
	size_t n = strcspn(host, "/?#");

	return n > 0 && !memchr(host, '$', n);
}

static void validate(struct scenario_vctx *vc)
{
	json_t *body = json_object_get(vc->obj, "body"), *v;
	const char *key, *url = vc_string(vc, "url", true, SCENARIO_MAX_URL);
	const char *method = vc_string(vc, "method", false, 8);
	char path[64];

	vc_known_fields(vc, vc->obj, "", fields);
	/* the scheme and host are fixed text, so a caller's digits can never pick the server */
	if (url && strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
		vc_error(vc, "url", "an http:// or https:// URL");
	else if (url && !host_fixed(url))
		vc_error(vc, "url", "variables only in the path and query, not in the host");
	if (method && strcmp(method, "GET") != 0 && strcmp(method, "POST") != 0)
		vc_error(vc, "method", "GET or POST");
	vc_int(vc, "timeout", 1, 30, 5);
	if (body && (!json_is_object(body) || !method || strcmp(method, "POST") != 0))
		vc_error(vc, "body", "an object of string templates, with method POST");
	json_object_foreach (body, key, v) {
		snprintf(path, sizeof(path), "body.%.40s", key);
		if (!json_is_string(v) || json_string_length(v) > SCENARIO_MAX_STRING)
			vc_error(vc, path, "wrong type: a string template");
	}
	if (!scenario_edge(vc->obj, "ok") || !scenario_edge(vc->obj, "error"))
		vc_error(vc, "next", "a webhook needs the exits \"ok\" and \"error\" (the fallback)");
}

static char *request_body(struct scenario_engine *e, json_t *body)
{
	json_t *out = json_object(), *v;
	const char *key;

	json_object_foreach (body, key, v)
		json_object_set_new(out, key, json_string(engine_expand(e, json_string_value(v))));
	char *text = json_dumps(out, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(out);
	return text;
}

static enum step_outcome run(struct scenario_engine *e, const struct scenario_step *st)
{
	const struct scenario_host_ops *ops = engine_ops(e);
	json_t *body = json_object_get(st->obj, "body");
	struct scenario_http r = { .method = json_str(st->obj, "method", "GET"),
				   .url = engine_expand_url(e, json_str(st->obj, "url", "")),
				   .timeout = json_int(st->obj, "timeout", 5) };
	char *text = body ? request_body(e, body) : NULL;

	r.body = text;
	engine_trace(e, "%s %s (%d s)", r.method, r.url, r.timeout);
	int rc = ops->http_request ? ops->http_request(engine_host(e), &r) : ENOTSUP;
	free(text);
	if (rc) {
		engine_trace(e, "request not sent");
		return engine_next(e, "error");
	}
	engine_wait(e, "http");
	return STEP_WAIT;
}

/* Scalars of "set" become webhook.<name>; "branch" names an exit other than "error". */
static const char *apply_answer(struct scenario_engine *e, const struct scenario_step *st,
				json_t *answer)
{
	json_t *set = json_object_get(answer, "set"), *v;
	const char *key, *branch = json_str(answer, "branch", NULL);
	char name[SCENARIO_MAX_ID + 1], num[32];

	json_object_foreach (set, key, v) {
		const char *val = json_string_value(v);
		if (json_is_integer(v))
			snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
		else if (json_is_boolean(v))
			snprintf(num, sizeof(num), "%s", json_is_true(v) ? "true" : "false");
		if (!val && (json_is_integer(v) || json_is_boolean(v)))
			val = num;
		if (!val || (size_t)snprintf(name, sizeof(name), "webhook.%s", key) >= sizeof(name))
			continue;
		if (strlen(val) <= SCENARIO_MAX_STRING && !scenario_vars_set(engine_vars(e), name, val))
			engine_trace(e, "%s = '%s'", name, val);
	}
	if (branch && strcmp(branch, "error") != 0 && scenario_edge(st->obj, branch))
		return branch;
	return "ok";
}

static enum step_outcome event(struct scenario_engine *e, const struct scenario_step *st,
			       const struct scenario_event *ev)
{
	char status[16];
	json_t *answer = NULL;

	snprintf(status, sizeof(status), "%d", ev->type == SCENARIO_EV_HTTP ? ev->status : 0);
	scenario_vars_set(engine_vars(e), "webhook.status", status);
	if (ev->type == SCENARIO_EV_HTTP && ev->status >= 200 && ev->status < 300 && ev->value &&
	    strlen(ev->value) <= MAX_ANSWER)
		answer = json_loads(ev->value, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(answer)) {
		engine_trace(e, ev->type == SCENARIO_EV_HTTP ? "answer %d is not a JSON object"
							     : "request failed or timed out",
			     ev->status);
		json_decref(answer);
		return engine_next(e, "error");
	}
	const char *edge = apply_answer(e, st, answer);
	enum step_outcome o = engine_next(e, edge);
	json_decref(answer);
	return o;
}

const struct scenario_step_desc step_webhook = {
	.type = "webhook",
	.edges = EDGES_MAP,
	.edge_names = edges,
	.any_edges = true,
	.validate = validate,
	.run = run,
	.event = event,
};
