/*
 * The OpenAPI 3 document, built from what the server really routes: the
 * resource descriptors (paths, fields, filters) and a table describing the
 * other routes. docs/openapi.json is this document as checked in; a test keeps
 * the two equal and calls every documented operation.
 */
#include <stdio.h>
#include <string.h>

#include "api/api_int.h"
#include "api/resource.h"

/* The routes that are not generic resources; every one of api_routes[] must be here. */
const struct api_route_doc api_route_docs[] = {
	{ "GET", "/healthz", "Liveness: 200 while the server runs", NULL, false },
	{ "GET", "/metrics", "Prometheus metrics (text exposition)", NULL, false },
	{ "GET", "/api/v1/openapi.json", "This document", NULL, false },
	{ "POST", "/api/v1/auth/login", "Log in; sets the zv_session cookie", "Login", false },
	{ "POST", "/api/v1/auth/logout", "End this login session", NULL, true },
	{ "GET", "/api/v1/auth/me", "The signed-in user", NULL, true },
	{ "POST", "/api/v1/auth/password", "Change my password", "PasswordChange", true },
	{ "GET", "/api/v1/events",
	  "WebSocket feed of the tenant's events (?types=call.*,registration.*; "
	  "?access_token= for browsers)", NULL, true },
	{ "GET", "/api/v1/calls", "Live calls with their legs and RTP counters", NULL, true },
	{ "POST", "/api/v1/calls",
	  "Click-to-call: {\"from\": extension, \"to\": extension or number, \"caller_id\"?}; "
	  "rings the extension's phone, then dials to; 201 with the call's id, 409 when the "
	  "extension has no registered phone", NULL, true },
	{ "DELETE", "/api/v1/calls/{id}", "Hang up a live call", NULL, true },
	{ "GET", "/api/v1/registrations", "Registered phones", NULL, true },
	{ "GET", "/api/v1/cdrs/export",
	  "CDRs as Asterisk Master.csv (?format=csv) or JSON (?format=json); same filters as "
	  "the list", NULL, true },
	{ "POST", "/api/v1/tokens", "Create an API token for myself (shown once)", "TokenNew", true },
	{ "DELETE", "/api/v1/tokens/{id}", "Revoke a token", NULL, true },
	{ "GET", "/api/v1/webhooks/{id}/deliveries", "The last 100 deliveries of a webhook", NULL,
	  true },
	{ "POST", "/api/v1/scenarios",
	  "Save a call scenario document (the scenario engine's JSON): validated, stored as the "
	  "next version of the scenario it names, active unless ?activate=false; 422 lists every "
	  "error with its step and field", NULL, true },
	{ "GET", "/api/v1/scenarios/{id}/versions", "The stored versions of a scenario", NULL, true },
	{ "GET", "/api/v1/scenarios/{id}/versions/{version}", "One version's document", NULL, true },
	{ "POST", "/api/v1/chats/summary",
	  "Summarise a chat export: the WhatsApp .txt or Telegram result.json as the body "
	  "(?format=whatsapp|telegram|auto, ?sentences=N); 202 with the queued job", NULL, true },
	{ "POST", "/api/v1/texts/summary", "Summarise a text; 202 with the queued job",
	  "TextSummary", true },
	{ "POST", "/api/v1/tts", "Speak a text (WAV from /jobs/{id}/audio); 202 with the queued job",
	  "Tts", true },
	{ "POST", "/api/v1/transcriptions",
	  "Transcribe a recording: the audio file (WAV, Ogg, MP3, FLAC; up to http_max_upload "
	  "bytes) as the body, ?speakers=agent,customer naming the channels, ?language=; each "
	  "channel is one speaker of the dialogue; 202 with the queued job", NULL, true },
	{ "GET", "/api/v1/jobs/{id}", "A speech job with its result or error", NULL, true },
	{ "DELETE", "/api/v1/jobs/{id}", "Cancel a queued or running job", NULL, true },
	{ "GET", "/api/v1/jobs/{id}/audio", "The WAV of a finished TTS job", NULL, true },
	{ "GET", "/api/v1/transcripts",
	  "Search the finished transcriptions: ?q=words (stemmed, Russian and English: every word "
	  "in any of its forms), ?limit= (1-100, 20), ?offset=; best match first, each with the "
	  "first utterance that matched (speaker, times, text, marks) and the number of hits",
	  NULL, true },
	{ "GET", "/api/v1/usage",
	  "Speech usage per day or month (?period=day|month, ?from=, ?to= in Unix ms)", NULL,
	  true },
	{ "GET", "/api/v1/prompts", "The tenant's prompts (name, bytes, rate, seconds) and quota",
	  NULL, true },
	{ "GET", "/api/v1/prompts/{name}", "A prompt as WAV", NULL, true },
	{ "PUT", "/api/v1/prompts/{name}",
	  "Upload a prompt: any audio libsndfile reads (WAV, FLAC, Ogg, MP3) as the body, at most "
	  "10 minutes; stored as 16-bit mono WAV for scenarios' play steps. 201 new, 200 replaced, "
	  "415 not audio, 413 too long or over the quota", NULL, true },
	{ "DELETE", "/api/v1/prompts/{name}", "Delete a prompt", NULL, true },
	{ "GET", "/api/v1/speech/settings",
	  "The tenant's speech settings: backends of TTS, ASR and summaries, their connections "
	  "(API keys shown only as <name>_set), the LLM prompt template", NULL, true },
	{ "PATCH", "/api/v1/speech/settings",
	  "Change speech settings (the fields given; \"\" clears a text); used from the next job",
	  NULL, true },
	{ "GET", "/api/v1/recording/settings",
	  "The tenant's recording settings: record_calls (the default), the announcement prompt, "
	  "the caller's opt-out key, the files' rate and the retention of call recordings in days "
	  "(0: kept)", NULL, true },
	{ "PATCH", "/api/v1/recording/settings", "Change recording settings (the fields given)",
	  NULL, true },
	{ "GET", "/api/v1/recordings/{id}/audio",
	  "A recording or voicemail message as WAV (audited as a sensitive read)", NULL, true },
	{ "DELETE", "/api/v1/recordings/{id}", "Delete a recording and its file", NULL, true },
	{ NULL, NULL, NULL, NULL, false },
};

