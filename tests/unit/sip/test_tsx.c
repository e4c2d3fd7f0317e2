/* Transaction state machines driven through sip_stack_recv with a captured send path. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/loop.h"
#include "core/obj.h"
#include "core/time.h"
#include "sip/stack.h"

enum { MAX_SENT = 128 };

struct sent {
	char *data;
	struct sip_peer to;
};

static struct loop *loop;
static struct sip_stack *st;
static uint64_t now_ms;
static struct sent sent[MAX_SENT];
static unsigned nsent;
static unsigned nrequests, nacks, ncancels, nbad, nresps;
static uint16_t bad_status, auto_status, last_resp_status;
static bool last_resp_null;
static struct sip_tsx *held; /* ref taken in on_request when auto_status == 0 */
static enum sip_method last_method;

static int capture(void *ctx, const struct sip_peer *to, const char *data, size_t len)
{
	assert_true(nsent < MAX_SENT);
	sent[nsent].data = strndup(data, len);
	sent[nsent].to = *to;
	nsent++;
	return 0;
}

static void on_request(struct sip_stack *s, struct sip_tsx *tsx, const struct sip_msg *req,
		       const struct sip_peer *from, void *arg)
{
	nrequests++;
	last_method = req->method;
	if (!tsx) {
		nacks++;
		return;
	}
	if (auto_status) {
		assert_int_equal(sip_tsx_reply(tsx, auto_status, NULL, NULL, NULL, NULL, 0), 0);
		return;
	}
	obj_unref(held);
	held = obj_ref(tsx);
}

static void on_bad(struct sip_stack *s, const struct sip_peer *from, const char *reason,
		   uint16_t status, void *arg)
{
	nbad++;
	bad_status = status;
}

static void on_resp(struct sip_tsx *tsx, const struct sip_msg *resp, uint16_t status, void *arg)
{
	nresps++;
	last_resp_status = status;
	last_resp_null = resp == NULL;
}

static void on_cancel(struct sip_tsx *tsx, void *arg)
{
	ncancels++;
}

static void advance(uint64_t ms)
{
	/* One ms at a time, so timers restarted from callbacks see a consistent clock. */
	for (uint64_t i = 0; i < ms; i++)
		timer_wheel_advance(loop_timers(loop), ++now_ms);
}

static struct sip_peer peer(enum sip_proto proto)
{
	struct sip_peer p;

	memset(&p, 0, sizeof(p));
	p.proto = proto;
	assert_int_equal(sa_set_cstr(&p.addr, "192.0.2.10", 5070), 0);
	assert_int_equal(sa_set_cstr(&p.local, "127.0.0.1", 5060), 0);
	return p;
}

static void recv_req_on(enum sip_proto proto, const char *method, const char *branch,
			unsigned cseq, const char *cseq_method)
{
	char msg[1024];
	struct sip_peer from = peer(proto);
	int n = snprintf(msg, sizeof(msg),
			 "%s sip:100@example.com SIP/2.0\r\n"
			 "Via: SIP/2.0/%s 192.0.2.10:5070;branch=%s\r\n"
			 "Max-Forwards: 70\r\n"
			 "From: <sip:200@example.com>;tag=from1\r\n"
			 "To: <sip:100@example.com>\r\n"
			 "Call-ID: call-1@192.0.2.10\r\n"
			 "CSeq: %u %s\r\n"
			 "Content-Length: 0\r\n\r\n",
			 method, proto == SIP_PROTO_UDP ? "UDP" : "TCP", branch, cseq, cseq_method);
	sip_stack_recv(st, msg, (size_t)n, &from);
}

static void recv_req(const char *method, const char *branch, unsigned cseq, const char *cm)
{
	recv_req_on(SIP_PROTO_UDP, method, branch, cseq, cm);
}

