/* Stream framing (RFC 3261 18.3): keep-alive CRLFs, header block end, mandatory Content-Length. */
#include <errno.h>

#include "sip/msg_int.h"

/* Offset just past the blank line ending the header block, or 0 when not there yet. */
static size_t head_end(const char *p, size_t len)
{
	const char *at = p, *end = p + len;

	while ((at = memchr(at, '\n', (size_t)(end - at)))) {
		at++;
		if (at < end && *at == '\n')
			return (size_t)(at + 1 - p);
		if (at + 1 < end && at[0] == '\r' && at[1] == '\n')
			return (size_t)(at + 2 - p);
	}
	return 0;
}

/* Digits of a Content-Length value, which may run over folded lines. */
static int cl_value(const char *p, size_t len, int64_t *out)
{
	int64_t v = 0;
	size_t i = 0, digits = 0;

	for (; i < len; i++) {
		char c = p[i];
		if (c == '\n' && (i + 1 >= len || (p[i + 1] != ' ' && p[i + 1] != '\t')))
			break;
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (c < '0' || c > '9' || (digits && (p[i - 1] < '0' || p[i - 1] > '9')))
			return EBADMSG;
		if (v > SIP_MAX_MSG)
			return EOVERFLOW;
		v = v * 10 + (c - '0');
		digits++;
	}
	if (!digits)
		return EBADMSG;
	*out = v;
	return 0;
}

/* If the line at p is a Content-Length field, *cl gets its value. */
static int cl_line(const char *p, size_t len, int64_t *cl)
{
	size_t i = 0;

	while (i < len && sip_cc_is(p[i], SIP_CC_TOKEN))
		i++;
	if (sip_hdr_id_from_name(str_make(p, i)) != SIP_HDR_CONTENT_LENGTH)
		return 0;
	while (i < len && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (i >= len || p[i] != ':')
		return 0;
	if (*cl >= 0)
		return EBADMSG; /* two lengths: which one frames the stream? */
	return cl_value(p + i + 1, len - i - 1, cl);
}

static int find_content_length(const char *p, size_t len, int64_t *cl)
{
	const char *line = p, *end = p + len;
	int err;

	*cl = -1;
	/* the start line is skipped: it can never be a header */
	while ((line = memchr(line, '\n', (size_t)(end - line)))) {
		line++;
		if (line >= end || *line == ' ' || *line == '\t')
			continue;
		if ((err = cl_line(line, (size_t)(end - line), cl)))
			return err;
	}
	return *cl < 0 ? EBADMSG : 0;
}

int sip_msg_frame(const char *data, size_t len, size_t *skip, size_t *msglen)
{
	size_t s = 0;
	int64_t cl;
	int err;

	while (s < len && (data[s] == '\r' || data[s] == '\n'))
		s++;
	*skip = s;
	*msglen = 0;
	data += s;
	len -= s;
	size_t head = head_end(data, len < SIP_MAX_MSG ? len : SIP_MAX_MSG);
	if (head == 0)
		return len >= SIP_MAX_MSG ? EOVERFLOW : EAGAIN;
	if ((err = find_content_length(data, head, &cl)))
		return err;
	if ((uint64_t)cl > SIP_MAX_MSG - head)
		return EOVERFLOW;
	if (len - head < (size_t)cl)
		return EAGAIN;
	*msglen = head + (size_t)cl;
	return 0;
}
