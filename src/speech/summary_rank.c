/* TextRank over TF-IDF cosine similarity of stemmed sentences; keywords from the ranked stems. */
#include <errno.h>
#include <libstemmer.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hmap.h"
#include "core/mem.h"
#include "core/str.h"
#include "speech/summary.h"

#define DAMPING 0.85
#define ITERATIONS 60
#define MAX_TERMS_PER_SENTENCE 256

struct term {
	struct hmap_node node;
	char *stem, *word; /* owned */
	size_t id, df;
	double score;
};

struct sent {
	const char *text; /* borrowed */
	size_t len;
	const char *author; /* borrowed, or NULL */
	size_t *term, *count; /* owned, sorted by term index */
	size_t nterm;
	double norm, rank;
};

struct doc {
	struct hmap map;
	struct term **terms;
	size_t nterms, capterms;
	struct sent *s;
	size_t ns, caps;
	struct sb_stemmer *ru, *en;
	size_t nru, nen;
};

static void doc_init(struct doc *d)
{
	memset(d, 0, sizeof(*d));
	hmap_init(&d->map, 256);
	d->ru = sb_stemmer_new("russian", "UTF_8");
	d->en = sb_stemmer_new("english", "UTF_8");
}

static void doc_free(struct doc *d)
{
	for (size_t i = 0; i < d->nterms; i++) {
		free(d->terms[i]->stem);
		free(d->terms[i]->word);
		free(d->terms[i]);
	}
	for (size_t i = 0; i < d->ns; i++) {
		free(d->s[i].term);
		free(d->s[i].count);
	}
	free(d->terms);
	free(d->s);
	hmap_free(&d->map);
	sb_stemmer_delete(d->ru);
	sb_stemmer_delete(d->en);
}

static size_t term_id(struct doc *d, const char *stem, const char *word)
{
	uint32_t h = str_hash(str_c(stem));
	for (struct hmap_node *n = hmap_first(&d->map, h); n; n = hmap_next_same(n)) {
		struct term *t = container_of(n, struct term, node);
		if (!strcmp(t->stem, stem))
			return t->id;
	}
	struct term *t = xcalloc(1, sizeof(*t));
	t->stem = xstrdup(stem);
	t->word = xstrdup(word);
	t->id = d->nterms;
	if (d->nterms == d->capterms) {
		d->capterms = d->capterms ? d->capterms * 2 : 256;
		d->terms = xrealloc(d->terms, d->capterms * sizeof(*d->terms));
	}
	d->terms[d->nterms] = t;
	hmap_insert(&d->map, &t->node, h);
	return d->nterms++;
}

static void sent_count(struct sent *s, size_t id)
{
	size_t i = 0;
	while (i < s->nterm && s->term[i] < id)
		i++;
	if (i < s->nterm && s->term[i] == id) {
		s->count[i]++;
		return;
	}
	if (s->nterm >= MAX_TERMS_PER_SENTENCE)
		return;
	memmove(s->term + i + 1, s->term + i, (s->nterm - i) * sizeof(size_t));
	memmove(s->count + i + 1, s->count + i, (s->nterm - i) * sizeof(size_t));
	s->term[i] = id;
	s->count[i] = 1;
	s->nterm++;
}

/* Content words of a sentence, stemmed by their script. */
static void sent_terms(struct doc *d, struct sent *s)
{
	const char *p = s->text, *end = s->text + s->len;
	enum summary_script sc;
	struct buf w;

	s->term = xmalloc(MAX_TERMS_PER_SENTENCE * sizeof(size_t));
	s->count = xmalloc(MAX_TERMS_PER_SENTENCE * sizeof(size_t));
	buf_init(&w, 0);
	while ((sc = summary_next_word(&p, end, &w)) != SCRIPT_NONE) {
		struct sb_stemmer *st = sc == SCRIPT_CYRILLIC ? d->ru : d->en;
		*(sc == SCRIPT_CYRILLIC ? &d->nru : &d->nen) += 1;
		if (w.len < 2 || w.len > 200 || summary_stopword(w.data) || !st)
			continue;
		const sb_symbol *stem = sb_stemmer_stem(st, (const sb_symbol *)w.data, (int)w.len);
		if (!stem)
			continue;
		char *cstem = xstrndup((const char *)stem, (size_t)sb_stemmer_length(st));
		sent_count(s, term_id(d, cstem, w.data));
		free(cstem);
	}
	buf_free(&w);
}

static void doc_add(struct doc *d, const char *text, size_t len, const char *author)
{
	struct summary_span *sp;
	size_t n = summary_split(text, len, &sp);

	for (size_t i = 0; i < n && d->ns < SUMMARY_MAX_SENTENCES; i++) {
		if (d->ns == d->caps) {
			d->caps = d->caps ? d->caps * 2 : 64;
			d->s = xrealloc(d->s, d->caps * sizeof(*d->s));
		}
		struct sent *s = &d->s[d->ns++];
		memset(s, 0, sizeof(*s));
		s->text = text + sp[i].off;
		s->len = sp[i].len;
		s->author = author;
		sent_terms(d, s);
	}
	free(sp);
}

