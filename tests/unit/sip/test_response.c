/* Building responses (RFC 3261 8.2.6, RFC 3581) and requests, checked on the wire text. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/loop.h"
#include "sip/stack.h"

static struct sip_msg *parse(const char *text)
{
	struct sip_msg *msg = NULL;
	const char *reason = NULL;

	assert_int_equal(sip_msg_parse(&msg, text, strlen(text), false, &reason), 0);
	assert_non_null(msg);
	return msg;
}

static struct sip_peer peer_at(const char *ip, uint16_t port)
{
	struct sip_peer p;

	memset(&p, 0, sizeof(p));
	p.proto = SIP_PROTO_UDP;
	assert_int_equal(sa_set_cstr(&p.addr, ip, port), 0);
	return p;
}

static const char *invite_two_vias =
	"INVITE sip:100@example.com SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 10.0.0.5:5062;branch=z9hG4bKtop;rport\r\n"
	"Via: SIP/2.0/UDP proxy.example.com;branch=z9hG4bKsecond;received=10.1.1.1\r\n"
	"Record-Route: <sip:proxy.example.com;lr>\r\n"
	"Max-Forwards: 69\r\n"
	"From: \"Alice\" <sip:alice@example.com>;tag=a1\r\n"
	"To: <sip:100@example.com>\r\n"
	"Call-ID: abc@10.0.0.5\r\n"
	"CSeq: 7 INVITE\r\n"
	"Content-Length: 0\r\n\r\n";

static const char *options_plain =
	"OPTIONS sip:100@example.com SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 192.0.2.10:5070;branch=z9hG4bKopt\r\n"
	"Max-Forwards: 70\r\n"
	"From: <sip:b@example.com>;tag=b1\r\n"
	"To: <sip:100@example.com>;tag=existing\r\n"
	"Call-ID: opt@192.0.2.10\r\n"
	"CSeq: 2 OPTIONS\r\n"
	"Content-Length: 0\r\n\r\n";

static void test_vias_received_rport(void **state)
{
	struct sip_msg *req = parse(invite_two_vias);
	struct sip_peer from = peer_at("203.0.113.7", 40000);
	struct buf out;

	buf_init(&out, SIP_MAX_MSG);
	assert_int_equal(sip_response_build(&out, req, &from, 180, NULL, "tag42", "zv", NULL, NULL,
					    NULL, 0),
			 0);
	assert_non_null(strstr(out.data, "SIP/2.0 180 Ringing\r\n"));
	/* Top Via: bare rport filled in, received added; the second copied untouched, in order. */
	const char *top = strstr(out.data,
				 "Via: SIP/2.0/UDP 10.0.0.5:5062;branch=z9hG4bKtop;rport=40000;"
				 "received=203.0.113.7\r\n");
	const char *second = strstr(out.data, "Via: SIP/2.0/UDP proxy.example.com;"
					      "branch=z9hG4bKsecond;received=10.1.1.1\r\n");
	assert_non_null(top);
	assert_non_null(second);
	assert_true(top < second);
	assert_non_null(strstr(out.data, "Record-Route: <sip:proxy.example.com;lr>\r\n"));
	assert_non_null(strstr(out.data, "From: \"Alice\" <sip:alice@example.com>;tag=a1\r\n"));
	assert_non_null(strstr(out.data, "To: <sip:100@example.com>;tag=tag42\r\n"));
	assert_non_null(strstr(out.data, "Call-ID: abc@10.0.0.5\r\nCSeq: 7 INVITE\r\n"));
	assert_non_null(strstr(out.data, "Server: zv\r\n"));
	assert_non_null(strstr(out.data, "Content-Length: 0\r\n\r\n"));
	assert_null(strstr(out.data, "Max-Forwards"));
	/* The result is itself a valid response. */
	struct sip_msg *resp = parse(out.data);
	assert_false(resp->is_request);
	assert_int_equal(resp->status, 180);
	assert_int_equal(resp->nvia, 2);
	sip_msg_free(resp);
	buf_free(&out);
	sip_msg_free(req);
}