static void recv_resp(unsigned status, const char *branch, const char *cseq_method)
{
	char msg[1024];
	struct sip_peer from = peer(SIP_PROTO_UDP);
	int n = snprintf(msg, sizeof(msg),
			 "SIP/2.0 %u Whatever\r\n"
			 "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=%s;rport=5060\r\n"
			 "From: <sip:a@example.com>;tag=ft\r\n"
			 "To: <sip:b@example.com>;tag=tt\r\n"
			 "Call-ID: c1@127.0.0.1\r\n"
			 "CSeq: 1 %s\r\n"
			 "Content-Length: 0\r\n\r\n",
			 status, branch, cseq_method);
	sip_stack_recv(st, msg, (size_t)n, &from);
}

static int setup(void **state)
{
	struct sip_stack_cfg cfg = { .t1_ms = 500, .t2_ms = 4000, .t4_ms = 5000,
				     .server_name = "zvonar-test" };

	nsent = nrequests = nacks = ncancels = nbad = nresps = 0;
	bad_status = auto_status = last_resp_status = 0;
	held = NULL;
	assert_int_equal(loop_new(&loop), 0);
	/* Virtual time from here on: at or after the wheel's own start, then only advance(). */
	now_ms = time_mono_ms();
	timer_wheel_advance(loop_timers(loop), now_ms);
	assert_int_equal(sip_stack_new(&st, loop, NULL, &cfg, on_request, on_bad, NULL), 0);
	sip_stack_set_send_fn(st, capture, NULL);
	assert_int_equal(sip_stack_set_via_host(st, SIP_PROTO_UDP, "127.0.0.1:5060"), 0);
	return 0;
}

static int teardown(void **state)
{
	obj_unref(held);
	sip_stack_destroy(st);
	loop_destroy(loop);
	for (unsigned i = 0; i < nsent; i++)
		free(sent[i].data);
	return 0;
}

static bool starts(unsigned i, const char *prefix)
{
	return i < nsent && strncmp(sent[i].data, prefix, strlen(prefix)) == 0;
}

static struct sip_stack_stats stats(void)
{
	struct sip_stack_stats s;
	sip_stack_stats(st, &s);
	return s;
}

static void test_non_invite_retransmission_absorbed(void **state)
{
	recv_req("OPTIONS", "z9hG4bKopt1", 1, "OPTIONS");
	assert_int_equal(nrequests, 1);
	assert_int_equal(nsent, 0);
	recv_req("OPTIONS", "z9hG4bKopt1", 1, "OPTIONS"); /* before the answer: silence */
	assert_int_equal(nsent, 0);
	assert_int_equal(sip_tsx_reply(held, 200, NULL, NULL, NULL, NULL, 0), 0);
	assert_int_equal(nsent, 1);
	assert_true(starts(0, "SIP/2.0 200 OK\r\n"));
	recv_req("OPTIONS", "z9hG4bKopt1", 1, "OPTIONS");
	assert_int_equal(nrequests, 1);
	assert_int_equal(nsent, 2);
	assert_string_equal(sent[1].data, sent[0].data);
	assert_int_equal(stats().retrans_absorbed, 2);
	assert_int_equal(sip_tsx_reply(held, 404, NULL, NULL, NULL, NULL, 0), EPROTO);
	/* A different branch is a new transaction. */
	recv_req("OPTIONS", "z9hG4bKopt2", 2, "OPTIONS");
	assert_int_equal(nrequests, 2);
}

static void test_timer_j(void **state)
{
	auto_status = 200;
	recv_req("OPTIONS", "z9hG4bKj1", 1, "OPTIONS");
	assert_int_equal(stats().server_tsx, 1);
	advance(64 * 500 - 1);
	assert_int_equal(stats().server_tsx, 1);
	advance(1);
	assert_int_equal(stats().server_tsx, 0);
	assert_int_equal(stats().tsx_timeouts, 0);
	recv_req("OPTIONS", "z9hG4bKj1", 1, "OPTIONS"); /* after J: seen as new */
	assert_int_equal(nrequests, 2);
	/* Over a stream Timer J is zero. */
	recv_req_on(SIP_PROTO_TCP, "OPTIONS", "z9hG4bKj2", 2, "OPTIONS");
	assert_int_equal(stats().server_tsx, 1); /* only the UDP one again */
}

