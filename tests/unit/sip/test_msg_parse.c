/* SIP message parser: good messages, compact forms, folding, lists, limits and 400 reasons. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sip/msg.h"

#define HDRS_TAIL                                      \
	"From: <sip:a@example.com>;tag=1\r\n"          \
	"To: <sip:b@example.com>\r\n"                  \
	"Call-ID: c1@example.com\r\n"

static struct sip_msg *parse_ok(const char *text)
{
	struct sip_msg *msg = NULL;
	const char *reason = NULL;

	int err = sip_msg_parse(&msg, text, strlen(text), false, &reason);
	if (err)
		fprintf(stderr, "unexpected: %s\n", reason);
	assert_int_equal(err, 0);
	assert_non_null(msg);
	assert_null(reason);
	return msg;
}

/* Parses text expecting err and reason; returns whether a message came back for a 400. */
static bool parse_bad(const char *text, size_t len, int want, const char *want_reason)
{
	struct sip_msg *msg = NULL;
	const char *reason = NULL;

	assert_int_equal(sip_msg_parse(&msg, text, len, false, &reason), want);
	assert_non_null(reason);
	assert_string_equal(reason, want_reason);
	bool got = msg != NULL;
	sip_msg_free(msg);
	return got;
}

static bool bad(const char *text, int want, const char *want_reason)
{
	return parse_bad(text, strlen(text), want, want_reason);
}

static void assert_str(struct str s, const char *want)
{
	if (!str_eq_cstr(s, want))
		fprintf(stderr, "got '%.*s' want '%s'\n", STR_FMT(s), want);
	assert_true(str_eq_cstr(s, want));
}

static void test_invite_with_body(void **state)
{
	struct sip_msg *msg = parse_ok("INVITE sip:100@example.com SIP/2.0\r\n"
				       "Via: SIP/2.0/UDP 10.0.0.5:5062;branch=z9hG4bKa;rport\r\n"
				       "Max-Forwards: 70\r\n"
				       "From: \"Alice\" <sip:alice@example.com>;tag=a1\r\n"
				       "To: <sip:100@example.com>\r\n"
				       "Call-ID: abc@10.0.0.5\r\n"
				       "CSeq: 7 INVITE\r\n"
				       "Content-Type: application/sdp\r\n"
				       "Content-Length: 4\r\n\r\n"
				       "v=0\n");
	assert_true(msg->is_request);
	assert_int_equal(msg->method, SIP_INVITE);
	assert_str(msg->method_name, "INVITE");
	assert_str(msg->ruri_raw, "sip:100@example.com");
	assert_int_equal(msg->ruri.scheme, SIP_URI_SIP);
	assert_str(msg->ruri.user, "100");
	assert_str(msg->version, "SIP/2.0");
	assert_int_equal(msg->nvia, 1);
	assert_str(msg->via[0].transport, "UDP");
	assert_str(msg->via[0].host, "10.0.0.5");
	assert_int_equal(msg->via[0].port, 5062);
	assert_str(msg->via[0].branch, "z9hG4bKa");
	assert_true(msg->via[0].rport);
	assert_int_equal(msg->via[0].rport_val.len, 0);
	assert_str(msg->from.display, "Alice");
	assert_str(msg->from.tag, "a1");
	assert_true(msg->from.has_tag);
	assert_false(msg->to.has_tag);
	assert_str(msg->to.uri.host, "example.com");
	assert_str(msg->call_id, "abc@10.0.0.5");
	assert_int_equal(msg->cseq.num, 7);
	assert_int_equal(msg->cseq.method, SIP_INVITE);
	assert_int_equal(msg->max_forwards, 70);
	assert_int_equal(msg->content_length, 4);
	assert_int_equal(msg->expires, -1);
	assert_str(msg->content_type, "application/sdp");
	assert_str(msg->body, "v=0\n");
	assert_int_equal(sip_msg_hdr_count(msg, SIP_HDR_VIA), 1);
	sip_msg_free(msg);
}

static void test_response(void **state)
{
	struct sip_msg *msg = parse_ok("SIP/2.0 180 Ringing Now\r\n"
				       "Via: SIP/2.0/TCP h.example.com;branch=z9hG4bKr\r\n" HDRS_TAIL
				       "CSeq: 1 INVITE\r\n\r\n");
	assert_false(msg->is_request);
	assert_int_equal(msg->status, 180);
	assert_str(msg->reason, "Ringing Now");
	assert_str(msg->version, "SIP/2.0");
	assert_int_equal(msg->content_length, -1);
	assert_int_equal(msg->max_forwards, -1);
	assert_int_equal(msg->body.len, 0);
	sip_msg_free(msg);
}

