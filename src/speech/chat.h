/* Chat import: one message model for WhatsApp and Telegram exports, and their parsers. */
#ifndef SPEECH_CHAT_H
#define SPEECH_CHAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

#define CHAT_MAX_BYTES (64u << 20)  /* an export larger than this is refused */
#define CHAT_MAX_MESSAGES 1000000u
#define CHAT_MAX_TEXT (256u << 10)  /* one message's text, continuation lines included */

enum chat_kind { CHAT_TEXT, CHAT_MEDIA, CHAT_SYSTEM };

struct chat_msg {
	char *author;     /* owned; NULL for system messages without one */
	int64_t time;     /* UTC epoch seconds; local time as UTC when !has_offset */
	int offset_min;   /* local minus UTC, when has_offset */
	bool has_offset;
	enum chat_kind kind;
	char *text;       /* owned, UTF-8, direction marks removed; "" for bare media */
};

struct chat {
	char *name;       /* owned; NULL when the export does not say */
	struct chat_msg *msg; /* owned array */
	size_t n, cap;
};

void chat_init(struct chat *c);
void chat_free(struct chat *c);
/* Appends a message; takes ownership of author and text. EOVERFLOW past CHAT_MAX_MESSAGES. */
int chat_add(struct chat *c, char *author, int64_t time, enum chat_kind kind, char *text);
const char *chat_kind_name(enum chat_kind k);

/* Parsers: 0, or EBADMSG/EOVERFLOW/EINVAL with err naming the line or message index.
 * On error the chat is left empty. */
int chat_parse_whatsapp(const char *data, size_t len, struct chat *out, char *err, size_t errlen);
int chat_parse_telegram(const char *data, size_t len, struct chat *out, char *err, size_t errlen);
/* Picks the parser by content ('{' first: Telegram JSON). */
int chat_parse_auto(const char *data, size_t len, struct chat *out, char *err, size_t errlen);

/* chat_lines.c: the text messages as "author: text" lines (line breaks inside a message as
 * spaces; media and system messages left out) appended to out, at most max bytes: the
 * latest messages that fit whole (a single newest one longer than max is cut). Returns the
 * messages written; *left those older ones that did not fit. */
size_t chat_lines(const struct chat *c, size_t max, struct buf *out, size_t *left);

/* Helpers shared by the parsers. */
bool chat_utf8_valid(const char *s, size_t len);
/* Copies s without U+200E/U+200F/U+202A-U+202E and BOMs. */
char *chat_strip_marks(const char *s, size_t len);
int64_t chat_days_from_civil(int y, unsigned m, unsigned d);
bool chat_date_valid(int y, int m, int d);

#endif
