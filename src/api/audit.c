/* Audit entries for API actions: who (from the request), what, and the object before/after. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_int.h"
#include "core/log.h"
#include "core/time.h"
#include "store/audit.h"

#define AUDIT_TEXT_MAX 16000

/* Secrets never reach the log, and a huge object is cut (the chain stays verifiable). */
static char *object_text(json_t *j)
{
	char *s;

	if (!j)
		return NULL;
	json_t *copy = json_deep_copy(j);
	json_object_del(copy, "password");
	json_object_del(copy, "secret");
	json_object_del(copy, "token");
	s = json_dumps(copy, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(copy);
	if (s && strlen(s) > AUDIT_TEXT_MAX)
		s[AUDIT_TEXT_MAX] = '\0';
	return s;
}

void api_audit(struct db *db, const struct api_ctx *c, int64_t tenant_id, const char *action,
	       const char *object_type, const char *object_id, json_t *before, json_t *after)
{
	char *b = object_text(before), *a = object_text(after);
	struct store_audit_entry e = {
		.tenant_id = tenant_id,
		.at = (int64_t)time_wall_ms(),
		.user_id = c->who.user_id,
		.actor = c->who.login,
		.ip = c->ip,
		.user_agent = c->ua,
		.action = action,
		.object_type = object_type ? object_type : "",
		.object_id = object_id ? object_id : "",
		.before = b ? b : "",
		.after = a ? a : "",
	};

	if (store_audit_append(db, &e))
		log_error("api", "audit entry %s %s could not be written", action, e.object_type);
	free(b);
	free(a);
}
