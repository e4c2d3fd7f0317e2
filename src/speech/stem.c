/* Stemmed text for search: words as the summariser reads them, stemmed by script (libstemmer). */
#include <errno.h>
#include <libstemmer.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "speech/stem.h"
#include "speech/summary.h"

void stemmer_open(struct stemmer *s)
{
	s->ru = sb_stemmer_new("russian", "UTF_8");
	s->en = sb_stemmer_new("english", "UTF_8");
	buf_init(&s->word, 0);
}

void stemmer_close(struct stemmer *s)
{
	sb_stemmer_delete(s->ru);
	sb_stemmer_delete(s->en);
	buf_free(&s->word);
	memset(s, 0, sizeof(*s));
}

/* ё -> е in place (both two bytes): speakers and recognisers write either. */
static void fold_yo(struct buf *w)
{
	for (size_t i = 0; i + 1 < w->len; i++)
		if ((unsigned char)w->data[i] == 0xd1 && (unsigned char)w->data[i + 1] == 0x91) {
			w->data[i] = (char)0xd0;
			w->data[i + 1] = (char)0xb5;
		}
}

bool stemmer_next(struct stemmer *s, const char **p, const char *end, struct buf *stem)
{
	enum summary_script sc;

	while ((sc = summary_next_word(p, end, &s->word)) != SCRIPT_NONE) {
		struct sb_stemmer *st = sc == SCRIPT_CYRILLIC ? s->ru : s->en;
		const sb_symbol *out;

		if (!s->word.len || s->word.len > 200 || !st)
			continue;
		fold_yo(&s->word);
		out = sb_stemmer_stem(st, (const sb_symbol *)s->word.data, (int)s->word.len);
		if (!out)
			continue;
		buf_reset(stem);
		for (int i = 0; i < sb_stemmer_length(st); i++)
			if (out[i] != '-' && out[i] != '\'')
				buf_append(stem, &out[i], 1);
		if (stem->len) /* buf keeps it NUL-terminated: callers strcmp it */
			return true;
	}
	return false;
}

char *stem_text(const char *text, size_t len)
{
	struct stemmer s;
	struct buf out, stem;
	const char *p = text, *end = text + len;

	stemmer_open(&s);
	buf_init(&out, 0);
	buf_init(&stem, 0);
	while (stemmer_next(&s, &p, end, &stem)) {
		if (out.len)
			buf_append(&out, " ", 1);
		buf_append(&out, stem.data, stem.len);
	}
	buf_free(&stem);
	stemmer_close(&s);
	return out.data ? out.data : xstrdup("");
}

bool stem_query_has(const struct stem_query *q, const char *stem)
{
	for (size_t i = 0; i < q->n; i++)
		if (!strcmp(q->term[i], stem))
			return true;
	return false;
}

int stem_query_parse(const char *text, struct stem_query *q)
{
	struct stemmer s;
	struct buf stem;
	const char *p = text ? text : "", *end = p + strlen(p);
	int rc = 0;

	memset(q, 0, sizeof(*q));
	stemmer_open(&s);
	buf_init(&stem, 0);
	while (!rc && stemmer_next(&s, &p, end, &stem)) {
		if (stem_query_has(q, stem.data))
			continue;
		if (q->n == STEM_MAX_QUERY_TERMS)
			rc = EOVERFLOW;
		else
			q->term[q->n++] = xstrdup(stem.data);
	}
	buf_free(&stem);
	stemmer_close(&s);
	if (!rc && !q->n)
		rc = EINVAL;
	if (rc)
		stem_query_free(q);
	return rc;
}

void stem_query_free(struct stem_query *q)
{
	for (size_t i = 0; i < q->n; i++)
		free(q->term[i]);
	memset(q, 0, sizeof(*q));
}

void stem_query_fts(const struct stem_query *q, struct buf *out)
{
	/* stems hold letters only, so a quoted token needs no escaping */
	for (size_t i = 0; i < q->n; i++)
		buf_printf(out, "%s\"%s\"", i ? " " : "", q->term[i]);
}
