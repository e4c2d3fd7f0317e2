/* Logging with levels: below the current level a call does no work at all. */
#ifndef CORE_LOG_H
#define CORE_LOG_H

#include <stdbool.h>
#include <stdint.h>

enum log_level { LL_ERROR, LL_WARN, LL_NOTICE, LL_INFO, LL_DEBUG };

extern int log_level_current;

void log_write(enum log_level level, const char *subsys, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void log_set_level(enum log_level level);
/* "error", "warn", "notice", "info", "debug": 0 or EINVAL */
int log_level_parse(const char *name, enum log_level *out);
/* Appends to path instead of stderr; NULL goes back to stderr. Reopened by log_reopen(). */
int log_open_file(const char *path);
void log_reopen(void);

#define LOG_AT(lvl, subsys, ...)                                                               \
	do {                                                                                   \
		if ((int)(lvl) <= log_level_current)                                           \
			log_write((lvl), (subsys), __VA_ARGS__);                               \
	} while (0)

#define log_error(subsys, ...) LOG_AT(LL_ERROR, subsys, __VA_ARGS__)
#define log_warn(subsys, ...) LOG_AT(LL_WARN, subsys, __VA_ARGS__)
#define log_notice(subsys, ...) LOG_AT(LL_NOTICE, subsys, __VA_ARGS__)
#define log_info(subsys, ...) LOG_AT(LL_INFO, subsys, __VA_ARGS__)
#define log_debug(subsys, ...) LOG_AT(LL_DEBUG, subsys, __VA_ARGS__)

/*
 * A token bucket for "log once per source": returns true when a line may be
 * written now. Owned by the caller (one per source or per kind of event).
 */
struct log_limit {
	uint64_t last_ms;
	uint32_t tokens;
	uint32_t suppressed;
};
bool log_limit_allow(struct log_limit *l, uint64_t now_ms, uint32_t burst, uint32_t per_ms);

#endif
