/* Telegram Desktop JSON export (result.json) parser: messages[] with text as string or parts. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/mem.h"
#include "speech/chat.h"

/* Telegram writes rare control characters as \xHH, which is not JSON: make them \u00HH. */
static char *fix_hex_escapes(const char *data, size_t len, size_t *outlen)
{
	struct buf b;
	bool in_str = false;

	buf_init(&b, 0);
	buf_reserve(&b, len + 16);
	for (size_t i = 0; i < len; i++) {
		char ch = data[i];
		if (in_str && ch == '\\' && i + 1 < len) {
			if (data[i + 1] == 'x') {
				buf_append(&b, "\\u00", 4);
				i++;
				continue;
			}
			buf_append(&b, data + i, 2);
			i++;
			continue;
		}
		if (ch == '"')
			in_str = !in_str;
		buf_append(&b, &ch, 1);
	}
	*outlen = b.len;
	return b.data ? b.data : xstrdup("");
}

static int msg_error(char *err, size_t errlen, size_t i, const char *what)
{
	snprintf(err, errlen, "message %zu: %s", i, what);
	return EBADMSG;
}

/* text: "plain" or ["part", {"type":"bold","text":"x"}, ...]. */
static int text_of(json_t *v, struct buf *out)
{
	size_t i;
	json_t *part;

	if (!v)
		return 0;
	if (json_is_string(v))
		return buf_append(out, json_string_value(v), json_string_length(v));
	if (!json_is_array(v))
		return EBADMSG;
	json_array_foreach(v, i, part) {
		json_t *t = json_is_object(part) ? json_object_get(part, "text") : part;
		if (!json_is_string(t))
			return EBADMSG;
		buf_append(out, json_string_value(t), json_string_length(t));
	}
	return 0;
}

/* "2023-12-31T23:59:59" local time as if it were UTC. */
static bool local_time(const char *s, int64_t *t)
{
	int y, mo, d, h, mi, sec, n = 0;

	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 ||
	    s[n] || !chat_date_valid(y, mo, d) || h > 23 || mi > 59 || sec > 60 || h < 0 ||
	    mi < 0 || sec < 0)
		return false;
	*t = chat_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + sec;
	return true;
}

static bool unix_time(json_t *v, int64_t *t)
{
	char *end;

	if (json_is_integer(v)) {
		*t = json_integer_value(v);
		return *t >= 0;
	}
	if (!json_is_string(v) || !json_string_length(v))
		return false;
	long long x = strtoll(json_string_value(v), &end, 10);
	if (*end || x < 0 || x > 253402300799LL)
		return false;
	*t = x;
	return true;
}

static int msg_time(json_t *m, struct chat_msg *cm)
{
	int64_t utc = 0, loc = 0;
	bool has_utc = unix_time(json_object_get(m, "date_unixtime"), &utc);
	json_t *d = json_object_get(m, "date");
	bool has_loc = json_is_string(d) && local_time(json_string_value(d), &loc);

	if (!has_utc && !has_loc)
		return EBADMSG;
	cm->time = has_utc ? utc : loc;
	if (has_utc && has_loc) {
		int64_t off = (loc - utc) / 60;
		if (off >= -16 * 60 && off <= 16 * 60) {
			cm->has_offset = true;
			cm->offset_min = (int)((off + (off < 0 ? -7 : 7)) / 15 * 15);
		}
	}
	return 0;
}

static char *service_text(json_t *m, struct buf *text)
{
	const char *action = json_string_value(json_object_get(m, "action"));
	const char *actor = json_string_value(json_object_get(m, "actor"));
	struct buf b;

	buf_init(&b, 0);
	if (actor)
		buf_printf(&b, "%s: ", actor);
	buf_puts(&b, action ? action : "service");
	if (text->len)
		buf_printf(&b, " %s", text->data);
	return b.data;
}

static int add_message(struct chat *c, json_t *m, size_t i, char *err, size_t errlen)
{
	struct chat_msg tmp = {0};
	struct buf text;
	const char *type = json_string_value(json_object_get(m, "type"));
	int rc;

	if (!json_is_object(m))
		return msg_error(err, errlen, i, "not an object");
	if (!type)
		return msg_error(err, errlen, i, "no \"type\"");
	if (msg_time(m, &tmp))
		return msg_error(err, errlen, i, "no valid \"date\" or \"date_unixtime\"");
	buf_init(&text, CHAT_MAX_TEXT);
	if ((rc = text_of(json_object_get(m, "text"), &text))) {
		buf_free(&text);
		return rc == EOVERFLOW ? (snprintf(err, errlen, "message %zu: text too long", i), rc)
				       : msg_error(err, errlen, i, "\"text\" is neither a string nor parts");
	}
	enum chat_kind kind = CHAT_TEXT;
	char *author = NULL, *body;
	const char *from = json_string_value(json_object_get(m, "from"));
	if (!strcmp(type, "service")) {
		kind = CHAT_SYSTEM;
		body = service_text(m, &text);
	} else {
		if (!text.len && (json_object_get(m, "photo") || json_object_get(m, "file") ||
				  json_object_get(m, "media_type") || !strcmp(type, "unsupported")))
			kind = CHAT_MEDIA;
		author = xstrdup(from ? from : "");
		body = chat_strip_marks(text.data ? text.data : "", text.len);
	}
	buf_free(&text);
	if (!chat_utf8_valid(body, strlen(body)) || (author && !chat_utf8_valid(author, strlen(author)))) {
		free(body);
		free(author);
		return msg_error(err, errlen, i, "invalid UTF-8");
	}
	if (chat_add(c, author, tmp.time, kind, body)) {
		snprintf(err, errlen, "message %zu: too many messages", i);
		return EOVERFLOW;
	}
	c->msg[c->n - 1].has_offset = tmp.has_offset;
	c->msg[c->n - 1].offset_min = tmp.offset_min;
	return 0;
}

static int parse_root(json_t *root, struct chat *out, char *err, size_t errlen)
{
	json_t *msgs = json_is_object(root) ? json_object_get(root, "messages") : NULL, *m;
	const char *name = json_string_value(json_object_get(root, "name"));
	size_t i;
	int rc;

	if (!json_is_array(msgs)) {
		snprintf(err, errlen, "no \"messages\" array (not a Telegram chat export)");
		return EBADMSG;
	}
	if (json_array_size(msgs) > CHAT_MAX_MESSAGES) {
		snprintf(err, errlen, "more than %u messages", CHAT_MAX_MESSAGES);
		return EOVERFLOW;
	}
	if (name)
		out->name = xstrdup(name);
	json_array_foreach(msgs, i, m) {
		if ((rc = add_message(out, m, i, err, errlen)))
			return rc;
	}
	return 0;
}

int chat_parse_telegram(const char *data, size_t len, struct chat *out, char *err, size_t errlen)
{
	json_error_t je;
	size_t fixed_len;
	int rc;

	chat_init(out);
	if (len > CHAT_MAX_BYTES) {
		snprintf(err, errlen, "export larger than %u bytes", CHAT_MAX_BYTES);
		return EOVERFLOW;
	}
	if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3))
		data += 3, len -= 3;
	char *fixed = fix_hex_escapes(data, len, &fixed_len);
	json_t *root = json_loadb(fixed, fixed_len, JSON_REJECT_DUPLICATES, &je);
	free(fixed);
	if (!root) {
		snprintf(err, errlen, "invalid JSON at line %d column %d: %s", je.line, je.column,
			 je.text);
		return EBADMSG;
	}
	rc = parse_root(root, out, err, errlen);
	json_decref(root);
	if (rc)
		chat_free(out);
	return rc;
}