static void test_invite_timer_g_until_ack(void **state)
{
	auto_status = 486;
	recv_req("INVITE", "z9hG4bKg1", 1, "INVITE");
	assert_int_equal(nsent, 1);
	assert_true(starts(0, "SIP/2.0 486 Busy Here\r\n"));
	static const unsigned gaps[] = { 500, 1000, 2000, 4000, 4000 };
	for (unsigned i = 0; i < 5; i++) {
		advance(gaps[i] - 1);
		assert_int_equal(nsent, 1 + i);
		advance(1);
		assert_int_equal(nsent, 2 + i);
		assert_string_equal(sent[1 + i].data, sent[0].data);
	}
	recv_req("ACK", "z9hG4bKg1", 1, "ACK");
	assert_int_equal(nacks, 0); /* the ACK of a non-2xx stays in the transaction */
	advance(8000);
	assert_int_equal(nsent, 6);
	assert_int_equal(stats().server_tsx, 0); /* Timer I (T4) ended it */
	assert_int_equal(stats().tsx_timeouts, 0);
}

static void test_invite_timer_h(void **state)
{
	auto_status = 503;
	recv_req("INVITE", "z9hG4bKh1", 1, "INVITE");
	advance(64 * 500 - 1);
	assert_int_equal(stats().server_tsx, 1);
	/* G at 0.5, 1.5, 3.5, 7.5 s, then every 4 s up to 31.5 s: 10 resends. */
	assert_int_equal(nsent, 11);
	advance(1);
	assert_int_equal(stats().server_tsx, 0);
	assert_int_equal(stats().tsx_timeouts, 1);
	advance(10000);
	assert_int_equal(nsent, 11);
}

static void test_invite_2xx_accepted(void **state)
{
	auto_status = 200;
	recv_req("INVITE", "z9hG4bKa1", 1, "INVITE");
	assert_int_equal(nsent, 1);
	recv_req("INVITE", "z9hG4bKa1", 1, "INVITE"); /* absorbed, 2xx resent */
	assert_int_equal(nrequests, 1);
	assert_int_equal(nsent, 2);
	recv_req("ACK", "z9hG4bKa2", 1, "ACK"); /* the 2xx ACK is for the TU */
	assert_int_equal(nacks, 1);
	advance(64 * 500);
	assert_int_equal(stats().server_tsx, 0);
}

static void test_cancel(void **state)
{
	recv_req("INVITE", "z9hG4bKc1", 1, "INVITE");
	assert_non_null(held);
	sip_tsx_set_cancel_fn(held, on_cancel, NULL);
	assert_int_equal(sip_tsx_reply(held, 180, NULL, NULL, NULL, NULL, 0), 0);
	recv_req("CANCEL", "z9hG4bKc1", 1, "CANCEL");
	assert_int_equal(nrequests, 1); /* the TU hears of CANCEL only through the callback */
	assert_int_equal(ncancels, 1);
	assert_int_equal(nsent, 3);
	assert_true(starts(1, "SIP/2.0 200 OK\r\n"));
	assert_non_null(strstr(sent[1].data, "CSeq: 1 CANCEL\r\n"));
	assert_true(starts(2, "SIP/2.0 487 Request Terminated\r\n"));
	assert_non_null(strstr(sent[2].data, "CSeq: 1 INVITE\r\n"));
	/* The 487 carries the same To tag as the 180. */
	const char *tag = sip_tsx_to_tag(held);
	assert_true(strlen(tag) > 0);
	assert_non_null(strstr(sent[0].data, tag));
	assert_non_null(strstr(sent[2].data, tag));
	assert_int_equal(sip_tsx_reply(held, 200, NULL, NULL, NULL, NULL, 0), EPROTO);
	recv_req("CANCEL", "z9hG4bKc1", 1, "CANCEL"); /* retransmitted CANCEL: 200 again */
	assert_int_equal(nsent, 4);
	assert_string_equal(sent[3].data, sent[1].data);
	assert_int_equal(ncancels, 1);
}

