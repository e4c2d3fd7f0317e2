/* Per-source-IP request rate limit (token bucket) with temporary bans, like Kamailio pike. */
#ifndef SIP_FLOOD_H
#define SIP_FLOOD_H

#include <stdbool.h>
#include <stdint.h>

#include "net/addr.h"

struct sip_flood; /* per-source-IP request rate limit (token bucket), like Kamailio pike */

/* burst 0 = rate_per_s (one second of traffic); ban_s 0 = refuse only the excess, no ban. */
int sip_flood_new(struct sip_flood **fp, unsigned rate_per_s, unsigned burst, unsigned ban_s);
void sip_flood_destroy(struct sip_flood *f);
/* false when src exceeded rate (then it stays blocked ban_s; one log line per ban). rate 0 = off */
bool sip_flood_allow(struct sip_flood *f, const struct sa *src, uint64_t now_ms);
void sip_flood_gc(struct sip_flood *f, uint64_t now_ms);
/* Sources being tracked (for metrics and tests). */
size_t sip_flood_count(const struct sip_flood *f);

#endif
