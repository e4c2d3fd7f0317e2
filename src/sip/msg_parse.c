/* SIP message parser: start line, header block (unfolded in place), body and limits. */
#include <errno.h>

#include "sip/msg_int.h"

/* Length of the line at pos without its CRLF or bare LF; *next is where the next one starts. */
static size_t line_len(const char *buf, size_t pos, size_t len, size_t *next)
{
	const char *lf = memchr(buf + pos, '\n', len - pos);
	size_t end = lf ? (size_t)(lf - buf) : len;

	*next = lf ? end + 1 : len;
	if (end > pos && buf[end - 1] == '\r')
		end--;
	return end - pos;
}

/* Status-Line = SIP-Version SP Status-Code SP Reason-Phrase */
static int parse_status_line(struct sip_parse *ps, struct str line)
{
	struct sip_msg *msg = ps->msg;
	struct str rest = str_split(line, ' ', &msg->version);
	uint32_t code;

	if (rest.len < 3 || str_to_u32(str_make(rest.p, 3), &code) || code < 100 || code > 699 ||
	    (rest.len > 3 && rest.p[3] != ' ')) {
		ps->reason = "Bad status line";
		return EBADMSG;
	}
	msg->status = (uint16_t)code;
	msg->reason = str_sub(rest, 4);
	return 0;
}

/* Request-Line = Method SP Request-URI SP SIP-Version, single spaces only. */
static int parse_request_line(struct sip_parse *ps, struct str line)
{
	struct sip_msg *msg = ps->msg;
	struct str rest = str_split(line, ' ', &msg->method_name);

	if (!sip_is_token(msg->method_name) || !rest.p) {
		ps->reason = "Bad request line";
		return EBADMSG;
	}
	msg->is_request = true;
	msg->method = sip_method_from_str(msg->method_name);
	msg->version = str_split(rest, ' ', &msg->ruri_raw);
	if (msg->ruri_raw.len == 0 || msg->version.len == 0 || str_chr(msg->version, ' ') ||
	    str_chr(msg->version, '\t') || str_chr(msg->ruri_raw, '\t')) {
		/* the method is known, so a 400 can still be sent once the headers are read */
		sip_parse_fail(ps, EBADMSG, "Bad request line");
		return 0;
	}
	if (sip_uri_parse(msg->ruri_raw, &msg->ruri))
		sip_parse_fail(ps, EBADMSG, "Bad Request-URI");
	return 0;
}

static int parse_start_line(struct sip_parse *ps, struct str line)
{
	if (line.len > SIP_MAX_HDR_LINE) {
		ps->reason = "Start line too long";
		return EOVERFLOW;
	}
	if (memchr(line.p, '\0', line.len)) {
		ps->reason = "NUL byte in start line";
		return EBADMSG;
	}
	if (str_has_prefix_case(line, "SIP/"))
		return parse_status_line(ps, line);
	return parse_request_line(ps, line);
}

/* name SP* ":" value; a malformed line is recorded and skipped so the essentials still parse. */
static int parse_header_line(struct sip_parse *ps, struct str line)
{
	size_t i = 0;

	if (memchr(line.p, '\0', line.len)) {
		sip_parse_fail(ps, EBADMSG, "NUL byte in header");
		return EBADMSG;
	}
	while (i < line.len && sip_cc_is(line.p[i], SIP_CC_TOKEN))
		i++;
	struct str name = str_make(line.p, i);
	while (i < line.len && (line.p[i] == ' ' || line.p[i] == '\t'))
		i++;
	if (name.len == 0 || i >= line.len || line.p[i] != ':') {
		sip_parse_fail(ps, EBADMSG, "Malformed header line");
		return 0;
	}
	return sip_msg_store(ps, name, str_trim(str_sub(line, i + 1)));
}

/* Folds continuation lines of the field at pos into one line: CRLF WSP becomes spaces. */
static size_t unfold(char *buf, size_t len, size_t end, size_t *next)
{
	while (*next < len && (buf[*next] == ' ' || buf[*next] == '\t')) {
		size_t start = *next;
		memset(buf + end, ' ', start - end);
		end = start + line_len(buf, start, len, next);
	}
	return end;
}

/* Reads header fields from pos; *body is where the body starts. */
static int parse_headers(struct sip_parse *ps, size_t pos, size_t *body)
{
	char *buf = ps->msg->buf;
	size_t len = ps->msg->len, next;
	int err;

	while (pos < len) {
		size_t n = line_len(buf, pos, len, &next);
		if (n == 0) {
			*body = next;
			return 0;
		}
		if (buf[pos] == ' ' || buf[pos] == '\t') {
			sip_parse_fail(ps, EBADMSG, "Malformed header line");
			return EBADMSG;
		}
		size_t end = unfold(buf, len, pos + n, &next);
		if (end - pos > SIP_MAX_HDR_LINE) {
			sip_parse_fail(ps, EOVERFLOW, "Header line too long");
			return EOVERFLOW;
		}
		if ((err = parse_header_line(ps, str_make(buf + pos, end - pos))))
			return err;
		pos = next;
	}
	*body = len; /* a datagram may end right after its last header */
	return 0;
}

