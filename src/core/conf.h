/*
 * Table-driven configuration: one table of keys describes types, defaults,
 * bounds and help; the same table reads the file, applies -o key=value and
 * prints the commented sample.
 */
#ifndef CORE_CONF_H
#define CORE_CONF_H

#include <stddef.h>
#include <stdio.h>

enum conf_type { CONF_STR, CONF_INT, CONF_BOOL };

struct conf_def {
	const char *key;
	enum conf_type type;
	size_t offset;      /* into the settings struct: char * (owned), int, or bool */
	const char *defval; /* textual default, NULL for an unset string */
	long min, max;      /* for CONF_INT */
	const char *help;   /* one line */
};

/* Fills every field from its default. */
void conf_defaults(const struct conf_def *table, void *base);
void conf_free(const struct conf_def *table, void *base);
/* 0, ENOENT (unknown key) or EINVAL (bad value); err gets a sentence. */
int conf_set(const struct conf_def *table, void *base, const char *key, const char *value,
	     char *err, size_t errlen);
/* "key=value" as given to -o */
int conf_set_pair(const struct conf_def *table, void *base, const char *pair, char *err,
		  size_t errlen);
/* Flat "key value" lines, '#' comments, blank lines; err names file:line. */
int conf_load_file(const struct conf_def *table, void *base, const char *path, char *err,
		   size_t errlen);
/* The commented sample file: each key's help and its default ("#key" when it has none). */
void conf_write_sample(const struct conf_def *table, const char *title, FILE *out);
/* Current values as "key value" lines (for `zvonarctl show settings`). */
void conf_dump(const struct conf_def *table, const void *base, FILE *out);

#endif
