/* Internal to media/: the adaptive jitter buffer in front of a transcoder's decoder. */
#ifndef MEDIA_JITTER_H
#define MEDIA_JITTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "media/rtp.h"

/*
 * MEDIA_JB_SLOTS packets at most (a full buffer releases its oldest at once); the delay
 * adapts between MEDIA_JB_MIN_MS and MEDIA_JB_MAX_MS, one ms per adapt call.
 */
enum { MEDIA_JB_SLOTS = 16, MEDIA_JB_SLOT = 1292, MEDIA_JB_MIN_MS = 20, MEDIA_JB_MAX_MS = 200 };

struct media_jb_stats {
	uint32_t late;	   /* arrived after a later packet was released: dropped */
	uint32_t dup;	   /* already buffered: dropped */
	uint32_t overflow; /* released early because the buffer was full */
	uint32_t rebase;   /* the playout clock was set again (start, new SSRC, drift, jump) */
};

struct media_jb;

/* Packets of one stream in clock-rate units. Never NULL. */
struct media_jb *media_jb_new(uint32_t clock_rate);
void media_jb_destroy(struct media_jb *jb); /* NULL-safe */

/*
 * Keeps a copy of the RTP packet (h decoded from it) that arrived at now_ms. 0, EALREADY (late
 * or a duplicate: dropped) or EMSGSIZE (bigger than a slot).
 */
int media_jb_put(struct media_jb *jb, const uint8_t *pkt, size_t len, const struct rtp_header *h,
		 uint64_t now_ms);
/* The next packet due by now_ms, in sequence order, or NULL; valid until the next call. */
const uint8_t *media_jb_get(struct media_jb *jb, uint64_t now_ms, size_t *len);
/* When the next packet is due (monotonic ms), or 0 when the buffer is empty. */
uint64_t media_jb_next_ms(const struct media_jb *jb);
/* The delay the buffer moves towards (the caller's jitter estimate makes it). */
void media_jb_set_target(struct media_jb *jb, unsigned ms);
unsigned media_jb_delay_ms(const struct media_jb *jb);
size_t media_jb_count(const struct media_jb *jb);
struct media_jb_stats media_jb_stats(const struct media_jb *jb);

#endif
