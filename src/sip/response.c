/* Building SIP responses from the request they answer (RFC 3261 8.2.6, RFC 3581). */
#include <errno.h>
#include <stdio.h>

#include "net/addr.h"
#include "sip/stack.h"

struct status_phrase {
	uint16_t status;
	const char *reason;
};

static const struct status_phrase phrases[] = {
	{ 100, "Trying" }, { 180, "Ringing" }, { 181, "Call Is Being Forwarded" },
	{ 182, "Queued" }, { 183, "Session Progress" }, { 200, "OK" }, { 202, "Accepted" },
	{ 300, "Multiple Choices" }, { 301, "Moved Permanently" }, { 302, "Moved Temporarily" },
	{ 305, "Use Proxy" }, { 380, "Alternative Service" }, { 400, "Bad Request" },
	{ 401, "Unauthorized" }, { 402, "Payment Required" }, { 403, "Forbidden" },
	{ 404, "Not Found" }, { 405, "Method Not Allowed" }, { 406, "Not Acceptable" },
	{ 407, "Proxy Authentication Required" }, { 408, "Request Timeout" }, { 410, "Gone" },
	{ 413, "Request Entity Too Large" }, { 414, "Request-URI Too Long" },
	{ 415, "Unsupported Media Type" }, { 416, "Unsupported URI Scheme" },
	{ 420, "Bad Extension" }, { 421, "Extension Required" }, { 423, "Interval Too Brief" },
	{ 429, "Too Many Requests" }, { 480, "Temporarily Unavailable" },
	{ 481, "Call/Transaction Does Not Exist" }, { 482, "Loop Detected" },
	{ 483, "Too Many Hops" }, { 484, "Address Incomplete" }, { 485, "Ambiguous" },
	{ 486, "Busy Here" }, { 487, "Request Terminated" }, { 488, "Not Acceptable Here" },
	{ 489, "Bad Event" }, { 491, "Request Pending" }, { 493, "Undecipherable" },
	{ 500, "Server Internal Error" }, { 501, "Not Implemented" }, { 502, "Bad Gateway" },
	{ 503, "Service Unavailable" }, { 504, "Server Time-out" },
	{ 505, "Version Not Supported" }, { 513, "Message Too Large" },
	{ 600, "Busy Everywhere" }, { 603, "Decline" }, { 604, "Does Not Exist Anywhere" },
	{ 606, "Not Acceptable" },
};

const char *sip_status_reason(uint16_t status)
{
	static const char *const classes[] = { "Unknown", "Provisional", "Success", "Redirection",
					       "Client Error", "Server Error", "Global Failure" };

	for (size_t i = 0; i < sizeof(phrases) / sizeof(phrases[0]); i++)
		if (phrases[i].status == status)
			return phrases[i].reason;
	return status >= 100 && status <= 699 ? classes[status / 100] : classes[0];
}

void sip_response_dest(const struct sip_msg *req, const struct sip_peer *from,
		       struct sip_peer *out)
{
	const struct sip_via *via = &req->via[0];

	*out = *from;
	/* Streams answer on the connection itself; only datagrams pick a port (18.2.2). */
	if (from->proto != SIP_PROTO_UDP || req->nvia == 0 || via->rport)
		return;
	sa_set_port(&out->addr, via->port ? via->port : 5060);
}

static bool has_crlf(const char *s)
{
	return s && strpbrk(s, "\r\n") != NULL;
}

/* received= is due when the source differs from sent-by, and always with rport (RFC 3581 4). */
static bool needs_received(const struct sip_via *via, const struct sip_peer *from)
{
	struct sa sent_by;

	if (via->rport)
		return true;
	if (sa_set(&sent_by, via->host, 0) != 0)
		return true; /* a host name never equals an address */
	return !sa_eq_addr(&sent_by, &from->addr);
}

static int put_top_via(struct buf *out, struct str raw, const struct sip_via *via,
		       const struct sip_peer *from)
{
	bool add_received = needs_received(via, from);
	struct str params = STR_NULL, head;
	const char *semi = str_chr(raw, ';');
	char host[SA_ADDRSTRLEN];
	int err;

	if (semi)
		params = str_make(semi + 1, raw.len - (size_t)(semi + 1 - raw.p));
	err = buf_printf(out, "Via: %.*s", (int)(semi ? (size_t)(semi - raw.p) : raw.len), raw.p);
	while (!err && params.p) {
		params = str_split(params, ';', &head);
		struct str name, value = str_split(head, '=', &name);
		name = str_trim(name);
		if (add_received && str_eq_case_cstr(name, "received"))
			continue;
		if (str_eq_case_cstr(name, "rport") && !value.p)
			err = buf_printf(out, ";rport=%u", (unsigned)sa_port(&from->addr));
		else
			err = buf_printf(out, ";%.*s", STR_FMT(head));
	}
	if (!err && add_received)
		err = buf_printf(out, ";received=%s", sa_host_str(&from->addr, host, sizeof(host)));
	return err ? err : buf_puts(out, "\r\n");
}