static void test_no_received_when_same_source(void **state)
{
	struct sip_msg *req = parse(options_plain);
	struct sip_peer from = peer_at("192.0.2.10", 5070);
	struct buf out;

	buf_init(&out, SIP_MAX_MSG);
	assert_int_equal(sip_response_build(&out, req, &from, 200, NULL, "new", NULL, NULL, NULL,
					    NULL, 0),
			 0);
	assert_non_null(strstr(out.data, "Via: SIP/2.0/UDP 192.0.2.10:5070;branch=z9hG4bKopt\r\n"));
	/* The request's own To tag is kept and no second tag added. */
	assert_non_null(strstr(out.data, "To: <sip:100@example.com>;tag=existing\r\n"));
	assert_null(strstr(out.data, "tag=new"));
	assert_null(strstr(out.data, "Server:"));
	buf_free(&out);
	sip_msg_free(req);
}

static void test_to_tag_not_on_100(void **state)
{
	struct sip_msg *req = parse(invite_two_vias);
	struct sip_peer from = peer_at("10.0.0.5", 5062);
	struct buf out;

	buf_init(&out, SIP_MAX_MSG);
	assert_int_equal(sip_response_build(&out, req, &from, 100, NULL, "tag42", NULL, NULL, NULL,
					    NULL, 0),
			 0);
	assert_non_null(strstr(out.data, "To: <sip:100@example.com>\r\n"));
	assert_null(strstr(out.data, "Record-Route")); /* only 101..299 carry it */
	/* rport still asks for received even when the address is the same (RFC 3581 4). */
	assert_non_null(strstr(out.data, ";rport=5062;received=10.0.0.5\r\n"));
	buf_free(&out);
	sip_msg_free(req);
}

static void test_body_extra_reason(void **state)
{
	struct sip_msg *req = parse(options_plain);
	struct sip_peer from = peer_at("192.0.2.10", 5070);
	struct buf out;

	buf_init(&out, SIP_MAX_MSG);
	assert_int_equal(sip_response_build(&out, req, &from, 200, "Fine", NULL, NULL,
					    "Allow: INVITE, ACK\r\n", "application/sdp", "v=0\r\n",
					    5),
			 0);
	assert_non_null(strstr(out.data, "SIP/2.0 200 Fine\r\n"));
	assert_non_null(strstr(out.data, "Allow: INVITE, ACK\r\n"));
	assert_non_null(strstr(out.data, "Content-Type: application/sdp\r\n"));
	assert_non_null(strstr(out.data, "Content-Length: 5\r\n\r\nv=0\r\n"));
	assert_int_equal(out.len, strlen(out.data));
	buf_free(&out);
	sip_msg_free(req);
}

static void test_invalid_arguments(void **state)
{
	struct sip_msg *req = parse(options_plain);
	struct sip_peer from = peer_at("192.0.2.10", 5070);
	struct buf out;

	buf_init(&out, SIP_MAX_MSG);
	assert_int_equal(sip_response_build(&out, req, &from, 99, NULL, NULL, NULL, NULL, NULL,
					    NULL, 0),
			 EINVAL);
	assert_int_equal(sip_response_build(&out, req, &from, 700, NULL, NULL, NULL, NULL, NULL,
					    NULL, 0),
			 EINVAL);
	assert_int_equal(sip_response_build(&out, req, &from, 200, "OK\r\nX: injected", NULL,
					    NULL, NULL, NULL, NULL, 0),
			 EINVAL);
	assert_int_equal(sip_response_build(&out, req, &from, 200, NULL, NULL, NULL,
					    "X-No-Crlf: 1", NULL, NULL, 0),
			 EINVAL);
	/* A tiny cap is an overflow, never a truncated message. */
	struct buf small;
	buf_init(&small, 40);
	assert_int_equal(sip_response_build(&small, req, &from, 200, NULL, NULL, NULL, NULL, NULL,
					    NULL, 0),
			 EOVERFLOW);
	assert_int_equal(small.len, 0);
	buf_free(&small);
	buf_free(&out);
	sip_msg_free(req);
}

