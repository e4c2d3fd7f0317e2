/* Tests for the job queue against a real SQLite file: round-robin over tenants, retries,
 * cancelling, restart recovery, and the runner (loop + store + workers) end to end. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/loop.h"
#include "core/mem.h"
#include "core/timer.h"
#include "jobs/jobs.h"
#include "store/db.h"
#include "store/migrations.h"
#include "store/store.h"

static char tmpdir[64], dburl[160];

static int setup(void **state)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/zvonar-jobs-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(dburl, sizeof(dburl), "sqlite:%s/z.db", tmpdir);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static struct db *open_db(void)
{
	struct db *db = NULL;
	char err[256] = "";

	if (db_open(&db, dburl, err, sizeof(err)) || db_migrate(db, err, sizeof(err)))
		fail_msg("open: %s", err);
	return db;
}

static void add_tenants(struct db *db, int n)
{
	char sql[160];

	for (int i = 1; i <= n; i++) {
		snprintf(sql, sizeof(sql), "INSERT INTO tenants (id, name, domain, created_at) "
					   "VALUES (%d, 't%d', 't%d.example', 0)", i, i, i);
		assert_int_equal(db_exec(db, sql, NULL, 0), 0);
	}
}

static int64_t add(struct db *db, int64_t tenant, const char *kind, const char *input)
{
	int64_t id = 0;

	assert_int_equal(jobs_db_add(db, tenant, kind, input, NULL, 0, 1000, &id), 0);
	return id;
}

static int64_t query(struct db *db, const char *sql)
{
	int64_t v = -1;

	assert_int_equal(db_query_int(db, sql, NULL, 0, &v), 0);
	return v;
}

static void finish_ok(struct db *db, struct jobs_row *r)
{
	struct jobs_outcome o = { .ok = true, .result = xstrdup("{}"), .attempts = 1 };

	assert_int_equal(jobs_db_finish(db, r, &o, 2000), 0);
	jobs_outcome_free(&o);
	jobs_row_free(r);
}

/* Tenant 1 queues 5 jobs first, then 2 queues 5 and 3 queues 2: starts go 1 2 3 1 2 3 1 2 ... */
static void test_round_robin(void **state)
{
	struct db *db = open_db();
	static const int64_t want[] = { 1, 2, 3, 1, 2, 3, 1, 2, 1, 2, 1, 2 };
	struct jobs_row r;

	add_tenants(db, 3);
	for (int t = 1; t <= 3; t++)
		for (int i = 0; i < (t == 3 ? 2 : 5); i++)
			add(db, t, "text_summary", "{\"text\":\"a\"}");
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_int_equal(jobs_db_claim(db, 1500, &r), 0);
		assert_int_equal(r.tenant_id, want[i]);
		/* a tenant's own jobs start oldest first */
		assert_int_equal(r.id, query(db, "SELECT MIN(id) FROM jobs WHERE status = 'running'"));
		finish_ok(db, &r);
	}
	assert_int_equal(jobs_db_claim(db, 1500, &r), ENOENT);
	/* a tenant that comes back after the others ran goes first: its last start is oldest */
	add(db, 2, "tts", "{}");
	add(db, 1, "tts", "{}");
	assert_int_equal(jobs_db_claim(db, 1500, &r), 0);
	assert_int_equal(r.tenant_id, 1);
	jobs_row_free(&r);
	db_close(db);
}

/* A backend whose summaries fail `fails` times with `rc`, then work. */
static int fails, calls, fail_rc;

static int flaky_summarize(const struct speech_config *c, const char *text,
			   const struct summary_opts *o, char **out, struct speech_usage *u,
			   char *err, size_t errlen)
{
	calls++;
	if (calls <= fails) {
		snprintf(err, errlen, "HTTP 503 from the test backend (call %d)", calls);
		return fail_rc;
	}
	*out = xstrdup("the summary");
	u->summaries = 1;
	u->llm_prompt_tokens = 12;
	return 0;
}

static const struct speech_backend flaky = { .name = "flaky", .summarize = flaky_summarize };

static void run_flaky(int nfail, int rc, struct jobs_outcome *o)
{
	struct jobs_cfg cfg = { .spool_dir = tmpdir, .backend = &flaky, .retries = 3,
				.backoff_ms = 1 };
	struct jobs_row r = { .id = 1, .tenant_id = 1, .kind = "text_summary",
			      .input = "{\"text\":\"One sentence here. Another one there.\"}" };

	fails = nfail;
	calls = 0;
	fail_rc = rc;
	jobs_exec(&cfg, &r, NULL, NULL, NULL, o);
}

