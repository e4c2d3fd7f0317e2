/* Tests for the store thread: batching, order of completions, sync calls, per-op rollback, close. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/loop.h"
#include "core/mem.h"
#include "store/db.h"
#include "store/store.h"

enum { NOPS = 10000 };

static char tmpdir[64];
static char dburl[160];
static struct loop *loop;
static struct timer watchdog;
static bool timed_out;

static void on_watchdog(void *arg)
{
	timed_out = true;
	loop_stop(loop);
}

static int setup(void **state)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/zvonar-store-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	/* a directory that does not exist yet: store_open creates it */
	snprintf(dburl, sizeof(dburl), "sqlite:%s/var/lib/z.db", tmpdir);
	timed_out = false;
	if (loop_new(&loop))
		return -1;
	timer_init(&watchdog);
	loop_timer_start(loop, &watchdog, 30000, on_watchdog, NULL);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	timer_cancel(&watchdog);
	loop_destroy(loop);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static struct store *open_store(void)
{
	struct store *s = NULL;
	char err[256] = "";

	if (store_open(&s, loop, dburl, err, sizeof(err)))
		fail_msg("store_open: %s", err);
	return s;
}

/* Holds the store thread inside a batch until the test opens it. */
static pthread_mutex_t gate_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cond = PTHREAD_COND_INITIALIZER;
static bool gate_open;

static void op_gate(struct db *db, void *arg)
{
	pthread_mutex_lock(&gate_lock);
	while (!gate_open)
		pthread_cond_wait(&gate_cond, &gate_lock);
	pthread_mutex_unlock(&gate_lock);
}

static void gate_set(bool open)
{
	pthread_mutex_lock(&gate_lock);
	gate_open = open;
	pthread_cond_broadcast(&gate_cond);
	pthread_mutex_unlock(&gate_lock);
}

static void op_create(struct db *db, void *arg)
{
	assert_int_equal(db_exec(db, "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY)",
				 NULL, 0), 0);
}

struct count {
	int64_t n;
	const char *sql;
};

static void op_count(struct db *db, void *arg)
{
	struct count *c = arg;

	assert_int_equal(db_query_int(db, c->sql ? c->sql : "SELECT COUNT(*) FROM t", NULL, 0,
				      &c->n), 0);
}

static int64_t count_rows(struct store *s, const char *sql)
{
	struct count c = { .n = -1, .sql = sql };

	assert_int_equal(store_run_sync(s, op_count, &c), 0);
	return c.n;
}

struct order {
	int next;
	int wrong;
	int failed_inserts;
};

struct item {
	struct order *order;
	int seq;
};

static void op_insert(struct db *db, void *arg)
{
	struct item *it = arg;
	struct db_value p[] = { DBV_INT(it->seq) };

	if (db_exec(db, "INSERT INTO t (id) VALUES (?)", p, 1))
		it->order->failed_inserts++; /* store thread only: no race */
}

static void done_insert(void *arg)
{
	struct item *it = arg;

	if (it->seq != it->order->next)
		it->order->wrong++;
	it->order->next = it->seq + 1;
	if (it->order->next == NOPS)
		loop_stop(loop);
}

static void test_batch_10k_in_order(void **state)
{
	struct store *s = open_store();
	struct order order = { 0 };
	struct item *items = xcalloc(NOPS, sizeof(*items));
	uint64_t batches;

	assert_int_equal(store_run_sync(s, op_create, NULL), 0);
	batches = store_batch_count(s);
	gate_set(false);
	assert_int_equal(store_submit(s, op_gate, NULL, NULL), 0);
	for (int i = 0; i < NOPS; i++) {
		items[i] = (struct item){ .order = &order, .seq = i };
		assert_int_equal(store_submit(s, op_insert, done_insert, &items[i]), 0);
	}
	assert_true(store_queue_depth(s) >= NOPS);
	gate_set(true);
	assert_int_equal(loop_run(loop), 0);
	assert_false(timed_out);
	assert_int_equal(order.next, NOPS);
	assert_int_equal(order.wrong, 0);
	assert_int_equal(order.failed_inserts, 0);
	/* the gate's batch, then everything queued behind it in one more */
	assert_true(store_batch_count(s) - batches <= 2);
	assert_int_equal(count_rows(s, NULL), NOPS);
	assert_int_equal(store_queue_depth(s), 0);
	store_close(s);
	free(items);
}

