/* Extractive summaries: sentence splitting, tokens, stop words, stems, TextRank, keywords. */
#ifndef SPEECH_SUMMARY_H
#define SPEECH_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "speech/chat.h"

#define SUMMARY_MAX_SENTENCES 2000u /* ranked per text; later sentences are ignored (graph is n²) */
#define SUMMARY_MAX_BYTES (16u << 20)

struct summary_opts {
	unsigned sentences; /* how many to keep (default 3) */
	unsigned keywords;  /* how many keywords (default 8) */
	int64_t chat_gap;   /* seconds of silence that start a new chat conversation (default 6 h) */
};

struct summary_keyword {
	char *stem; /* owned: Snowball stem */
	char *word; /* owned: the first surface form seen, lowercased */
	double score;
};

struct summary {
	char **sentence; /* owned, in original order; chats: "Author: sentence" */
	size_t nsentence;
	struct summary_keyword *keyword; /* owned, best first */
	size_t nkeyword;
	const char *lang; /* "ru", "en", "mixed" or "none" (static) */
	size_t total_sentences;
};

/* A chat's conversations (runs of messages without a long gap), each summarised. */
struct summary_conv {
	int64_t start, end;
	size_t nmessages;
	char *authors; /* owned, ", "-joined in order of appearance */
	struct summary sum;
};

struct summary_chat {
	struct summary_conv *conv; /* owned */
	size_t n;
};

/* 0, EINVAL (NULL text, invalid UTF-8) or EOVERFLOW (over SUMMARY_MAX_BYTES). */
int summary_text(const char *text, const struct summary_opts *o, struct summary *out);
void summary_free(struct summary *s);
int summary_chat(const struct chat *c, const struct summary_opts *o, struct summary_chat *out);
void summary_chat_free(struct summary_chat *s);
/* Human-readable rendering (sentences, then "keywords: ..."). */
void summary_format(const struct summary *s, struct buf *out);

/* Text layer (summary_text.c). */
enum summary_script { SCRIPT_NONE, SCRIPT_LATIN, SCRIPT_CYRILLIC };
struct summary_span {
	size_t off, len;
};
uint32_t summary_utf8_next(const char **p, const char *end);
void summary_utf8_put(struct buf *b, uint32_t cp);
/* Sentences of text: spans into it, trimmed. Returns the count (array owned by caller). */
size_t summary_split(const char *text, size_t len, struct summary_span **out);
/* Next word from *p: lowercased into w, its script returned; SCRIPT_NONE at the end.
 * Numbers are skipped. */
enum summary_script summary_next_word(const char **p, const char *end, struct buf *w);
bool summary_stopword(const char *lower_word);

#endif