static void test_cancel_unmatched(void **state)
{
	recv_req("CANCEL", "z9hG4bKnone", 1, "CANCEL");
	assert_int_equal(nsent, 1);
	assert_true(starts(0, "SIP/2.0 481 Call/Transaction Does Not Exist\r\n"));
	assert_int_equal(stats().server_tsx, 0);
	assert_int_equal(nrequests, 0);
}

static void test_cancel_after_final(void **state)
{
	recv_req("INVITE", "z9hG4bKc2", 1, "INVITE");
	sip_tsx_set_cancel_fn(held, on_cancel, NULL);
	assert_int_equal(sip_tsx_reply(held, 200, NULL, NULL, NULL, NULL, 0), 0);
	recv_req("CANCEL", "z9hG4bKc2", 1, "CANCEL");
	assert_int_equal(ncancels, 0);
	assert_int_equal(nsent, 2); /* the CANCEL's 200, no 487 */
	assert_true(starts(1, "SIP/2.0 200 OK\r\n"));
	assert_non_null(strstr(sent[1].data, "CSeq: 1 CANCEL\r\n"));
}

static void test_100_trying(void **state)
{
	recv_req("INVITE", "z9hG4bKt1", 1, "INVITE");
	advance(199);
	assert_int_equal(nsent, 0);
	advance(1);
	assert_int_equal(nsent, 1);
	assert_true(starts(0, "SIP/2.0 100 Trying\r\n"));
	assert_null(strstr(sent[0].data, "tag=\r\n")); /* no To tag on 100 */
	assert_non_null(strstr(sent[0].data, "To: <sip:100@example.com>\r\n"));
	/* The TU can still answer finally. */
	assert_int_equal(sip_tsx_reply(held, 404, NULL, NULL, NULL, NULL, 0), 0);
	assert_int_equal(nsent, 2);
	/* A TU that answers within 200 ms suppresses the 100. */
	recv_req("INVITE", "z9hG4bKt2", 1, "INVITE");
	assert_int_equal(sip_tsx_reply(held, 180, NULL, NULL, NULL, NULL, 0), 0);
	advance(1000);
	for (unsigned i = 2; i < nsent; i++)
		assert_false(starts(i, "SIP/2.0 100"));
	/* A retransmitted INVITE before the 200 ms gets its 100 at once. */
	unsigned before = nsent;
	recv_req("INVITE", "z9hG4bKt3", 1, "INVITE");
	recv_req("INVITE", "z9hG4bKt3", 1, "INVITE");
	assert_int_equal(nsent, before + 1);
	assert_true(starts(before, "SIP/2.0 100 Trying\r\n"));
}

static void test_legacy_branch_matching(void **state)
{
	recv_req("OPTIONS", "1234", 1, "OPTIONS"); /* RFC 2543 style branch */
	assert_int_equal(sip_tsx_reply(held, 200, NULL, NULL, NULL, NULL, 0), 0);
	recv_req("OPTIONS", "1234", 1, "OPTIONS");
	assert_int_equal(nrequests, 1);
	assert_int_equal(nsent, 2);
	recv_req("OPTIONS", "1234", 2, "OPTIONS"); /* new CSeq: new transaction */
	assert_int_equal(nrequests, 2);
}

static struct sip_tsx *send_client(const char *method, enum sip_method m, const char *branch)
{
	struct sip_request_spec spec = {
		.method = m, .ruri = "sip:b@example.com", .from_uri = "sip:a@example.com",
		.from_tag = "ft", .to_uri = "sip:b@example.com", .call_id = "c1@127.0.0.1",
		.cseq = 1,
	};
	struct buf b;
	struct sip_tsx *tsx = NULL;
	struct sip_peer to = peer(SIP_PROTO_UDP);

