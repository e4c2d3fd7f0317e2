/*
 * Worker threads for slow, CPU-bound steps (password hashing, later speech and
 * conversions): fn runs on a worker, done runs afterwards on the owner's loop.
 */
#ifndef CORE_WORKERS_H
#define CORE_WORKERS_H

#include <stddef.h>

struct loop;
struct workers;

typedef void(workers_fn)(void *arg);

/* n threads (at least 1); completions are delivered on loop. */
int workers_new(struct workers **wp, struct loop *loop, unsigned n);
/* Runs what is queued, joins, then delivers the remaining completions. */
void workers_destroy(struct workers *w);
/* Any thread. EOVERFLOW when more than limit jobs wait (backpressure); done may be NULL. */
int workers_submit(struct workers *w, workers_fn *fn, workers_fn *done, void *arg);
size_t workers_backlog(struct workers *w);

#endif