static json_t *field_schema(const struct api_field *f)
{
	json_t *s = json_object();

	json_object_set_new(s, "type", json_string(f->type == FT_INT    ? "integer"
						   : f->type == FT_BOOL ? "boolean"
						   : f->type == FT_REAL ? "number"
									: "string"));
	if (f->type == FT_INT && f->max && f->max < INT64_MAX) {
		json_object_set_new(s, "minimum", json_integer(f->min));
		json_object_set_new(s, "maximum", json_integer(f->max));
	}
	if (f->type == FT_TEXT && f->max && f->max < INT64_MAX)
		json_object_set_new(s, "maxLength", json_integer(f->max));
	if (f->flags & FF_RO)
		json_object_set_new(s, "readOnly", json_true());
	if (f->flags & (FF_SECRET | FF_WRITEONLY))
		json_object_set_new(s, "writeOnly", json_true());
	if (f->hint)
		json_object_set_new(s, "description", json_string(f->hint));
	if (f->ref)
		json_object_set_new(s, "description",
				    json_sprintf("id of one of the tenant's %s", f->ref));
	return s;
}

static json_t *resource_schema(const struct api_resource *res)
{
	json_t *props = json_object(), *req = json_array();

	for (const struct api_field *f = res->fields; f->name; f++) {
		if (f->flags & FF_INTERNAL)
			continue;
		json_object_set_new(props, f->name, field_schema(f));
		if (f->flags & FF_REQUIRED)
			json_array_append_new(req, json_string(f->name));
	}
	return json_pack("{s:s,s:o,s:o,s:b}", "type", "object", "properties", props, "required", req,
			 "additionalProperties", false);
}

static json_t *param(const char *name, const char *in, const char *type, const char *desc)
{
	return json_pack("{s:s,s:s,s:b,s:{s:s},s:s}", "name", name, "in", in, "required",
			 !strcmp(in, "path"), "schema", "type", type, "description", desc);
}

