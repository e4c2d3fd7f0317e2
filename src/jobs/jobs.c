/*
 * The job runner on the loop: claims the next job through the store (one claim at a time),
 * hands it to its own worker pool, stores the outcome through the store, tells the owner,
 * and claims again while a worker is free. No job step runs on the loop or store thread.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/log.h"
#include "core/mem.h"
#include "core/queue.h"
#include "core/time.h"
#include "core/workers.h"
#include "jobs/jobs.h"
#include "store/store.h"

#define JOBS_MAX_THREADS 16

struct run {
	struct run *next;
	struct jobs *j;        /* borrowed */
	struct jobs_row row;
	struct jobs_outcome out;
	atomic_bool cancel;
	int finish_rc;
	char *json;            /* owned: the job as stored, for the event */
};

struct jobs {
	struct loop *loop;       /* borrowed */
	struct store *store;     /* borrowed */
	struct workers *workers; /* owned */
	struct mqueue *progress_q; /* owned: progress from the workers to the loop */
	struct jobs_cfg cfg;
	char *spool;             /* owned copy of cfg.spool_dir */
	jobs_finished_fn *fn;
	void *arg;
	unsigned inflight;       /* claimed and not yet stored */
	bool claiming, again, stopping;
	struct run *running;     /* owned list: claimed jobs */
};

struct claim {
	struct jobs *j;
	struct run *run; /* owned until handed over */
	int rc;
};

struct progress {
	int64_t id;
	unsigned pct;
};

static void claim_start(struct jobs *j);

static void progress_op(struct db *db, void *arg)
{
	struct progress *p = arg;

	jobs_db_progress(db, p->id, p->pct);
}

/* Loop: progress goes through the store like every write; not once stopping, when the store
 * may already be gone (the API is destroyed after the store). */
static void on_progress_msg(void *msg, void *arg)
{
	struct jobs *j = arg;

	if (j->stopping || store_submit(j->store, progress_op, free, msg))
		free(msg);
}

/* Worker thread: never touches the store itself, only the loop's queue. */
static void on_progress(void *arg, int64_t id, unsigned pct)
{
	struct run *r = arg;
	struct progress *p = xcalloc(1, sizeof(*p));

	p->id = id;
	p->pct = pct;
	if (mqueue_push(r->j->progress_q, p))
		free(p);
}

static void exec_fn(void *arg)
{
	struct run *r = arg;

	jobs_exec(&r->j->cfg, &r->row, &r->cancel, on_progress, r, &r->out);
}

static void finish_op(struct db *db, void *arg)
{
	struct run *r = arg;

	r->finish_rc = jobs_db_finish(db, &r->row, &r->out, (int64_t)time_wall_ms());
	if (!r->finish_rc)
		r->json = jobs_db_json(db, r->row.id, 0);
}

static void run_free(struct jobs *j, struct run *r)
{
	for (struct run **p = &j->running; *p; p = &(*p)->next)
		if (*p == r) {
			*p = r->next;
			break;
		}
	jobs_row_free(&r->row);
	jobs_outcome_free(&r->out);
	free(r->json);
	free(r);
}

static void finish_done(void *arg)
{
	struct run *r = arg;
	struct jobs *j = r->j;

	if (!r->finish_rc && r->json && j->fn)
		j->fn(j->arg, r->row.tenant_id, r->out.ok ? "job.done" : "job.failed", r->json);
	else if (r->finish_rc && r->finish_rc != ESTALE)
		log_warn("jobs", "job %lld: cannot store the outcome (%s)", (long long)r->row.id,
			 strerror(r->finish_rc));
	run_free(j, r);
	j->inflight--;
	claim_start(j);
}

/* Loop: the worker is done; the outcome goes to the store (a closed store: left running,
 * queued again at the next start). */
static void exec_done(void *arg)
{
	struct run *r = arg;

	if (r->j->stopping || store_submit(r->j->store, finish_op, finish_done, r)) {
		r->j->inflight--;
		run_free(r->j, r);
	}
}

