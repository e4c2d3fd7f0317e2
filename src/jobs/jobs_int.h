/* Inside jobs/: one job being run on a worker, shared by jobs_exec.c and the kinds' files. */
#ifndef JOBS_JOBS_INT_H
#define JOBS_JOBS_INT_H

#include <jansson.h>

#include "jobs/jobs.h"

struct exec {
	const struct jobs_cfg *cfg;
	const struct jobs_row *r;
	atomic_bool *cancel;
	jobs_progress_fn *progress;
	void *arg;
	struct jobs_outcome *o;
	json_t *in;  /* the parameters */
	void *state; /* borrowed: the running kind's own state, for its backend calls */
	json_t *speech; /* the tenant's speech settings (jobs_settings.c), {} without */
};

/* jobs_settings.c: the backend the tenant chose for "tts_backend", "asr_backend" or
 * "summary_backend" (cfg->backend, when set, wins: tests), and its settings. */
const struct speech_backend *jobs_backend(const struct exec *x, const char *which);
/* Strings borrowed from x->speech and cfg->speech: valid while the job runs. */
void jobs_speech_config(const struct exec *x, const struct speech_backend *b,
			struct speech_config *sc);
void jobs_progress(struct exec *x, unsigned pct);
bool jobs_is_cancelled(const struct exec *x);
/* A backend call, retried by jobs_with_retries: 0 or an errno with err filled. */
typedef int(jobs_call_fn)(struct exec *x, char *err, size_t errlen);
/* Up to cfg->retries calls of fn with back-off; bad input (EINVAL, EBADMSG, ...) is final. */
int jobs_with_retries(struct exec *x, jobs_call_fn *fn);

/* jobs_transcribe.c: a recording (upload or file) into a dialogue, channel by channel. */
int jobs_run_transcribe(struct exec *x, json_t *res);

#endif
