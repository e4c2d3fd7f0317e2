/* libFuzzer harness: search queries (GET /api/v1/transcripts?q=) stemmed into FTS5 terms. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "speech/chat.h"
#include "speech/stem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct stem_query q;
	struct buf fts;

	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	int rc = stem_query_parse(text, &q);
	if (rc && (rc != EINVAL && rc != EOVERFLOW))
		abort();
	if (!rc && (q.n == 0 || q.n > STEM_MAX_QUERY_TERMS))
		abort();
	/* a term is never empty and holds nothing FTS5 reads as syntax: the expression built
	 * from it cannot be an injection */
	for (size_t i = 0; i < q.n; i++)
		if (!*q.term[i] || strpbrk(q.term[i], "\" *:^()-+'\t\n") ||
		    (chat_utf8_valid(text, strlen(text)) &&
		     !chat_utf8_valid(q.term[i], strlen(q.term[i]))))
			abort();
	buf_init(&fts, 0);
	stem_query_fts(&q, &fts);
	stem_query_free(&q);
	buf_free(&fts);
	char *stems = stem_text(text, strlen(text));
	free(stems);
	free(text);
	return 0;
}
