/* Event loop: fd events through a pipe, timers, deferred calls, stop from a thread, fd_del. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/loop.h"
#include "core/time.h"

static struct loop *loop;
static int pfd[2], qfd[2];
static int nread, nwrite, nerror, nother, ntimer, ndefer;
static char got[16];

static int setup(void **state)
{
	nread = nwrite = nerror = nother = ntimer = ndefer = 0;
	if (pipe2(pfd, O_NONBLOCK) || pipe2(qfd, O_NONBLOCK))
		return -1;
	return loop_new(&loop);
}

static int teardown(void **state)
{
	loop_destroy(loop);
	for (int i = 0; i < 2; i++) {
		close(pfd[i]);
		close(qfd[i]);
	}
	return 0;
}

static void on_read(int fd, unsigned events, void *arg)
{
	if (events & LOOP_READ) {
		ssize_t n = read(fd, got, sizeof(got) - 1);
		if (n > 0) {
			got[n] = '\0';
			nread++;
		}
	}
	if (events & LOOP_ERROR)
		nerror++;
}

static void on_write(int fd, unsigned events, void *arg)
{
	if (events & LOOP_WRITE)
		nwrite++;
}

static void test_fd_events(void **state)
{
	assert_int_equal(loop_fd_add(loop, pfd[0], LOOP_READ, on_read, NULL), 0);
	assert_int_equal(loop_fd_add(loop, pfd[0], LOOP_READ, on_read, NULL), EEXIST);
	assert_int_equal(loop_run_once(loop, 0), 0);
	assert_int_equal(nread, 0);
	assert_int_equal(write(pfd[1], "hello", 5), 5);
	assert_int_equal(loop_run_once(loop, 1000), 0);
	assert_int_equal(nread, 1);
	assert_string_equal(got, "hello");

	assert_int_equal(loop_fd_add(loop, pfd[1], LOOP_WRITE, on_write, NULL), 0);
	assert_int_equal(loop_run_once(loop, 1000), 0);
	assert_int_equal(nwrite, 1);
	/* Level-triggered: still writable, reported again; after mod to READ, not at all. */
	assert_int_equal(loop_run_once(loop, 1000), 0);
	assert_int_equal(nwrite, 2);
	assert_int_equal(loop_fd_mod(loop, pfd[1], LOOP_READ), 0);
	assert_int_equal(loop_run_once(loop, 0), 0);
	assert_int_equal(nwrite, 2);
	loop_fd_del(loop, pfd[1]);

	/* Closing the writer is a hangup for the reader. */
	close(pfd[1]);
	pfd[1] = -1;
	assert_int_equal(loop_run_once(loop, 1000), 0);
	assert_int_equal(nerror, 1);
	loop_fd_del(loop, pfd[0]);
	assert_int_equal(loop_fd_mod(loop, pfd[0], LOOP_READ), ENOENT);
}

static void on_timer(void *arg)
{
	ntimer++;
	if (arg)
		loop_stop(arg);
}

static void test_timers(void **state)
{
	struct timer t1, t2;
	uint64_t start;

	/* Delays count from the loop's cached time (its last iteration), not from now. */
	loop_run_once(loop, 0);
	start = loop_now(loop);
	timer_init(&t1);
	timer_init(&t2);
	loop_timer_start(loop, &t1, 20, on_timer, NULL);
	loop_timer_start(loop, &t2, 60, on_timer, loop);
	assert_int_equal(loop_run(loop), 0);
	assert_int_equal(ntimer, 2);
	assert_true(time_mono_ms() - start >= 60);
	assert_true(loop_now(loop) - start >= 60);
	assert_true(timer_wheel_count(loop_timers(loop)) == 0);
}

static void on_defer(void *arg)
{
	ndefer++;
	if (arg)
		loop_defer(loop, on_defer, NULL); /* deferred from a deferred call */
}

static void on_read_defer(int fd, unsigned events, void *arg)
{
	char c[8];

	if (read(fd, c, sizeof(c)) > 0)
		nread++;
	loop_defer(loop, on_defer, loop);
	/* Not yet: deferred calls run after the batch. */
	assert_int_equal(ndefer, 0);
}

static void test_defer(void **state)
{
	assert_int_equal(loop_fd_add(loop, pfd[0], LOOP_READ, on_read_defer, NULL), 0);
	assert_int_equal(write(pfd[1], "x", 1), 1);
	assert_int_equal(loop_run_once(loop, 1000), 0);
	assert_int_equal(nread, 1);
	assert_int_equal(ndefer, 2);
	/* Pending deferred calls also run when the loop is destroyed. */
	loop_defer(loop, on_defer, NULL);
	loop_destroy(loop);
	loop = NULL;
	assert_int_equal(ndefer, 3);
	assert_int_equal(loop_new(&loop), 0);
}

static void *stopper(void *arg)
{
	usleep(50000);
	loop_stop(arg);
	return NULL;
}

static void test_stop_from_thread(void **state)
{
	pthread_t th;
	uint64_t start = time_mono_ms();

	assert_int_equal(pthread_create(&th, NULL, stopper, loop), 0);
	assert_int_equal(loop_run(loop), 0);
	pthread_join(th, NULL);
	assert_true(time_mono_ms() - start >= 40);
	/* The stop was consumed: a later run_once with a timeout just returns. */
	assert_int_equal(loop_run_once(loop, 0), 0);
}

/* Whichever fd is dispatched first deletes the other: the other must get no callback. */
static void on_kill_other(int fd, unsigned events, void *arg)
{
	int other = fd == pfd[0] ? qfd[0] : pfd[0];

	nread++;
	loop_fd_del(loop, other);
	loop_fd_del(loop, fd);
}

static void test_fd_del_in_callback(void **state)
{
	assert_int_equal(loop_fd_add(loop, pfd[0], LOOP_READ, on_kill_other, NULL), 0);
	assert_int_equal(loop_fd_add(loop, qfd[0], LOOP_READ, on_kill_other, NULL), 0);
	assert_int_equal(write(pfd[1], "a", 1), 1);
	assert_int_equal(write(qfd[1], "b", 1), 1);
	usleep(1000);
	assert_int_equal(loop_run_once(loop, 1000), 0);
	assert_int_equal(nread, 1);
	assert_int_equal(loop_run_once(loop, 10), 0);
	assert_int_equal(nread, 1);
	/* The fd can be registered again afterwards. */
	assert_int_equal(loop_fd_add(loop, pfd[0], LOOP_READ, on_read, NULL), 0);
	assert_int_equal(loop_run_once(loop, 1000), 0);
	assert_int_equal(nread, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_fd_events, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_timers, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_defer, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stop_from_thread, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_fd_del_in_callback, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
