/* Log lines: ISO-8601 time, level, subsystem, then the message; stderr or a file. */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "core/mem.h"
#include "core/time.h"

int log_level_current = LL_INFO;

static const char *const level_names[] = { "error", "warn", "notice", "info", "debug" };
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *log_fp;    /* NULL = stderr */
static char *log_path; /* owned */

void log_set_level(enum log_level level)
{
	log_level_current = (int)level;
}

int log_level_parse(const char *name, enum log_level *out)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
		if (strcmp(name, level_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return EINVAL;
}

void log_write(enum log_level level, const char *subsys, const char *fmt, ...)
{
	char when[40];
	va_list ap;

	time_iso8601(time_wall_ms(), when, sizeof(when));
	pthread_mutex_lock(&log_lock);
	FILE *fp = log_fp ? log_fp : stderr;
	fprintf(fp, "%s %s [%s] ", when, level_names[level], subsys);
	va_start(ap, fmt);
	vfprintf(fp, fmt, ap);
	va_end(ap);
	fputc('\n', fp);
	fflush(fp);
	pthread_mutex_unlock(&log_lock);
}

int log_open_file(const char *path)
{
	FILE *fp = NULL;

	if (path && *path) {
		fp = fopen(path, "a");
		if (!fp)
			return errno;
	}
	pthread_mutex_lock(&log_lock);
	if (log_fp)
		fclose(log_fp);
	log_fp = fp;
	free(log_path);
	log_path = fp ? xstrdup(path) : NULL;
	pthread_mutex_unlock(&log_lock);
	return 0;
}

void log_reopen(void)
{
	pthread_mutex_lock(&log_lock);
	if (log_path && log_fp) {
		FILE *fp = fopen(log_path, "a");
		if (fp) {
			fclose(log_fp);
			log_fp = fp;
		}
	}
	pthread_mutex_unlock(&log_lock);
}

bool log_limit_allow(struct log_limit *l, uint64_t now_ms, uint32_t burst, uint32_t per_ms)
{
	if (per_ms && now_ms > l->last_ms) {
		uint64_t refill = (now_ms - l->last_ms) / per_ms;
		if (refill) {
			l->tokens = refill + l->tokens > burst ? burst : (uint32_t)(l->tokens + refill);
			l->last_ms = now_ms;
		}
	} else if (l->last_ms == 0) {
		l->last_ms = now_ms;
		l->tokens = burst;
	}
	if (l->tokens == 0) {
		l->suppressed++;
		return false;
	}
	l->tokens--;
	return true;
}
