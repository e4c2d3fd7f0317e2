/* A fixed pool of threads taking jobs from one locked list; completions go back by mqueue. */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "core/mem.h"
#include "core/queue.h"
#include "core/workers.h"

#define WORKERS_MAX 64
#define WORKERS_BACKLOG 10000

struct job {
	struct job *next;
	workers_fn *fn, *done;
	void *arg;
};

struct workers {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct job *head, **tail;
	size_t backlog;
	bool stop;
	unsigned n;
	pthread_t tids[WORKERS_MAX];
	struct mqueue *done_q; /* owned: finished jobs back to the loop */
};

static void *worker_main(void *arg)
{
	struct workers *w = arg;

	for (;;) {
		struct job *j;
		pthread_mutex_lock(&w->mu);
		while (!w->head && !w->stop)
			pthread_cond_wait(&w->cv, &w->mu);
		if (!w->head) {
			pthread_mutex_unlock(&w->mu);
			return NULL;
		}
		j = w->head;
		w->head = j->next;
		if (!w->head)
			w->tail = &w->head;
		w->backlog--;
		pthread_mutex_unlock(&w->mu);
		j->fn(j->arg);
		mqueue_push(w->done_q, j);
	}
}

static void on_done(void *msg, void *arg)
{
	struct job *j = msg;
	if (j->done)
		j->done(j->arg);
	free(j);
}

int workers_new(struct workers **wp, struct loop *loop, unsigned n)
{
	struct workers *w = xcalloc(1, sizeof(*w));
	int rc;

	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	w->tail = &w->head;
	if ((rc = mqueue_new(&w->done_q, loop, on_done, NULL))) {
		free(w);
		return rc;
	}
	n = n < 1 ? 1 : n > WORKERS_MAX ? WORKERS_MAX : n;
	for (w->n = 0; w->n < n; w->n++)
		if ((rc = pthread_create(&w->tids[w->n], NULL, worker_main, w)))
			break;
	if (!w->n) {
		mqueue_destroy(w->done_q);
		free(w);
		return rc;
	}
	*wp = w;
	return 0;
}

void workers_destroy(struct workers *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	w->stop = true;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	for (unsigned i = 0; i < w->n; i++)
		pthread_join(w->tids[i], NULL);
	mqueue_destroy(w->done_q);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	free(w);
}

int workers_submit(struct workers *w, workers_fn *fn, workers_fn *done, void *arg)
{
	struct job *j;

	pthread_mutex_lock(&w->mu);
	if (w->backlog >= WORKERS_BACKLOG || w->stop) {
		pthread_mutex_unlock(&w->mu);
		return EOVERFLOW;
	}
	j = xcalloc(1, sizeof(*j));
	j->fn = fn;
	j->done = done;
	j->arg = arg;
	*w->tail = j;
	w->tail = &j->next;
	w->backlog++;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	return 0;
}

size_t workers_backlog(struct workers *w)
{
	size_t n;
	pthread_mutex_lock(&w->mu);
	n = w->backlog;
	pthread_mutex_unlock(&w->mu);
	return n;
}
