/*
 * An adaptive jitter buffer, only where we decode (a relayed stream keeps the phones' own).
 * Packets wait, sorted by sequence number, until their timestamp comes on a playout clock that
 * runs the delay behind the first packet's arrival; reordered packets are put back in order,
 * lost ones are left to the decoder's concealment. The delay follows a target the caller sets
 * from the measured jitter, a millisecond at a time so the stream does not jump. The clock is
 * set again on a new SSRC, and when packets keep coming later (the sender's clock is slower)
 * or far earlier (faster, or a jump) than it expects.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "media/jitter.h"

enum { MEDIA_JB_LATE_RUN = 3, MEDIA_JB_EARLY_MS = 1000 };

struct media_jb_slot {
	bool used;
	uint16_t seq;
	uint32_t ts;
	size_t len;
	uint8_t data[MEDIA_JB_SLOT];
};

struct media_jb {
	uint32_t rate;
	bool started, released; /* a clock is set; a packet has left (last_seq is valid) */
	uint32_t ssrc, base_ts;
	uint64_t base_ms;	/* when base_ts plays */
	uint16_t last_seq;	/* of the last packet released */
	unsigned delay, target; /* ms */
	unsigned late_run;
	size_t count;		    /* in slot[] */
	struct media_jb_slot spill; /* pushed out of a full buffer, due at once */
	struct media_jb_stats st;
	struct media_jb_slot slot[MEDIA_JB_SLOTS];
};

struct media_jb *media_jb_new(uint32_t clock_rate)
{
	struct media_jb *jb = xcalloc(1, sizeof(*jb));

	jb->rate = clock_rate ? clock_rate : 8000;
	jb->delay = jb->target = MEDIA_JB_MIN_MS * 2;
	return jb;
}

void media_jb_destroy(struct media_jb *jb)
{
	free(jb);
}

/* How far ts is past the playout point at now_ms, in ms (negative: not due yet). */
static int64_t media_jb_lateness(const struct media_jb *jb, uint32_t ts, uint64_t now_ms)
{
	int64_t at = (int64_t)(int32_t)(ts - jb->base_ts) * 1000 / jb->rate;

	return (int64_t)now_ms - (int64_t)jb->base_ms - at;
}

static void media_jb_rebase(struct media_jb *jb, uint32_t ts, uint64_t now_ms)
{
	jb->started = true;
	jb->base_ts = ts;
	jb->base_ms = now_ms + jb->delay;
	jb->late_run = 0;
	jb->st.rebase++;
}

/* The slot with the lowest sequence number after the last released one, or NULL. */
static struct media_jb_slot *media_jb_head(const struct media_jb *jb)
{
	const struct media_jb_slot *best = NULL;

	for (size_t i = 0; i < MEDIA_JB_SLOTS; i++) {
		const struct media_jb_slot *s = &jb->slot[i];
		if (s->used && (!best || (int16_t)(s->seq - best->seq) < 0))
			best = s;
	}
	return (struct media_jb_slot *)best;
}

/* The clock follows the stream: a new source, a sender running slow or far ahead. */
static void media_jb_clock(struct media_jb *jb, const struct rtp_header *h, uint64_t now_ms)
{
	if (!jb->started || h->ssrc != jb->ssrc) {
		jb->ssrc = h->ssrc;
		jb->released = false;
		media_jb_rebase(jb, h->ts, now_ms);
		return;
	}
	int64_t late = media_jb_lateness(jb, h->ts, now_ms);
	if (late > (int64_t)jb->delay)
		jb->late_run++;
	else
		jb->late_run = 0;
	if (jb->late_run >= MEDIA_JB_LATE_RUN || late < -(int64_t)(jb->delay + MEDIA_JB_EARLY_MS))
		media_jb_rebase(jb, h->ts, now_ms);
}

int media_jb_put(struct media_jb *jb, const uint8_t *pkt, size_t len, const struct rtp_header *h,
		 uint64_t now_ms)
{
	if (len > MEDIA_JB_SLOT)
		return EMSGSIZE;
	media_jb_clock(jb, h, now_ms);
	if (jb->released && (int16_t)(h->seq - jb->last_seq) <= 0) {
		jb->st.late++;
		return EALREADY;
	}
	struct media_jb_slot *free_slot = NULL;
	for (size_t i = 0; i < MEDIA_JB_SLOTS; i++) {
		struct media_jb_slot *s = &jb->slot[i];
		if (s->used && s->seq == h->seq) {
			jb->st.dup++;
			return EALREADY;
		}
		if (!s->used && !free_slot)
			free_slot = s;
	}
	if (!free_slot) {
		/* full: the oldest leaves at once (an untaken spill is lost); this one gets its slot */
		free_slot = media_jb_head(jb);
		jb->spill = *free_slot;
		jb->count--;
		jb->st.overflow++;
	}
	free_slot->used = true;
	free_slot->seq = h->seq;
	free_slot->ts = h->ts;
	free_slot->len = len;
	memcpy(free_slot->data, pkt, len);
	jb->count++;
	return 0;
}

/* One step of the delay towards the target, moving the clock with it. */
static void media_jb_adapt(struct media_jb *jb)
{
	if (jb->delay < jb->target) {
		jb->delay++;
		jb->base_ms++;
	} else if (jb->delay > jb->target) {
		jb->delay--;
		jb->base_ms--;
	}
}

const uint8_t *media_jb_get(struct media_jb *jb, uint64_t now_ms, size_t *len)
{
	struct media_jb_slot *s = jb->spill.used ? &jb->spill : media_jb_head(jb);

	if (!s || (s != &jb->spill && media_jb_lateness(jb, s->ts, now_ms) < 0))
		return NULL;
	media_jb_adapt(jb);
	if (s != &jb->spill)
		jb->count--;
	s->used = false;
	jb->released = true;
	jb->last_seq = s->seq;
	*len = s->len;
	return s->data;
}

uint64_t media_jb_next_ms(const struct media_jb *jb)
{
	const struct media_jb_slot *s = media_jb_head(jb);

	if (jb->spill.used)
		return 1; /* due already */
	if (!s)
		return 0;
	int64_t at =
	    (int64_t)jb->base_ms + (int64_t)(int32_t)(s->ts - jb->base_ts) * 1000 / jb->rate;
	return at > 0 ? (uint64_t)at : 1;
}

void media_jb_set_target(struct media_jb *jb, unsigned ms)
{
	jb->target = ms < MEDIA_JB_MIN_MS   ? MEDIA_JB_MIN_MS
		     : ms > MEDIA_JB_MAX_MS ? MEDIA_JB_MAX_MS
					    : ms;
}

unsigned media_jb_delay_ms(const struct media_jb *jb)
{
	return jb->delay;
}

size_t media_jb_count(const struct media_jb *jb)
{
	return jb->count + (jb->spill.used ? 1 : 0);
}

struct media_jb_stats media_jb_stats(const struct media_jb *jb)
{
	return jb->st;
}
