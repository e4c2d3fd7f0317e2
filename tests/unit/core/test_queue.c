/* Thread queues: two producers, every message delivered once, in per-producer order. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "core/loop.h"
#include "core/mem.h"
#include "core/queue.h"

enum { PER_PRODUCER = 50000 };

struct msg {
	int producer;
	int seq;
};

struct consumer {
	struct loop *loop;
	int next[2]; /* next expected seq per producer */
	int total;
	int out_of_order;
};

static void on_msg(void *m, void *arg)
{
	struct msg *msg = m;
	struct consumer *c = arg;

	if (msg->seq != c->next[msg->producer])
		c->out_of_order++;
	c->next[msg->producer] = msg->seq + 1;
	c->total++;
	free(msg);
	if (c->total == 2 * PER_PRODUCER)
		loop_stop(c->loop);
}

struct producer {
	struct mqueue *q;
	int id;
};

static void *produce(void *arg)
{
	struct producer *p = arg;

	for (int i = 0; i < PER_PRODUCER; i++) {
		struct msg *m = xmalloc(sizeof(*m));
		m->producer = p->id;
		m->seq = i;
		if (mqueue_push(p->q, m) != 0)
			abort();
	}
	return NULL;
}

static void test_two_producers(void **state)
{
	struct consumer c = {0};
	struct mqueue *q;
	pthread_t th[2];
	struct producer p[2];

	assert_int_equal(loop_new(&c.loop), 0);
	assert_int_equal(mqueue_new(&q, c.loop, on_msg, &c), 0);
	for (int i = 0; i < 2; i++) {
		p[i] = (struct producer){q, i};
		assert_int_equal(pthread_create(&th[i], NULL, produce, &p[i]), 0);
	}
	assert_int_equal(loop_run(c.loop), 0);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	assert_int_equal(c.total, 2 * PER_PRODUCER);
	assert_int_equal(c.out_of_order, 0);
	assert_int_equal(c.next[0], PER_PRODUCER);
	assert_int_equal(c.next[1], PER_PRODUCER);
	assert_int_equal(mqueue_depth(q), 0);
	mqueue_destroy(q);
	loop_destroy(c.loop);
}

static void count_msg(void *m, void *arg)
{
	(*(int *)arg)++;
	free(m);
}

static void test_limit_and_destroy_delivers(void **state)
{
	struct loop *loop;
	struct mqueue *q;
	int n = 0;

	assert_int_equal(loop_new(&loop), 0);
	assert_int_equal(mqueue_new(&q, loop, count_msg, &n), 0);
	mqueue_set_limit(q, 3);
	for (int i = 0; i < 3; i++)
		assert_int_equal(mqueue_push(q, xmalloc(8)), 0);
	void *extra = xmalloc(8);
	assert_int_equal(mqueue_push(q, extra), EOVERFLOW);
	free(extra);
	assert_int_equal(mqueue_depth(q), 3);
	assert_int_equal(loop_run_once(loop, 1000), 0);
	assert_int_equal(n, 3);
	assert_int_equal(mqueue_depth(q), 0);
	/* Messages still waiting at destroy time reach the consumer, not the bin. */
	assert_int_equal(mqueue_push(q, xmalloc(8)), 0);
	assert_int_equal(mqueue_push(q, xmalloc(8)), 0);
	mqueue_destroy(q);
	assert_int_equal(n, 5);
	loop_destroy(loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_two_producers),
	    cmocka_unit_test(test_limit_and_destroy_delivers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
