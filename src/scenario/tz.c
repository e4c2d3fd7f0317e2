/*
 * Time zones from the system tz database: TZif files (RFC 8536) read directly, and their
 * POSIX TZ footer for times past the last transition. localtime_r() would consult the
 * process-global TZ, which one thread cannot change safely for another, so we do not use it.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "scenario/scenario_int.h"

#define MAX_FILE (64 * 1024) /* real zone files are a few KB */
#define MAX_TIMES 2400 /* "fat" files list about 240 transitions */

struct tz {
	size_t ntimes, ntypes;
	int64_t times[MAX_TIMES];
	uint8_t idx[MAX_TIMES];
	int32_t utoff[256];
	char footer[128];
};

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const uint8_t *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/* Reads one header + data block at p; *used gets its size. tsize is 4 (v1) or 8 bytes. */
static int parse_block(struct tz *z, const uint8_t *p, size_t len, size_t tsize, size_t *used)
{
	if (len < 44 || memcmp(p, "TZif", 4) != 0)
		return EBADMSG;
	uint32_t isut = be32(p + 20), isstd = be32(p + 24), leap = be32(p + 28);
	uint32_t timecnt = be32(p + 32), typecnt = be32(p + 36), charcnt = be32(p + 40);
	if (timecnt > MAX_TIMES || typecnt == 0 || typecnt > 256 || leap > 10000 ||
	    charcnt > 10000 || isut > typecnt || isstd > typecnt)
		return EBADMSG;
	size_t need = 44 + timecnt * (tsize + 1) + typecnt * 6 + charcnt + leap * (tsize + 4) +
		      isstd + isut;
	if (need > len)
		return EBADMSG;
	const uint8_t *q = p + 44;
	z->ntimes = timecnt;
	z->ntypes = typecnt;
	for (size_t i = 0; i < timecnt; i++, q += tsize)
		z->times[i] = tsize == 8 ? be64(q) : (int32_t)be32(q);
	for (size_t i = 0; i < timecnt; i++)
		if ((z->idx[i] = *q++) >= typecnt)
			return EBADMSG;
	for (size_t i = 0; i < typecnt; i++, q += 6)
		z->utoff[i] = (int32_t)be32(q);
	*used = need;
	return 0;
}

static int parse(struct tz *z, const uint8_t *p, size_t len)
{
	size_t used;
	int rc = parse_block(z, p, len, 4, &used);

	if (rc || p[4] < '2')
		return rc;
	size_t off = used;
	if ((rc = parse_block(z, p + off, len - off, 8, &used)))
		return rc;
	off += used;
	if (off < len && p[off] == '\n') {
		const uint8_t *end = memchr(p + off + 1, '\n', len - off - 1);
		size_t n = end ? (size_t)(end - p - off - 1) : 0;
		if (n < sizeof(z->footer)) {
			memcpy(z->footer, p + off + 1, n);
			z->footer[n] = '\0';
		}
	}
	return 0;
}

static bool zone_name_ok(const char *zone)
{
	size_t n = strlen(zone);

	return n > 0 && n < 64 && zone[0] != '/' && !strstr(zone, "..") &&
	       strspn(zone, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/_+-") ==
		       n;
}

static int tz_load(struct tz *z, const char *zone)
{
	const char *dir = getenv("TZDIR");
	char path[512];

	if (!zone_name_ok(zone))
		return EINVAL;
	snprintf(path, sizeof(path), "%s/%s", dir && dir[0] ? dir : "/usr/share/zoneinfo", zone);
	FILE *f = fopen(path, "rb");
	if (!f)
		return ENOENT;
	uint8_t *buf = xmalloc(MAX_FILE);
	size_t n = fread(buf, 1, MAX_FILE, f);
	fclose(f);
	memset(z, 0, offsetof(struct tz, times));
	z->footer[0] = '\0';
	int rc = n == MAX_FILE ? EBADMSG : parse(z, buf, n);
	free(buf);
	return rc;
}

int scenario_tz_posix_offset(const char *spec, int64_t t, int *offset);

int scenario_tz_offset(const char *zone, int64_t t, int *offset)
{
	struct tz *z = xmalloc(sizeof(*z));
	int rc = tz_load(z, zone);

	if (rc)
		goto out;
	size_t lo = 0, hi = z->ntimes;
	while (lo < hi) { /* the first transition after t */
		size_t mid = (lo + hi) / 2;
		if (z->times[mid] <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == z->ntimes && z->footer[0] &&
	    scenario_tz_posix_offset(z->footer, t, offset) == 0)
		goto out;
	*offset = z->utoff[lo ? z->idx[lo - 1] : 0];
out:
	free(z);
	return rc;
}

int scenario_tz_check(const char *zone)
{
	int off;
	return scenario_tz_offset(zone, 0, &off);
}
