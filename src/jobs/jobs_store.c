/* The job queue's steps over the jobs and usage_records tables (store thread). */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "jobs/jobs.h"
#include "store/db.h"

static const char *const kinds[] = { "chat_summary", "text_summary", "tts", "transcribe", NULL };

bool jobs_kind_valid(const char *kind)
{
	for (size_t i = 0; kind && kinds[i]; i++)
		if (!strcmp(kind, kinds[i]))
			return true;
	return false;
}

int jobs_db_add(struct db *db, int64_t tenant_id, const char *kind, const char *input,
		const void *data, size_t len, int64_t now, int64_t *id)
{
	struct db_value p[5] = { DBV_INT(tenant_id), DBV_TEXT(kind), DBV_TEXT(input ? input : "{}"),
				 data ? DBV_BLOB(data, len) : DBV_NULL, DBV_INT(now) };
	int rc;

	if (!jobs_kind_valid(kind))
		return EINVAL;
	rc = db_exec(db, "INSERT INTO jobs (tenant_id, kind, input, input_data, created_at) "
			 "VALUES (?, ?, ?, ?, ?)", p, 5);
	if (!rc && id)
		*id = db_last_insert_id(db);
	return rc;
}

static int claim_row(const struct db_row *row, void *arg)
{
	struct jobs_row *r = arg;

	r->id = row->cols[0].i;
	r->tenant_id = row->cols[1].i;
	db_value_copy(&row->cols[2], r->kind, sizeof(r->kind));
	r->input = xstrndup(row->cols[3].s ? row->cols[3].s : "{}", row->cols[3].len);
	if (row->cols[4].type != DB_NULL) {
		r->data_len = row->cols[4].len;
		r->data = xmalloc(r->data_len + 1);
		if (r->data_len)
			memcpy(r->data, row->cols[4].s, r->data_len);
		r->data[r->data_len] = '\0';
	}
	return -1;
}

/*
 * Round-robin: of the tenants with queued jobs, the one whose latest start is oldest (never
 * started: 0) goes next, and of its jobs the oldest. pick_seq numbers the starts, so two
 * starts in one millisecond still have an order.
 */
int jobs_db_claim(struct db *db, int64_t now, struct jobs_row *out)
{
	static const char pick[] =
		"SELECT id, tenant_id, kind, input, input_data FROM jobs WHERE status = 'queued' "
		"AND tenant_id = (SELECT q.tenant_id FROM jobs q WHERE q.status = 'queued' "
		"GROUP BY q.tenant_id ORDER BY (SELECT COALESCE(MAX(p.pick_seq), 0) FROM jobs p "
		"WHERE p.tenant_id = q.tenant_id), q.tenant_id LIMIT 1) ORDER BY id LIMIT 1";
	int rc;

	memset(out, 0, sizeof(*out));
	rc = db_query(db, pick, NULL, 0, claim_row, out);
	if (rc != -1)
		return rc ? rc : ENOENT;
	rc = db_exec(db, "UPDATE jobs SET status = 'running', started_at = ?, progress = 0, "
			 "pick_seq = (SELECT COALESCE(MAX(pick_seq), 0) + 1 FROM jobs) WHERE id = ?",
		     (struct db_value[]){ DBV_INT(now), DBV_INT(out->id) }, 2);
	if (rc)
		jobs_row_free(out);
	else
		out->speech = jobs_db_speech(db, out->tenant_id, true);
	return rc;
}

void jobs_row_free(struct jobs_row *r)
{
	free(r->input);
	free(r->data);
	free(r->speech);
	r->input = r->data = r->speech = NULL;
}

int jobs_db_progress(struct db *db, int64_t id, unsigned pct)
{
	return db_exec(db, "UPDATE jobs SET progress = ? WHERE id = ? AND status = 'running'",
		       (struct db_value[]){ DBV_INT(pct > 100 ? 100 : pct), DBV_INT(id) }, 2);
}