static void claim_op(struct db *db, void *arg)
{
	struct claim *c = arg;

	c->rc = jobs_db_claim(db, (int64_t)time_wall_ms(), &c->run->row);
}

static void claim_done(void *arg)
{
	struct claim *c = arg;
	struct jobs *j = c->j;
	struct run *r = c->run;

	j->claiming = false;
	free(c);
	if (r->row.id == 0 || r->row.input == NULL) {
		free(r);
		if (j->again)
			claim_start(j);
		return;
	}
	r->next = j->running;
	j->running = r;
	j->inflight++;
	if (workers_submit(j->workers, exec_fn, exec_done, r)) {
		j->inflight--;
		run_free(j, r); /* stays running in the table: queued again at the next start */
		return;
	}
	claim_start(j);
}

static void claim_start(struct jobs *j)
{
	struct claim *c;

	if (j->claiming) {
		j->again = true; /* a job queued after the running claim looked */
		return;
	}
	j->again = false;
	if (j->stopping || j->inflight >= j->cfg.threads)
		return;
	c = xcalloc(1, sizeof(*c));
	c->j = j;
	c->run = xcalloc(1, sizeof(*c->run));
	c->run->j = j;
	atomic_init(&c->run->cancel, false);
	j->claiming = true;
	if (store_submit(j->store, claim_op, claim_done, c)) {
		j->claiming = false;
		free(c->run);
		free(c);
	}
}

void jobs_kick(struct jobs *j)
{
	if (j)
		claim_start(j);
}

void jobs_cancelled(struct jobs *j, int64_t id)
{
	for (struct run *r = j ? j->running : NULL; r; r = r->next)
		if (r->row.id == id)
			atomic_store(&r->cancel, true);
}

const struct jobs_cfg *jobs_config(const struct jobs *j)
{
	return &j->cfg;
}

static void recover_op(struct db *db, void *arg)
{
	int64_t n = 0;

	if (!jobs_db_recover(db, &n) && n)
		log_notice("jobs", "%lld job(s) left running are queued again", (long long)n);
	if (!jobs_db_index_missing(db, &n) && n)
		log_notice("jobs", "%lld transcript(s) added to the search index", (long long)n);
}

/* mkdir -p: the spool lives under the data directory, which exists. */
static void make_dirs(char *path)
{
	for (char *p = path + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(path, 0750);
			*p = '/';
		}
	mkdir(path, 0750);
}

int jobs_new(struct jobs **jp, struct loop *loop, struct store *store, const struct jobs_cfg *cfg,
	     jobs_finished_fn *fn, void *arg)
{
	struct jobs *j = xcalloc(1, sizeof(*j));
	int rc;

	j->loop = loop;
	j->store = store;
	j->cfg = *cfg;
	j->spool = xstrdup(cfg->spool_dir && *cfg->spool_dir ? cfg->spool_dir : "./spool/jobs");
	j->cfg.spool_dir = j->spool;
	j->cfg.threads = cfg->threads ? cfg->threads : 2;
	if (j->cfg.threads > JOBS_MAX_THREADS)
		j->cfg.threads = JOBS_MAX_THREADS;
	j->fn = fn;
	j->arg = arg;
	make_dirs(j->spool);
	if ((rc = mqueue_new(&j->progress_q, loop, on_progress_msg, j)) ||
	    (rc = workers_new(&j->workers, loop, j->cfg.threads)) ||
	    (rc = store_run_sync(store, recover_op, NULL))) {
		workers_destroy(j->workers);
		mqueue_destroy(j->progress_q);
		free(j->spool);
		free(j);
		return rc;
	}
	*jp = j;
	claim_start(j);
	return 0;
}

void jobs_destroy(struct jobs *j)
{
	if (!j)
		return;
	j->stopping = true;
	for (struct run *r = j->running; r; r = r->next)
		atomic_store(&r->cancel, true);
	workers_destroy(j->workers); /* delivers exec_done: stopping, so runs are only freed */
	mqueue_destroy(j->progress_q);
	while (j->running)
		run_free(j, j->running);
	free(j->spool);
	free(j);
}
