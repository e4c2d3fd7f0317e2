/* The event loop: level-triggered epoll, a timer wheel and a deferred-call queue. */
#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "core/loop.h"
#include "core/mem.h"
#include "core/time.h"

enum { LOOP_BATCH = 128, LOOP_MAX_FDS = 1 << 22 };

struct loop_fd {
	loop_fd_fn *fn; /* NULL when the slot is free */
	void *arg;	/* borrowed */
	unsigned events;
	uint32_t gen; /* tags epoll data so events queued for an older registration are dropped */
};

struct loop_defer_item {
	loop_defer_fn *fn;
	void *arg;
};

struct loop {
	int epfd;
	int wakefd; /* eventfd written by loop_stop() */
	atomic_bool stop;
	struct loop_fd *fds; /* owned, indexed by fd */
	size_t nfds;
	uint32_t gen;
	struct timer_wheel *wheel; /* owned */
	uint64_t now;
	struct loop_defer_item *defers; /* owned */
	size_t ndefers, defers_cap;
};

int loop_new(struct loop **lp)
{
	struct loop *loop = xcalloc(1, sizeof(*loop));
	int err = 0;

	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	loop->wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (loop->epfd < 0 || loop->wakefd < 0) {
		err = errno;
		goto out;
	}
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = UINT64_MAX};
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, loop->wakefd, &ev) < 0) {
		err = errno;
		goto out;
	}
	atomic_init(&loop->stop, false);
	loop->now = time_mono_ms();
	timer_wheel_new(&loop->wheel, loop->now);
out:
	if (err) {
		if (loop->epfd >= 0)
			close(loop->epfd);
		if (loop->wakefd >= 0)
			close(loop->wakefd);
		free(loop);
		return err;
	}
	*lp = loop;
	return 0;
}

static void loop_run_defers(struct loop *loop)
{
	/* Deferred calls may defer more; those run in the same pass (the bound is re-read). */
	for (size_t i = 0; i < loop->ndefers; i++) {
		struct loop_defer_item d = loop->defers[i];
		d.fn(d.arg);
	}
	loop->ndefers = 0;
}

void loop_destroy(struct loop *loop)
{
	if (!loop)
		return;
	/* Pending frees must still happen or their objects leak. */
	loop_run_defers(loop);
	timer_wheel_destroy(loop->wheel);
	close(loop->epfd);
	close(loop->wakefd);
	free(loop->defers);
	free(loop->fds);
	free(loop);
}

static uint32_t loop_epoll_events(unsigned events)
{
	uint32_t ev = 0;

	if (events & LOOP_READ)
		ev |= EPOLLIN | EPOLLRDHUP;
	if (events & LOOP_WRITE)
		ev |= EPOLLOUT;
	return ev;
}

static int loop_fd_ctl(struct loop *loop, int op, int fd)
{
	struct loop_fd *f = &loop->fds[fd];
	struct epoll_event ev = {
	    .events = loop_epoll_events(f->events),
	    .data.u64 = (uint64_t)f->gen << 32 | (uint32_t)fd,
	};

	return epoll_ctl(loop->epfd, op, fd, &ev) < 0 ? errno : 0;
}

static void loop_fds_grow(struct loop *loop, size_t need)
{
	size_t n = loop->nfds ? loop->nfds : 64;

	while (n < need)
		n *= 2;
	loop->fds = xrealloc(loop->fds, n * sizeof(*loop->fds));
	memset(loop->fds + loop->nfds, 0, (n - loop->nfds) * sizeof(*loop->fds));
	loop->nfds = n;
}

int loop_fd_add(struct loop *loop, int fd, unsigned events, loop_fd_fn *fn, void *arg)
{
	if (fd < 0 || fd >= LOOP_MAX_FDS || !fn)
		return EINVAL;
	if ((size_t)fd >= loop->nfds)
		loop_fds_grow(loop, (size_t)fd + 1);
	struct loop_fd *f = &loop->fds[fd];
	if (f->fn)
		return EEXIST;
	f->fn = fn;
	f->arg = arg;
	f->events = events & (LOOP_READ | LOOP_WRITE);
	f->gen = ++loop->gen;
	int err = loop_fd_ctl(loop, EPOLL_CTL_ADD, fd);
	if (err)
		f->fn = NULL;
	return err;
}