static void test_compact_forms(void **state)
{
	struct sip_msg *msg = parse_ok("MESSAGE sip:b@example.com SIP/2.0\r\n"
				       "v: SIP/2.0/UDP h.example.com;branch=z9hG4bKc\r\n"
				       "f: <sip:a@example.com>;tag=x\r\n"
				       "t: sip:b@example.com\r\n"
				       "i: compact@h\r\n"
				       "CSeq: 2 MESSAGE\r\n"
				       "m: <sip:a@10.0.0.1>\r\n"
				       "k: 100rel, timer\r\n"
				       "s: hello\r\n"
				       "o: presence\r\n"
				       "u: refer\r\n"
				       "a: *;audio\r\n"
				       "c: text/plain\r\n"
				       "e: identity\r\n"
				       "l: 2\r\n\r\nhi");
	assert_str(msg->call_id, "compact@h");
	assert_str(msg->from.tag, "x");
	assert_str(msg->content_type, "text/plain");
	assert_str(msg->body, "hi");
	assert_int_equal(sip_msg_hdr(msg, SIP_HDR_CONTACT)->id, SIP_HDR_CONTACT);
	assert_str(sip_msg_hdr_named(msg, STR("Contact"))->value, "<sip:a@10.0.0.1>");
	assert_str(sip_msg_hdr_named(msg, STR("Event"))->name, "o");
	assert_str(sip_msg_hdr(msg, SIP_HDR_SUBJECT)->value, "hello");
	assert_str(sip_msg_hdr(msg, SIP_HDR_ALLOW_EVENTS)->value, "refer");
	assert_str(sip_msg_hdr(msg, SIP_HDR_CONTENT_ENCODING)->value, "identity");
	assert_int_equal(sip_msg_hdr_count(msg, SIP_HDR_SUPPORTED), 2);
	/* Accept-Contact has no id of its own but its compact form still finds it */
	assert_str(sip_msg_hdr_named(msg, STR("accept-contact"))->value, "*;audio");
	assert_int_equal(sip_hdr_id_from_name(STR("a")), SIP_HDR_OTHER);
	sip_msg_free(msg);
}

/* RFC 4475 3.1.1.1 "wsinv" in spirit: folding, odd case, spaces before colons and around '='. */
static void test_whitespace_and_folding(void **state)
{
	struct sip_msg *msg = parse_ok(
		"INVITE sip:vivekg@chair-dnrc.example.com;unknownparam SIP/2.0\r\n"
		"TO :\r\n sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n\r\n"
		"from   : \"J Rosenberg \\\\\\\"\"       <sip:jdrosen@example.com>\r\n"
		"  ;\r\n  tag = 98asjd8\r\n"
		"MaX-fOrWaRdS: 0068\r\n"
		"Call-ID: wsinv.ndaksdj@192.0.2.1\r\n"
		"Content-Length   : 3\r\n"
		"cseq: 0009\r\n  INVITE\r\n"
		"Via  : SIP  /   2.0\r\n /UDP\r\n    192.0.2.2;branch=390skdjuw\r\n"
		"s :\r\n"
		"NewFangledHeader:   newfangled value\r\n continued newfangled value\r\n"
		"UnknownHeaderWithUnusualValue: ;;,,;;,;\r\n"
		"Content-Type: application/sdp\r\n"
		"Route:\r\n <sip:services.example.com;lr;unknownwith=value;unknown-no-value>\r\n"
		"v:  SIP  / 2.0  / TCP     spindle.example.com   ;\r\n"
		"  branch  =   z9hG4bK9ikj8  ,\r\n"
		" SIP  /    2.0   / UDP  192.168.255.111   ; branch=\r\n z9hG4bK30239\r\n"
		"m:\"Quoted string \\\"\\\"\" <sip:jdrosen@example.com> ; newparam =\r\n"
		"      newvalue ;\r\n  secondparam ; q = 0.33\r\n\r\nv=0");
	assert_str(msg->to.tag, "1918181833n");
	assert_str(msg->to.uri_raw, "sip:vivekg@chair-dnrc.example.com");
	assert_str(msg->from.display, "J Rosenberg \\\\\\\"");
	assert_str(msg->from.tag, "98asjd8");
	assert_int_equal(msg->max_forwards, 68);
	assert_int_equal(msg->cseq.num, 9);
	assert_int_equal(msg->cseq.method, SIP_INVITE);
	assert_int_equal(msg->nvia, 3);
	assert_str(msg->via[0].host, "192.0.2.2");
	assert_str(msg->via[1].transport, "TCP");
	assert_str(msg->via[1].host, "spindle.example.com");
	assert_str(msg->via[1].branch, "z9hG4bK9ikj8");
	assert_str(msg->via[2].branch, "z9hG4bK30239");
	const struct sip_hdr *h = sip_msg_hdr_named(msg, STR("newfangledheader"));
	assert_non_null(h);
	/* unfolded in place: the CRLF became spaces inside the one slice */
	assert_str(h->value, "newfangled value   continued newfangled value");
	assert_null(memchr(h->value.p, '\n', h->value.len));
	assert_str(sip_msg_hdr(msg, SIP_HDR_SUBJECT)->value, "");
	assert_str(sip_msg_hdr_named(msg, STR("UnknownHeaderWithUnusualValue"))->value,
		   ";;,,;;,;");
	assert_str(sip_msg_hdr(msg, SIP_HDR_ROUTE)->value,
		   "<sip:services.example.com;lr;unknownwith=value;unknown-no-value>");
	assert_str(msg->body, "v=0");
	sip_msg_free(msg);
}

