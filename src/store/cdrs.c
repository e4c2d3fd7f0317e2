/* The cdrs and calls_open tables: journal, finish, reconcile after a crash, list. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "store/cdrs.h"
#include "store/db.h"

int64_t store_cdr_seconds(int64_t from_ms, int64_t to_ms)
{
	return to_ms > from_ms ? (to_ms - from_ms + 999) / 1000 : 0;
}

static struct db_value opt_time(int64_t ms)
{
	return ms ? DBV_INT(ms) : DBV_NULL;
}

int store_call_open(struct db *db, const struct store_cdr_row *r)
{
	struct db_value p[] = {
		DBV_TEXT(r->uuid),	 DBV_INT(r->tenant_id),	 DBV_TEXT(r->call_id),
		DBV_TEXT(r->caller),	 DBV_TEXT(r->caller_name), DBV_TEXT(r->callee),
		DBV_TEXT(r->direction), DBV_INT(r->start_at),	 opt_time(r->answer_at),
		DBV_INT(r->answer_at ? r->answer_at : r->start_at),
	};
	return db_exec(db,
		       "INSERT INTO calls_open (uuid, tenant_id, call_id, caller, caller_name, "
		       "callee, direction, start_at, answer_at, heartbeat_at) "
		       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (uuid) DO UPDATE SET "
		       "answer_at = excluded.answer_at, heartbeat_at = excluded.heartbeat_at",
		       p, sizeof(p) / sizeof(p[0]));
}

/* A quality figure in hundredths: the database has integers and text, the SQL divides. */
static struct db_value opt_quality(const struct store_cdr_quality *q, double v)
{
	return q->has_quality ? DBV_INT((int64_t)llround(v * 100)) : DBV_NULL;
}

static int insert_cdr(struct db *db, const struct store_cdr_row *r)
{
	const struct store_cdr_quality *qa = &r->quality[0], *qb = &r->quality[1];
	struct db_value p[] = {
		DBV_INT(r->tenant_id),	  DBV_TEXT(r->call_id),	    DBV_TEXT(r->uuid),
		DBV_TEXT(r->caller),	  DBV_TEXT(r->caller_name), DBV_TEXT(r->callee),
		DBV_TEXT(r->direction),	  DBV_INT(r->start_at),	    opt_time(r->answer_at),
		DBV_INT(r->end_at),	  DBV_INT(r->duration_s),   DBV_INT(r->billsec),
		DBV_TEXT(r->disposition), DBV_TEXT(r->hangup_cause), DBV_TEXT(r->hangup_side),
		DBV_TEXT(r->codec),	  DBV_TEXT(r->trunk),	    DBV_TEXT(r->rtp_stats),
		opt_quality(qa, qa->mos), opt_quality(qb, qb->mos), opt_quality(qa, qa->loss_pct),
		opt_quality(qb, qb->loss_pct), opt_quality(qa, qa->jitter_ms),
		opt_quality(qb, qb->jitter_ms),
		r->recording[0] ? DBV_TEXT(r->recording) : DBV_NULL,
	};
	return db_exec(db,
		       "INSERT INTO cdrs (tenant_id, call_id, uuid, caller, caller_name, callee, "
		       "direction, start_at, answer_at, end_at, duration_s, billsec, disposition, "
		       "hangup_cause, hangup_side, codec, trunk, rtp_stats, mos_a, mos_b, loss_a, "
		       "loss_b, jitter_a_ms, jitter_b_ms, recording) "
		       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?/100.0, ?/100.0, "
		       "?/100.0, ?/100.0, ?/100.0, ?/100.0, ?)",
		       p, sizeof(p) / sizeof(p[0]));
}

int store_cdr_finish(struct db *db, const struct store_cdr_row *r)
{
	struct db_value key[] = { DBV_TEXT(r->uuid) };
	int rc = insert_cdr(db, r);

	if (rc)
		return rc;
	return db_exec(db, "DELETE FROM calls_open WHERE uuid = ?", key, 1);
}

/* the quality columns in hundredths, -1 for NULL: the db layer reads integers and text */
#define CDR_Q(col) "COALESCE(CAST(ROUND(" col " * 100) AS INTEGER), -1)"
#define CDR_COLS                                                                               \
	"id, tenant_id, call_id, uuid, caller, caller_name, callee, direction, start_at, "    \
	"COALESCE(answer_at, 0), end_at, duration_s, billsec, disposition, hangup_cause, "    \
	"hangup_side, codec, trunk, rtp_stats, " CDR_Q("mos_a") ", " CDR_Q("mos_b") ", "      \
	CDR_Q("loss_a") ", " CDR_Q("loss_b") ", " CDR_Q("jitter_a_ms") ", " CDR_Q("jitter_b_ms") \
	", COALESCE(recording, '')"

