/* Via header value: sent-protocol, sent-by (IPv6 in []) and branch/received/rport params. */
#include <errno.h>

#include "sip/msg_int.h"

static size_t skip_ws(struct str s, size_t i)
{
	while (i < s.len && (s.p[i] == ' ' || s.p[i] == '\t'))
		i++;
	return i;
}

static size_t token_end(struct str s, size_t i)
{
	while (i < s.len && sip_cc_is(s.p[i], SIP_CC_TOKEN))
		i++;
	return i;
}

/* SIP SWS "/" SWS 2.0 SWS "/" SWS transport: returns the index after transport or 0. */
static size_t via_protocol(struct str s, struct sip_via *via)
{
	size_t i = token_end(s, 0);

	if (i == 0 || !str_eq_case_cstr(str_make(s.p, i), "SIP"))
		return 0;
	for (int part = 0; part < 2; part++) {
		i = skip_ws(s, i);
		if (i >= s.len || s.p[i] != '/')
			return 0;
		size_t start = skip_ws(s, i + 1);
		i = token_end(s, start);
		if (i == start)
			return 0;
		if (part == 1)
			via->transport = str_make(s.p + start, i - start);
	}
	return i;
}

/* host [ SWS ":" SWS port ], then the params slice. */
static int via_sent_by(struct str s, size_t i, struct sip_via *via)
{
	size_t start = i;
	uint32_t port;

	if (i < s.len && s.p[i] == '[') {
		const char *end = str_chr(str_sub(s, i), ']');
		if (!end)
			return EBADMSG;
		via->host = str_make(s.p + i + 1, (size_t)(end - s.p) - i - 1);
		i = (size_t)(end - s.p) + 1;
	} else {
		while (i < s.len && sip_cc_is(s.p[i], SIP_CC_HOST))
			i++;
		via->host = str_make(s.p + start, i - start);
	}
	if (sip_host_check(via->host, s.p[start] == '['))
		return EBADMSG;
	i = skip_ws(s, i);
	if (i < s.len && s.p[i] == ':') {
		start = skip_ws(s, i + 1);
		for (i = start; i < s.len && s.p[i] >= '0' && s.p[i] <= '9';)
			i++;
		if (str_to_u32(str_make(s.p + start, i - start), &port) || port == 0 || port > 65535)
			return EBADMSG;
		via->port = (uint16_t)port;
		i = skip_ws(s, i);
	}
	if (i < s.len && s.p[i] != ';')
		return EBADMSG;
	via->params = str_sub(s, i);
	return 0;
}

static int via_params(struct sip_via *via)
{
	if (sip_params_check(via->params))
		return EBADMSG;
	if (sip_param_find(via->params, "branch", &via->branch) && !sip_is_token(via->branch))
		return EBADMSG;
	sip_param_find(via->params, "received", &via->received);
	via->rport = sip_param_find(via->params, "rport", &via->rport_val);
	if (via->rport && via->rport_val.len) {
		uint32_t port;
		if (str_to_u32(via->rport_val, &port) || port > 65535)
			return EBADMSG;
	}
	return 0;
}

int sip_via_parse(struct str value, struct sip_via *via)
{
	memset(via, 0, sizeof(*via));
	value = str_trim(value);
	via->raw = value;

	size_t i = via_protocol(value, via);
	if (i == 0 || i >= value.len || (value.p[i] != ' ' && value.p[i] != '\t'))
		return EBADMSG;
	i = skip_ws(value, i);
	if (i >= value.len || via_sent_by(value, i, via))
		return EBADMSG;
	return via_params(via);
}