static void test_response_dest(void **state)
{
	struct sip_msg *rport = parse(invite_two_vias);
	struct sip_msg *plain = parse(options_plain);
	struct sip_peer from = peer_at("203.0.113.7", 40000), to;

	sip_response_dest(rport, &from, &to);
	assert_int_equal(sa_port(&to.addr), 40000); /* rport: back to the source port */
	sip_response_dest(plain, &from, &to);
	assert_int_equal(sa_port(&to.addr), 5070); /* no rport: the Via port */
	assert_true(sa_eq_addr(&to.addr, &from.addr));
	from.proto = SIP_PROTO_TCP;
	sip_response_dest(plain, &from, &to);
	assert_int_equal(sa_port(&to.addr), 40000); /* streams: the connection as it is */
	sip_msg_free(rport);
	sip_msg_free(plain);
}

static void test_status_reason(void **state)
{
	assert_string_equal(sip_status_reason(487), "Request Terminated");
	assert_string_equal(sip_status_reason(100), "Trying");
	assert_string_equal(sip_status_reason(299), "Success");
	assert_string_equal(sip_status_reason(42), "Unknown");
}

static void on_request(struct sip_stack *st, struct sip_tsx *tsx, const struct sip_msg *req,
		       const struct sip_peer *from, void *arg)
{
}

static void test_request_build(void **state)
{
	struct loop *loop;
	struct sip_stack *st;
	struct sip_stack_cfg cfg = { .server_name = "zvonar 0.1" };
	struct sip_request_spec spec = {
		.method = SIP_INVITE, .ruri = "sip:bob@example.com", .from_uri = "sip:a@zv.test",
		.from_tag = "ft1", .to_uri = "\"Bob\" <sip:bob@example.com>", .call_id = "cid-1",
		.cseq = 3, .extra_hdrs = "Contact: <sip:a@127.0.0.1:5060>\r\n",
		.content_type = "application/sdp", .body = "v=0\r\n", .body_len = 5,
	};
	char branch[40];
	struct buf out;

	assert_int_equal(loop_new(&loop), 0);
	assert_int_equal(sip_stack_new(&st, loop, NULL, &cfg, on_request, NULL, NULL), 0);
	buf_init(&out, SIP_MAX_MSG);
	sip_branch_new(branch);
	assert_int_equal(strlen(branch), 31);
	assert_memory_equal(branch, "z9hG4bK", 7);
	/* Without a transport or a configured host there is no sent-by. */
	assert_int_equal(sip_request_build(st, &out, &spec, SIP_PROTO_UDP, branch), ENOENT);
	assert_int_equal(sip_stack_set_via_host(st, SIP_PROTO_TCP, "198.51.100.1:5060"), 0);
	assert_int_equal(sip_request_build(st, &out, &spec, SIP_PROTO_TCP, branch), 0);
	struct sip_msg *req = parse(out.data);
	assert_true(req->is_request);
	assert_int_equal(req->method, SIP_INVITE);
	assert_true(str_eq_cstr(req->via[0].branch, branch));
	assert_true(req->via[0].rport);
	assert_true(str_eq_case_cstr(req->via[0].transport, "TCP"));
	assert_int_equal(req->max_forwards, 70);
	assert_int_equal(req->cseq.num, 3);
	assert_true(str_eq_cstr(req->from.tag, "ft1"));
	assert_false(req->to.has_tag);
	assert_true(str_eq_cstr(req->body, "v=0\r\n"));
	assert_non_null(strstr(out.data, "To: \"Bob\" <sip:bob@example.com>\r\n"));
	assert_non_null(strstr(out.data, "User-Agent: zvonar 0.1\r\n"));
	sip_msg_free(req);
	spec.call_id = "cid\r\nX-Injected: 1";
	assert_int_equal(sip_request_build(st, &out, &spec, SIP_PROTO_TCP, branch), EINVAL);
	buf_free(&out);
	sip_stack_destroy(st);
	loop_destroy(loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vias_received_rport),
		cmocka_unit_test(test_no_received_when_same_source),
		cmocka_unit_test(test_to_tag_not_on_100),
		cmocka_unit_test(test_body_extra_reason),
		cmocka_unit_test(test_invalid_arguments),
		cmocka_unit_test(test_response_dest),
		cmocka_unit_test(test_status_reason),
		cmocka_unit_test(test_request_build),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
