/*
 * Crash safety of the store thread: a child process keeps writing through the
 * store and reports each completion; it is killed with SIGKILL mid-stream. The
 * database must pass integrity_check and hold every write the child saw complete.
 */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/loop.h"
#include "core/mem.h"
#include "store/db.h"
#include "store/store.h"

enum { IN_FLIGHT = 64, KILL_AFTER = 3000 };

static char tmpdir[64];
static char dburl[256];

struct child {
	struct store *store;
	int fd; /* pipe to the parent */
	int32_t next_seq;
};

struct write_op {
	struct child *c;
	int32_t seq;
};

static void op_write(struct db *db, void *arg)
{
	struct write_op *w = arg;
	char payload[200];
	struct db_value p[2];

	memset(payload, 'a' + w->seq % 26, sizeof(payload) - 1);
	payload[sizeof(payload) - 1] = '\0';
	p[0] = DBV_INT(w->seq);
	p[1] = DBV_TEXT(payload);
	if (db_exec(db, "INSERT INTO t (id, payload) VALUES (?, ?)", p, 2))
		_exit(3);
}

static void child_submit(struct child *c);

/* The completion is reported only now, after COMMIT: the parent's list is "acknowledged". */
static void done_write(void *arg)
{
	struct write_op *w = arg;
	struct child *c = w->c;

	if (write(c->fd, &w->seq, sizeof(w->seq)) != sizeof(w->seq))
		_exit(0); /* the parent went away */
	free(w);
	child_submit(c);
}

static void child_submit(struct child *c)
{
	struct write_op *w = xmalloc(sizeof(*w));

	w->c = c;
	w->seq = c->next_seq++;
	if (store_submit(c->store, op_write, done_write, w))
		_exit(4);
}

static void op_create(struct db *db, void *arg)
{
	if (db_exec(db, "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, payload TEXT)",
		    NULL, 0))
		_exit(5);
}

static void __attribute__((noreturn)) child_main(int fd)
{
	struct child c = { .fd = fd };
	struct loop *loop;
	char err[256];

	signal(SIGPIPE, SIG_IGN);
	if (loop_new(&loop) || store_open(&c.store, loop, dburl, err, sizeof(err)))
		_exit(2);
	store_run_sync(c.store, op_create, NULL);
	for (int i = 0; i < IN_FLIGHT; i++)
		child_submit(&c);
	loop_run(loop);
	_exit(6);
}

/* Reads completions until KILL_AFTER, kills the child, then drains what it had written. */
static int32_t parent_collect(pid_t pid, int fd)
{
	int32_t seq, expect = 0;
	bool killed = false;
	int status = 0;

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;

		assert_int_equal(poll(&pfd, 1, 20000), 1);
		n = read(fd, &seq, sizeof(seq));
		if (n == 0)
			break;
		assert_int_equal(n, sizeof(seq));
		assert_int_equal(seq, expect); /* completions arrive in submission order */
		expect++;
		if (expect == KILL_AFTER && !killed) {
			assert_int_equal(kill(pid, SIGKILL), 0);
			killed = true;
		}
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	return expect;
}

static int text_col(const struct db_row *row, void *arg)
{
	return db_value_copy(&row->cols[0], arg, 64);
}

static void crash_once(const char *options)
{
	int fds[2];
	pid_t pid;
	int32_t acked;
	int64_t present = -1;
	char err[256] = "", check[64] = "", path[160];
	struct db *db = NULL;

	snprintf(path, sizeof(path), "%s/crash%s.db", tmpdir, options[0] ? "-full" : "");
	snprintf(dburl, sizeof(dburl), "sqlite:%s%s", path, options);
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		child_main(fds[1]);
	}
	close(fds[1]);
	acked = parent_collect(pid, fds[0]);
	close(fds[0]);
	assert_true(acked >= KILL_AFTER);

	assert_int_equal(db_open(&db, path, err, sizeof(err)), 0);
	assert_int_equal(db_query(db, "PRAGMA integrity_check", NULL, 0, text_col, check), 0);
	assert_string_equal(check, "ok");
	struct db_value p[] = { DBV_INT(acked) };
	assert_int_equal(db_query_int(db, "SELECT COUNT(*) FROM t WHERE id < ?", p, 1, &present),
			 0);
	assert_int_equal(present, acked);
	db_close(db);
}

static void test_kill9_keeps_acknowledged_writes(void **state)
{
	crash_once("");
}

static void test_kill9_sync_full(void **state)
{
	crash_once("?sync=full");
}

static int setup(void **state)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/zvonar-crash-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_kill9_keeps_acknowledged_writes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_kill9_sync_full, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
