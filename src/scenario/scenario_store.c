/* Saving and loading scenarios through the store: validated on save, numbered per save. */
#include <errno.h>
#include <string.h>

#include "core/mem.h"
#include "scenario/scenario_int.h"
#include "scenario/scenario_store.h"
#include "store/scenarios.h"

int scenario_save(struct db *db, int64_t tenant_id, const char *json, size_t len, bool activate,
		  int64_t *version, struct scenario_errors *errs)
{
	struct scenario *s;
	int64_t v;
	int rc = scenario_load(&s, json, len, errs);

	if (rc)
		return rc;
	if (!(rc = store_scenario_next_version(db, tenant_id, s->name, &v))) {
		/* the stored document carries the number it was saved as */
		json_object_set_new(s->root, "version", json_integer(v));
		char *text = scenario_dump(s);
		rc = store_scenario_save(db, tenant_id, s->name, v, text, activate);
		free(text);
	}
	if (!rc && version)
		*version = v;
	scenario_destroy(s);
	return rc;
}

struct load_ctx {
	struct scenario **sp;
	int rc;
};

static int loaded(const struct store_scenario_version_row *r, void *arg)
{
	struct load_ctx *ctx = arg;

	/* stored documents were validated; a failure here means a newer binary wrote it */
	ctx->rc = scenario_load(ctx->sp, r->json, r->json_len, NULL);
	return 0;
}

static int finish(int rc, struct load_ctx *ctx)
{
	return rc ? rc : ctx->rc;
}

int scenario_load_stored(struct db *db, int64_t tenant_id, const char *name, int64_t version,
			 struct scenario **sp)
{
	struct load_ctx ctx = { sp, 0 };
	return finish(store_scenario_get(db, tenant_id, name, version, loaded, &ctx), &ctx);
}

int scenario_load_for_number(struct db *db, const char *number, struct scenario **sp)
{
	struct load_ctx ctx = { sp, 0 };
	return finish(store_scenario_for_number(db, number, loaded, &ctx), &ctx);
}

int scenario_load_for_extension(struct db *db, int64_t tenant_id, const char *number,
				struct scenario **sp)
{
	struct load_ctx ctx = { sp, 0 };
	return finish(store_scenario_for_extension(db, tenant_id, number, loaded, &ctx), &ctx);
}
