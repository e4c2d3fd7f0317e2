/* The registrations table: upsert, delete, list and purge persisted contact bindings. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "store/db.h"
#include "store/registrations.h"

/* q is REAL in the table; the db interface carries integers, so it travels as q × 1000. */
#define REG_COLS                                                                           \
	"id, tenant_id, aor, contact, received, path, transport, expires_at, call_id, cseq, " \
	"instance, reg_id, user_agent, "                                                     \
	"CASE WHEN q IS NULL THEN -1 ELSE CAST(round(q * 1000) AS INTEGER) END, updated_at"

static int reg_from_row(const struct db_row *row, struct store_registration_row *r)
{
	const struct db_value *c = row->cols;

	if (row->ncols != 15)
		return EPROTO;
	r->id = c[0].i;
	r->tenant_id = c[1].i;
	r->expires_at = c[7].i;
	r->cseq = (uint32_t)c[9].i;
	r->reg_id = (int)c[11].i;
	r->q1000 = (int)c[13].i;
	r->updated_at = c[14].i;
	if (db_value_copy(&c[2], r->aor, sizeof(r->aor)) ||
	    db_value_copy(&c[3], r->contact, sizeof(r->contact)) ||
	    db_value_copy(&c[4], r->received, sizeof(r->received)) ||
	    db_value_copy(&c[5], r->path, sizeof(r->path)) ||
	    db_value_copy(&c[6], r->transport, sizeof(r->transport)) ||
	    db_value_copy(&c[8], r->call_id, sizeof(r->call_id)) ||
	    db_value_copy(&c[10], r->instance, sizeof(r->instance)) ||
	    db_value_copy(&c[12], r->user_agent, sizeof(r->user_agent)))
		return EOVERFLOW;
	return 0;
}

#define REG_TERMINATED(r, f) (memchr((r)->f, '\0', sizeof((r)->f)) != NULL)

static int reg_check(const struct store_registration_row *r)
{
	if (!REG_TERMINATED(r, aor) || !REG_TERMINATED(r, contact) ||
	    !REG_TERMINATED(r, received) || !REG_TERMINATED(r, path) ||
	    !REG_TERMINATED(r, transport) || !REG_TERMINATED(r, call_id) ||
	    !REG_TERMINATED(r, instance) || !REG_TERMINATED(r, user_agent))
		return EOVERFLOW;
	if (!r->aor[0] || !r->contact[0] || r->q1000 < -1 || r->q1000 > 1000)
		return EINVAL;
	return 0;
}

int store_registration_upsert(struct db *db, const struct store_registration_row *r)
{
	int rc = reg_check(r);

	if (rc)
		return rc;
	struct db_value p[] = {
		DBV_INT(r->tenant_id),	DBV_TEXT(r->aor),	 DBV_TEXT(r->contact),
		DBV_TEXT(r->received),	DBV_TEXT(r->path),	 DBV_TEXT(r->transport),
		DBV_INT(r->expires_at), DBV_TEXT(r->call_id),	 DBV_INT(r->cseq),
		DBV_TEXT(r->instance),	DBV_INT(r->reg_id),	 DBV_TEXT(r->user_agent),
		r->q1000 < 0 ? DBV_NULL : DBV_INT(r->q1000),
		DBV_INT(r->updated_at ? r->updated_at : (int64_t)time(NULL)),
	};
	return db_exec(db,
		       "INSERT INTO registrations (tenant_id, aor, contact, received, path, "
		       "transport, expires_at, call_id, cseq, instance, reg_id, user_agent, q, "
		       "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? / 1000.0, ?) "
		       "ON CONFLICT (tenant_id, aor, contact) DO UPDATE SET "
		       "received = excluded.received, path = excluded.path, "
		       "transport = excluded.transport, expires_at = excluded.expires_at, "
		       "call_id = excluded.call_id, cseq = excluded.cseq, "
		       "instance = excluded.instance, reg_id = excluded.reg_id, "
		       "user_agent = excluded.user_agent, q = excluded.q, "
		       "updated_at = excluded.updated_at",
		       p, 14);
}

static int reg_changed(struct db *db, int rc)
{
	if (!rc && db_changes(db) == 0)
		rc = ENOENT;
	return rc;
}

int store_registration_delete(struct db *db, int64_t tenant_id, const char *aor,
			      const char *contact)
{
	struct db_value p[] = { DBV_INT(tenant_id), DBV_TEXT(aor), DBV_TEXT(contact) };

	return reg_changed(db, db_exec(db,
				       "DELETE FROM registrations WHERE tenant_id = ? AND aor = ? "
				       "AND contact = ?",
				       p, 3));
}

int store_registration_delete_aor(struct db *db, int64_t tenant_id, const char *aor)
{
	struct db_value p[] = { DBV_INT(tenant_id), DBV_TEXT(aor) };

	return reg_changed(db, db_exec(db, "DELETE FROM registrations WHERE tenant_id = ? AND aor = ?",
				       p, 2));
}

struct reg_list_ctx {
	store_registration_fn *fn;
	void *arg;
};

static int reg_each(const struct db_row *row, void *arg)
{
	struct reg_list_ctx *ctx = arg;
	struct store_registration_row r;
	int rc = reg_from_row(row, &r);

	return rc ? rc : ctx->fn(&r, ctx->arg);
}

int store_registration_list(struct db *db, store_registration_fn *fn, void *arg)
{
	struct reg_list_ctx ctx = { fn, arg };

	return db_query(db, "SELECT " REG_COLS " FROM registrations ORDER BY tenant_id, aor, id",
			NULL, 0, reg_each, &ctx);
}

int store_registration_purge_expired(struct db *db, int64_t now)
{
	struct db_value p[] = { DBV_INT(now) };

	return db_exec(db, "DELETE FROM registrations WHERE expires_at <= ?", p, 1);
}
