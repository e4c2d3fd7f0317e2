/* The recordings table, the recording settings and rules, and the mailboxes (migration 0012). */
#include <errno.h>
#include <string.h>

#include "store/db.h"
#include "store/recordings.h"

struct list_ctx {
	void *fn;
	void *arg;
};

#define REC_COLS                                                                                   \
	"id, tenant_id, name, kind, call_uuid, caller, callee, COALESCE(mailbox, ''), "            \
	"COALESCE(folder, ''), status, seconds, channels, rate, created_at, COALESCE(ended_at, 0)"

int store_recording_add(struct db *db, const struct store_recording_row *r)
{
	bool vm = r->mailbox[0] != '\0';
	struct db_value p[] = {
	    DBV_INT(r->tenant_id),
	    DBV_TEXT(r->name),
	    DBV_TEXT(r->kind),
	    DBV_TEXT(r->call_uuid),
	    DBV_TEXT(r->caller),
	    DBV_TEXT(r->callee),
	    vm ? DBV_TEXT(r->mailbox) : DBV_NULL,
	    vm ? DBV_TEXT("new") : DBV_NULL,
	    DBV_INT(r->channels),
	    DBV_INT(r->rate),
	    DBV_INT(r->created_at),
	};
	return db_exec(db,
		       "INSERT INTO recordings (tenant_id, name, kind, call_uuid, caller, callee, "
		       "mailbox, folder, channels, rate, created_at) "
		       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		       p, sizeof(p) / sizeof(p[0]));
}

int store_recording_end(struct db *db, const char *name, const char *status, int64_t seconds,
			int64_t ended_at)
{
	struct db_value p[] = {DBV_TEXT(status), DBV_INT(seconds), DBV_INT(ended_at),
			       DBV_TEXT(name)};
	int rc = db_exec(db,
			 "UPDATE recordings SET status = ?, seconds = ?, ended_at = ? "
			 "WHERE name = ?",
			 p, 4);
	return rc ? rc : db_changes(db) ? 0 : ENOENT;
}

static int recording_row(const struct db_row *row, void *arg)
{
	const struct db_value *c = row->cols;
	struct list_ctx *ctx = arg;
	struct store_recording_row r = {0};

	if (row->ncols != 15)
		return EPROTO;
	r.id = c[0].i;
	r.tenant_id = c[1].i;
	r.seconds = c[10].i;
	r.channels = c[11].i;
	r.rate = c[12].i;
	r.created_at = c[13].i;
	r.ended_at = c[14].i;
	if (db_value_copy(&c[2], r.name, sizeof(r.name)) ||
	    db_value_copy(&c[3], r.kind, sizeof(r.kind)) ||
	    db_value_copy(&c[4], r.call_uuid, sizeof(r.call_uuid)) ||
	    db_value_copy(&c[5], r.caller, sizeof(r.caller)) ||
	    db_value_copy(&c[6], r.callee, sizeof(r.callee)) ||
	    db_value_copy(&c[7], r.mailbox, sizeof(r.mailbox)) ||
	    db_value_copy(&c[8], r.folder, sizeof(r.folder)) ||
	    db_value_copy(&c[9], r.status, sizeof(r.status)))
		return EOVERFLOW;
	return ((store_recording_fn *)ctx->fn)(&r, ctx->arg);
}

int store_recordings_unfinished(struct db *db, store_recording_fn *fn, void *arg)
{
	struct list_ctx ctx = {(void *)fn, arg};
	return db_query(db,
			"SELECT " REC_COLS " FROM recordings WHERE status = 'recording' "
			"ORDER BY id",
			NULL, 0, recording_row, &ctx);
}