static void test_retries(void **state)
{
	struct jobs_outcome o;

	run_flaky(2, EIO, &o);
	assert_true(o.ok);
	assert_int_equal(o.attempts, 3);
	assert_non_null(strstr(o.result, "\"summary_text\":\"the summary\""));
	assert_string_equal(o.usage.backend, "flaky");
	assert_int_equal(o.usage.llm_prompt_tokens, 12);
	jobs_outcome_free(&o);

	run_flaky(5, ETIMEDOUT, &o);
	assert_false(o.ok);
	assert_int_equal(o.attempts, 3);
	assert_int_equal(calls, 3);
	assert_non_null(strstr(o.error, "call 3"));
	assert_null(o.result);

	run_flaky(5, EINVAL, &o); /* bad input: asking again does not help */
	assert_false(o.ok);
	assert_int_equal(o.attempts, 1);
}

/* DELETE arriving while the first attempt runs: no second attempt, no result. */
static atomic_bool cancel_flag;

static int cancelling_summarize(const struct speech_config *c, const char *text,
				const struct summary_opts *o, char **out, struct speech_usage *u,
				char *err, size_t errlen)
{
	calls++;
	atomic_store(&cancel_flag, true);
	snprintf(err, errlen, "HTTP 503");
	return EIO;
}

static void test_cancel_while_running(void **state)
{
	static const struct speech_backend b = { .name = "c", .summarize = cancelling_summarize };
	struct jobs_cfg cfg = { .spool_dir = tmpdir, .backend = &b, .backoff_ms = 1 };
	struct jobs_row r = { .id = 1, .tenant_id = 1, .kind = "text_summary",
			      .input = "{\"text\":\"x\"}" };
	struct jobs_outcome o;

	calls = 0;
	atomic_init(&cancel_flag, false);
	jobs_exec(&cfg, &r, &cancel_flag, NULL, NULL, &o);
	assert_int_equal(calls, 1);
	assert_false(o.ok);
	assert_null(o.result);
	calls = 0; /* cancelled before it started: no backend call at all */
	jobs_exec(&cfg, &r, &cancel_flag, NULL, NULL, &o);
	assert_int_equal(calls, 0);
	assert_int_equal(o.attempts, 0);
	assert_false(o.ok);
}

static void test_cancel(void **state)
{
	struct db *db = open_db();
	struct jobs_row r;
	bool running = true;
	int64_t a, b;

	add_tenants(db, 2);
	a = add(db, 1, "tts", "{}");
	b = add(db, 1, "tts", "{}");
	assert_int_equal(jobs_db_cancel(db, b, 2, 3000, &running), ENOENT); /* other tenant */
	assert_int_equal(jobs_db_cancel(db, b, 1, 3000, &running), 0);
	assert_false(running);
	assert_int_equal(jobs_db_claim(db, 3000, &r), 0);
	assert_int_equal(r.id, a);
	jobs_row_free(&r);
	assert_int_equal(jobs_db_claim(db, 3000, &r), ENOENT); /* the cancelled one never runs */
	assert_int_equal(jobs_db_cancel(db, a, 0, 3100, &running), 0);
	assert_true(running);
	r.id = a;
	r.tenant_id = 1;
	struct jobs_outcome o = { .ok = true, .result = "{\"x\":1}", .has_usage = true,
				  .usage = { .op = "synthesize", .backend = "offline" } };
	assert_int_equal(jobs_db_finish(db, &r, &o, 3200), ESTALE); /* result discarded */
	assert_int_equal(query(db, "SELECT COUNT(*) FROM jobs WHERE result IS NOT NULL"), 0);
	assert_int_equal(query(db, "SELECT COUNT(*) FROM usage_records"), 0);
	assert_int_equal(query(db, "SELECT COUNT(*) FROM jobs WHERE status = 'cancelled'"), 2);
	assert_int_equal(jobs_db_cancel(db, a, 0, 3300, &running), EALREADY);
	db_close(db);
}

