/* Table-driven configuration: defaults, key=value overrides, flat files and dumps. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/conf.h"
#include "core/mem.h"
#include "core/str.h"

/* A config line longer than this is a mistake, not a setting. */
enum { CONF_MAX_LINE = 4096 };

static const struct conf_def *conf_find(const struct conf_def *table, struct str key)
{
	for (const struct conf_def *d = table; d->key; d++)
		if (str_eq_cstr(key, d->key))
			return d;
	return NULL;
}

static int conf_parse_bool(struct str v, bool *out)
{
	static const char *const yes[] = {"yes", "true", "on", "1"};
	static const char *const no[] = {"no", "false", "off", "0"};

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (str_eq_case_cstr(v, yes[i])) {
			*out = true;
			return 0;
		}
		if (str_eq_case_cstr(v, no[i])) {
			*out = false;
			return 0;
		}
	}
	return EINVAL;
}

/* Decimal with an optional minus sign; EINVAL when malformed or outside [min, max]. */
static int conf_parse_int(const struct conf_def *d, struct str v, int *out)
{
	bool neg = v.len > 0 && v.p[0] == '-';
	long min = d->min, max = d->max;
	uint64_t mag;

	if (min == 0 && max == 0) {
		min = INT_MIN;
		max = INT_MAX;
	}
	if (min < INT_MIN)
		min = INT_MIN;
	if (max > INT_MAX)
		max = INT_MAX;
	if (str_to_u64(str_sub(v, neg ? 1 : 0), (uint64_t)INT_MAX + 1, &mag) != 0)
		return EINVAL;
	long long n = neg ? -(long long)mag : (long long)mag;
	if (n < min || n > max)
		return EINVAL;
	*out = (int)n;
	return 0;
}

static int conf_apply(const struct conf_def *d, void *base, struct str v, char *err, size_t errlen)
{
	char *field = (char *)base + d->offset;

	switch (d->type) {
	case CONF_STR:
		free(*(char **)field);
		*(char **)field = str_dup(v);
		return 0;
	case CONF_INT:
		if (conf_parse_int(d, v, (int *)field) == 0)
			return 0;
		if (d->min == 0 && d->max == 0)
			snprintf(err, errlen, "%s: '%.*s' is not an integer", d->key, STR_FMT(v));
		else
			snprintf(err, errlen, "%s: '%.*s' is not an integer from %ld to %ld",
				 d->key, STR_FMT(v), d->min, d->max);
		return EINVAL;
	case CONF_BOOL:
		if (conf_parse_bool(v, (bool *)field) == 0)
			return 0;
		snprintf(err, errlen, "%s: '%.*s' is not yes/no/true/false/on/off/1/0", d->key,
			 STR_FMT(v));
		return EINVAL;
	}
	snprintf(err, errlen, "%s: unknown type", d->key);
	return EINVAL;
}

void conf_defaults(const struct conf_def *table, void *base)
{
	char err[256];

	for (const struct conf_def *d = table; d->key; d++) {
		char *field = (char *)base + d->offset;
		if (d->type == CONF_STR) {
			*(char **)field = d->defval ? xstrdup(d->defval) : NULL;
		} else if (!d->defval || conf_apply(d, base, str_c(d->defval), err, sizeof(err))) {
			/* A bad default is a bug in the table: fall back to zero. */
			if (d->type == CONF_INT)
				*(int *)field = 0;
			else
				*(bool *)field = false;
		}
	}
}

void conf_free(const struct conf_def *table, void *base)
{
	for (const struct conf_def *d = table; d->key; d++) {
		if (d->type != CONF_STR)
			continue;
		char **field = (char **)((char *)base + d->offset);
		free(*field);
		*field = NULL;
	}
}

static int conf_set_str(const struct conf_def *table, void *base, struct str key, struct str value,
			char *err, size_t errlen)
{
	const struct conf_def *d = conf_find(table, key);

	if (!d) {
		snprintf(err, errlen, "unknown key '%.*s'", STR_FMT(key));
		return ENOENT;
	}
	return conf_apply(d, base, value, err, errlen);
}