static int usage_add(struct db *db, const struct jobs_row *r, const struct speech_usage *u,
		     int64_t now)
{
	struct db_value p[11] = {
		DBV_INT(r->tenant_id), DBV_INT(r->id), DBV_INT(now),
		DBV_TEXT(u->op ? u->op : ""), DBV_TEXT(u->backend ? u->backend : ""),
		DBV_INT((int64_t)(u->recognized_seconds * 1000 + 0.5)),
		DBV_INT((int64_t)(u->synthesized_seconds * 1000 + 0.5)),
		DBV_INT((int64_t)u->synthesized_chars), DBV_INT(u->summaries),
		DBV_INT(u->llm_prompt_tokens), DBV_INT(u->llm_completion_tokens),
	};
	return db_exec(db, "INSERT INTO usage_records (tenant_id, job_id, at, op, backend, "
			   "recognized_ms, synthesized_ms, synthesized_chars, summaries, "
			   "llm_prompt_tokens, llm_completion_tokens) "
			   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", p, 11);
}

int jobs_db_finish(struct db *db, const struct jobs_row *r, const struct jobs_outcome *o,
		   int64_t now)
{
	struct db_value p[6] = { DBV_TEXT(o->ok ? "done" : "failed"), DBV_INT(o->attempts),
				 o->ok && o->result ? DBV_TEXT(o->result) : DBV_NULL,
				 DBV_TEXT(o->ok ? "" : o->error), DBV_INT(now), DBV_INT(r->id) };
	int rc = db_exec(db, "UPDATE jobs SET status = ?, attempts = ?, result = ?, error = ?, "
			     "finished_at = ?, progress = 100, input_data = NULL "
			     "WHERE id = ? AND status = 'running'", p, 6);

	if (rc)
		return rc;
	if (db_changes(db) != 1)
		return ESTALE;
	if (o->ok && o->search && (rc = jobs_db_index(db, r->id, o->search)))
		return rc;
	return o->has_usage ? usage_add(db, r, &o->usage, now) : 0;
}

int jobs_db_cancel(struct db *db, int64_t id, int64_t tenant, int64_t now, bool *was_running)
{
	static const char q[] =
		"SELECT CASE status WHEN 'queued' THEN 1 WHEN 'running' THEN 2 ELSE 3 END "
		"FROM jobs WHERE id = ? AND (? = 0 OR tenant_id = ?)";
	int64_t st;
	int rc = db_query_int(db, q, (struct db_value[]){ DBV_INT(id), DBV_INT(tenant),
							  DBV_INT(tenant) }, 3, &st);

	if (rc)
		return rc;
	if (st == 3)
		return EALREADY;
	*was_running = st == 2;
	return db_exec(db, "UPDATE jobs SET status = 'cancelled', finished_at = ?, "
			   "input_data = NULL WHERE id = ?",
		       (struct db_value[]){ DBV_INT(now), DBV_INT(id) }, 2);
}

int jobs_db_recover(struct db *db, int64_t *n)
{
	int rc = db_exec(db, "UPDATE jobs SET status = 'queued', progress = 0, started_at = 0 "
			     "WHERE status = 'running'", NULL, 0);

	if (n)
		*n = rc ? 0 : db_changes(db);
	return rc;
}

static int job_json_row(const struct db_row *row, void *arg)
{
	static const char *const names[] = { "id", "tenant_id", "kind", "status", "progress",
					     "attempts", "error", "created_at", "started_at",
					     "finished_at", "pick_seq" };
	json_t *j = json_object();

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct db_value *v = &row->cols[i];
		json_object_set_new(j, names[i], v->type == DB_INT ? json_integer(v->i)
						 : json_stringn(v->s ? v->s : "", v->len));
	}
	if (row->cols[11].type == DB_TEXT) {
		json_t *res = json_loadb(row->cols[11].s, row->cols[11].len, 0, NULL);
		json_object_set_new(j, "result", res ? res : json_null());
	} else {
		json_object_set_new(j, "result", json_null());
	}
	*(char **)arg = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	return -1;
}

char *jobs_db_json(struct db *db, int64_t id, int64_t tenant)
{
	char *out = NULL;

	db_query(db, "SELECT id, tenant_id, kind, status, progress, attempts, error, created_at, "
		     "started_at, finished_at, pick_seq, result FROM jobs "
		     "WHERE id = ? AND (? = 0 OR tenant_id = ?)",
		 (struct db_value[]){ DBV_INT(id), DBV_INT(tenant), DBV_INT(tenant) }, 3,
		 job_json_row, &out);
	return out;
}
