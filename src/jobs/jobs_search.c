/*
 * Transcripts searchable: the stems of a finished transcription go into transcripts_fts
 * (migration 0013) with the job's outcome; a search stems its query the same way, ranks
 * the tenant's transcripts by bm25 and shows, for each, the first utterance that holds a
 * query word, with the words that matched.
 */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/mem.h"
#include "jobs/jobs.h"
#include "speech/stem.h"
#include "store/db.h"

#define SNIPPET_MAX 240 /* bytes of an utterance shown around its first match */

char *jobs_transcript_stems(const json_t *res)
{
	json_t *u;
	size_t i;
	struct buf spoken;
	char *stems;

	buf_init(&spoken, 0);
	/* the utterances only: speaker names are labels, not something said */
	json_array_foreach(json_object_get(res, "utterances"), i, u)
	{
		const char *t = json_string_value(json_object_get(u, "text"));
		if (t)
			buf_printf(&spoken, "%s\n", t);
	}
	stems = stem_text(spoken.data ? spoken.data : "", spoken.len);
	buf_free(&spoken);
	return stems;
}

int jobs_db_index(struct db *db, int64_t id, const char *stems)
{
	int rc = db_exec(db, "DELETE FROM transcripts_fts WHERE rowid = ?",
			 (struct db_value[]){ DBV_INT(id) }, 1);

	if (!rc)
		rc = db_exec(db, "INSERT INTO transcripts_fts (rowid, stems) VALUES (?, ?)",
			     (struct db_value[]){ DBV_INT(id), DBV_TEXT(stems) }, 2);
	return rc;
}

struct missing {
	int64_t *id;
	size_t n, cap;
};

static int missing_row(const struct db_row *row, void *arg)
{
	struct missing *m = arg;

	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 64;
		m->id = xrealloc(m->id, m->cap * sizeof(*m->id));
	}
	m->id[m->n++] = row->cols[0].i;
	return 0;
}

static int result_row(const struct db_row *row, void *arg)
{
	char **stems = arg;
	json_t *res = json_loadb(row->cols[0].s ? row->cols[0].s : "", row->cols[0].len, 0, NULL);

	*stems = jobs_transcript_stems(res);
	json_decref(res);
	return 1;
}

int jobs_db_index_missing(struct db *db, int64_t *n)
{
	struct missing m = { 0 };
	int rc = db_query(db, "SELECT id FROM jobs WHERE kind = 'transcribe' AND status = 'done' "
			      "AND id NOT IN (SELECT rowid FROM transcripts_fts) ORDER BY id",
			  NULL, 0, missing_row, &m);

	*n = 0;
	for (size_t i = 0; !rc && i < m.n; i++) {
		char *stems = NULL;
		db_query(db, "SELECT result FROM jobs WHERE id = ?",
			 (struct db_value[]){ DBV_INT(m.id[i]) }, 1, result_row, &stems);
		if (stems && !(rc = jobs_db_index(db, m.id[i], stems)))
			(*n)++;
		free(stems);
	}
	free(m.id);
	return rc;
}

/* [from, to) of text around the byte at, cut at spaces, at most SNIPPET_MAX bytes. */
static json_t *window(const char *text, size_t at)
{
	size_t len = strlen(text), from = 0, to = len;
	struct buf b;
	json_t *j;

	if (len <= SNIPPET_MAX)
		return json_string(text);
	if (at > SNIPPET_MAX / 2)
		from = at - SNIPPET_MAX / 2;
	if (from + SNIPPET_MAX < len)
		to = from + SNIPPET_MAX;
	else
		from = len - SNIPPET_MAX;
	while (from > 0 && from < len && text[from - 1] != ' ')
		from++;
	while (to < len && to > from && text[to] != ' ')
		to--;
	buf_init(&b, 0);
	buf_printf(&b, "%s%.*s%s", from ? "… " : "", (int)(to - from), text + from,
		   to < len ? " …" : "");
	j = json_string(b.data);
	buf_free(&b);
	return j;
}

/* The query words found in text (as written, lowercased), where the first ends, and how many
 * of the query's terms occur. */
