/*
 * The store thread: owns the database connection and runs submitted operations
 * in batches, one transaction per batch and one savepoint per operation, then
 * hands completions back to the submitter's loop in submission order.
 */
#ifndef STORE_STORE_H
#define STORE_STORE_H

#include <stddef.h>
#include <stdint.h>

struct db;
struct loop;
struct store;

/*
 * Runs on the store thread inside the batch's transaction. An op must not
 * BEGIN/COMMIT itself; if any of its statements fails, all of its own writes
 * are rolled back (the rest of the batch is kept).
 */
typedef void(store_op_fn)(struct db *db, void *arg);
/* Runs on the submitter's loop thread after the batch that ran the op committed. */
typedef void(store_done_fn)(void *arg);

/* Opens db (creating parent dir), migrates, starts the thread. completions are delivered on loop. */
int store_open(struct store **sp, struct loop *loop, const char *url, char *err, size_t errlen);
/* Runs everything queued, commits, joins, closes; pending completions are delivered first. */
void store_close(struct store *s);
/* From any thread; done may be NULL. EINVAL once the store is closing. */
int store_submit(struct store *s, store_op_fn *op, store_done_fn *done, void *arg);
/* Waits until op ran and its batch committed (start-up, ctl). Safe from the loop thread, and
 * from an op on the store thread (it then runs op at once). */
int store_run_sync(struct store *s, store_op_fn *op, void *arg);
/* An op refreshing the query planner's statistics (at open, then now and then). */
void store_analyze(struct db *db, void *arg);
/* Submitted ops whose batch has not finished yet. */
size_t store_queue_depth(const struct store *s);
/* Transactions committed so far (each holds one or more ops). */
uint64_t store_batch_count(const struct store *s);

#endif
