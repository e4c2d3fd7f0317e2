/*
 * Thread message queues: many producers, one consumer loop woken by an eventfd.
 * Messages are owned pointers; ownership passes to the consumer callback.
 */
#ifndef CORE_QUEUE_H
#define CORE_QUEUE_H

#include <stddef.h>

struct loop;
struct mqueue;
typedef void(mqueue_fn)(void *msg, void *arg);

/* Consumer side: fn(msg, arg) runs on loop's thread for each message, in order. */
int mqueue_new(struct mqueue **qp, struct loop *loop, mqueue_fn *fn, void *arg);
/* Drops (without calling fn) nothing: remaining messages are delivered first. */
void mqueue_destroy(struct mqueue *q);
/* Any thread. 0, or EOVERFLOW when more than the queue's limit are waiting. */
int mqueue_push(struct mqueue *q, void *msg);
size_t mqueue_depth(struct mqueue *q);
void mqueue_set_limit(struct mqueue *q, size_t limit); /* 0 = unlimited (default) */

#endif
