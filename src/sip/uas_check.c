/* Request validation shared by every request a zvonar UAS answers. */
#include "sip/uas_check.h"

static const char *const supported_options[] = { "path", "replaces", "timer" };

bool sip_option_supported(struct str tag)
{
	for (size_t i = 0; i < sizeof(supported_options) / sizeof(supported_options[0]); i++)
		if (str_eq_case_cstr(tag, supported_options[i]))
			return true;
	return false;
}

static bool method_served(enum sip_method m)
{
	switch (m) {
	case SIP_INVITE:
	case SIP_ACK:
	case SIP_CANCEL:
	case SIP_BYE:
	case SIP_OPTIONS:
	case SIP_REGISTER:
		return true;
	default:
		return false;
	}
}

static uint16_t check_method(const struct sip_msg *req, struct buf *hdrs, const char **reason)
{
	if (method_served(req->method))
		return 0;
	buf_puts(hdrs, "Allow: " SIP_ALLOW "\r\n");
	if (req->method == SIP_UNKNOWN) {
		*reason = "Not Implemented";
		return 501;
	}
	*reason = "Method Not Allowed";
	return 405;
}

static uint16_t check_scheme(const struct sip_msg *req, const char **reason)
{
	enum sip_uri_scheme s = req->ruri.scheme;
	if (s == SIP_URI_SIP || s == SIP_URI_SIPS || (s == SIP_URI_TEL && req->method == SIP_INVITE))
		return 0;
	*reason = "Unsupported URI Scheme";
	return 416;
}

static uint16_t check_max_forwards(const struct sip_msg *req, const char **reason)
{
	if (req->max_forwards != 0)
		return 0;
	/* answered here, never forwarded: the RFC lets a UAS answer these itself */
	if (req->method == SIP_OPTIONS || req->method == SIP_REGISTER)
		return 0;
	*reason = "Too Many Hops";
	return 483;
}

/* Unsupported option tags of Require and Proxy-Require, listed into hdrs. */
static uint16_t check_require(const struct sip_msg *req, struct buf *hdrs, const char **reason)
{
	static const enum sip_hdr_id ids[] = { SIP_HDR_REQUIRE, SIP_HDR_PROXY_REQUIRE };
	unsigned bad = 0;

	if (req->method == SIP_ACK || req->method == SIP_CANCEL)
		return 0; /* RFC 3261 8.2.2.3 */
	for (size_t i = 0; i < 2; i++) {
		for (const struct sip_hdr *h = sip_msg_hdr(req, ids[i]); h; h = sip_msg_hdr_next(req, h)) {
			if (str_empty(h->value) || sip_option_supported(h->value))
				continue;
			buf_printf(hdrs, "%s%.*s", bad++ ? ", " : "Unsupported: ", STR_FMT(h->value));
		}
	}
	if (!bad)
		return 0;
	buf_puts(hdrs, "\r\n");
	*reason = "Bad Extension";
	return 420;
}

static bool body_type_ok(const struct sip_msg *req)
{
	struct str type;
	str_split(req->content_type, ';', &type);
	type = str_trim(type);
	return str_eq_case_cstr(type, "application/sdp");
}

static uint16_t check_body(const struct sip_msg *req, struct buf *hdrs, const char **reason)
{
	const struct sip_hdr *enc = sip_msg_hdr(req, SIP_HDR_CONTENT_ENCODING);

	if (req->body.len == 0)
		return 0;
	if (str_empty(req->content_type)) {
		*reason = "Missing Content-Type";
		return 400;
	}
	for (; enc; enc = sip_msg_hdr_next(req, enc)) {
		if (!str_eq_case_cstr(enc->value, "identity")) {
			buf_puts(hdrs, "Accept-Encoding: identity\r\n");
			*reason = "Unsupported Media Type";
			return 415;
		}
	}
	if (body_type_ok(req))
		return 0;
	buf_puts(hdrs, "Accept: " SIP_ACCEPT "\r\n");
	*reason = "Unsupported Media Type";
	return 415;
}

uint16_t sip_uas_check(const struct sip_msg *req, struct buf *hdrs, const char **reason)
{
	uint16_t status;

	if (!str_eq_case_cstr(req->version, "SIP/2.0")) {
		*reason = "Version Not Supported";
		return 505;
	}
	if ((status = check_method(req, hdrs, reason)))
		return status;
	if ((status = check_scheme(req, reason)))
		return status;
	if ((status = check_max_forwards(req, reason)))
		return status;
	if ((status = check_require(req, hdrs, reason)))
		return status;
	return check_body(req, hdrs, reason);
}