static void test_bare_lf_and_leading_crlf(void **state)
{
	struct sip_msg *msg = parse_ok("\r\n\r\nOPTIONS sip:x@example.com SIP/2.0\n"
				       "Via: SIP/2.0/UDP h;branch=z9hG4bKlf\n"
				       "From: <sip:a@example.com>;tag=1\n"
				       "To: <sip:x@example.com>\n"
				       "Call-ID: lf\n"
				       "CSeq: 1 OPTIONS\n"
				       "Content-Length: 0\n\n");
	assert_int_equal(msg->method, SIP_OPTIONS);
	assert_str(msg->call_id, "lf");
	assert_str(msg->via[0].host, "h");
	assert_int_equal(msg->body.len, 0);
	sip_msg_free(msg);
}

static void test_list_splitting(void **state)
{
	struct sip_msg *msg = parse_ok(
		"REGISTER sip:example.com SIP/2.0\r\n"
		"Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1, SIP/2.0/TCP [2001:db8::1]:5070;"
		"branch=z9hG4bK2;received=192.0.2.1;rport=4000\r\n"
		"Via: SIP/2.0/TLS c.example.com:5061;branch=z9hG4bK3\r\n" HDRS_TAIL
		"CSeq: 3 REGISTER\r\n"
		"Contact: \"Doe, John\" <sip:j@h1>;expires=60, <sip:j@h2;a=b,c>\r\n"
		"Supported: path ,outbound,, gruu\r\n"
		"WWW-Authenticate: Digest realm=\"x\", nonce=\"y\"\r\n"
		"Date: Sat, 13 Nov 2010 23:29:00 GMT\r\n"
		"Expires: 99999999999\r\n\r\n");
	assert_int_equal(msg->nvia, 3);
	assert_int_equal(sip_msg_hdr_count(msg, SIP_HDR_VIA), 3);
	assert_str(msg->via[1].host, "2001:db8::1");
	assert_int_equal(msg->via[1].port, 5070);
	assert_str(msg->via[1].received, "192.0.2.1");
	assert_str(msg->via[1].rport_val, "4000");
	assert_str(msg->via[1].params, ";branch=z9hG4bK2;received=192.0.2.1;rport=4000");
	assert_int_equal(msg->via[2].port, 5061);
	const struct sip_hdr *c = sip_msg_hdr(msg, SIP_HDR_CONTACT);
	assert_str(c->value, "\"Doe, John\" <sip:j@h1>;expires=60");
	c = sip_msg_hdr_next(msg, c);
	assert_str(c->value, "<sip:j@h2;a=b,c>");
	assert_null(sip_msg_hdr_next(msg, c));
	assert_int_equal(sip_msg_hdr_count(msg, SIP_HDR_SUPPORTED), 3);
	assert_int_equal(sip_msg_hdr_count(msg, SIP_HDR_WWW_AUTHENTICATE), 1);
	assert_str(sip_msg_hdr(msg, SIP_HDR_DATE)->value, "Sat, 13 Nov 2010 23:29:00 GMT");
	assert_int_equal(msg->expires, 4294967295LL);
	struct sip_nameaddr na;
	assert_int_equal(sip_nameaddr_parse(sip_msg_hdr(msg, SIP_HDR_CONTACT)->value, &na), 0);
	assert_str(na.display, "Doe, John");
	assert_str(na.params, ";expires=60");
	sip_msg_free(msg);
}

