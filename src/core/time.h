/* Clocks: monotonic for every timer, wall clock only for what people read. */
#ifndef CORE_TIME_H
#define CORE_TIME_H

#include <stddef.h>
#include <stdint.h>

uint64_t time_mono_ms(void);
uint64_t time_mono_us(void);
uint64_t time_wall_ms(void); /* Unix epoch */
/* ISO-8601 UTC with milliseconds, e.g. 2026-11-22T10:00:00.123Z; returns out */
char *time_iso8601(uint64_t wall_ms, char *out, size_t size);

#endif
