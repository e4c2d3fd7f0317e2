/* WhatsApp "Export chat" .txt parser: Android and iOS line formats, locale dates, multi-line messages. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/mem.h"
#include "speech/chat.h"

enum wa_order { WA_DMY, WA_MDY, WA_YMD };

/* One message header: "[date, time] " (iOS) or "date, time - " (Android), fields not yet ordered. */
struct wa_head {
	int f[3];
	int flen0;
	char sep;
	int h, mi, s;
	int ampm; /* 0 none, 1 AM, 2 PM */
	size_t rest;
};

struct wa_line {
	const char *p;
	size_t len;
};

/* ASCII space, U+00A0 and U+202F (Android puts the narrow one before AM/PM). */
static size_t space_len(const char *p, const char *end)
{
	const unsigned char *u = (const unsigned char *)p;
	if (p < end && (*p == ' ' || *p == '\t'))
		return 1;
	if (end - p >= 2 && u[0] == 0xc2 && u[1] == 0xa0)
		return 2;
	if (end - p >= 3 && u[0] == 0xe2 && u[1] == 0x80 && (u[2] == 0xaf || u[2] == 0x8e))
		return 3;
	return 0;
}

static const char *skip_spaces(const char *p, const char *end)
{
	size_t n;
	while ((n = space_len(p, end)))
		p += n;
	return p;
}

static const char *number(const char *p, const char *end, int max_digits, int *v, int *ndig)
{
	int n = 0, x = 0;
	while (p < end && *p >= '0' && *p <= '9' && n < max_digits) {
		x = x * 10 + (*p++ - '0');
		n++;
	}
	if (!n || (p < end && *p >= '0' && *p <= '9'))
		return NULL;
	*v = x;
	if (ndig)
		*ndig = n;
	return p;
}

/* "AM", "pm", "a.m.", "p. m." */
static const char *ampm(const char *p, const char *end, int *out)
{
	const char *q = skip_spaces(p, end);
	if (q >= end || !strchr("AaPp", *q))
		return p;
	int which = (*q == 'A' || *q == 'a') ? 1 : 2;
	q++;
	if (q < end && *q == '.')
		q = skip_spaces(q + 1, end);
	if (q >= end || (*q != 'M' && *q != 'm'))
		return p;
	q++;
	if (q < end && *q == '.')
		q++;
	*out = which;
	return q;
}

static const char *parse_date(const char *p, const char *end, struct wa_head *h)
{
	int n;
	if (!(p = number(p, end, 4, &h->f[0], &h->flen0)))
		return NULL;
	if (p >= end || !strchr("/.-", *p))
		return NULL;
	h->sep = *p++;
	if (!(p = number(p, end, 2, &h->f[1], NULL)) || p >= end || *p != h->sep)
		return NULL;
	if (!(p = number(p + 1, end, 4, &h->f[2], &n)) || h->flen0 == 3 ||
	    (h->flen0 == 4 ? n > 2 : n != 2 && n != 4))
		return NULL;
	if (p < end && *p == '.')
		p++;
	return p;
}

static const char *parse_time(const char *p, const char *end, struct wa_head *h)
{
	if (!(p = number(p, end, 2, &h->h, NULL)) || p >= end || *p != ':')
		return NULL;
	if (!(p = number(p + 1, end, 2, &h->mi, NULL)))
		return NULL;
	h->s = 0;
	if (p < end && *p == ':' && !(p = number(p + 1, end, 2, &h->s, NULL)))
		return NULL;
	h->ampm = 0;
	p = ampm(p, end, &h->ampm);
	if (h->mi > 59 || h->s > 60 || (h->ampm ? h->h < 1 || h->h > 12 : h->h > 23))
		return NULL;
	return p;
}

static bool parse_head(const char *line, size_t len, struct wa_head *h)
{
	const char *p = line, *end = line + len;

	/* iOS puts U+200E before the bracket of attachment lines */
	while (end - p >= 3 && p[0] == '\xe2' && p[1] == '\x80' && (p[2] == '\x8e' || p[2] == '\x8f'))
		p += 3;
	bool ios = p < end && *p == '[';

	if (ios)
		p++;
	if (!(p = parse_date(p, end, h)))
		return false;
	if (p < end && *p == ',')
		p++;
	if (!(p = parse_time(skip_spaces(p, end), end, h)))
		return false;
	if (ios) {
		if (p >= end || *p != ']')
			return false;
		p = skip_spaces(p + 1, end);
	} else {
		p = skip_spaces(p, end);
		if (p >= end || *p != '-')
			return false;
		p = skip_spaces(p + 1, end);
	}
	h->rest = (size_t)(p - line);
	return true;
}