static json_t *list_params(const struct api_resource *res)
{
	json_t *p = json_array();

	json_array_append_new(p, param("limit", "query", "integer", "1-500, default 50"));
	json_array_append_new(p, param("offset", "query", "integer", "rows to skip"));
	json_array_append_new(p, param("sort", "query", "string", "a sortable field, - for desc"));
	json_array_append_new(p, param("tenant_id", "query", "integer", "operator only: one tenant"));
	for (const struct api_field *f = res->fields; f->name; f++)
		if (f->flags & FF_FILTER)
			json_array_append_new(p, param(f->name, "query",
						       f->type == FT_TEXT ? "string" : f->type == FT_BOOL ? "boolean" : "integer",
						       "exact match"));
	for (const char *const *q = res->list_params; q && *q; q++)
		json_array_append_new(p, param(*q, "query", "string",
					       !strcmp(*q, "number") ? "caller or callee"
								     : "Unix milliseconds"));
	return p;
}

static json_t *responses(const char *ok_code, json_t *ok_schema)
{
	json_t *r = json_object();
	json_t *ok = json_pack("{s:s}", "description", "success");

	if (ok_schema)
		json_object_set_new(ok, "content",
				    json_pack("{s:{s:o}}", "application/json", "schema", ok_schema));
	json_object_set_new(r, ok_code, ok);
	json_object_set_new(r, "default",
			    json_pack("{s:s,s:{s:{s:{s:s}}}}", "description", "an error",
				      "content", "application/json", "schema", "$ref",
				      "#/components/schemas/Error"));
	return r;
}

static json_t *op(const char *summary, const char *tag, json_t *params, json_t *body,
		  json_t *resp)
{
	json_t *o = json_pack("{s:s,s:[s],s:o}", "summary", summary, "tags", tag, "responses", resp);

	if (params)
		json_object_set_new(o, "parameters", params);
	if (body)
		json_object_set_new(o, "requestBody",
				    json_pack("{s:b,s:{s:{s:o}}}", "required", true, "content",
					      "application/json", "schema", body));
	return o;
}

static json_t *ref(const char *name)
{
	return json_sprintf("#/components/schemas/%s", name);
}

static json_t *refo(const char *name)
{
	return json_pack("{s:o}", "$ref", ref(name));
}

/* Operations of a path next to those another table added (tokens: list + create). */
static void merge_path(json_t *paths, const char *path, json_t *ops)
{
	json_t *have = json_object_get(paths, path);

	if (have)
		json_object_update(have, ops);
	else if (json_object_size(ops))
		json_object_set(paths, path, ops);
	json_decref(ops);
}

static void add_resource(json_t *paths, json_t *schemas, const struct api_resource *res)
{
	char coll[96], item[112], name[64];
	json_t *c = json_object(), *i = json_object();

	snprintf(coll, sizeof(coll), "/api/v1/%s", res->name);
	snprintf(item, sizeof(item), "/api/v1/%s/{id}", res->name);
	snprintf(name, sizeof(name), "%c%s", res->name[0] - 32, res->name + 1);
	json_object_set_new(schemas, name, resource_schema(res));
	if (res->ops & ACT_LIST)
		json_object_set_new(c, "get", op("List", res->name, list_params(res), NULL,
						 responses("200", json_pack("{s:s,s:{s:{s:s,s:o}}}", "type", "object", "properties", "items", "type", "array", "items", refo(name)))));
	if (res->ops & ACT_CREATE)
		json_object_set_new(c, "post", op("Create", res->name, NULL, refo(name),
						  responses("201", refo(name))));
	json_t *idp = json_pack("[o]", param("id", "path", "integer", "the object's id"));
	if (res->ops & ACT_GET)
		json_object_set_new(i, "get", op("Get one", res->name, json_deep_copy(idp), NULL,
						 responses("200", refo(name))));
	if (res->ops & ACT_UPDATE)
		json_object_set_new(i, "patch", op("Change fields", res->name, json_deep_copy(idp),
						   refo(name), responses("200", refo(name))));
	if (res->ops & ACT_DELETE)
		json_object_set_new(i, "delete", op("Delete", res->name, json_deep_copy(idp), NULL,
						    responses("204", NULL)));
	json_decref(idp);
	merge_path(paths, coll, c);
	merge_path(paths, item, i);
}

