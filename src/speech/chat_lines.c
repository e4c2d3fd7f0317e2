/* A chat as "author: text" lines, the form an LLM is given, capped to its latest messages. */
#include <string.h>

#include "speech/chat.h"

static bool is_line(const struct chat_msg *m)
{
	return m->kind == CHAT_TEXT && *m->text;
}

static const char *author_of(const struct chat_msg *m)
{
	return m->author ? m->author : "?";
}

static size_t line_len(const struct chat_msg *m)
{
	return strlen(author_of(m)) + 2 + strlen(m->text) + 1;
}

/* One message is one line: its line breaks become spaces. At most max bytes with the
 * newline (only a single message longer than the cap is cut, never mid-character). */
static void put_line(struct buf *out, const struct chat_msg *m, size_t max)
{
	size_t head = strlen(author_of(m)) + 3, n = strlen(m->text);

	if (head + n > max) {
		n = max > head ? max - head : 0;
		while (n > 0 && ((unsigned char)m->text[n] & 0xc0) == 0x80)
			n--;
	}
	buf_printf(out, "%s: ", author_of(m));
	for (size_t i = 0; i < n; i++)
		buf_append(out, m->text[i] == '\n' || m->text[i] == '\r' ? " " : &m->text[i], 1);
	buf_append(out, "\n", 1);
}

size_t chat_lines(const struct chat *c, size_t max, struct buf *out, size_t *left_out)
{
	size_t total = 0, first = c->n, kept = 0, left = 0;

	/* from the newest back, while the lines fit: the latest messages matter most */
	for (size_t i = c->n; i-- > 0;) {
		if (!is_line(&c->msg[i]))
			continue;
		if (kept && total + line_len(&c->msg[i]) > max)
			break;
		total += line_len(&c->msg[i]);
		first = i;
		kept++;
	}
	for (size_t i = first; i < c->n; i++)
		if (is_line(&c->msg[i]))
			put_line(out, &c->msg[i], max);
	for (size_t i = 0; i < first; i++)
		left += is_line(&c->msg[i]);
	*left_out = left;
	return kept;
}
