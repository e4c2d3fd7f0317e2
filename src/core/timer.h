/*
 * Hierarchical timer wheel on the monotonic clock: O(1) start and cancel,
 * so tens of thousands of SIP transaction timers stay cheap.
 * Timers are embedded in their owner (no allocation per start).
 */
#ifndef CORE_TIMER_H
#define CORE_TIMER_H

#include <stdbool.h>
#include <stdint.h>

typedef void(timer_fn)(void *arg);

struct timer {
	struct timer *next, *prev; /* wheel slot list; NULL when idle */
	uint64_t expires_ms;
	timer_fn *fn;
	void *arg; /* borrowed */
};

struct timer_wheel;

int timer_wheel_new(struct timer_wheel **wp, uint64_t now_ms);
void timer_wheel_destroy(struct timer_wheel *w); /* pending timers are dropped */

void timer_init(struct timer *t);
/* (Re)starts t to fire fn(arg) after delay_ms (>= 1 tick). Restarting cancels first. */
void timer_start(struct timer_wheel *w, struct timer *t, uint64_t delay_ms, timer_fn *fn,
		 void *arg);
void timer_cancel(struct timer *t); /* idempotent; safe from inside any timer callback */
bool timer_pending(const struct timer *t);
/* ms remaining until t fires (0 if due), UINT64_MAX if not pending */
uint64_t timer_remaining(const struct timer_wheel *w, const struct timer *t);

/*
 * Runs every timer due at or before now_ms, in expiry order per tick.
 * Callbacks may start and cancel timers (including their own) and free owners.
 */
void timer_wheel_advance(struct timer_wheel *w, uint64_t now_ms);
/* ms until the next timer is due (0 if due now), or -1 if none; may be early, never late */
int64_t timer_wheel_next(const struct timer_wheel *w, uint64_t now_ms);
unsigned timer_wheel_count(const struct timer_wheel *w);

#endif