static json_t *marks_of(struct stemmer *s, const struct stem_query *q, const char *text,
			size_t *first_end, unsigned *terms)
{
	unsigned seen_terms = 0;
	const char *p = text, *end = text + strlen(text);
	json_t *marks = json_array();
	struct buf stem;

	buf_init(&stem, 0);
	while (stemmer_next(s, &p, end, &stem)) {
		bool seen = false;
		size_t i;
		json_t *m;
		for (size_t t = 0; t < q->n; t++)
			if (!strcmp(q->term[t], stem.data))
				seen_terms |= 1u << t;
		if (!stem_query_has(q, stem.data))
			continue;
		if (!json_array_size(marks))
			*first_end = (size_t)(p - text);
		json_array_foreach(marks, i, m) seen |= !strcmp(json_string_value(m), s->word.data);
		if (!seen)
			json_array_append_new(marks, json_string(s->word.data));
	}
	buf_free(&stem);
	*terms = (unsigned)__builtin_popcount(seen_terms);
	return marks;
}

struct search {
	const struct stem_query *q;
	struct stemmer st;
	json_t *items;
	size_t limit;
	bool more;
};

/* hits: utterances holding a query word; snippet: the one holding most of the query's
 * terms (ties: the earliest). */
static void snippet_of(struct search *s, json_t *res, json_t *item)
{
	json_t *u, *snip = NULL;
	size_t i, hits = 0;
	unsigned best = 0, terms = 0;

	json_array_foreach(json_object_get(res, "utterances"), i, u)
	{
		const char *text = json_string_value(json_object_get(u, "text"));
		size_t at = 0;
		json_t *marks = marks_of(&s->st, s->q, text ? text : "", &at, &terms);
		hits += terms > 0;
		if (terms <= best) {
			json_decref(marks);
			continue;
		}
		best = terms;
		json_decref(snip);
		snip = json_pack("{s:O,s:O,s:O,s:O,s:o,s:o}", "channel", json_object_get(u, "channel"),
				 "speaker", json_object_get(u, "speaker"), "start",
				 json_object_get(u, "start"), "end", json_object_get(u, "end"),
				 "text", window(text, at), "marks", marks);
	}
	json_object_set_new(item, "hits", json_integer((json_int_t)hits));
	json_object_set_new(item, "snippet", snip ? snip : json_null());
}

static int search_row(const struct db_row *row, void *arg)
{
	struct search *s = arg;
	const struct db_value *v = row->cols;
	json_t *res, *item;

	if (json_array_size(s->items) == s->limit) {
		s->more = true;
		return 1;
	}
	res = json_loadb(v[4].s ? v[4].s : "", v[4].len, 0, NULL);
	item = json_pack("{s:I,s:I,s:I,s:I}", "job_id", (json_int_t)v[0].i, "tenant_id",
			 (json_int_t)v[1].i, "created_at", (json_int_t)v[2].i, "finished_at",
			 (json_int_t)v[3].i);
	json_object_set(item, "seconds", json_object_get(res, "seconds"));
	json_object_set(item, "speakers", json_object_get(res, "speakers"));
	snippet_of(s, res, item);
	json_decref(res);
	json_array_append_new(s->items, item);
	return 0;
}

int jobs_db_search(struct db *db, int64_t tenant, const struct stem_query *q, long limit,
		   long offset, json_t *items, bool *more)
{
	static const char sql[] =
		"SELECT j.id, j.tenant_id, j.created_at, j.finished_at, j.result "
		"FROM transcripts_fts f JOIN jobs j ON j.id = f.rowid "
		"WHERE transcripts_fts MATCH ? AND (? = 0 OR j.tenant_id = ?) "
		"AND j.kind = 'transcribe' AND j.status = 'done' "
		"ORDER BY f.rank, j.id DESC LIMIT ? OFFSET ?";
	struct search s = { .q = q, .items = items, .limit = (size_t)limit };
	struct buf match;
	int rc;

	buf_init(&match, 0);
	stem_query_fts(q, &match);
	stemmer_open(&s.st);
	rc = db_query(db, sql, (struct db_value[]){ DBV_TEXT(match.data), DBV_INT(tenant),
						    DBV_INT(tenant), DBV_INT(limit + 1),
						    DBV_INT(offset) }, 5, search_row, &s);
	stemmer_close(&s.st);
	buf_free(&match);
	*more = s.more;
	return rc == 1 ? 0 : rc;
}