int conf_set(const struct conf_def *table, void *base, const char *key, const char *value,
	     char *err, size_t errlen)
{
	return conf_set_str(table, base, str_c(key), str_c(value ? value : ""), err, errlen);
}

int conf_set_pair(const struct conf_def *table, void *base, const char *pair, char *err,
		  size_t errlen)
{
	struct str key;
	struct str in = str_c(pair);
	struct str value = str_split(in, '=', &key);

	if (!str_chr(in, '=')) {
		snprintf(err, errlen, "'%s' is not key=value", pair);
		return EINVAL;
	}
	return conf_set_str(table, base, str_trim(key), str_trim(value), err, errlen);
}

/* One line: blank, a comment, or "key value" (value = rest of the line, trimmed). */
static int conf_line(const struct conf_def *table, void *base, struct str line, char *err,
		     size_t errlen)
{
	struct str key = STR_NULL, value;

	line = str_trim(line);
	if (line.len == 0 || line.p[0] == '#')
		return 0;
	size_t i = 0;
	while (i < line.len && line.p[i] != ' ' && line.p[i] != '\t')
		i++;
	key = str_make(line.p, i);
	value = str_trim(str_sub(line, i));
	return conf_set_str(table, base, key, value, err, errlen);
}

int conf_load_file(const struct conf_def *table, void *base, const char *path, char *err,
		   size_t errlen)
{
	char msg[512];
	char *line = NULL;
	size_t size = 0;
	unsigned lineno = 0;
	int rc = 0;
	FILE *f = fopen(path, "r");

	if (!f) {
		rc = errno;
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(rc));
		return rc;
	}
	for (ssize_t n; (n = getline(&line, &size, f)) >= 0;) {
		lineno++;
		if (n > CONF_MAX_LINE) {
			snprintf(err, errlen, "%s:%u: line longer than %d bytes", path, lineno,
				 CONF_MAX_LINE);
			rc = EINVAL;
			break;
		}
		rc = conf_line(table, base, str_make(line, (size_t)n), msg, sizeof(msg));
		if (rc) {
			snprintf(err, errlen, "%s:%u: %s", path, lineno, msg);
			break;
		}
	}
	if (!rc && ferror(f)) {
		rc = EIO;
		snprintf(err, errlen, "%s: read error", path);
	}
	free(line);
	fclose(f);
	return rc;
}

void conf_dump(const struct conf_def *table, const void *base, FILE *out)
{
	for (const struct conf_def *d = table; d->key; d++) {
		const char *field = (const char *)base + d->offset;
		switch (d->type) {
		case CONF_STR: {
			const char *s = *(char *const *)field;
			fprintf(out, "%s%s%s\n", d->key, s && *s ? " " : "", s ? s : "");
			break;
		}
		case CONF_INT:
			fprintf(out, "%s %d\n", d->key, *(const int *)field);
			break;
		case CONF_BOOL:
			fprintf(out, "%s %s\n", d->key, *(const bool *)field ? "yes" : "no");
			break;
		}
	}
}

void conf_write_sample(const struct conf_def *table, const char *title, FILE *out)
{
	fprintf(out, "# %s\n#\n# Flat \"key value\" lines; '#' starts a comment. Every value shown is the\n"
		     "# default; any key can also be given on the command line as -o key=value.\n",
		title);
	for (const struct conf_def *d = table; d->key; d++) {
		fprintf(out, "\n# %s", d->help);
		if (d->type == CONF_INT)
			fprintf(out, " [%ld..%ld]", d->min, d->max);
		else if (d->type == CONF_BOOL)
			fprintf(out, " [yes|no]");
		if (d->defval)
			fprintf(out, "\n%s %s\n", d->key, d->defval);
		else
			fprintf(out, "\n#%s\n", d->key);
	}
}
