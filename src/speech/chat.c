/* Chat message model: the list of messages, UTF-8 checks and mark stripping shared by parsers. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "speech/chat.h"

void chat_init(struct chat *c)
{
	memset(c, 0, sizeof(*c));
}

void chat_free(struct chat *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->msg[i].author);
		free(c->msg[i].text);
	}
	free(c->msg);
	free(c->name);
	chat_init(c);
}

int chat_add(struct chat *c, char *author, int64_t time, enum chat_kind kind, char *text)
{
	if (c->n >= CHAT_MAX_MESSAGES) {
		free(author);
		free(text);
		return EOVERFLOW;
	}
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->msg = xrealloc(c->msg, c->cap * sizeof(*c->msg));
	}
	struct chat_msg *m = &c->msg[c->n++];
	memset(m, 0, sizeof(*m));
	m->author = author;
	m->time = time;
	m->kind = kind;
	m->text = text ? text : xstrdup("");
	return 0;
}

const char *chat_kind_name(enum chat_kind k)
{
	switch (k) {
	case CHAT_TEXT:
		return "text";
	case CHAT_MEDIA:
		return "media";
	case CHAT_SYSTEM:
		return "system";
	}
	return "?";
}

bool chat_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;

	while (p < end) {
		unsigned c = *p++, n;
		uint32_t cp;
		if (c < 0x80)
			continue;
		if (c >= 0xc2 && c <= 0xdf)
			n = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3, cp = c & 0x07;
		else
			return false;
		if ((size_t)(end - p) < n)
			return false;
		for (unsigned i = 0; i < n; i++, p++) {
			if ((*p & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (*p & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
	}
	return true;
}

/* U+200E, U+200F, U+202A..U+202E (E2 80 8E/8F/AA..AE) and U+FEFF (EF BB BF). */
static size_t mark_len(const unsigned char *p, size_t left)
{
	if (left >= 3 && p[0] == 0xe2 && p[1] == 0x80 &&
	    (p[2] == 0x8e || p[2] == 0x8f || (p[2] >= 0xaa && p[2] <= 0xae)))
		return 3;
	if (left >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		return 3;
	return 0;
}

char *chat_strip_marks(const char *s, size_t len)
{
	char *out = xmalloc(len + 1);
	size_t o = 0;

	for (size_t i = 0; i < len;) {
		size_t m = mark_len((const unsigned char *)s + i, len - i);
		if (m) {
			i += m;
			continue;
		}
		out[o++] = s[i++];
	}
	out[o] = '\0';
	return out;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
int64_t chat_days_from_civil(int y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

bool chat_date_valid(int y, int m, int d)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return false;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return !(m == 2 && d == 29 && !leap);
}

int chat_parse_auto(const char *data, size_t len, struct chat *out, char *err, size_t errlen)
{
	size_t i = 0;

	if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3))
		i = 3;
	while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
		i++;
	if (i < len && data[i] == '{')
		return chat_parse_telegram(data, len, out, err, errlen);
	return chat_parse_whatsapp(data, len, out, err, errlen);
}