	buf_init(&b, SIP_MAX_MSG);
	assert_int_equal(sip_request_build(st, &b, &spec, SIP_PROTO_UDP, branch), 0);
	assert_int_equal(sip_tsx_send_request(st, &tsx, &to, &b, on_resp, NULL), 0);
	buf_free(&b);
	assert_non_null(tsx);
	assert_true(starts(nsent - 1, method));
	return tsx;
}

static void test_client_timer_e_and_timeout(void **state)
{
	send_client("OPTIONS", SIP_OPTIONS, "z9hG4bKcl1");
	assert_int_equal(nsent, 1);
	static const unsigned gaps[] = { 500, 1000, 2000, 4000, 4000 };
	for (unsigned i = 0; i < 5; i++) {
		advance(gaps[i] - 1);
		assert_int_equal(nsent, 1 + i);
		advance(1);
		assert_int_equal(nsent, 2 + i);
		assert_string_equal(sent[1 + i].data, sent[0].data);
	}
	advance(64 * 500 - 11500 - 1);
	assert_int_equal(nresps, 0);
	advance(1);
	assert_int_equal(nresps, 1);
	assert_true(last_resp_null);
	assert_int_equal(last_resp_status, 408);
	assert_int_equal(stats().client_tsx, 0);
	assert_int_equal(stats().tsx_timeouts, 1);
}

static void test_client_response_and_stray(void **state)
{
	send_client("OPTIONS", SIP_OPTIONS, "z9hG4bKcl2");
	recv_resp(200, "z9hG4bKcl2", "OPTIONS");
	assert_int_equal(nresps, 1);
	assert_int_equal(last_resp_status, 200);
	assert_false(last_resp_null);
	recv_resp(200, "z9hG4bKcl2", "OPTIONS"); /* retransmission: absorbed */
	assert_int_equal(nresps, 1);
	advance(5000); /* Timer K; no more retransmissions of the request */
	assert_int_equal(nsent, 1);
	assert_int_equal(stats().client_tsx, 0);
	recv_resp(200, "z9hG4bKcl2", "OPTIONS");
	assert_int_equal(nresps, 1);
	assert_int_equal(nbad, 1); /* only the late one: it matched nothing */
}

static void test_client_invite_non2xx_acked(void **state)
{
	send_client("INVITE", SIP_INVITE, "z9hG4bKcl3");
	advance(500); /* Timer A */
	assert_int_equal(nsent, 2);
	recv_resp(100, "z9hG4bKcl3", "INVITE");
	advance(4000); /* provisional stops Timer A */
	assert_int_equal(nsent, 2);
	recv_resp(486, "z9hG4bKcl3", "INVITE");
	assert_int_equal(nresps, 2);
	assert_int_equal(last_resp_status, 486);
	assert_int_equal(nsent, 3);
	assert_true(starts(2, "ACK sip:b@example.com SIP/2.0\r\n"));
	assert_non_null(strstr(sent[2].data, "branch=z9hG4bKcl3"));
	assert_non_null(strstr(sent[2].data, "To: <sip:b@example.com>;tag=tt\r\n"));
	assert_non_null(strstr(sent[2].data, "CSeq: 1 ACK\r\n"));
	recv_resp(486, "z9hG4bKcl3", "INVITE"); /* our ACK was lost: ACK again, TU not told */
	assert_int_equal(nresps, 2);
	assert_int_equal(nsent, 4);
	assert_string_equal(sent[3].data, sent[2].data);
	advance(32000); /* Timer D */
	assert_int_equal(stats().client_tsx, 0);
}

