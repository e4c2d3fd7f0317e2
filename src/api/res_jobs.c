/*
 * Speech jobs of a tenant: the list (generic engine), one job with its result, cancelling
 * (DELETE) and the WAV of a finished TTS job. Creating jobs is in res_job_new.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "api/resource.h"
#include "core/mem.h"
#include "core/time.h"
#include "jobs/jobs.h"
#include "store/db.h"

#define BIG INT64_MAX
#define AUDIO_MAX (64u << 20) /* a TTS reply is at most a few MB; refuse anything odd */

static bool check_status(const char *s)
{
	return !strcmp(s, "queued") || !strcmp(s, "running") || !strcmp(s, "done") ||
	       !strcmp(s, "failed") || !strcmp(s, "cancelled");
}

static bool check_kind(const char *s)
{
	return jobs_kind_valid(s);
}

static const struct api_field job_fields[] = {
	{ .name = "id", .type = FT_INT, .flags = FF_RO | FF_SORT, .min = 0, .max = BIG },
	{ .name = "tenant_id", .type = FT_INT, .flags = FF_RO, .min = 0, .max = BIG },
	{ .name = "kind", .type = FT_TEXT, .flags = FF_RO | FF_FILTER, .max = 24,
	  .check = check_kind, .hint = "chat_summary, text_summary, tts or transcribe" },
	{ .name = "status", .type = FT_TEXT, .flags = FF_RO | FF_FILTER, .max = 16,
	  .check = check_status, .hint = "queued, running, done, failed or cancelled" },
	{ .name = "progress", .type = FT_INT, .flags = FF_RO, .min = 0, .max = 100 },
	{ .name = "attempts", .type = FT_INT, .flags = FF_RO, .min = 0, .max = 100 },
	{ .name = "error", .type = FT_TEXT, .flags = FF_RO, .max = JOBS_MAX_ERROR },
	{ .name = "created_at", .type = FT_INT, .flags = FF_RO | FF_SORT, .min = 0, .max = BIG },
	{ .name = "started_at", .type = FT_INT, .flags = FF_RO | FF_SORT, .min = 0, .max = BIG },
	{ .name = "finished_at", .type = FT_INT, .flags = FF_RO, .min = 0, .max = BIG },
	{ .name = "pick_seq", .type = FT_INT, .flags = FF_RO | FF_SORT, .min = 0, .max = BIG,
	  .hint = "place in the order jobs were started (0: not yet)" },
	{ .name = NULL },
};

const struct api_resource api_res_jobs = {
	.name = "jobs", .table = "jobs", .object = "job", .tenant_col = "tenant_id",
	.fields = job_fields, .ops = ACT_LIST, .sort_default = "-id", .changes = -1,
};

static void job_get_op(struct db *db, struct api_ctx *c)
{
	char *json = jobs_db_json(db, c->id, c->scope);

	if (!json) {
		api_fail(c, 404, "not_found", "no job %lld", (long long)c->id);
		return;
	}
	buf_puts(&c->text, json);
	free(json);
	c->status = 200;
}

static void job_start(struct http_req *r, void *arg, enum api_action act, api_db_fn *fn,
		      api_live_fn *live)
{
	struct api_ctx *c = api_route_ctx(r, arg, "jobs", act, fn, live);
	if (c)
		api_run(c);
}

void api_jobs_get(struct http_req *r, void *arg)
{
	job_start(r, arg, ACT_GET, job_get_op, NULL);
}

static void job_cancel_op(struct db *db, struct api_ctx *c)
{
	bool running = false;
	int rc = jobs_db_cancel(db, c->id, c->scope, (int64_t)time_wall_ms(), &running);
	char *json;

	if (rc == ENOENT) {
		api_fail(c, 404, "not_found", "no job %lld", (long long)c->id);
		return;
	}
	if (rc == EALREADY) {
		api_fail(c, 409, "conflict", "job %lld has already ended", (long long)c->id);
		return;
	}
	if (rc || !(json = jobs_db_json(db, c->id, c->scope))) {
		api_fail(c, 500, "internal", "cannot cancel the job: %s", db_errmsg(db));
		return;
	}
	c->result = json_loads(json, 0, NULL);
	free(json);
	api_audit(db, c, json_integer_value(json_object_get(c->result, "tenant_id")), "cancel",
		  "job", NULL, NULL, c->result);
	c->status = 200;
}

static void job_cancel_live(struct api_ctx *c)
{
	jobs_cancelled(c->api->jobs, c->id); /* a running one stops between attempts */
	api_reply(c);
}

void api_jobs_cancel(struct http_req *r, void *arg)
{
	job_start(r, arg, ACT_DELETE, job_cancel_op, job_cancel_live);
}

static void job_audio_op(struct db *db, struct api_ctx *c)
{
	int64_t st;
	static const char q[] = "SELECT CASE WHEN kind <> 'tts' THEN 1 WHEN status <> 'done' "
				"THEN 2 ELSE 0 END FROM jobs WHERE id = ? AND (? = 0 OR tenant_id = ?)";

	if (db_query_int(db, q, (struct db_value[]){ DBV_INT(c->id), DBV_INT(c->scope),
						     DBV_INT(c->scope) }, 3, &st))
		api_fail(c, 404, "not_found", "no job %lld", (long long)c->id);
	else if (st == 1)
		api_fail(c, 404, "not_found", "job %lld is not a TTS job", (long long)c->id);
	else if (st == 2)
		api_fail(c, 409, "not_ready", "job %lld has not finished", (long long)c->id);
}

/* A few hundred KB read on the loop: cheaper than a round trip through a worker. */
static void job_audio_live(struct api_ctx *c)
{
	char path[4096];
	struct stat sb;
	FILE *f;

	jobs_audio_path(jobs_config(c->api->jobs), c->id, path, sizeof(path));
	f = fopen(path, "rb");
	if (!f || fstat(fileno(f), &sb) || sb.st_size <= 44 || sb.st_size > AUDIO_MAX) {
		if (f)
			fclose(f);
		api_fail(c, 410, "gone", "the audio of job %lld is no longer kept", (long long)c->id);
		api_reply(c);
		return;
	}
	char *data = xmalloc((size_t)sb.st_size);
	size_t n = fread(data, 1, (size_t)sb.st_size, f);
	fclose(f);
	http_reply(c->r, 200, "audio/wav", data, n);
	free(data);
	api_ctx_done(c);
}

void api_jobs_audio(struct http_req *r, void *arg)
{
	job_start(r, arg, ACT_GET, job_audio_op, job_audio_live);
}
