/* Hierarchical timer wheel: 4 levels x 256 slots on 1 ms ticks, cascading downwards. */
#include <errno.h>

#include "core/mem.h"
#include "core/timer.h"

enum {
	WHEEL_BITS = 8,
	WHEEL_SLOTS = 1 << WHEEL_BITS,
	WHEEL_MASK = WHEEL_SLOTS - 1,
	WHEEL_LEVELS = 4,
};

/* Timers further out than the top level's span are parked there and re-cascaded. */
#define WHEEL_SPAN ((uint64_t)1 << (WHEEL_BITS * WHEEL_LEVELS))
/* Caps delays so expiry arithmetic never overflows (about 35 years). */
#define WHEEL_MAX_DELAY ((uint64_t)1 << 40)

struct timer_wheel {
	/* Each slot is a circular list whose head is a sentinel timer (fn == NULL). */
	struct timer slots[WHEEL_LEVELS][WHEEL_SLOTS];
	/* Timers detached from the slot being run: callbacks may cancel them safely. */
	struct timer running;
	uint64_t now; /* latest time given to advance(); delays count from here */
	uint64_t cur; /* next tick to process: every tick before it has run */
};

static void list_init(struct timer *head)
{
	head->next = head;
	head->prev = head;
}

static bool list_empty(const struct timer *head)
{
	return head->next == head;
}

static void list_append(struct timer *head, struct timer *t)
{
	t->prev = head->prev;
	t->next = head;
	head->prev->next = t;
	head->prev = t;
}

static void list_unlink(struct timer *t)
{
	t->prev->next = t->next;
	t->next->prev = t->prev;
	t->next = NULL;
	t->prev = NULL;
}

/* Moves every timer of src to the end of dst, leaving src empty. */
static void list_splice(struct timer *dst, struct timer *src)
{
	if (list_empty(src))
		return;
	src->next->prev = dst->prev;
	dst->prev->next = src->next;
	src->prev->next = dst;
	dst->prev = src->prev;
	list_init(src);
}

int timer_wheel_new(struct timer_wheel **wp, uint64_t now_ms)
{
	struct timer_wheel *w = xcalloc(1, sizeof(*w));

	for (int l = 0; l < WHEEL_LEVELS; l++)
		for (int s = 0; s < WHEEL_SLOTS; s++)
			list_init(&w->slots[l][s]);
	list_init(&w->running);
	w->now = now_ms;
	w->cur = now_ms + 1;
	*wp = w;
	return 0;
}

/* Leaves every timer idle so owners may still cancel them after the wheel is gone. */
static void list_drop_all(struct timer *head)
{
	while (!list_empty(head))
		list_unlink(head->next);
}

void timer_wheel_destroy(struct timer_wheel *w)
{
	if (!w)
		return;
	for (int l = 0; l < WHEEL_LEVELS; l++)
		for (int s = 0; s < WHEEL_SLOTS; s++)
			list_drop_all(&w->slots[l][s]);
	list_drop_all(&w->running);
	free(w);
}

void timer_init(struct timer *t)
{
	t->next = NULL;
	t->prev = NULL;
	t->expires_ms = 0;
	t->fn = NULL;
	t->arg = NULL;
}

/* Files t by its distance from the cursor: the level whose slot span covers it. */
static void wheel_insert(struct timer_wheel *w, struct timer *t)
{
	uint64_t e = t->expires_ms > w->cur ? t->expires_ms : w->cur;
	uint64_t diff = e - w->cur;
	int level = 0;

	if (diff >= WHEEL_SPAN) {
		e = w->cur + WHEEL_SPAN - 1;
		diff = WHEEL_SPAN - 1;
	}
	while (level < WHEEL_LEVELS - 1 && diff >= ((uint64_t)1 << (WHEEL_BITS * (level + 1))))
		level++;
	list_append(&w->slots[level][(e >> (WHEEL_BITS * level)) & WHEEL_MASK], t);
}

void timer_start(struct timer_wheel *w, struct timer *t, uint64_t delay_ms, timer_fn *fn, void *arg)
{
	if (t->next)
		list_unlink(t);
	if (delay_ms < 1)
		delay_ms = 1;
	if (delay_ms > WHEEL_MAX_DELAY)
		delay_ms = WHEEL_MAX_DELAY;
	t->expires_ms = w->now + delay_ms;
	t->fn = fn;
	t->arg = arg;
	wheel_insert(w, t);
}

