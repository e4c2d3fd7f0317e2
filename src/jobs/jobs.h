/*
 * The persistent speech job queue: jobs of a tenant (chat and text summaries, TTS,
 * transcription) stored in the jobs table, started round-robin over tenants, run on a
 * dedicated pool of worker threads with retries, their result and usage record stored in
 * one store operation. Jobs left running by a crash are queued again at start-up.
 */
#ifndef JOBS_JOBS_H
#define JOBS_JOBS_H

#include <jansson.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "speech/speech.h"

struct db;
struct loop;
struct store;
struct jobs;

#define JOBS_MAX_ERROR 512

/* A claimed job, as the worker sees it. */
struct jobs_row {
	int64_t id, tenant_id;
	char kind[24];
	char *input;      /* owned: JSON text of the parameters */
	char *data;       /* owned: the uploaded blob (a chat export), or NULL */
	size_t data_len;
	char *speech;     /* owned: the tenant's speech settings as JSON, secrets included */
};

/* What running a job gave. */
struct jobs_outcome {
	bool ok;
	char *result;     /* owned: JSON text when ok */
	char error[JOBS_MAX_ERROR];
	unsigned attempts; /* backend calls made, retries included */
	struct speech_usage usage;
	bool has_usage;   /* a backend operation ran (usage is meaningful) */
	char *search;     /* owned: stems to index the result by (transcripts), or NULL */
};

struct jobs_cfg {
	const char *spool_dir;    /* job outputs (TTS WAVs) go here; created if missing */
	const struct speech_backend *backend; /* NULL: offline */
	const struct speech_config *speech;   /* borrowed, may be NULL */
	unsigned threads;         /* worker threads (2) */
	unsigned retries;         /* backend calls per job before it fails (3) */
	unsigned backoff_ms;      /* first retry delay, doubled each time (200) */
};

/* Loop thread: a job reached done or failed (its JSON as the API shows it, borrowed). */
typedef void(jobs_finished_fn)(void *arg, int64_t tenant_id, const char *type, const char *json);

/* Loop thread. Queues jobs left running by a crash again, then starts what is queued. */
int jobs_new(struct jobs **jp, struct loop *loop, struct store *store, const struct jobs_cfg *cfg,
	     jobs_finished_fn *fn, void *arg);
/* After the store has closed: running jobs finish or stay 'running' for the next start. */
void jobs_destroy(struct jobs *j);
/* Loop thread: jobs were queued, start them if a worker is free. */
void jobs_kick(struct jobs *j);
/* Loop thread: a running job was cancelled in the table; stop it between attempts. */
void jobs_cancelled(struct jobs *j, int64_t id);
/* The settings it runs with (the API finds TTS outputs through spool_dir). */
const struct jobs_cfg *jobs_config(const struct jobs *j);

/* jobs_store.c: store-thread steps over the tables (also used directly by tests). */
int jobs_db_add(struct db *db, int64_t tenant_id, const char *kind, const char *input,
		const void *data, size_t len, int64_t now, int64_t *id);
/* The next job, round-robin over tenants with queued jobs; marked running. ENOENT if none. */
int jobs_db_claim(struct db *db, int64_t now, struct jobs_row *out);
void jobs_row_free(struct jobs_row *r);
int jobs_db_progress(struct db *db, int64_t id, unsigned pct);
/* Stores the outcome and its usage record; ESTALE when the job is no longer running
 * (cancelled meanwhile: the result is discarded). */
int jobs_db_finish(struct db *db, const struct jobs_row *r, const struct jobs_outcome *o,
		   int64_t now);
/* Cancels a queued or running job of tenant (0: any). ENOENT if none, EALREADY when it
 * already ended. *was_running says whether a worker holds it. */
int jobs_db_cancel(struct db *db, int64_t id, int64_t tenant, int64_t now, bool *was_running);
/* running -> queued (start-up); the number of jobs requeued in *n. */
int jobs_db_recover(struct db *db, int64_t *n);
/* The job as JSON text (result parsed in), tenant 0 = any; NULL if none. Owned. */
char *jobs_db_json(struct db *db, int64_t id, int64_t tenant);

/* jobs_search.c: transcripts searchable (table transcripts_fts, migration 0013). */
struct stem_query;
/* Worker: the stems of a transcription result's utterances (owned; "" without words). */
char *jobs_transcript_stems(const json_t *result);
/* Store thread: (re)indexes job id; jobs_db_finish calls it for outcomes with search. */
int jobs_db_index(struct db *db, int64_t id, const char *stems);
/* Start-up: indexes finished transcriptions that are not (from before the index); *n of them. */
int jobs_db_index_missing(struct db *db, int64_t *n);
/* The tenant's (0: every tenant's) transcripts holding every query term, best first (bm25,
 * then newest): up to limit objects appended to items with their snippet; *more when there
 * are others after them. */
int jobs_db_search(struct db *db, int64_t tenant, const struct stem_query *q, long limit,
		   long offset, json_t *items, bool *more);

/* jobs_settings.c: each tenant's speech settings (table speech_settings, migration 0010). */
enum jobs_setting_kind { JS_BACKEND, JS_CHOICE, JS_TEXT, JS_URL, JS_SECRET, JS_INT };
struct jobs_setting {
	const char *name;           /* the column and the API's field */
	enum jobs_setting_kind kind;
	const char *op;             /* JS_BACKEND: "synthesize", "transcribe" or "summarize";
				     * JS_CHOICE: the values, "|"-separated ("" may be one) */
	long long lo, hi;           /* JS_INT: the range; text kinds: hi = the longest value */
	const char *def;            /* without a row (the column's default) */
	const char *hint;
};
extern const struct jobs_setting jobs_settings[]; /* ends with a NULL name */
const struct jobs_setting *jobs_setting_find(const char *name);
/* Store thread: the tenant's settings as JSON (owned; the defaults without a row). Without
 * secrets, each key is replaced by "<name>_set": true/false. */
char *jobs_db_speech(struct db *db, int64_t tenant, bool secrets);

/* jobs_exec.c: runs one job on the calling (worker) thread. cancel may be NULL. */
typedef void(jobs_progress_fn)(void *arg, int64_t id, unsigned pct);
void jobs_exec(const struct jobs_cfg *cfg, const struct jobs_row *r, atomic_bool *cancel,
	       jobs_progress_fn *progress, void *arg, struct jobs_outcome *o);
void jobs_outcome_free(struct jobs_outcome *o);
/* The WAV a TTS job writes. */
void jobs_audio_path(const struct jobs_cfg *cfg, int64_t id, char *out, size_t len);
bool jobs_kind_valid(const char *kind);

#endif