static void next_line(const char **cur, const char *end, struct wa_line *l)
{
	const char *nl = memchr(*cur, '\n', (size_t)(end - *cur));
	const char *stop = nl ? nl : end;
	l->p = *cur;
	l->len = (size_t)(stop - *cur);
	if (l->len && l->p[l->len - 1] == '\r')
		l->len--;
	*cur = nl ? nl + 1 : end;
}

/* Day/month order over the whole file: a first field over 12 means D/M, a second one M/D. */
static int detect_order(const char *data, const char *end, enum wa_order *order, char *err,
			size_t errlen)
{
	const char *cur = data;
	bool dm = false, md = false, ymd = false, dot = false, ap = false;
	struct wa_line l;
	struct wa_head h;

	while (cur < end) {
		next_line(&cur, end, &l);
		if (!parse_head(l.p, l.len, &h))
			continue;
		ymd |= h.flen0 == 4;
		dot |= h.sep == '.';
		ap |= h.ampm != 0;
		if (h.flen0 != 4) {
			dm |= h.f[0] > 12;
			md |= h.f[1] > 12;
		}
	}
	if (dm && md) {
		snprintf(err, errlen, "dates use both day/month and month/day order");
		return EBADMSG;
	}
	*order = ymd ? WA_YMD : dm ? WA_DMY : md ? WA_MDY : (ap && !dot) ? WA_MDY : WA_DMY;
	return 0;
}

static bool head_time(const struct wa_head *h, enum wa_order o, int64_t *t)
{
	int y, m, d, hour = h->h;

	if (o == WA_YMD)
		y = h->f[0], m = h->f[1], d = h->f[2];
	else
		y = h->f[2], m = o == WA_DMY ? h->f[1] : h->f[0], d = o == WA_DMY ? h->f[0] : h->f[1];
	if (y < 100)
		y += 2000;
	if (!chat_date_valid(y, m, d))
		return false;
	if (h->ampm)
		hour = hour % 12 + (h->ampm == 2 ? 12 : 0);
	*t = chat_days_from_civil(y, (unsigned)m, (unsigned)d) * 86400 + hour * 3600 + h->mi * 60 + h->s;
	return true;
}

static bool has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n >= m && !strcmp(s + n - m, suf);
}

/* Localised placeholders of attachments (Android and iOS). */
static bool is_media(const char *t)
{
	static const char *exact[] = {"<Media omitted>", "<Без медиафайлов>", "<Медиа отсутствуют>",
				      "<Medien ausgeschlossen>", "null"};
	static const char *omitted[] = {"image omitted", "audio omitted", "video omitted",
					"sticker omitted", "GIF omitted", "document omitted",
					"Contact card omitted"};
	for (size_t i = 0; i < sizeof(exact) / sizeof(*exact); i++)
		if (!strcmp(t, exact[i]))
			return true;
	for (size_t i = 0; i < sizeof(omitted) / sizeof(*omitted); i++)
		if (!strcmp(t, omitted[i]))
			return true;
	return !strncmp(t, "<attached: ", 11) || has_suffix(t, "(file attached)") ||
	       has_suffix(t, "(файл добавлен)") || has_suffix(t, "(Datei angehängt)");
}

static bool is_deleted(const char *t)
{
	return !strcmp(t, "This message was deleted") || !strcmp(t, "You deleted this message") ||
	       !strcmp(t, "Это сообщение удалено") || !strcmp(t, "Вы удалили это сообщение");
}

static char *trimmed_copy(const char *p, size_t len)
{
	char *t = chat_strip_marks(p, len);
	size_t n = strlen(t), a = 0;
	while (n && (t[n - 1] == ' ' || t[n - 1] == '\n'))
		t[--n] = '\0';
	while (t[a] == ' ')
		a++;
	memmove(t, t + a, n - a + 1);
	return t;
}

