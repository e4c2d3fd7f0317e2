/* Stemmed copies of texts for search: the same words and Snowball stems (ru, en) for the
 * indexed text and the query, so "звонила" finds "звонил" and "calling" finds "called". */
#ifndef SPEECH_STEM_H
#define SPEECH_STEM_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

#define STEM_MAX_QUERY_TERMS 16u

struct sb_stemmer;
struct stemmer {
	struct sb_stemmer *ru, *en; /* owned; one stemmer pair per thread (not shareable) */
	struct buf word;            /* the current word, lowercased */
};

void stemmer_open(struct stemmer *s);
void stemmer_close(struct stemmer *s);
/* The next word of [*p, end) and its stem (into stem, letters only: hyphens and apostrophes
 * are dropped, ё read as е); s->word holds the lowercased word. false at the end.
 * Numbers are skipped; words over 200 bytes are not words. */
bool stemmer_next(struct stemmer *s, const char **p, const char *end, struct buf *stem);
/* All stems of text, space-separated (empty for a text without words). Owned. */
char *stem_text(const char *text, size_t len);

/* A search: the query's distinct stems, at most STEM_MAX_QUERY_TERMS. */
struct stem_query {
	char *term[STEM_MAX_QUERY_TERMS]; /* owned */
	size_t n;
};
/* 0, EINVAL (no word in it) or EOVERFLOW (too many words). */
int stem_query_parse(const char *q, struct stem_query *out);
void stem_query_free(struct stem_query *q);
/* The FTS5 MATCH expression: every term, each as a quoted token (implicit AND). */
void stem_query_fts(const struct stem_query *q, struct buf *out);
/* Whether stem is one of the query's terms. */
bool stem_query_has(const struct stem_query *q, const char *stem);

#endif
