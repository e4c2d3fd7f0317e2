/* Allocation that never returns NULL: out of memory aborts the process. */
#ifndef CORE_MEM_H
#define CORE_MEM_H

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

void mem_oom(size_t size) __attribute__((noreturn));

static inline void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		mem_oom(n);
	return p;
}

static inline void *xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);
	if (!p)
		mem_oom(count * size);
	return p;
}

static inline void *xrealloc(void *old, size_t n)
{
	void *p = realloc(old, n ? n : 1);
	if (!p)
		mem_oom(n);
	return p;
}

static inline char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static inline char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

#endif