int store_recordings_expired(struct db *db, int64_t now_ms, store_recording_fn *fn, void *arg)
{
	struct list_ctx ctx = {(void *)fn, arg};
	struct db_value p[] = {DBV_INT(now_ms)};
	return db_query(db,
			"SELECT " REC_COLS " FROM recordings r WHERE r.kind != 'voicemail' AND "
			"r.status != 'recording' AND EXISTS (SELECT 1 FROM recording_settings s "
			"WHERE s.tenant_id = r.tenant_id AND s.retention_days > 0 AND "
			"r.created_at < ? - s.retention_days * 86400000) ORDER BY r.id LIMIT 1000",
			p, 1, recording_row, &ctx);
}

int store_recording_delete(struct db *db, int64_t id)
{
	struct db_value p[] = {DBV_INT(id)};
	return db_exec(db, "DELETE FROM recordings WHERE id = ?", p, 1);
}

static int settings_row(const struct db_row *row, void *arg)
{
	const struct db_value *c = row->cols;
	struct list_ctx *ctx = arg;
	struct store_recording_settings s = {0};
	char key[8] = "";

	if (row->ncols != 6)
		return EPROTO;
	s.tenant_id = c[0].i;
	s.record_calls = c[1].i != 0;
	s.rate = (int)c[4].i;
	s.retention_days = (int)c[5].i;
	if (db_value_copy(&c[2], s.announce_prompt, sizeof(s.announce_prompt)) ||
	    db_value_copy(&c[3], key, sizeof(key)))
		return EOVERFLOW;
	s.optout_key = key[0];
	return ((store_recording_settings_fn *)ctx->fn)(&s, ctx->arg);
}

int store_recording_settings_list(struct db *db, store_recording_settings_fn *fn, void *arg)
{
	struct list_ctx ctx = {(void *)fn, arg};
	return db_query(db,
			"SELECT tenant_id, record_calls, announce_prompt, optout_key, rate, "
			"retention_days FROM recording_settings ORDER BY tenant_id",
			NULL, 0, settings_row, &ctx);
}

static int rule_row(const struct db_row *row, void *arg)
{
	const struct db_value *c = row->cols;
	struct list_ctx *ctx = arg;
	struct store_recording_rule r = {0};

	if (row->ncols != 4)
		return EPROTO;
	r.tenant_id = c[0].i;
	r.record = c[3].i != 0;
	if (db_value_copy(&c[1], r.kind, sizeof(r.kind)) ||
	    db_value_copy(&c[2], r.value, sizeof(r.value)))
		return 0; /* longer than any extension or number: matches nothing */
	return ((store_recording_rule_fn *)ctx->fn)(&r, ctx->arg);
}

int store_recording_rules_list(struct db *db, store_recording_rule_fn *fn, void *arg)
{
	struct list_ctx ctx = {(void *)fn, arg};
	return db_query(db,
			"SELECT tenant_id, kind, value, record FROM recording_rules ORDER BY id",
			NULL, 0, rule_row, &ctx);
}

static int mailbox_row(const struct db_row *row, void *arg)
{
	const struct db_value *c = row->cols;
	struct list_ctx *ctx = arg;
	struct store_mailbox_row m = {0};

	if (row->ncols != 7)
		return EPROTO;
	m.id = c[0].i;
	m.tenant_id = c[1].i;
	m.max_seconds = (int)c[4].i;
	m.enabled = c[6].i != 0;
	if (db_value_copy(&c[2], m.extension, sizeof(m.extension)) ||
	    db_value_copy(&c[3], m.pin, sizeof(m.pin)) ||
	    db_value_copy(&c[5], m.greeting, sizeof(m.greeting)))
		return 0;
	return ((store_mailbox_fn *)ctx->fn)(&m, ctx->arg);
}

int store_mailboxes_list(struct db *db, store_mailbox_fn *fn, void *arg)
{
	struct list_ctx ctx = {(void *)fn, arg};
	return db_query(db,
			"SELECT id, tenant_id, extension, pin, max_seconds, greeting, enabled "
			"FROM mailboxes ORDER BY id",
			NULL, 0, mailbox_row, &ctx);
}