static void test_client_invite_ringing_then_cancel(void **state)
{
	struct sip_tsx *tsx = send_client("INVITE", SIP_INVITE, "z9hG4bKcl4");

	recv_resp(180, "z9hG4bKcl4", "INVITE");
	advance(64 * 500 * 2); /* ringing outlives Timer B */
	assert_int_equal(nresps, 1);
	assert_int_equal(stats().client_tsx, 1);
	assert_int_equal(sip_tsx_cancel(tsx, on_resp, NULL), 0);
	assert_int_equal(sip_tsx_cancel(tsx, on_resp, NULL), EPROTO);
	unsigned c = nsent - 1;
	assert_true(starts(c, "CANCEL sip:b@example.com SIP/2.0\r\n"));
	assert_non_null(strstr(sent[c].data, "branch=z9hG4bKcl4"));
	assert_non_null(strstr(sent[c].data, "CSeq: 1 CANCEL\r\n"));
	assert_int_equal(stats().client_tsx, 2);
	recv_resp(200, "z9hG4bKcl4", "CANCEL");
	assert_int_equal(last_resp_status, 200);
	/* No 487 ever comes: 64*T1 after the CANCEL the INVITE ends with 408. */
	advance(64 * 500);
	assert_int_equal(last_resp_status, 408);
	assert_true(last_resp_null);
	assert_int_equal(stats().client_tsx, 0);
}

static void test_client_cancel_waits_for_provisional(void **state)
{
	struct sip_tsx *tsx = send_client("INVITE", SIP_INVITE, "z9hG4bKcl5");

	assert_int_equal(sip_tsx_cancel(tsx, on_resp, NULL), 0);
	assert_int_equal(nsent, 1); /* 9.1: no CANCEL before a provisional */
	recv_resp(100, "z9hG4bKcl5", "INVITE");
	assert_int_equal(nsent, 2);
	assert_true(starts(1, "CANCEL "));
	recv_resp(487, "z9hG4bKcl5", "INVITE");
	assert_int_equal(last_resp_status, 487);
	assert_true(starts(nsent - 1, "ACK "));
}

static void test_transaction_cap(void **state)
{
	sip_stack_set_max_server_tsx(st, 2);
	recv_req("OPTIONS", "z9hG4bKcap1", 1, "OPTIONS");
	recv_req("OPTIONS", "z9hG4bKcap2", 2, "OPTIONS");
	recv_req("OPTIONS", "z9hG4bKcap3", 3, "OPTIONS");
	assert_int_equal(nrequests, 2);
	assert_int_equal(stats().server_tsx, 2);
	assert_int_equal(nsent, 1);
	assert_true(starts(0, "SIP/2.0 503 Service Unavailable\r\n"));
	assert_non_null(strstr(sent[0].data, "Retry-After: 5\r\n"));
	assert_int_equal(bad_status, 503);
	recv_req("OPTIONS", "z9hG4bKcap1", 1, "OPTIONS"); /* retransmissions still match */
	assert_int_equal(stats().retrans_absorbed, 1);
}

static void test_send_raw(void **state)
{
	struct sip_peer to = peer(SIP_PROTO_UDP);

	assert_int_equal(sip_stack_send_raw(st, &to, "ACK x", 5), 0);
	assert_int_equal(nsent, 1);
	assert_string_equal(sent[0].data, "ACK x");
	assert_int_equal(sip_stack_send_raw(st, &to, "", 0), EINVAL);
	assert_int_equal(nsent, 1);
}

static void test_garbage_dropped(void **state)
{
	struct sip_peer from = peer(SIP_PROTO_UDP);

	sip_stack_recv(st, "hello world\r\n\r\n", 15, &from);
	assert_int_equal(nbad, 1);
	assert_int_equal(bad_status, 0);
	assert_int_equal(nsent, 0);
	assert_int_equal(stats().parse_errors, 1);
}

static struct sip_stack *real_st;

static void real_on_request(struct sip_stack *s, struct sip_tsx *tsx, const struct sip_msg *req,
			    const struct sip_peer *from, void *arg)
{
	assert_int_equal(sip_tsx_reply(tsx, 200, NULL, NULL, NULL, NULL, 0), 0);
}

static void real_recv(const char *data, size_t len, const struct sip_peer *from, void *arg)
{
	sip_stack_recv(real_st, data, len, from);
}