int loop_fd_mod(struct loop *loop, int fd, unsigned events)
{
	if (fd < 0 || (size_t)fd >= loop->nfds || !loop->fds[fd].fn)
		return ENOENT;
	loop->fds[fd].events = events & (LOOP_READ | LOOP_WRITE);
	return loop_fd_ctl(loop, EPOLL_CTL_MOD, fd);
}

void loop_fd_del(struct loop *loop, int fd)
{
	if (fd < 0 || (size_t)fd >= loop->nfds || !loop->fds[fd].fn)
		return;
	loop->fds[fd].fn = NULL;
	loop->fds[fd].arg = NULL;
	/* The fd may already be closed (and then left epoll by itself): errors are fine. */
	epoll_ctl(loop->epfd, EPOLL_CTL_DEL, fd, NULL);
}

static void loop_dispatch(struct loop *loop, const struct epoll_event *ev)
{
	if (ev->data.u64 == UINT64_MAX) {
		uint64_t v;
		if (read(loop->wakefd, &v, sizeof(v)) < 0) {
			/* EAGAIN: another wake-up already drained it */
		}
		return;
	}
	int fd = (int)(uint32_t)ev->data.u64;
	uint32_t gen = (uint32_t)(ev->data.u64 >> 32);
	if ((size_t)fd >= loop->nfds)
		return;
	struct loop_fd *f = &loop->fds[fd];
	/* Deleted (or deleted and re-added) earlier in this batch: drop the stale event. */
	if (!f->fn || f->gen != gen)
		return;
	unsigned events = 0;
	if (ev->events & (EPOLLIN | EPOLLRDHUP))
		events |= LOOP_READ;
	if (ev->events & EPOLLOUT)
		events |= LOOP_WRITE;
	if (ev->events & (EPOLLERR | EPOLLHUP))
		events |= LOOP_ERROR | (f->events & LOOP_READ);
	f->fn(fd, events, f->arg);
}

static int loop_timeout(struct loop *loop, int timeout_ms)
{
	if (loop->ndefers || atomic_load(&loop->stop))
		return 0;
	int64_t next = timer_wheel_next(loop->wheel, loop->now);
	if (next < 0)
		return timeout_ms;
	if (timeout_ms >= 0 && next > timeout_ms)
		return timeout_ms;
	return next > INT32_MAX ? INT32_MAX : (int)next;
}

int loop_run_once(struct loop *loop, int timeout_ms)
{
	struct epoll_event evs[LOOP_BATCH];

	/* Fresh time for the wait, so work done since the last iteration never delays a timer. */
	loop->now = time_mono_ms();
	int n = epoll_wait(loop->epfd, evs, LOOP_BATCH, loop_timeout(loop, timeout_ms));

	if (n < 0 && errno != EINTR)
		return errno;
	loop->now = time_mono_ms();
	/* Timers first: fd callbacks then start timers from the same clock loop_now() shows. */
	timer_wheel_advance(loop->wheel, loop->now);
	loop_run_defers(loop);
	for (int i = 0; i < n; i++)
		loop_dispatch(loop, &evs[i]);
	loop_run_defers(loop);
	return 0;
}

int loop_run(struct loop *loop)
{
	int err = 0;

	while (!atomic_load(&loop->stop) && !err)
		err = loop_run_once(loop, -1);
	atomic_store(&loop->stop, false);
	return err;
}

void loop_stop(struct loop *loop)
{
	uint64_t one = 1;

	atomic_store(&loop->stop, true);
	/* write(2) and atomics are async-signal-safe; a full counter still wakes the loop. */
	if (write(loop->wakefd, &one, sizeof(one)) < 0) {
		/* EAGAIN: the counter is already non-zero, the loop will wake */
	}
}

struct timer_wheel *loop_timers(struct loop *loop)
{
	return loop->wheel;
}

uint64_t loop_now(const struct loop *loop)
{
	return loop->now;
}

void loop_timer_start(struct loop *loop, struct timer *t, uint64_t delay_ms, timer_fn *fn,
		      void *arg)
{
	timer_start(loop->wheel, t, delay_ms, fn, arg);
}

void loop_defer(struct loop *loop, loop_defer_fn *fn, void *arg)
{
	if (loop->ndefers == loop->defers_cap) {
		loop->defers_cap = loop->defers_cap ? loop->defers_cap * 2 : 16;
		loop->defers = xrealloc(loop->defers, loop->defers_cap * sizeof(*loop->defers));
	}
	loop->defers[loop->ndefers++] = (struct loop_defer_item){fn, arg};
}