static void test_contact_star_and_other_next(void **state)
{
	struct sip_msg *msg = parse_ok("REGISTER sip:example.com SIP/2.0\r\n"
				       "Via: SIP/2.0/UDP h;branch=z9hG4bKs\r\n" HDRS_TAIL
				       "CSeq: 4 REGISTER\r\n"
				       "X-A: 1\r\nX-B: 2\r\nx-a: 3\r\n"
				       "Contact: *\r\nExpires: 0\r\n\r\n");
	assert_str(sip_msg_hdr(msg, SIP_HDR_CONTACT)->value, "*");
	assert_int_equal(msg->expires, 0);
	const struct sip_hdr *h = sip_msg_hdr_named(msg, STR("X-A"));
	assert_str(h->value, "1");
	h = sip_msg_hdr_next(msg, h);
	assert_str(h->value, "3");
	assert_null(sip_msg_hdr_next(msg, h));
	assert_null(sip_msg_hdr_named(msg, STR("X-C")));
	assert_int_equal(sip_msg_hdr_count(msg, SIP_HDR_OTHER), 3);
	sip_msg_free(msg);
}

/* RFC 4475 3.1.1.2 "intmeth" without the NUL byte (rejected here by design). */
static void test_unusual_method_and_tokens(void **state)
{
	struct sip_msg *msg = parse_ok(
		"!interesting-Method0123456789_*+`.%indeed'~ sip:1_unusual.URI~(to-be!sure)&isn't+it$/"
		"crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com SIP/2.0\r\n"
		"Via: SIP/2.0/TCP host1.example.com;branch=z9hG4bK-.!%66*_+`'~\r\n"
		"To: \"BEL:\\\x07 DEL:\\\x7f\" <sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*"
		"@example.com>\r\n"
		"From: token1~` token2'+_ token3*%!.- <sip:mundane@example.com>;"
		"fromParam''~+*_!.-%=\"\xd1\x80\xd0\xb0\xd0\xb1\";tag=_token~1'+`*%!-.\r\n"
		"Call-ID: intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{\r\n"
		"CSeq: 139122385 !interesting-Method0123456789_*+`.%indeed'~\r\n"
		"Max-Forwards: 255\r\n"
		"extensionHeader-!.%*+_`'~:\xef\xbb\xbf\xe5\xa4\xa7\r\n"
		"Content-Length: 0\r\n\r\n");
	assert_int_equal(msg->method, SIP_UNKNOWN);
	assert_str(msg->method_name, "!interesting-Method0123456789_*+`.%indeed'~");
	assert_str(msg->ruri.user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
	assert_str(msg->ruri.password, "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
	assert_str(msg->from.display, "token1~` token2'+_ token3*%!.-");
	assert_str(msg->from.tag, "_token~1'+`*%!-.");
	assert_int_equal(msg->max_forwards, 255);
	assert_int_equal(msg->cseq.num, 139122385);
	assert_non_null(sip_msg_hdr_named(msg, STR("extensionheader-!.%*+_`'~")));
	sip_msg_free(msg);
}

/* RFC 4475 3.1.1.3 "esc01": escaped characters in URIs. */
static void test_escaped_uris(void **state)
{
	struct sip_msg *msg = parse_ok("INVITE sip:sips%3Auser%40example.com@example.net SIP/2.0\r\n"
				       "To: sip:%75se%72@example.com\r\n"
				       "From: <sip:I%20have%20spaces@example.net>;tag=938\r\n"
				       "Max-Forwards: 87\r\n"
				       "i: esc01.239409asdfakjkn23onasd0-3234\r\n"
				       "CSeq: 234234 INVITE\r\n"
				       "Via: SIP/2.0/UDP host5.example.net;branch=z9hG4bKkdjuw\r\n"
				       "C: application/sdp\r\n"
				       "Contact:\r\n"
				       "  <sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31>\r\n"
				       "Content-Length: 0\r\n\r\n");
	char out[64];
	size_t n;
	assert_str(msg->ruri.host, "example.net");
	assert_int_equal(sip_uri_unescape(msg->ruri.user, out, sizeof(out), &n), 0);
	assert_string_equal(out, "sips:user@example.com");
	assert_int_equal(sip_uri_unescape(msg->from.uri.user, out, sizeof(out), &n), 0);
	assert_string_equal(out, "I have spaces");
	struct sip_nameaddr c;
	assert_int_equal(sip_nameaddr_parse(sip_msg_hdr(msg, SIP_HDR_CONTACT)->value, &c), 0);
	assert_str(c.uri.params, "%6C%72;n%61me=v%61lue%25%34%31");
	sip_msg_free(msg);
}

static void test_nameaddr_forms(void **state)
{
	struct sip_nameaddr na;

	assert_int_equal(sip_nameaddr_parse(STR("sip:a@b.com;tag=x;foo"), &na), 0);
	assert_str(na.uri_raw, "sip:a@b.com");
	assert_int_equal(na.uri.params.len, 0);
	assert_str(na.tag, "x");
	assert_str(na.params, ";tag=x;foo");
	assert_int_equal(sip_nameaddr_parse(STR("<sip:a@b.com;transport=tcp>;tag=y"), &na), 0);
	assert_str(na.uri.params, "transport=tcp");
	assert_str(na.tag, "y");
	assert_int_equal(sip_nameaddr_parse(STR("\"A \\\"B\\\"\"<sip:a@b.com>"), &na), 0);
	assert_str(na.display, "A \\\"B\\\"");
	assert_int_equal(sip_nameaddr_parse(STR("Bob Smith <tel:+1-555-0100>"), &na), 0);
	assert_str(na.display, "Bob Smith");
	assert_int_equal(na.uri.scheme, SIP_URI_TEL);
	assert_int_equal(sip_nameaddr_parse(STR("\"open <sip:a@b.com>"), &na), EBADMSG);
	assert_int_equal(sip_nameaddr_parse(STR("<sip:a@b.com"), &na), EBADMSG);
	assert_int_equal(sip_nameaddr_parse(STR("<sip:a@b.com> junk"), &na), EBADMSG);
	assert_int_equal(sip_nameaddr_parse(STR("<sip:a@b.com>;tag="), &na), EBADMSG);
	assert_int_equal(sip_nameaddr_parse(STR("B@d <sip:a@b.com>"), &na), EBADMSG);
	assert_int_equal(sip_nameaddr_parse(STR(""), &na), EBADMSG);
}

static void test_via_and_cseq_values(void **state)
{
	struct sip_via v;
	struct sip_cseq c;

	assert_int_equal(sip_via_parse(STR("SIP/2.0/WSS abc.invalid;branch=z9hG4bKw"), &v), 0);
	assert_str(v.transport, "WSS");
	assert_int_equal(v.port, 0);
	assert_false(v.rport);
	assert_int_equal(sip_via_parse(STR("SIP/2.0/UDP [::1]:5060 ; rport ; branch=z"), &v), 0);
	assert_str(v.host, "::1");
	assert_true(v.rport);
	assert_int_equal(sip_via_parse(STR("SIP/2.0/UDP"), &v), EBADMSG);
	assert_int_equal(sip_via_parse(STR("SIP/2.0 UDP h"), &v), EBADMSG);
	assert_int_equal(sip_via_parse(STR("SIP/2.0/UDP h:0"), &v), EBADMSG);
	assert_int_equal(sip_via_parse(STR("SIP/2.0/UDP h:70000"), &v), EBADMSG);
	assert_int_equal(sip_via_parse(STR("SIP/2.0/UDP [::1;branch=x"), &v), EBADMSG);
	assert_int_equal(sip_via_parse(STR("SIP/2.0/UDP h junk"), &v), EBADMSG);
	assert_int_equal(sip_via_parse(STR("SIP/2.0/UDP h;rport=x"), &v), EBADMSG);
	assert_int_equal(sip_via_parse(STR("SIP/2.0/UDP h;branch="), &v), EBADMSG);
	assert_int_equal(sip_cseq_parse(STR("2147483647 ACK"), &c), 0);
	assert_int_equal(c.num, 2147483647u);
	assert_int_equal(c.method, SIP_ACK);
	assert_int_equal(sip_cseq_parse(STR("2147483648 ACK"), &c), EBADMSG);
	assert_int_equal(sip_cseq_parse(STR("-1 ACK"), &c), EBADMSG);
	assert_int_equal(sip_cseq_parse(STR("1"), &c), EBADMSG);
	assert_int_equal(sip_cseq_parse(STR("1 IN VITE"), &c), EBADMSG);
}

static void test_params(void **state)
{
	struct str v;

	assert_true(sip_param_find(STR(";lr;Transport=TCP"), "transport", &v));
	assert_str(v, "TCP");
	assert_true(sip_param_find(STR("lr;x=\"a;b\";y=2"), "y", &v));
	assert_str(v, "2");
	assert_true(sip_param_find(STR("lr"), "lr", &v));
	assert_int_equal(v.len, 0);
	assert_false(sip_param_find(STR(";lrx=1"), "lr", &v));
	assert_false(sip_param_find(STR_NULL, "lr", &v));
}

static void test_method_names(void **state)
{
	assert_int_equal(sip_method_from_str(STR("SUBSCRIBE")), SIP_SUBSCRIBE);
	assert_int_equal(sip_method_from_str(STR("invite")), SIP_UNKNOWN);
	assert_string_equal(sip_method_name(SIP_PRACK), "PRACK");
	assert_int_equal(sip_hdr_id_from_name(STR("call-id")), SIP_HDR_CALL_ID);
	assert_int_equal(sip_hdr_id_from_name(STR("I")), SIP_HDR_CALL_ID);
	assert_int_equal(sip_hdr_id_from_name(STR("X")), SIP_HDR_SESSION_EXPIRES);
	assert_int_equal(sip_hdr_id_from_name(STR("P-Asserted-Identity")),
			 SIP_HDR_P_ASSERTED_IDENTITY);
	assert_int_equal(sip_hdr_id_from_name(STR("Viaa")), SIP_HDR_OTHER);
}

#define REQ(first, extra)                                       \
	first "\r\n"                                            \
	      "Via: SIP/2.0/UDP h;branch=z9hG4bKb\r\n" HDRS_TAIL \
	      "CSeq: 1 INVITE\r\n" extra "\r\n"

static void test_duplicates(void **state)
{
	assert_true(bad(REQ("INVITE sip:x@h SIP/2.0", "From: <sip:z@h>;tag=2\r\n"), EBADMSG,
			"Duplicate From header"));
	assert_true(bad(REQ("INVITE sip:x@h SIP/2.0", "Call-ID: c1@example.com\r\n"), EBADMSG,
			"Duplicate Call-ID header"));
	assert_true(bad(REQ("INVITE sip:x@h SIP/2.0", "t: <sip:b@example.com>\r\n"), EBADMSG,
			"Duplicate To header"));
	assert_true(bad(REQ("INVITE sip:x@h SIP/2.0", "CSeq: 1 INVITE\r\n"), EBADMSG,
			"Duplicate CSeq header"));
	assert_true(bad(REQ("INVITE sip:x@h SIP/2.0", "Max-Forwards: 1\r\nMax-Forwards: 2\r\n"),
			EBADMSG, "Duplicate Max-Forwards header"));
	assert_true(bad(REQ("INVITE sip:x@h SIP/2.0", "l: 0\r\nContent-Length: 0\r\n"), EBADMSG,
			"Duplicate Content-Length header"));
	assert_true(bad(REQ("INVITE sip:x@h SIP/2.0", "c: a/b\r\nContent-Type: a/b\r\n"), EBADMSG,
			"Duplicate Content-Type header"));
	assert_true(bad(REQ("INVITE sip:x@h SIP/2.0", "Expires: 1\r\nExpires: 2\r\n"), EBADMSG,
			"Duplicate Expires header"));
}

static void test_bad_values(void **state)
{
	assert_true(bad(REQ("BYE sip:x@h SIP/2.0", ""), EBADMSG, "CSeq method mismatch"));
	assert_true(bad(REQ("INVITE sip:x@h SIP/2.0", "Max-Forwards: 256\r\n"), EBADMSG,
			"Bad Max-Forwards header"));
	assert_true(bad(REQ("INVITE sip:x@h SIP/2.0", "Content-Length: 1x\r\n"), EBADMSG,
			"Bad Content-Length header"));
	assert_true(bad(REQ("INVITE sip:x@h SIP/2.0", "Content-Length: -1\r\n"), EBADMSG,
			"Bad Content-Length header"));
	assert_true(bad(REQ("INVITE sip:x@h SIP/2.0", "Expires: soon\r\n"), EBADMSG,
			"Bad Expires header"));
	assert_true(bad(REQ("INVITE sip:x@h SIP/2.0", "Via: SIP/2.0/UDP\r\n"), EBADMSG,
			"Bad Via header"));
	assert_true(bad(REQ("INVITE sip:x@h SIP/2.0", "Bad Header: x\r\n"), EBADMSG,
			"Malformed header line"));
	/* the bad value comes before the essentials: parsing still reaches them */
	assert_true(bad("INVITE sip:x@h SIP/2.0\r\nMax-Forwards: x\r\n"
			"Via: SIP/2.0/UDP h;branch=z9hG4bKb\r\n" HDRS_TAIL "CSeq: 1 INVITE\r\n\r\n",
			EBADMSG, "Bad Max-Forwards header"));
	assert_false(bad("INVITE sip:x@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKb\r\n"
			 "From: sip:a@h\r\nTo: <sip:b@h>\r\nCall-ID: 1 2\r\nCSeq: 1 INVITE\r\n\r\n",
			 EBADMSG, "Bad Call-ID header"));
	assert_false(bad("INVITE sip:x@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKb\r\n"
			 "From: sip:a@h\r\nTo: <sip:b@h>\r\nCSeq: 1 INVITE\r\n\r\n",
			 EBADMSG, "Missing Call-ID header"));
	assert_false(bad("SIP/2.0 200 OK\r\n" HDRS_TAIL "CSeq: 1 INVITE\r\n\r\n", EBADMSG,
			 "Missing Via header"));
}

static void test_content_length(void **state)
{
	struct sip_msg *msg = parse_ok(REQ("INVITE sip:x@h SIP/2.0", "Content-Length: 2\r\n")
				       "abcdef");
	assert_str(msg->body, "ab");
	sip_msg_free(msg);
	msg = parse_ok(REQ("INVITE sip:x@h SIP/2.0", "") "rest of it");
	assert_str(msg->body, "rest of it");
	sip_msg_free(msg);
	assert_true(bad(REQ("INVITE sip:x@h SIP/2.0", "Content-Length: 9\r\n") "abc", EBADMSG,
			"Content-Length exceeds body"));
	assert_true(bad(REQ("INVITE sip:x@h SIP/2.0", "Content-Length: 99999999999999999999\r\n"),
			EBADMSG, "Content-Length exceeds body"));
	/* stream frames need the length */
	const char *t = REQ("INVITE sip:x@h SIP/2.0", "");
	struct sip_msg *m = NULL;
	const char *reason = NULL;
	assert_int_equal(sip_msg_parse(&m, t, strlen(t), true, &reason), EBADMSG);
	assert_string_equal(reason, "Missing Content-Length");
	sip_msg_free(m);
}

static void test_nul_bytes(void **state)
{
	static const char hdr_nul[] = "INVITE sip:x@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z\r\n"
				      "X-A: a\0b\r\n" HDRS_TAIL "CSeq: 1 INVITE\r\n\r\n";
	static const char line_nul[] = "INVITE sip:x@h\0 SIP/2.0\r\n\r\n";
	static const char body_nul[] = REQ("INVITE sip:x@h SIP/2.0", "Content-Length: 3\r\n")
		"a\0b";

	assert_false(parse_bad(hdr_nul, sizeof(hdr_nul) - 1, EBADMSG, "NUL byte in header"));
	assert_false(parse_bad(line_nul, sizeof(line_nul) - 1, EBADMSG, "NUL byte in start line"));
	struct sip_msg *msg = NULL;
	assert_int_equal(sip_msg_parse(&msg, body_nul, sizeof(body_nul) - 1, false, NULL), 0);
	assert_int_equal(msg->body.len, 3);
	sip_msg_free(msg);
}

static void test_start_lines(void **state)
{
	assert_true(bad(REQ("INVITE  sip:x@h SIP/2.0", ""), EBADMSG, "Bad request line"));
	assert_true(bad(REQ("INVITE sip:x@h  SIP/2.0", ""), EBADMSG, "Bad request line"));
	assert_true(bad(REQ("INVITE sip:x@h SIP/2.0 ", ""), EBADMSG, "Bad request line"));
	assert_false(bad(REQ("INVITE\tsip:x@h SIP/2.0", ""), EBADMSG, "Bad request line"));
	assert_false(bad(REQ("INV@ITE sip:x@h SIP/2.0", ""), EBADMSG, "Bad request line"));
	assert_true(bad(REQ("INVITE sip:x@ SIP/2.0", ""), EBADMSG, "Bad Request-URI"));
	assert_true(bad(REQ("INVITE sip:x@h:99999 SIP/2.0", ""), EBADMSG, "Bad Request-URI"));
	assert_false(bad("SIP/2.0 99 Low\r\n\r\n", EBADMSG, "Bad status line"));
	assert_false(bad("SIP/2.0 700 High\r\n\r\n", EBADMSG, "Bad status line"));
	assert_false(bad("SIP/2.0 2000 OK\r\n\r\n", EBADMSG, "Bad status line"));
	assert_false(bad("\r\n\r\n", EBADMSG, "Empty message"));

	struct sip_msg *msg = parse_ok(REQ("INVITE sip:x@h SIP/7.0", ""));
	assert_str(msg->version, "SIP/7.0");
	sip_msg_free(msg);
	msg = parse_ok(REQ("INVITE http://www.example.com/x SIP/2.0", ""));
	assert_int_equal(msg->ruri.scheme, SIP_URI_OTHER);
	sip_msg_free(msg);
	msg = parse_ok("NEWMETHOD sip:x@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKb\r\n" HDRS_TAIL
		       "CSeq: 5 NEWMETHOD\r\n\r\n");
	assert_int_equal(msg->method, SIP_UNKNOWN);
	assert_str(msg->method_name, "NEWMETHOD");
	sip_msg_free(msg);
}

static char *repeat(const char *head, const char *line, unsigned n, const char *tail)
{
	size_t len = strlen(head) + strlen(line) * n + strlen(tail) + 1;
	char *s = malloc(len), *p = s;

	p += snprintf(p, len, "%s", head);
	for (unsigned i = 0; i < n; i++)
		p += snprintf(p, len - (size_t)(p - s), "%s", line);
	snprintf(p, len - (size_t)(p - s), "%s", tail);
	return s;
}

static void test_limits(void **state)
{
	char *t = repeat(REQ("INVITE sip:x@h SIP/2.0", ""), "", 0, "");
	/* replace the final blank line so extra headers follow the essentials */
	t[strlen(t) - 2] = '\0';
	char *many = repeat(t, "X-H: 1\r\n", SIP_MAX_HEADERS, "\r\n");
	assert_true(bad(many, EOVERFLOW, "Too many headers"));
	char *vias = repeat(t, "Via: SIP/2.0/UDP h;branch=z9hG4bKv\r\n", SIP_MAX_VIA, "\r\n");
	assert_true(bad(vias, EOVERFLOW, "Too many Via headers"));
	char *longv = repeat(t, "X-Long: ", 1, "");
	char *longl = repeat(longv, "a", SIP_MAX_HDR_LINE, "\r\n\r\n");
	assert_true(bad(longl, EOVERFLOW, "Header line too long"));
	char *huge = repeat(t, "a", SIP_MAX_MSG, "");
	assert_false(bad(huge, EOVERFLOW, "Message too large"));
	free(t);
	free(many);
	free(vias);
	free(longv);
	free(longl);
	free(huge);
}

/* A compact copy keeps every essential, pointing into its own bytes, after the original is gone. */
static void test_compact_copy(void **state)
{
	struct sip_msg *msg = parse_ok("OPTIONS sip:bob@example.com;transport=udp SIP/2.0\r\n"
				       "Via: SIP/2.0/UDP 10.0.0.5:5062;branch=z9hG4bKc1;rport\r\n"
				       "Via: SIP/2.0/UDP 10.0.0.9;branch=z9hG4bKlower\r\n"
				       "From: \"Alice\" <sip:alice@example.com>;tag=a1\r\n"
				       "To: <sip:bob@example.com>;tag=b2\r\n"
				       "Call-ID: compact@10.0.0.5\r\n"
				       "CSeq: 9 OPTIONS\r\n"
				       "X-Filler: a header the copy drops\r\n"
				       "Content-Length: 0\r\n\r\n");
	struct sip_msg *c = sip_msg_compact(msg);
	const char *lo = c->buf, *hi = c->buf + c->len;

	memset(msg->buf, 'x', msg->len); /* the copy must not read the original's bytes */
	sip_msg_free(msg);
	assert_int_equal(c->nhdrs, 0);
	assert_int_equal(c->nvia, 1);
	assert_true(c->method == SIP_OPTIONS && c->cseq.num == 9);
	assert_str(c->method_name, "OPTIONS");
	assert_str(c->ruri.user, "bob");
	assert_str(c->ruri.params, "transport=udp");
	assert_str(c->via[0].branch, "z9hG4bKc1");
	assert_str(c->via[0].host, "10.0.0.5");
	assert_int_equal(c->via[0].port, 5062);
	assert_str(c->from.display, "Alice");
	assert_str(c->from.tag, "a1");
	assert_str(c->to.tag, "b2");
	assert_str(c->to.uri.host, "example.com");
	assert_str(c->call_id, "compact@10.0.0.5");
	assert_str(c->cseq.method_name, "OPTIONS");
	assert_true(c->call_id.p >= lo && c->call_id.p < hi);
	assert_true(c->via[0].raw.p >= lo && c->via[0].raw.p < hi);
	assert_true(c->from.uri.raw.p >= lo && c->from.uri.raw.p < hi);
	assert_null(sip_msg_hdr(c, SIP_HDR_VIA));
	sip_msg_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_invite_with_body),
		cmocka_unit_test(test_response),
		cmocka_unit_test(test_compact_forms),
		cmocka_unit_test(test_whitespace_and_folding),
		cmocka_unit_test(test_bare_lf_and_leading_crlf),
		cmocka_unit_test(test_list_splitting),
		cmocka_unit_test(test_contact_star_and_other_next),
		cmocka_unit_test(test_unusual_method_and_tokens),
		cmocka_unit_test(test_escaped_uris),
		cmocka_unit_test(test_nameaddr_forms),
		cmocka_unit_test(test_via_and_cseq_values),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_method_names),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_content_length),
		cmocka_unit_test(test_nul_bytes),
		cmocka_unit_test(test_start_lines),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_compact_copy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
