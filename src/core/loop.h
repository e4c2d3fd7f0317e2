/*
 * The event loop: epoll for file descriptors, a timer wheel for time,
 * and deferred calls for freeing objects outside their own callbacks.
 * One loop per thread; nothing here is thread-safe except loop_stop().
 */
#ifndef CORE_LOOP_H
#define CORE_LOOP_H

#include <stdint.h>

#include "core/timer.h"

enum { LOOP_READ = 1u << 0, LOOP_WRITE = 1u << 1, LOOP_ERROR = 1u << 2 };

struct loop;
typedef void(loop_fd_fn)(int fd, unsigned events, void *arg);
typedef void(loop_defer_fn)(void *arg);

int loop_new(struct loop **lp);
void loop_destroy(struct loop *loop);

/* events: LOOP_READ|LOOP_WRITE; LOOP_ERROR (hangup/error) is always reported */
int loop_fd_add(struct loop *loop, int fd, unsigned events, loop_fd_fn *fn, void *arg);
int loop_fd_mod(struct loop *loop, int fd, unsigned events);
/* Safe from inside fn: no further callback for fd is made after this returns. */
void loop_fd_del(struct loop *loop, int fd);

/* Runs until loop_stop(); returns 0 or an errno from epoll. */
int loop_run(struct loop *loop);
/* One iteration waiting at most timeout_ms (-1 = until something happens). */
int loop_run_once(struct loop *loop, int timeout_ms);
/* From any thread or signal handler. */
void loop_stop(struct loop *loop);

struct timer_wheel *loop_timers(struct loop *loop);
/* Cached monotonic time, refreshed each iteration. */
uint64_t loop_now(const struct loop *loop);
/* Convenience: timer_start on this loop's wheel. */
void loop_timer_start(struct loop *loop, struct timer *t, uint64_t delay_ms, timer_fn *fn,
		      void *arg);

/* Calls fn(arg) after the current batch of callbacks (e.g. to free an object). */
void loop_defer(struct loop *loop, loop_defer_fn *fn, void *arg);

#endif
