/* Building out-of-dialog and in-dialog SIP requests (RFC 3261 8.1.1). */
#include <errno.h>

#include "net/addr.h"
#include "sip/stack_int.h"

static const char *const proto_names[SIP_PROTO__COUNT] = { "UDP", "TCP", "TLS" };

/* Any CR or LF in a caller's value would let it inject header lines. */
static bool bad_value(const char *s, bool required)
{
	if (!s)
		return required;
	return (required && !*s) || strpbrk(s, "\r\n") != NULL;
}

static int check_spec(const struct sip_request_spec *spec, const char *branch)
{
	size_t n = spec->extra_hdrs ? strlen(spec->extra_hdrs) : 0;

	if (spec->method == SIP_UNKNOWN || spec->cseq > SIP_MAX_CSEQ || !branch || !*branch)
		return EINVAL;
	if (bad_value(spec->ruri, true) || bad_value(spec->from_uri, true) ||
	    bad_value(spec->to_uri, true) || bad_value(spec->call_id, true) ||
	    bad_value(spec->from_tag, false) || bad_value(spec->to_tag, false) ||
	    bad_value(spec->content_type, false) || bad_value(branch, true))
		return EINVAL;
	if (strpbrk(spec->ruri, " \t") || strpbrk(branch, " \t;,"))
		return EINVAL;
	if (n && (n < 2 || spec->extra_hdrs[n - 2] != '\r' || spec->extra_hdrs[n - 1] != '\n'))
		return EINVAL;
	if (spec->body_len && !spec->body)
		return EINVAL;
	return 0;
}

/* The sent-by for proto: the configured host, else the address the transport is bound to. */
static int via_host(struct sip_stack *st, enum sip_proto proto, char *out, size_t size)
{
	struct sa local;

	if (st->via_host[proto]) {
		return str_copy(str_c(st->via_host[proto]), out, size) ? 0 : EOVERFLOW;
	}
	if (!st->tp || sip_transport_local(st->tp, proto, &local) != 0)
		return ENOENT;
	sa_str(&local, out, size);
	return 0;
}

/* A bare URI goes inside <>; a full name-addr ("Bob" <sip:...>) is used as written. */
static int put_addr(struct buf *b, const char *name, const char *uri, const char *tag)
{
	bool name_addr = strchr(uri, '<') != NULL;
	int err = buf_printf(b, name_addr ? "%s: %s" : "%s: <%s>", name, uri);

	if (!err && tag && *tag)
		err = buf_printf(b, ";tag=%s", tag);
	return err ? err : buf_puts(b, "\r\n");
}

static int put_tail(struct sip_stack *st, struct buf *b, const struct sip_request_spec *spec)
{
	int err = buf_printf(b, "Call-ID: %s\r\nCSeq: %u %s\r\n", spec->call_id,
			     (unsigned)spec->cseq, sip_method_name(spec->method));

	if (!err && st->server_name)
		err = buf_printf(b, "User-Agent: %s\r\n", st->server_name);
	if (!err && spec->extra_hdrs)
		err = buf_puts(b, spec->extra_hdrs);
	if (!err && spec->body_len && spec->content_type)
		err = buf_printf(b, "Content-Type: %s\r\n", spec->content_type);
	if (!err)
		err = buf_printf(b, "Content-Length: %zu\r\n\r\n", spec->body_len);
	if (!err && spec->body_len)
		err = buf_append(b, spec->body, spec->body_len);
	return err;
}

int sip_stack_local_hostport(struct sip_stack *st, enum sip_proto proto, char *out, size_t size)
{
	if (!st || (unsigned)proto >= SIP_PROTO__COUNT)
		return EINVAL;
	return via_host(st, proto, out, size);
}

int sip_request_build(struct sip_stack *st, struct buf *out, const struct sip_request_spec *spec,
		      enum sip_proto proto, const char *branch)
{
	char host[SA_ADDRSTRLEN + 200];

	if (!st || !out || !spec || (unsigned)proto >= SIP_PROTO__COUNT)
		return EINVAL;
	int err = check_spec(spec, branch);
	if (!err)
		err = via_host(st, proto, host, sizeof(host));
	if (err)
		return err;
	buf_reset(out);
	err = buf_printf(out, "%s %s SIP/2.0\r\nVia: SIP/2.0/%s %s;branch=%s;rport\r\n",
			 sip_method_name(spec->method), spec->ruri, proto_names[proto], host,
			 branch);
	if (!err)
		err = buf_puts(out, "Max-Forwards: 70\r\n");
	if (!err)
		err = put_addr(out, "From", spec->from_uri, spec->from_tag);
	if (!err)
		err = put_addr(out, "To", spec->to_uri, spec->to_tag);
	if (!err)
		err = put_tail(st, out, spec);
	if (err)
		buf_reset(out);
	return err;
}
