/* Thread message queues: a mutex-protected FIFO whose consumer is woken by an eventfd. */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "core/loop.h"
#include "core/mem.h"
#include "core/queue.h"

struct mqueue_item {
	struct mqueue_item *next;
	void *msg; /* owned until delivered */
};

struct mqueue {
	pthread_mutex_t lock;
	struct mqueue_item *head, *tail; /* owned, guarded by lock */
	size_t depth, limit;		 /* guarded by lock */
	int efd;
	struct loop *loop; /* borrowed: the consumer's */
	mqueue_fn *fn;
	void *arg; /* borrowed */
};

/* Takes the whole list at once so producers wait on the lock for a moment only. */
static struct mqueue_item *mqueue_take_all(struct mqueue *q)
{
	pthread_mutex_lock(&q->lock);
	struct mqueue_item *list = q->head;
	q->head = q->tail = NULL;
	q->depth = 0;
	pthread_mutex_unlock(&q->lock);
	return list;
}

/* Delivers what was waiting; later pushes have re-armed the eventfd for the next wake-up. */
static bool mqueue_deliver(struct mqueue *q)
{
	struct mqueue_item *it = mqueue_take_all(q);
	bool any = it != NULL;

	while (it) {
		struct mqueue_item *next = it->next;
		void *msg = it->msg;
		free(it);
		q->fn(msg, q->arg);
		it = next;
	}
	return any;
}

static void mqueue_on_wake(int fd, unsigned events, void *arg)
{
	struct mqueue *q = arg;
	uint64_t v;

	/* Reset the counter before draining: a push after this read wakes us again. */
	if (read(fd, &v, sizeof(v)) < 0) {
		/* EAGAIN: nothing new since the last drain */
	}
	mqueue_deliver(q);
}

int mqueue_new(struct mqueue **qp, struct loop *loop, mqueue_fn *fn, void *arg)
{
	struct mqueue *q = xcalloc(1, sizeof(*q));
	int err;

	q->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (q->efd < 0) {
		err = errno;
		free(q);
		return err;
	}
	q->loop = loop;
	q->fn = fn;
	q->arg = arg;
	pthread_mutex_init(&q->lock, NULL);
	err = loop_fd_add(loop, q->efd, LOOP_READ, mqueue_on_wake, q);
	if (err) {
		pthread_mutex_destroy(&q->lock);
		close(q->efd);
		free(q);
		return err;
	}
	*qp = q;
	return 0;
}

void mqueue_destroy(struct mqueue *q)
{
	if (!q)
		return;
	loop_fd_del(q->loop, q->efd);
	while (mqueue_deliver(q)) {
		/* callbacks may push more; deliver those too */
	}
	close(q->efd);
	pthread_mutex_destroy(&q->lock);
	free(q);
}

int mqueue_push(struct mqueue *q, void *msg)
{
	struct mqueue_item *it = xmalloc(sizeof(*it));
	uint64_t one = 1;

	it->next = NULL;
	it->msg = msg;
	pthread_mutex_lock(&q->lock);
	if (q->limit && q->depth >= q->limit) {
		pthread_mutex_unlock(&q->lock);
		free(it);
		return EOVERFLOW;
	}
	if (q->tail)
		q->tail->next = it;
	else
		q->head = it;
	q->tail = it;
	q->depth++;
	pthread_mutex_unlock(&q->lock);
	if (write(q->efd, &one, sizeof(one)) < 0) {
		/* EAGAIN only when the counter is saturated: the consumer is awake anyway */
	}
	return 0;
}

size_t mqueue_depth(struct mqueue *q)
{
	pthread_mutex_lock(&q->lock);
	size_t n = q->depth;
	pthread_mutex_unlock(&q->lock);
	return n;
}

void mqueue_set_limit(struct mqueue *q, size_t limit)
{
	pthread_mutex_lock(&q->lock);
	q->limit = limit;
	pthread_mutex_unlock(&q->lock);
}
