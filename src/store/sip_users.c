/* The sip_users table: add, delete, find and list extensions with their HA1 values. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "store/db.h"
#include "store/sip_users.h"

#define SIP_USER_COLS                                                                              \
	"id, tenant_id, number, realm, ha1_md5, ha1_sha256, display_name, enabled, max_contacts, " \
	"created_at, caller_id, scenario_id, dnd, forward_always, forward_busy, "                   \
	"forward_no_answer, forward_no_answer_s, forward_unavailable, privacy"

static int sip_user_from_row(const struct db_row *row, struct store_sip_user_row *u)
{
	const struct db_value *c = row->cols;

	if (row->ncols != 19)
		return EPROTO;
	u->privacy = c[18].i != 0;
	u->scenario_id = c[11].type == DB_NULL ? 0 : c[11].i;
	u->dnd = c[12].i != 0;
	u->forward_no_answer_s = (int)c[16].i;
	if (db_value_copy(&c[13], u->forward_always, sizeof(u->forward_always)) ||
	    db_value_copy(&c[14], u->forward_busy, sizeof(u->forward_busy)) ||
	    db_value_copy(&c[15], u->forward_no_answer, sizeof(u->forward_no_answer)) ||
	    db_value_copy(&c[17], u->forward_unavailable, sizeof(u->forward_unavailable)))
		return EOVERFLOW;
	u->id = c[0].i;
	u->tenant_id = c[1].i;
	u->enabled = c[7].i != 0;
	u->max_contacts = (int)c[8].i;
	u->created_at = c[9].i;
	if (db_value_copy(&c[2], u->number, sizeof(u->number)) ||
	    db_value_copy(&c[3], u->realm, sizeof(u->realm)) ||
	    db_value_copy(&c[4], u->ha1_md5, sizeof(u->ha1_md5)) ||
	    db_value_copy(&c[5], u->ha1_sha256, sizeof(u->ha1_sha256)) ||
	    db_value_copy(&c[6], u->display_name, sizeof(u->display_name)) ||
	    db_value_copy(&c[10], u->caller_id, sizeof(u->caller_id)))
		return EOVERFLOW;
	return 0;
}

static bool sip_user_hex(const char *s, size_t len)
{
	if (strlen(s) != len)
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return true;
}

/* The row's arrays may come from anywhere: insist on terminated strings of sane shape. */
static int sip_user_check(const struct store_sip_user_row *u)
{
	if (!memchr(u->number, '\0', sizeof(u->number)) ||
	    !memchr(u->realm, '\0', sizeof(u->realm)) ||
	    !memchr(u->display_name, '\0', sizeof(u->display_name)) ||
	    !memchr(u->caller_id, '\0', sizeof(u->caller_id)))
		return EOVERFLOW;
	if (!u->number[0] || !sip_user_hex(u->ha1_md5, 32) || !sip_user_hex(u->ha1_sha256, 64))
		return EINVAL;
	return 0;
}

int store_sip_user_add(struct db *db, const struct store_sip_user_row *u)
{
	int rc = sip_user_check(u);

	if (rc)
		return rc;
	struct db_value p[] = {
		DBV_INT(u->tenant_id),	   DBV_TEXT(u->number),	      DBV_TEXT(u->realm),
		DBV_TEXT(u->ha1_md5),	   DBV_TEXT(u->ha1_sha256),   DBV_TEXT(u->display_name),
		DBV_INT(u->enabled ? 1 : 0), DBV_INT(u->max_contacts), DBV_INT((int64_t)time(NULL)),
		DBV_TEXT(u->caller_id),
	};
	return db_exec(db,
		       "INSERT INTO sip_users (tenant_id, number, realm, ha1_md5, ha1_sha256, "
		       "display_name, enabled, max_contacts, created_at, caller_id) "
		       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		       p, 10);
}

int store_sip_user_del(struct db *db, int64_t tenant_id, const char *number)
{
	struct db_value p[] = { DBV_INT(tenant_id), DBV_TEXT(number) };
	int rc = db_exec(db, "DELETE FROM sip_users WHERE tenant_id = ? AND number = ?", p, 2);

	if (!rc && db_changes(db) == 0)
		rc = ENOENT;
	return rc;
}

static int sip_user_one(const struct db_row *row, void *arg)
{
	int rc = sip_user_from_row(row, arg);

	return rc ? rc : -1;
}

int store_sip_user_find(struct db *db, int64_t tenant_id, const char *number,
			struct store_sip_user_row *out)
{
	struct db_value p[] = { DBV_INT(tenant_id), DBV_TEXT(number) };
	int rc = db_query(db,
			  "SELECT " SIP_USER_COLS " FROM sip_users WHERE tenant_id = ? AND number = ?",
			  p, 2, sip_user_one, out);

	if (rc == -1)
		return 0;
	return rc ? rc : ENOENT;
}

struct sip_user_list_ctx {
	store_sip_user_fn *fn;
	void *arg;
};

static int sip_user_each(const struct db_row *row, void *arg)
{
	struct sip_user_list_ctx *ctx = arg;
	struct store_sip_user_row u;
	int rc = sip_user_from_row(row, &u);

	return rc ? rc : ctx->fn(&u, ctx->arg);
}

int store_sip_user_list(struct db *db, int64_t tenant_id, store_sip_user_fn *fn, void *arg)
{
	struct sip_user_list_ctx ctx = { fn, arg };
	struct db_value p[] = { DBV_INT(tenant_id), DBV_INT(tenant_id) };

	return db_query(db,
			"SELECT " SIP_USER_COLS " FROM sip_users WHERE ? = 0 OR tenant_id = ? "
			"ORDER BY tenant_id, number",
			p, 2, sip_user_each, &ctx);
}

int store_sip_user_set_caller_id(struct db *db, int64_t tenant_id, const char *number,
				 const char *caller_id)
{
	struct db_value p[] = { DBV_TEXT(caller_id), DBV_INT(tenant_id), DBV_TEXT(number) };
	int rc = db_exec(db, "UPDATE sip_users SET caller_id = ? WHERE tenant_id = ? AND number = ?",
			 p, 3);

	if (!rc && db_changes(db) == 0)
		rc = ENOENT;
	return rc;
}