/* The whole path over loopback UDP with the real transport: parse, reply, rport routing. */
static void test_real_udp_transport(void **state)
{
	struct loop *l;
	struct sip_transport *tp;
	struct sa bind_sa, local;
	struct sockaddr_in cli = { .sin_family = AF_INET };
	socklen_t clen = sizeof(cli);
	char msg[1024], resp[2048];

	assert_int_equal(loop_new(&l), 0);
	assert_int_equal(sip_transport_new(&tp, l, NULL, real_recv, NULL), 0);
	assert_int_equal(sa_set_cstr(&bind_sa, "127.0.0.1", 0), 0);
	assert_int_equal(sip_transport_listen(tp, SIP_PROTO_UDP, &bind_sa), 0);
	assert_int_equal(sip_transport_local(tp, SIP_PROTO_UDP, &local), 0);
	assert_int_equal(sip_stack_new(&real_st, l, tp, NULL, real_on_request, NULL, NULL), 0);

	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	cli.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&cli, sizeof(cli)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&cli, &clen), 0);
	unsigned cport = ntohs(cli.sin_port);
	/* The Via claims port 9 so only rport can bring the answer back. */
	int n = snprintf(msg, sizeof(msg),
			 "OPTIONS sip:100@127.0.0.1 SIP/2.0\r\n"
			 "Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKreal1;rport\r\n"
			 "Max-Forwards: 70\r\nFrom: <sip:t@127.0.0.1>;tag=1\r\n"
			 "To: <sip:100@127.0.0.1>\r\nCall-ID: real1\r\nCSeq: 1 OPTIONS\r\n"
			 "Content-Length: 0\r\n\r\n");
	assert_int_equal(sendto(fd, msg, (size_t)n, 0, &local.u.sa, local.len), n);
	ssize_t got = -1;
	for (int i = 0; i < 50 && got < 0; i++) {
		loop_run_once(l, 20);
		got = recv(fd, resp, sizeof(resp) - 1, MSG_DONTWAIT);
	}
	assert_true(got > 0);
	resp[got] = '\0';
	assert_memory_equal(resp, "SIP/2.0 200 OK\r\n", 16);
	char want[64];
	snprintf(want, sizeof(want), ";rport=%u;received=127.0.0.1\r\n", cport);
	assert_non_null(strstr(resp, want));

	/* With no configured host, requests advertise the bound address. */
	struct sip_request_spec spec = { .method = SIP_OPTIONS, .ruri = "sip:x@127.0.0.1",
					 .from_uri = "sip:a@127.0.0.1", .to_uri = "sip:x@127.0.0.1",
					 .call_id = "c", .cseq = 1 };
	struct buf b;
	char host[SA_ADDRSTRLEN], via[128];
	buf_init(&b, SIP_MAX_MSG);
	assert_int_equal(sip_request_build(real_st, &b, &spec, SIP_PROTO_UDP, "z9hG4bKr2"), 0);
	snprintf(via, sizeof(via), "Via: SIP/2.0/UDP %s;branch=z9hG4bKr2;rport\r\n",
		 sa_str(&local, host, sizeof(host)));
	assert_non_null(strstr(b.data, via));
	buf_free(&b);
	close(fd);
	sip_stack_destroy(real_st);
	sip_transport_destroy(tp);
	loop_destroy(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_non_invite_retransmission_absorbed, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_timer_j, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invite_timer_g_until_ack, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invite_timer_h, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invite_2xx_accepted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel_unmatched, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel_after_final, setup, teardown),
		cmocka_unit_test_setup_teardown(test_100_trying, setup, teardown),
		cmocka_unit_test_setup_teardown(test_legacy_branch_matching, setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_timer_e_and_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_response_and_stray, setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_invite_non2xx_acked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_invite_ringing_then_cancel, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_client_cancel_waits_for_provisional, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_transaction_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_raw, setup, teardown),
		cmocka_unit_test_setup_teardown(test_garbage_dropped, setup, teardown),
		cmocka_unit_test(test_real_udp_transport),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
