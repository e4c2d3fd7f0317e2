/* String slice helpers that are too big to inline. */
#include <errno.h>

#include "core/str.h"

bool str_copy(struct str s, char *dst, size_t size)
{
	if (size == 0)
		return false;
	size_t n = s.len < size - 1 ? s.len : size - 1;
	if (n)
		memcpy(dst, s.p, n);
	dst[n] = '\0';
	return n == s.len;
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

struct str str_trim(struct str s)
{
	while (s.len && is_ws(s.p[0])) {
		s.p++;
		s.len--;
	}
	while (s.len && is_ws(s.p[s.len - 1]))
		s.len--;
	return s;
}

struct str str_sub(struct str s, size_t from)
{
	if (from >= s.len)
		return str_make(s.p ? s.p + s.len : NULL, 0);
	return str_make(s.p + from, s.len - from);
}

const char *str_chr(struct str s, char c)
{
	return s.len ? memchr(s.p, c, s.len) : NULL;
}

bool str_has_prefix_case(struct str s, const char *prefix)
{
	size_t n = strlen(prefix);
	return s.len >= n && strncasecmp(s.p, prefix, n) == 0;
}

int str_to_u64(struct str s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (s.len == 0)
		return EINVAL;
	for (size_t i = 0; i < s.len; i++) {
		unsigned d = (unsigned char)s.p[i] - '0';
		if (d > 9)
			return EINVAL;
		if (v > (max - d) / 10)
			return EOVERFLOW;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int str_to_u32(struct str s, uint32_t *out)
{
	uint64_t v;
	int err = str_to_u64(s, UINT32_MAX, &v);
	if (!err)
		*out = (uint32_t)v;
	return err;
}

struct str str_split(struct str s, char sep, struct str *head)
{
	const char *at = str_chr(s, sep);
	if (!at) {
		*head = s;
		return STR_NULL;
	}
	*head = str_make(s.p, (size_t)(at - s.p));
	return str_make(at + 1, s.len - (size_t)(at - s.p) - 1);
}

uint32_t str_hash(struct str s)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < s.len; i++) {
		h ^= (unsigned char)s.p[i];
		h *= 16777619u;
	}
	return h;
}

uint32_t str_hash_case(struct str s)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.p[i];
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		h ^= c;
		h *= 16777619u;
	}
	return h;
}