static void test_restart_recovery(void **state)
{
	struct db *db = open_db();
	struct jobs_row r;
	int64_t n = -1, id;

	add_tenants(db, 1);
	id = add(db, 1, "text_summary", "{\"text\":\"x\"}");
	assert_int_equal(jobs_db_claim(db, 1000, &r), 0);
	jobs_row_free(&r);
	db_close(db); /* a crash: the job stays running */
	db = open_db();
	assert_int_equal(query(db, "SELECT COUNT(*) FROM jobs WHERE status = 'running'"), 1);
	assert_int_equal(jobs_db_recover(db, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(jobs_db_claim(db, 1000, &r), 0);
	assert_int_equal(r.id, id);
	finish_ok(db, &r);
	db_close(db);
}

/* The runner end to end: a job left running and three queued ones all end up done, with a
 * usage record each, and the owner hears job.done for every one. */
static struct loop *loop;
static int finished;

static void on_finished(void *arg, int64_t tenant, const char *type, const char *json)
{
	assert_string_equal(type, "job.done");
	assert_non_null(strstr(json, "\"status\":\"done\""));
	if (++finished == 4)
		loop_stop(loop);
}

static void on_watchdog(void *arg)
{
	loop_stop(loop);
}

static void test_runner(void **state)
{
	struct db *db = open_db();
	struct store *s = NULL;
	struct jobs *j = NULL;
	struct jobs_row r;
	struct timer wd;
	char err[256], spool[128];
	struct jobs_cfg cfg = { .spool_dir = spool, .threads = 2 };

	snprintf(spool, sizeof(spool), "%s/spool/jobs", tmpdir);
	add_tenants(db, 2);
	add(db, 1, "text_summary", "{\"text\":\"Left running by a crash. It runs again.\"}");
	assert_int_equal(jobs_db_claim(db, 1000, &r), 0);
	jobs_row_free(&r);
	add(db, 2, "text_summary", "{\"text\":\"Second tenant. Its text.\"}");
	add(db, 1, "text_summary", "{\"text\":\"More text. Even more.\"}");
	add(db, 2, "tts", "{\"text\":\"hello\",\"language\":\"en\"}");
	db_close(db);

	assert_int_equal(loop_new(&loop), 0);
	assert_int_equal(store_open(&s, loop, dburl, err, sizeof(err)), 0);
	finished = 0;
	assert_int_equal(jobs_new(&j, loop, s, &cfg, on_finished, NULL), 0);
	timer_init(&wd);
	loop_timer_start(loop, &wd, 60000, on_watchdog, NULL);
	loop_run(loop);
	timer_cancel(&wd);
	assert_int_equal(finished, 4);
	store_close(s);
	jobs_destroy(j);
	loop_destroy(loop);

	db = open_db();
	assert_int_equal(query(db, "SELECT COUNT(*) FROM jobs WHERE status = 'done'"), 4);
	assert_int_equal(query(db, "SELECT COUNT(*) FROM usage_records"), 4);
	assert_int_equal(query(db, "SELECT COUNT(*) FROM jobs WHERE input_data IS NOT NULL"), 0);
	db_close(db);
	char wav[256];
	jobs_audio_path(&cfg, 4, wav, sizeof(wav));
	assert_int_equal(access(wav, R_OK), 0);
}

/* Stopping with a job on a worker, in the node's order (store first, then the API): nothing
 * touches the closed store, and the next start queues the job again. */
static void test_shutdown_mid_job(void **state)
{
	struct db *db = open_db();
	struct store *s = NULL;
	struct jobs *j = NULL;
	char err[256], spool[128];
	struct jobs_cfg cfg = { .spool_dir = spool, .threads = 1 };
	int64_t n = 0;

	snprintf(spool, sizeof(spool), "%s/spool", tmpdir);
	add_tenants(db, 1);
	add(db, 1, "tts", "{\"text\":\"A longer sentence that takes espeak a moment to say, "
			  "spoken at sixteen kilohertz.\",\"rate\":16000}");
	db_close(db);
	assert_int_equal(loop_new(&loop), 0);
	assert_int_equal(store_open(&s, loop, dburl, err, sizeof(err)), 0);
	assert_int_equal(jobs_new(&j, loop, s, &cfg, on_finished, NULL), 0);
	store_close(s); /* delivers the claim: the job goes to the worker */
	jobs_destroy(j);
	loop_destroy(loop);
	db = open_db();
	assert_int_equal(query(db, "SELECT COUNT(*) FROM jobs WHERE status = 'running'"), 1);
	assert_int_equal(jobs_db_recover(db, &n), 0);
	assert_int_equal(n, 1);
	db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_robin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel_while_running, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restart_recovery, setup, teardown),
		cmocka_unit_test_setup_teardown(test_runner, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shutdown_mid_job, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