static double idf(const struct doc *d, size_t id)
{
	return log((double)(d->ns + 1) / (double)d->terms[id]->df);
}

static void doc_weights(struct doc *d)
{
	for (size_t i = 0; i < d->ns; i++)
		for (size_t k = 0; k < d->s[i].nterm; k++)
			d->terms[d->s[i].term[k]]->df++;
	for (size_t i = 0; i < d->ns; i++) {
		double n = 0;
		for (size_t k = 0; k < d->s[i].nterm; k++) {
			double w = (double)d->s[i].count[k] * idf(d, d->s[i].term[k]);
			n += w * w;
		}
		d->s[i].norm = sqrt(n);
	}
}

static double cosine(const struct doc *d, const struct sent *a, const struct sent *b)
{
	double dot = 0;
	size_t i = 0, j = 0;

	if (a->norm == 0 || b->norm == 0)
		return 0;
	while (i < a->nterm && j < b->nterm) {
		if (a->term[i] < b->term[j]) {
			i++;
		} else if (a->term[i] > b->term[j]) {
			j++;
		} else {
			double w = idf(d, a->term[i]);
			dot += (double)a->count[i] * (double)b->count[j] * w * w;
			i++, j++;
		}
	}
	return dot / (a->norm * b->norm);
}

/* PageRank on the similarity graph: a sentence is central when central ones resemble it. */
static void doc_rank(struct doc *d)
{
	size_t n = d->ns;
	double *w = xcalloc(n * n, sizeof(double)), *out = xcalloc(n, sizeof(double));
	double *next = xcalloc(n, sizeof(double));

	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++) {
			w[i * n + j] = w[j * n + i] = cosine(d, &d->s[i], &d->s[j]);
			out[i] += w[i * n + j];
			out[j] += w[i * n + j];
		}
	for (size_t i = 0; i < n; i++)
		d->s[i].rank = 1.0;
	for (int it = 0; it < ITERATIONS; it++) {
		for (size_t i = 0; i < n; i++) {
			double sum = 0;
			for (size_t j = 0; j < n; j++)
				if (out[j] > 0)
					sum += w[j * n + i] / out[j] * d->s[j].rank;
			next[i] = (1 - DAMPING) + DAMPING * sum;
		}
		for (size_t i = 0; i < n; i++)
			d->s[i].rank = next[i];
	}
	free(w);
	free(out);
	free(next);
}

struct ranked {
	size_t idx;
	double score;
	const char *key;
};