static void add_route(json_t *paths, const struct api_route_doc *d)
{
	json_t *p = json_object_get(paths, d->path), *params = NULL;
	char method[8];
	size_t k;

	if (!p) {
		p = json_object();
		json_object_set_new(paths, d->path, p);
	}
	if (strstr(d->path, "{id}"))
		params = json_pack("[o]", param("id", "path", "string", "the object's id"));
	if (strstr(d->path, "{version}"))
		json_array_append_new(params, param("version", "path", "integer", "a version"));
	for (k = 0; d->method[k] && k < sizeof(method) - 1; k++)
		method[k] = (char)(d->method[k] | 0x20);
	method[k] = '\0';
	json_t *o = op(d->summary, "platform", params, d->body ? refo(d->body) : NULL,
		       responses(!strcmp(d->method, "DELETE") ? "204" : "200", NULL));
	if (!d->auth)
		json_object_set_new(o, "security", json_array());
	json_object_set_new(p, method, o);
}

static json_t *fixed_schemas(void)
{
	return json_pack(
		"{s:{s:s,s:{s:{s:s,s:{s:{s:s},s:{s:s}}}}},"
		"s:{s:s,s:[s,s],s:{s:{s:s},s:{s:s}}},"
		"s:{s:s,s:[s,s],s:{s:{s:s},s:{s:s}}},"
		"s:{s:s,s:[s],s:{s:{s:s},s:{s:s,s:[s,s]},s:{s:s}}}}",
		"Error", "type", "object", "properties", "error", "type", "object", "properties",
		"code", "type", "string", "message", "type", "string",
		"Login", "type", "object", "required", "login", "password", "properties", "login",
		"type", "string", "password", "type", "string",
		"PasswordChange", "type", "object", "required", "current", "new", "properties",
		"current", "type", "string", "new", "type", "string",
		"TokenNew", "type", "object", "required", "name", "properties", "name", "type",
		"string", "scope", "type", "string", "enum", "read", "write", "expires_in_days",
		"type", "integer");
}

json_t *api_openapi_build(void)
{
	json_t *paths = json_object(), *schemas = fixed_schemas();

	json_object_set_new(schemas, "TextSummary",
			    json_pack("{s:s,s:[s],s:{s:{s:s},s:{s:s,s:i,s:i}}}", "type", "object",
				      "required", "text", "properties", "text", "type", "string",
				      "sentences", "type", "integer", "minimum", 1, "maximum", 50));
	json_object_set_new(schemas, "Tts",
			    json_pack("{s:s,s:[s],s:{s:{s:s},s:{s:s,s:[s,s]},"
				      "s:{s:s,s:[s,s,s,s,s,s,s],s:s},s:{s:s,s:[s,s],s:s},"
				      "s:{s:s,s:[i,i]}}}", "type", "object", "required", "text",
				      "properties", "text", "type", "string", "language", "type",
				      "string", "enum", "ru", "en", "voice", "type", "string", "enum",
				      "female", "male", "kal", "kal16", "slt", "rms", "awb",
				      "description", "a gender, or a Flite voice (English only)",
				      "engine", "type", "string", "enum", "espeak", "flite",
				      "description", "the offline engine; default: the tenant's tts_engine",
				      "rate", "type", "integer", "enum", 8000, 16000));

	for (const struct api_route_doc *d = api_route_docs; d->method; d++)
		add_route(paths, d);
	for (size_t i = 0; api_resources[i]; i++)
		add_resource(paths, schemas, api_resources[i]);
	return json_pack(
		"{s:s,s:{s:s,s:s,s:s},s:[{s:s}],s:o,s:{s:o,s:{s:{s:s,s:s},s:{s:s,s:s,s:s}}},"
		"s:[{s:[]},{s:[]}]}",
		"openapi", "3.0.3", "info", "title", "zvonar API", "version", "1",
		"description", "Multi-tenant PBX and contact center. Errors are "
			       "{\"error\":{\"code\",\"message\"}}; every object belongs to the "
			       "caller's tenant.",
		"servers", "url", "/", "paths", paths, "components", "schemas", schemas,
		"securitySchemes", "bearer", "type", "http", "scheme", "bearer", "session", "type",
		"apiKey", "in", "cookie", "name", "zv_session", "security", "bearer", "session");
}

void api_openapi_route(struct http_req *r, void *arg)
{
	http_reply_json(r, 200, api_openapi_build());
}