/* RFC 3261 18.3: a datagram's body is cut to Content-Length; a stream frame must carry it. */
static void parse_body(struct sip_parse *ps, size_t pos, bool stream)
{
	struct sip_msg *msg = ps->msg;
	size_t avail = msg->len - pos;

	msg->body = str_make(msg->buf + pos, avail);
	if (msg->content_length < 0) {
		if (stream && !(ps->seen & ((uint64_t)1 << SIP_HDR_CONTENT_LENGTH)))
			sip_parse_fail(ps, EBADMSG, "Missing Content-Length");
		return;
	}
	if ((size_t)msg->content_length > avail) {
		sip_parse_fail(ps, EBADMSG, "Content-Length exceeds body");
		return;
	}
	msg->body.len = (size_t)msg->content_length;
}

static struct sip_msg *msg_new(const char *data, size_t len)
{
	struct sip_msg *msg = xmalloc(sizeof(*msg) + len + 1);

	/* the header array is filled as counted, so it needs no zeroing */
	memset(msg, 0, offsetof(struct sip_msg, hdrs));
	msg->buf = (char *)(msg + 1);
	memcpy(msg->buf, data, len);
	msg->buf[len] = '\0';
	msg->len = len;
	msg->max_forwards = -1;
	msg->expires = -1;
	msg->content_length = -1;
	return msg;
}

static int parse_all(struct sip_parse *ps, bool stream)
{
	struct sip_msg *msg = ps->msg;
	size_t pos = 0, next, body;
	int err;

	/* RFC 3261 7.5: CRLFs before the start line are ignored */
	while (pos < msg->len && (msg->buf[pos] == '\r' || msg->buf[pos] == '\n'))
		pos++;
	if (pos >= msg->len) {
		ps->reason = "Empty message";
		return EBADMSG;
	}
	size_t n = line_len(msg->buf, pos, msg->len, &next);
	if ((err = parse_start_line(ps, str_make(msg->buf + pos, n))))
		return err;
	if ((err = parse_headers(ps, next, &body)))
		return err;
	parse_body(ps, body, stream);
	sip_msg_check(ps);
	return 0;
}

int sip_msg_parse(struct sip_msg **msgp, const char *data, size_t len, bool stream,
		  const char **reason)
{
	const char *unused;
	struct sip_parse ps = { 0 };

	*msgp = NULL;
	reason = reason ? reason : &unused;
	*reason = NULL;
	if (len > SIP_MAX_MSG) {
		*reason = "Message too large";
		return EOVERFLOW;
	}
	ps.msg = msg_new(data, len);
	int err = parse_all(&ps, stream);
	if (err && !ps.err)
		sip_parse_fail(&ps, err, ps.reason);
	if (!ps.err) {
		*msgp = ps.msg;
		return 0;
	}
	*reason = ps.reason;
	if (sip_msg_answerable(&ps))
		*msgp = ps.msg;
	else
		sip_msg_free(ps.msg);
	return ps.err;
}

void sip_msg_free(struct sip_msg *msg)
{
	free(msg);
}

/* A slice of the old buffer moved to the same place in the new one. */
static void rebase(struct str *s, const char *from, size_t len, char *to)
{
	if (s->p && s->p >= from && s->p <= from + len)
		s->p = to + (s->p - from);
}

static void rebase_uri(struct sip_uri *u, const char *from, size_t len, char *to)
{
	struct str *f[] = { &u->scheme_name, &u->user, &u->password, &u->host,
			    &u->params,	     &u->headers, &u->raw };
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		rebase(f[i], from, len, to);
}

static void rebase_nameaddr(struct sip_nameaddr *na, const char *from, size_t len, char *to)
{
	struct str *f[] = { &na->display, &na->uri_raw, &na->tag, &na->params, &na->raw };
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		rebase(f[i], from, len, to);
	rebase_uri(&na->uri, from, len, to);
}

static void rebase_via(struct sip_via *v, const char *from, size_t len, char *to)
{
	struct str *f[] = { &v->transport, &v->host,	  &v->branch, &v->received,
			    &v->rport_val, &v->params, &v->raw };
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		rebase(f[i], from, len, to);
}

struct sip_msg *sip_msg_compact(const struct sip_msg *msg)
{
	size_t fixed = offsetof(struct sip_msg, via) + sizeof(struct sip_via);
	struct sip_msg *c = xmalloc(fixed + msg->len + 1);
	const char *from = msg->buf;

	memcpy(c, msg, fixed);
	c->buf = (char *)c + fixed;
	memcpy(c->buf, msg->buf, msg->len + 1);
	c->nhdrs = 0;
	c->nvia = msg->nvia ? 1 : 0;
	struct str *f[] = { &c->method_name, &c->ruri_raw, &c->reason,	 &c->version,
			    &c->call_id,     &c->cseq.method_name, &c->cseq_raw, &c->content_type,
			    &c->body };
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		rebase(f[i], from, msg->len, c->buf);
	rebase_uri(&c->ruri, from, msg->len, c->buf);
	rebase_nameaddr(&c->from, from, msg->len, c->buf);
	rebase_nameaddr(&c->to, from, msg->len, c->buf);
	rebase_via(&c->via[0], from, msg->len, c->buf);
	return c;
}