static int by_score(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	if (x->key && y->key)
		return strcmp(x->key, y->key);
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int by_idx(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static char *sentence_copy(const struct sent *s)
{
	struct buf b;
	buf_init(&b, 0);
	if (s->author)
		buf_printf(&b, "%s: ", s->author);
	/* a multi-line chat message reads as one line in a digest */
	for (size_t i = 0; i < s->len; i++)
		buf_append(&b, s->text[i] == '\n' ? " " : &s->text[i], 1);
	return b.data ? b.data : xstrdup("");
}

static void pick_sentences(const struct doc *d, unsigned want, struct summary *out)
{
	struct ranked *r = xcalloc(d->ns, sizeof(*r));
	size_t n = 0;

	for (size_t i = 0; i < d->ns; i++)
		if (d->s[i].nterm)
			r[n++] = (struct ranked){i, d->s[i].rank, NULL};
	qsort(r, n, sizeof(*r), by_score);
	if (n > want)
		n = want;
	qsort(r, n, sizeof(*r), by_idx);
	out->sentence = xcalloc(n, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		out->sentence[i] = sentence_copy(&d->s[r[i].idx]);
	out->nsentence = n;
	free(r);
}

/* A stem weighs what the sentences holding it weigh, so topic words beat frequent asides. */
static void pick_keywords(const struct doc *d, unsigned want, struct summary *out)
{
	struct ranked *r = xcalloc(d->nterms, sizeof(*r));

	for (size_t t = 0; t < d->nterms; t++)
		r[t] = (struct ranked){t, 0, d->terms[t]->stem};
	for (size_t i = 0; i < d->ns; i++)
		for (size_t k = 0; k < d->s[i].nterm; k++)
			r[d->s[i].term[k]].score += (double)d->s[i].count[k] * d->s[i].rank;
	qsort(r, d->nterms, sizeof(*r), by_score);
	size_t n = d->nterms < want ? d->nterms : want;
	out->keyword = xcalloc(n, sizeof(*out->keyword));
	for (size_t i = 0; i < n; i++) {
		const struct term *t = d->terms[r[i].idx];
		out->keyword[i] = (struct summary_keyword){xstrdup(t->stem), xstrdup(t->word), r[i].score};
	}
	out->nkeyword = n;
	free(r);
}

static const char *doc_lang(const struct doc *d)
{
	size_t all = d->nru + d->nen, minor = d->nru < d->nen ? d->nru : d->nen;
	if (!all)
		return "none";
	if (minor * 5 > all)
		return "mixed";
	return d->nru > d->nen ? "ru" : "en";
}

static void doc_summarise(struct doc *d, const struct summary_opts *o, struct summary *out)
{
	unsigned ns = o && o->sentences ? o->sentences : 3, nk = o && o->keywords ? o->keywords : 8;

	memset(out, 0, sizeof(*out));
	doc_weights(d);
	doc_rank(d);
	pick_sentences(d, ns, out);
	pick_keywords(d, nk, out);
	out->lang = doc_lang(d);
	out->total_sentences = d->ns;
}

int summary_text(const char *text, const struct summary_opts *o, struct summary *out)
{
	struct doc d;
	size_t len;

	memset(out, 0, sizeof(*out));
	if (!text)
		return EINVAL;
	if ((len = strlen(text)) > SUMMARY_MAX_BYTES)
		return EOVERFLOW;
	if (!chat_utf8_valid(text, len))
		return EINVAL;
	doc_init(&d);
	doc_add(&d, text, len, NULL);
	doc_summarise(&d, o, out);
	doc_free(&d);
	return 0;
}

void summary_free(struct summary *s)
{
	for (size_t i = 0; i < s->nsentence; i++)
		free(s->sentence[i]);
	for (size_t i = 0; i < s->nkeyword; i++) {
		free(s->keyword[i].stem);
		free(s->keyword[i].word);
	}
	free(s->sentence);
	free(s->keyword);
	memset(s, 0, sizeof(*s));
}

void summary_format(const struct summary *s, struct buf *out)
{
	for (size_t i = 0; i < s->nsentence; i++)
		buf_printf(out, "%s\n", s->sentence[i]);
	buf_puts(out, "keywords:");
	for (size_t i = 0; i < s->nkeyword; i++)
		buf_printf(out, "%s%s", i ? ", " : " ", s->keyword[i].word);
	buf_puts(out, "\n");
}

static void add_author(struct buf *authors, const char *a)
{
	size_t n = strlen(a);
	for (const char *p = authors->data; p && (p = strstr(p, a)); p += n)
		if ((p == authors->data || p[-1] == ' ') && (p[n] == ',' || !p[n]))
			return;
	buf_printf(authors, "%s%s", authors->len ? ", " : "", a);
}

/* One conversation: text messages [from, to) of the chat. */
static void chat_conv(const struct chat *c, size_t from, size_t to, const struct summary_opts *o,
		      struct summary_conv *cv)
{
	struct doc d;
	struct buf authors;

	buf_init(&authors, 0);
	doc_init(&d);
	cv->start = c->msg[from].time;
	for (size_t i = from; i < to; i++) {
		const struct chat_msg *m = &c->msg[i];
		if (m->kind != CHAT_TEXT)
			continue;
		cv->nmessages++;
		cv->end = m->time;
		add_author(&authors, m->author && *m->author ? m->author : "?");
		doc_add(&d, m->text, strlen(m->text), m->author && *m->author ? m->author : "?");
	}
	doc_summarise(&d, o, &cv->sum);
	cv->authors = authors.data ? authors.data : xstrdup("");
	doc_free(&d);
}

int summary_chat(const struct chat *c, const struct summary_opts *o, struct summary_chat *out)
{
	int64_t gap = o && o->chat_gap > 0 ? o->chat_gap : 6 * 3600, last = 0;
	size_t from = 0, cap = 0;
	bool any = false;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i <= c->n; i++) {
		bool text = i < c->n && c->msg[i].kind == CHAT_TEXT;
		if (i < c->n && !text)
			continue;
		if (any && (i == c->n || c->msg[i].time - last > gap)) {
			if (out->n == cap) {
				cap = cap ? cap * 2 : 8;
				out->conv = xrealloc(out->conv, cap * sizeof(*out->conv));
			}
			memset(&out->conv[out->n], 0, sizeof(*out->conv));
			chat_conv(c, from, i, o, &out->conv[out->n++]);
			any = false;
		}
		if (text) {
			if (!any)
				from = i;
			any = true;
			last = c->msg[i].time;
		}
	}
	return 0;
}

void summary_chat_free(struct summary_chat *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->conv[i].authors);
		summary_free(&s->conv[i].sum);
	}
	free(s->conv);
	memset(s, 0, sizeof(*s));
}