static void op_insert_then_fail(struct db *db, void *arg)
{
	struct db_value p2[] = { DBV_INT(2) }, p1[] = { DBV_INT(1) };

	assert_int_equal(db_exec(db, "INSERT INTO t (id) VALUES (?)", p2, 1), 0);
	assert_int_equal(db_exec(db, "INSERT INTO t (id) VALUES (?)", p1, 1), EEXIST);
}

static void test_failing_op_rolls_back_only_itself(void **state)
{
	struct store *s = open_store();
	struct order order = { 0 };
	struct item one = { &order, 1 }, three = { &order, 3 };

	assert_int_equal(store_run_sync(s, op_create, NULL), 0);
	gate_set(false);
	assert_int_equal(store_submit(s, op_gate, NULL, NULL), 0);
	assert_int_equal(store_submit(s, op_insert, NULL, &one), 0);
	assert_int_equal(store_submit(s, op_insert_then_fail, NULL, NULL), 0);
	assert_int_equal(store_submit(s, op_insert, NULL, &three), 0);
	gate_set(true);
	assert_int_equal(count_rows(s, NULL), 2);
	assert_int_equal(count_rows(s, "SELECT SUM(id) FROM t"), 4); /* 1 and 3, not 2 */
	store_close(s);
}

struct sync_ctx {
	struct store *s;
	int64_t rows_seen;
	bool nested_ran;
};

static void op_nested(struct db *db, void *arg)
{
	((struct sync_ctx *)arg)->nested_ran = true;
}

static void op_sync_inside(struct db *db, void *arg)
{
	struct sync_ctx *c = arg;

	/* on the store thread: runs at once instead of waiting for itself */
	assert_int_equal(store_run_sync(c->s, op_nested, c), 0);
}

/* A completion on the loop thread calls store_run_sync: the store thread never waits on the loop. */
static void done_then_sync(void *arg)
{
	struct sync_ctx *c = arg;

	c->rows_seen = count_rows(c->s, NULL);
	loop_stop(loop);
}

static void test_run_sync(void **state)
{
	struct store *s = open_store();
	struct sync_ctx c = { .s = s, .rows_seen = -1 };
	struct order order = { 0 };
	struct item it = { &order, 7 };

	assert_int_equal(store_run_sync(s, op_create, NULL), 0);
	assert_int_equal(store_run_sync(s, op_sync_inside, &c), 0);
	assert_true(c.nested_ran);
	assert_int_equal(store_submit(s, op_insert, NULL, &it), 0);
	assert_int_equal(store_submit(s, op_nested, done_then_sync, &c), 0);
	assert_int_equal(loop_run(loop), 0);
	assert_false(timed_out);
	assert_int_equal(c.rows_seen, 1);
	store_close(s);
}

static int closed_done;

static void done_counted(void *arg)
{
	closed_done++;
}

static void test_close_runs_everything(void **state)
{
	struct store *s = open_store();
	struct order order = { 0 };
	struct item *items = xcalloc(1000, sizeof(*items));

	assert_int_equal(store_run_sync(s, op_create, NULL), 0);
	closed_done = 0;
	for (int i = 0; i < 1000; i++) {
		items[i] = (struct item){ .order = &order, .seq = i };
		assert_int_equal(store_submit(s, op_insert, done_counted, &items[i]), 0);
	}
	store_close(s); /* the loop never ran: close delivers the completions itself */
	assert_int_equal(closed_done, 1000);

	s = open_store();
	assert_int_equal(count_rows(s, NULL), 1000);
	store_close(s);
	free(items);
}

static void test_open_errors(void **state)
{
	struct store *s = (struct store *)1;
	char err[256] = "";

	assert_int_not_equal(store_open(&s, loop, "sqlite:/proc/nope/z.db", err, sizeof(err)), 0);
	assert_null(s);
	assert_true(strlen(err) > 0);
	assert_int_equal(store_open(&s, loop, "postgres://x/y", err, sizeof(err)), EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_batch_10k_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failing_op_rolls_back_only_itself, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_run_sync, setup, teardown),
		cmocka_unit_test_setup_teardown(test_close_runs_everything, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_errors, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