static int put_vias(struct buf *out, const struct sip_msg *req, const struct sip_peer *from)
{
	int err = 0;
	bool top = true;

	for (const struct sip_hdr *h = sip_msg_hdr(req, SIP_HDR_VIA); h && !err;
	     h = sip_msg_hdr_next(req, h)) {
		if (top)
			err = put_top_via(out, h->value, &req->via[0], from);
		else
			err = buf_printf(out, "Via: %.*s\r\n", STR_FMT(h->value));
		top = false;
	}
	return err;
}

static int put_copied(struct buf *out, const struct sip_msg *req, enum sip_hdr_id id,
		      const char *name)
{
	int err = 0;

	for (const struct sip_hdr *h = sip_msg_hdr(req, id); h && !err; h = sip_msg_hdr_next(req, h))
		err = buf_printf(out, "%s: %.*s\r\n", name, STR_FMT(h->value));
	return err;
}

static int put_to(struct buf *out, const struct sip_msg *req, uint16_t status, const char *to_tag)
{
	const struct sip_hdr *to = sip_msg_hdr(req, SIP_HDR_TO);
	struct str value = to ? to->value : req->to.raw;

	if (status > 100 && !req->to.has_tag && to_tag && *to_tag)
		return buf_printf(out, "To: %.*s;tag=%s\r\n", STR_FMT(value), to_tag);
	return buf_printf(out, "To: %.*s\r\n", STR_FMT(value));
}

static int put_body(struct buf *out, const char *server, const char *extra_hdrs,
		    const char *content_type, const char *body, size_t body_len)
{
	int err = 0;

	if (server)
		err = buf_printf(out, "Server: %s\r\n", server);
	if (!err && extra_hdrs)
		err = buf_puts(out, extra_hdrs);
	if (!err && body_len && content_type)
		err = buf_printf(out, "Content-Type: %s\r\n", content_type);
	if (!err)
		err = buf_printf(out, "Content-Length: %zu\r\n\r\n", body_len);
	if (!err && body_len)
		err = buf_append(out, body, body_len);
	return err;
}

static int check_args(const struct sip_msg *req, uint16_t status, const char *reason,
		      const char *extra_hdrs, const char *content_type, const char *body,
		      size_t body_len)
{
	size_t n = extra_hdrs ? strlen(extra_hdrs) : 0;

	if (!req || !req->is_request || req->nvia == 0 || status < 100 || status > 699)
		return EINVAL;
	if (has_crlf(reason) || has_crlf(content_type) || (body_len && !body))
		return EINVAL;
	/* Header lines must be complete, or they would swallow Content-Length. */
	if (n && (n < 2 || extra_hdrs[n - 2] != '\r' || extra_hdrs[n - 1] != '\n'))
		return EINVAL;
	return 0;
}

/* CSeq as the request wrote it (RFC 3261 8.2.6.2), or rebuilt for messages made in memory. */
static int put_cseq_callid(struct buf *out, const struct sip_msg *req)
{
	if (req->cseq_raw.len)
		return buf_printf(out, "Call-ID: %.*s\r\nCSeq: %.*s\r\n", STR_FMT(req->call_id),
				  STR_FMT(req->cseq_raw));
	return buf_printf(out, "Call-ID: %.*s\r\nCSeq: %u %.*s\r\n", STR_FMT(req->call_id),
			  (unsigned)req->cseq.num, STR_FMT(req->cseq.method_name));
}

int sip_response_build(struct buf *out, const struct sip_msg *req, const struct sip_peer *from,
		       uint16_t status, const char *reason, const char *to_tag, const char *server,
		       const char *extra_hdrs, const char *content_type, const char *body,
		       size_t body_len)
{
	int err = check_args(req, status, reason, extra_hdrs, content_type, body, body_len);
	if (err)
		return err;
	buf_reset(out);
	err = buf_printf(out, "SIP/2.0 %u %s\r\n", (unsigned)status,
			 reason ? reason : sip_status_reason(status));
	if (!err)
		err = put_vias(out, req, from);
	if (!err && status > 100 && status < 300)
		err = put_copied(out, req, SIP_HDR_RECORD_ROUTE, "Record-Route");
	if (!err)
		err = put_copied(out, req, SIP_HDR_FROM, "From");
	if (!err)
		err = put_to(out, req, status, to_tag);
	if (!err)
		err = put_cseq_callid(out, req);
	if (!err)
		err = put_body(out, server, extra_hdrs, content_type, body, body_len);
	if (err)
		buf_reset(out);
	return err;
}
