/* Growable byte buffers with a hard cap: every network-fed buffer has one. */
#ifndef CORE_BUF_H
#define CORE_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data; /* owned; always NUL-terminated after data[len] when cap > 0 */
	size_t len;
	size_t cap;
	size_t max; /* appends beyond max fail with EOVERFLOW; 0 = SIZE_MAX */
};

void buf_init(struct buf *b, size_t max);
void buf_free(struct buf *b);
void buf_reset(struct buf *b); /* len = 0, keeps memory */
int buf_reserve(struct buf *b, size_t extra);
int buf_append(struct buf *b, const void *data, size_t len);
int buf_puts(struct buf *b, const char *s);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Drops the first n bytes (a consumed TCP frame), moving the rest down. */
void buf_consume(struct buf *b, size_t n);

#endif