/* Columns 19.. as each leg's quality. */
static void cdr_quality_from_row(const struct db_value *c, struct store_cdr_row *r)
{
	for (int i = 0; i < 2; i++) {
		struct store_cdr_quality *q = &r->quality[i];
		q->has_quality = c[19 + i].i >= 0;
		q->mos = q->has_quality ? c[19 + i].i / 100.0 : 0;
		q->loss_pct = c[21 + i].i >= 0 ? c[21 + i].i / 100.0 : 0;
		q->jitter_ms = c[23 + i].i >= 0 ? c[23 + i].i / 100.0 : 0;
	}
}

static int cdr_from_row(const struct db_row *row, struct store_cdr_row *r)
{
	const struct db_value *c = row->cols;

	if (row->ncols != 26)
		return EPROTO;
	memset(r, 0, sizeof(*r));
	r->id = c[0].i;
	r->tenant_id = c[1].i;
	r->start_at = c[8].i;
	r->answer_at = c[9].i;
	r->end_at = c[10].i;
	r->duration_s = c[11].i;
	r->billsec = c[12].i;
	if (db_value_copy(&c[2], r->call_id, sizeof(r->call_id)) ||
	    db_value_copy(&c[3], r->uuid, sizeof(r->uuid)) ||
	    db_value_copy(&c[4], r->caller, sizeof(r->caller)) ||
	    db_value_copy(&c[5], r->caller_name, sizeof(r->caller_name)) ||
	    db_value_copy(&c[6], r->callee, sizeof(r->callee)) ||
	    db_value_copy(&c[7], r->direction, sizeof(r->direction)) ||
	    db_value_copy(&c[13], r->disposition, sizeof(r->disposition)) ||
	    db_value_copy(&c[14], r->hangup_cause, sizeof(r->hangup_cause)) ||
	    db_value_copy(&c[15], r->hangup_side, sizeof(r->hangup_side)) ||
	    db_value_copy(&c[16], r->codec, sizeof(r->codec)) ||
	    db_value_copy(&c[17], r->trunk, sizeof(r->trunk)) ||
	    db_value_copy(&c[18], r->rtp_stats, sizeof(r->rtp_stats)) ||
	    db_value_copy(&c[25], r->recording, sizeof(r->recording)))
		return EOVERFLOW;
	cdr_quality_from_row(c, r);
	return 0;
}

struct list_ctx {
	store_cdr_fn *fn;
	void *arg;
};

static int list_row(const struct db_row *row, void *arg)
{
	struct list_ctx *ctx = arg;
	struct store_cdr_row r;
	int rc = cdr_from_row(row, &r);
	return rc ? rc : ctx->fn(&r, ctx->arg);
}

int store_cdr_list(struct db *db, int64_t tenant_id, unsigned limit, store_cdr_fn *fn, void *arg)
{
	struct list_ctx ctx = { fn, arg };
	struct db_value p[] = { DBV_INT(tenant_id), DBV_INT(tenant_id), DBV_INT(limit) };
	return db_query(db,
			"SELECT " CDR_COLS " FROM cdrs WHERE (? = 0 OR tenant_id = ?) "
			"ORDER BY start_at DESC, id DESC LIMIT ?",
			p, 3, list_row, &ctx);
}

int store_cdr_select(struct db *db, const char *where, const struct db_value *p, size_t np,
		     store_cdr_fn *fn, void *arg)
{
	struct list_ctx ctx = { fn, arg };
	char sql[2048];

	snprintf(sql, sizeof(sql), "SELECT " CDR_COLS " FROM cdrs WHERE %s", where);
	return db_query(db, sql, p, np, list_row, &ctx);
}

int store_calls_reconcile(struct db *db, int64_t *count)
{
	/* One statement per table inside the caller's transaction (the store thread's batch). */
	int rc = db_exec(
		db,
		"INSERT OR IGNORE INTO cdrs (tenant_id, call_id, uuid, caller, caller_name, callee, "
		"direction, start_at, answer_at, end_at, duration_s, billsec, disposition, "
		"hangup_cause, hangup_side) "
		"SELECT tenant_id, call_id, uuid, caller, caller_name, callee, direction, start_at, "
		"answer_at, heartbeat_at, (heartbeat_at - start_at + 999) / 1000, "
		"CASE WHEN answer_at IS NULL THEN 0 ELSE (heartbeat_at - answer_at + 999) / 1000 END, "
		"'INTERRUPTED', 'node restarted', 'system' FROM calls_open",
		NULL, 0);
	if (rc)
		return rc;
	if (count)
		*count = db_changes(db);
	return db_exec(db, "DELETE FROM calls_open", NULL, 0);
}

int store_calls_heartbeat(struct db *db, int64_t now_ms)
{
	struct db_value p[] = { DBV_INT(now_ms) };
	return db_exec(db, "UPDATE calls_open SET heartbeat_at = ?", p, 1);
}