void timer_cancel(struct timer *t)
{
	if (t && t->next)
		list_unlink(t);
}

bool timer_pending(const struct timer *t)
{
	return t->next != NULL;
}

uint64_t timer_remaining(const struct timer_wheel *w, const struct timer *t)
{
	if (!t->next)
		return UINT64_MAX;
	return t->expires_ms > w->now ? t->expires_ms - w->now : 0;
}

/*
 * The first tick >= c at which a non-empty slot is visited (run on level 0,
 * cascaded above), or UINT64_MAX. Exact for the wheel's structure, so never
 * later than the real next expiry; scanning stops at the best tick found so
 * far, which keeps the common case (a busy level 0) to a few slot checks.
 */
static uint64_t wheel_next_tick(const struct timer_wheel *w, uint64_t c)
{
	uint64_t best = UINT64_MAX;

	for (int l = 0; l < WHEEL_LEVELS; l++) {
		unsigned shift = WHEEL_BITS * (unsigned)l;
		uint64_t span = (uint64_t)1 << shift;
		uint64_t first = (c + span - 1) & ~(span - 1);

		if (first >= best)
			break;
		unsigned pos = (unsigned)(first >> shift) & WHEEL_MASK;
		for (unsigned k = 0; k < WHEEL_SLOTS; k++) {
			uint64_t at = first + ((uint64_t)k << shift);
			if (at >= best)
				break;
			if (!list_empty(&w->slots[l][(pos + k) & WHEEL_MASK])) {
				best = at;
				break;
			}
		}
	}
	return best;
}

/* Re-files every timer of one upper slot relative to the cursor (they move down). */
static void wheel_cascade(struct timer_wheel *w, int level, unsigned slot)
{
	struct timer tmp;

	list_init(&tmp);
	list_splice(&tmp, &w->slots[level][slot]);
	while (!list_empty(&tmp)) {
		struct timer *t = tmp.next;
		list_unlink(t);
		wheel_insert(w, t);
	}
}

/* Processes one tick: cascades that fall on it (top level first), then its level-0 slot. */
static void wheel_tick(struct timer_wheel *w, uint64_t tick)
{
	for (int l = WHEEL_LEVELS - 1; l >= 1; l--) {
		unsigned shift = WHEEL_BITS * (unsigned)l;
		if ((tick & (((uint64_t)1 << shift) - 1)) == 0)
			wheel_cascade(w, l, (unsigned)(tick >> shift) & WHEEL_MASK);
	}
	list_splice(&w->running, &w->slots[0][tick & WHEEL_MASK]);
	while (!list_empty(&w->running)) {
		struct timer *t = w->running.next;
		list_unlink(t);
		if (t->expires_ms > tick) {
			/* Cannot happen by construction; never fire early regardless. */
			wheel_insert(w, t);
			continue;
		}
		t->fn(t->arg);
	}
}

void timer_wheel_advance(struct timer_wheel *w, uint64_t now_ms)
{
	if (now_ms > w->now)
		w->now = now_ms;
	while (w->cur <= now_ms) {
		uint64_t tick = wheel_next_tick(w, w->cur);
		if (tick > now_ms) {
			w->cur = now_ms + 1;
			break;
		}
		/* The cursor stays on the tick while it runs so restarts file correctly. */
		w->cur = tick;
		wheel_tick(w, tick);
		w->cur = tick + 1;
	}
}

int64_t timer_wheel_next(const struct timer_wheel *w, uint64_t now_ms)
{
	if (!list_empty(&w->running))
		return 0;
	uint64_t tick = wheel_next_tick(w, w->cur);
	if (tick == UINT64_MAX)
		return -1;
	if (tick <= now_ms)
		return 0;
	if (tick - now_ms > INT64_MAX)
		return INT64_MAX;
	return (int64_t)(tick - now_ms);
}

/* Walks every slot: meant for statistics and tests, not for hot paths. */
unsigned timer_wheel_count(const struct timer_wheel *w)
{
	unsigned n = 0;

	for (int l = 0; l < WHEEL_LEVELS; l++)
		for (int s = 0; s < WHEEL_SLOTS; s++)
			for (const struct timer *t = w->slots[l][s].next; t != &w->slots[l][s];
			     t = t->next)
				n++;
	for (const struct timer *t = w->running.next; t != &w->running; t = t->next)
		n++;
	return n;
}