/* The header's rest: "Name: text" or a system notice; U+200E first marks iOS notices. */
static int wa_emit(struct chat *c, const char *rest, size_t len, int64_t t)
{
	const char *body = rest;
	size_t blen = len;
	char *author = NULL, *text;
	enum chat_kind kind = CHAT_TEXT;

	for (size_t i = 0; i + 1 < len && i < 512 && rest[i] != '\n'; i++)
		if (rest[i] == ':' && rest[i + 1] == ' ') {
			author = i ? trimmed_copy(rest, i) : NULL;
			body = rest + i + 2;
			blen = len - i - 2;
			break;
		}
	bool marked = blen >= 3 && !memcmp(body, "\xe2\x80\x8e", 3);
	text = trimmed_copy(body, blen);
	if (author && !*author) {
		free(author);
		author = NULL;
	}
	static const char edited[] = "<This message was edited>";
	if (has_suffix(text, edited)) {
		text[strlen(text) - sizeof(edited) + 1] = '\0';
		char *again = trimmed_copy(text, strlen(text));
		free(text);
		text = again;
	}
	if (is_media(text)) {
		kind = CHAT_MEDIA;
		if (text[0] == '<' || has_suffix(text, " omitted"))
			text[0] = '\0';
	} else if (!author || marked) {
		kind = CHAT_SYSTEM;
		free(author);
		author = NULL;
	} else if (is_deleted(text)) {
		kind = CHAT_SYSTEM;
	}
	return chat_add(c, author, t, kind, text);
}

static int line_error(int err, char *buf, size_t len, size_t line, const char *what)
{
	snprintf(buf, len, "line %zu: %s", line, what);
	return err;
}

/* One line: a new message header, or a continuation of the message being built. */
static int wa_line(struct chat *c, struct buf *cur, int64_t *cur_t, bool *open, enum wa_order o,
		   struct wa_line *l, size_t lineno, char *err, size_t errlen)
{
	struct wa_head h;
	int64_t t;

	if (!chat_utf8_valid(l->p, l->len))
		return line_error(EBADMSG, err, errlen, lineno, "invalid UTF-8");
	if (memchr(l->p, '\0', l->len))
		return line_error(EBADMSG, err, errlen, lineno, "NUL byte in text");
	if (parse_head(l->p, l->len, &h)) {
		if (!head_time(&h, o, &t))
			return line_error(EBADMSG, err, errlen, lineno, "invalid date");
		if (*open && wa_emit(c, cur->data, cur->len, *cur_t))
			return line_error(EOVERFLOW, err, errlen, lineno, "too many messages");
		buf_reset(cur);
		buf_append(cur, l->p + h.rest, l->len - h.rest);
		*cur_t = t;
		*open = true;
		return 0;
	}
	if (!*open) {
		struct wa_line tmp = *l;
		char *s = chat_strip_marks(tmp.p, tmp.len);
		bool blank = strspn(s, " \t") == strlen(s);
		free(s);
		return blank ? 0 : line_error(EBADMSG, err, errlen, lineno,
					      "not a WhatsApp message line (no date and time)");
	}
	if (cur->len + 1 + l->len > CHAT_MAX_TEXT)
		return line_error(EOVERFLOW, err, errlen, lineno, "message too long");
	buf_append(cur, "\n", 1);
	buf_append(cur, l->p, l->len);
	return 0;
}

int chat_parse_whatsapp(const char *data, size_t len, struct chat *out, char *err, size_t errlen)
{
	const char *cur, *end = data + len;
	enum wa_order order;
	struct wa_line l;
	struct buf text;
	int64_t t = 0;
	bool open = false;
	size_t lineno = 0;
	int rc;

	chat_init(out);
	if (len > CHAT_MAX_BYTES) {
		snprintf(err, errlen, "export larger than %u bytes", CHAT_MAX_BYTES);
		return EOVERFLOW;
	}
	if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3))
		data += 3;
	if ((rc = detect_order(data, end, &order, err, errlen)))
		return rc;
	buf_init(&text, 0);
	for (cur = data; cur < end;) {
		next_line(&cur, end, &l);
		if ((rc = wa_line(out, &text, &t, &open, order, &l, ++lineno, err, errlen)))
			goto out;
	}
	if (open && wa_emit(out, text.data, text.len, t))
		rc = line_error(EOVERFLOW, err, errlen, lineno, "too many messages");
	else if (!out->n)
		rc = line_error(EBADMSG, err, errlen, lineno ? lineno : 1, "no messages");
out:
	buf_free(&text);
	if (rc)
		chat_free(out);
	return rc;
}
