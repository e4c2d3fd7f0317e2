/* Zero-copy string slices: a pointer and a length into someone else's buffer. */
#ifndef CORE_STR_H
#define CORE_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "core/mem.h"

struct str {
	const char *p; /* borrowed; not NUL-terminated */
	size_t len;
};

#define STR(lit) ((struct str){ (lit), sizeof(lit) - 1 })
#define STR_NULL ((struct str){ NULL, 0 })
/* printf("%.*s", STR_FMT(s)) */
#define STR_FMT(s) (int)(s).len, (s).p

static inline struct str str_make(const char *p, size_t len)
{
	return (struct str){ p, len };
}

static inline struct str str_c(const char *cstr)
{
	return (struct str){ cstr, cstr ? strlen(cstr) : 0 };
}

static inline bool str_empty(struct str s)
{
	return s.len == 0;
}

static inline bool str_eq(struct str a, struct str b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

static inline bool str_eq_case(struct str a, struct str b)
{
	return a.len == b.len && (a.len == 0 || strncasecmp(a.p, b.p, a.len) == 0);
}

static inline bool str_eq_cstr(struct str a, const char *b)
{
	return str_eq(a, str_c(b));
}

static inline bool str_eq_case_cstr(struct str a, const char *b)
{
	return str_eq_case(a, str_c(b));
}

/* Owned NUL-terminated copy; free() it. */
static inline char *str_dup(struct str s)
{
	return xstrndup(s.p ? s.p : "", s.len);
}

/* Copies into dst (always NUL-terminated); EOVERFLOW-style truncation reported as false. */
bool str_copy(struct str s, char *dst, size_t size);

struct str str_trim(struct str s);             /* strips SP, HTAB, CR, LF both ends */
struct str str_sub(struct str s, size_t from);  /* suffix starting at from (clamped) */
const char *str_chr(struct str s, char c);      /* first c or NULL */
bool str_has_prefix_case(struct str s, const char *prefix);

/* Decimal unsigned, digits only, no sign or space: 0, EINVAL or EOVERFLOW (> max). */
int str_to_u64(struct str s, uint64_t max, uint64_t *out);
int str_to_u32(struct str s, uint32_t *out);

/* Splits s at the first sep: head before it, returns rest after it (or STR_NULL, head=s). */
struct str str_split(struct str s, char sep, struct str *head);

uint32_t str_hash(struct str s);      /* FNV-1a */
uint32_t str_hash_case(struct str s); /* FNV-1a over ASCII-lowercased bytes */

#endif
