/*
 * Searching the tenant's transcripts: GET /api/v1/transcripts?q=WORDS. The words are
 * stemmed as the transcripts were (speech/stem.c), every one must occur; the answer lists
 * finished transcription jobs best first, each with the first utterance that matched.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api/resource.h"
#include "core/mem.h"
#include "jobs/jobs.h"
#include "speech/stem.h"

#define SEARCH_MAX_Q 512
#define SEARCH_MAX_LIMIT 100
#define SEARCH_MAX_OFFSET 10000

struct search_req {
	struct stem_query q;
	long limit, offset;
};

static void search_req_free(void *p)
{
	struct search_req *s = p;

	stem_query_free(&s->q);
	free(s);
}

static void search_op(struct db *db, struct api_ctx *c)
{
	struct search_req *s = c->extra;
	json_t *items = json_array(), *terms = json_array();
	bool more = false;

	if (jobs_db_search(db, c->scope, &s->q, s->limit, s->offset, items, &more)) {
		json_decref(items);
		json_decref(terms);
		api_fail(c, 500, "internal", "cannot search the transcripts: %s", db_errmsg(db));
		return;
	}
	for (size_t i = 0; i < s->q.n; i++)
		json_array_append_new(terms, json_string(s->q.term[i]));
	c->result = json_pack("{s:o,s:o,s:i,s:i,s:b}", "items", items, "terms", terms, "limit",
			      (int)s->limit, "offset", (int)s->offset, "has_more", more);
	c->status = 200;
}

static bool number(const char *v, long lo, long hi, long *out)
{
	char *end;
	long n;

	if (!v)
		return true;
	errno = 0;
	n = strtol(v, &end, 10);
	if (!*v || *end || errno || n < lo || n > hi)
		return false;
	*out = n;
	return true;
}

/* The query string: q, limit, offset (and the operator's tenant_id). false: failed. */
static bool parse(struct api_ctx *c, struct search_req *s)
{
	static const char *const known[] = { "q", "limit", "offset", "tenant_id", NULL };
	const char *q = json_string_value(json_object_get(c->query, "q")), *k;
	json_t *v;
	int rc;

	json_object_foreach(c->query, k, v) {
		bool ok = false;
		for (const char *const *n = known; *n; n++)
			ok |= !strcmp(*n, k);
		if (!ok) {
			api_fail(c, 400, "invalid_query", "unknown parameter '%.64s'", k);
			return false;
		}
	}
	if (!number(json_string_value(json_object_get(c->query, "limit")), 1, SEARCH_MAX_LIMIT,
		    &s->limit) ||
	    !number(json_string_value(json_object_get(c->query, "offset")), 0, SEARCH_MAX_OFFSET,
		    &s->offset)) {
		api_fail(c, 400, "invalid_query", "limit is 1-%d, offset 0-%d", SEARCH_MAX_LIMIT,
			 SEARCH_MAX_OFFSET);
		return false;
	}
	if (!q || strlen(q) > SEARCH_MAX_Q) {
		api_fail(c, 400, "invalid_query", "q is the words to search (at most %d bytes)",
			 SEARCH_MAX_Q);
		return false;
	}
	rc = stem_query_parse(q, &s->q);
	if (rc == EOVERFLOW)
		api_fail(c, 400, "invalid_query", "q has more than %u words", STEM_MAX_QUERY_TERMS);
	else if (rc)
		api_fail(c, 400, "invalid_query", "q holds no word to search");
	return !rc;
}

void api_transcripts_search(struct http_req *r, void *arg)
{
	struct api_ctx *c = api_ctx_new(arg, r);
	struct search_req *s;

	if (!c)
		return;
	s = xcalloc(1, sizeof(*s));
	s->limit = 20;
	c->extra = s;
	c->extra_free = search_req_free;
	c->perm = "jobs";
	c->act = ACT_LIST;
	c->db_fn = search_op;
	if (!parse(c, s)) {
		api_reply(c);
		return;
	}
	api_run(c);
}
