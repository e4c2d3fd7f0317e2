/* The registrar (RFC 3261 10.3, RFC 3327 Path) driven through the real stack with captured sends.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/loop.h"
#include "core/time.h"
#include "sip/location.h"
#include "sip/registrar.h"
#include "sip/stack.h"

enum { MAX_SENT = 64, MAX_EVENTS = 64 };

#define CALL_ID	 "reg-1@127.0.0.1"
#define UA_A	 "sip:200@192.0.2.1:5062"
#define UA_B	 "sip:200@192.0.2.2:5062"
#define UA_C	 "sip:200@192.0.2.3:5062"
#define UA_D	 "sip:200@192.0.2.4:5062"
#define INSTANCE "<urn:uuid:00000000-0000-1000-8000-aabbccddeeff>"

struct event {
	enum sip_location_change what;
	char *uri;
};

static struct loop *loop;
static struct sip_stack *st;
static struct sip_location *loc;
static struct sip_registrar *reg;
static uint64_t now_ms;
static char *sent[MAX_SENT];
static unsigned nsent;
static struct event events[MAX_EVENTS];
static unsigned nevents;
static unsigned branch_seq;

static int capture(void *ctx, const struct sip_peer *to, const char *data, size_t len)
{
	char host[SA_ADDRSTRLEN];

	assert_true(nsent < MAX_SENT);
	/* UDP answers go back to the source (the Via says the same address and port) */
	assert_string_equal(sa_str(&to->addr, host, sizeof(host)), "127.0.0.1:5062");
	sent[nsent++] = strndup(data, len);
	return 0;
}

static void on_change(enum sip_location_change what, const struct sip_contact *c, void *arg)
{
	assert_true(nevents < MAX_EVENTS);
	events[nevents].what = what;
	events[nevents].uri = strdup(c->uri);
	nevents++;
}

static void on_request(struct sip_stack *s, struct sip_tsx *tsx, const struct sip_msg *req,
		       const struct sip_peer *from, void *arg)
{
	assert_non_null(tsx);
	sip_registrar_handle(reg, tsx, req, from, 1, str_c("200"), 0);
}

static struct sip_peer udp_peer(void)
{
	struct sip_peer p;

	memset(&p, 0, sizeof(p));
	p.proto = SIP_PROTO_UDP;
	assert_int_equal(sa_set_cstr(&p.addr, "127.0.0.1", 5062), 0);
	assert_int_equal(sa_set_cstr(&p.local, "127.0.0.1", 5060), 0);
	return p;
}

/* Sends a REGISTER on a new branch; hdrs are extra "Name: value\r\n" lines. Returns the answer. */
static const char *reg_send(const char *call_id, unsigned cseq, const char *hdrs)
{
	char msg[4096];
	struct sip_peer from = udp_peer();
	unsigned before = nsent;
	int n = snprintf(msg, sizeof(msg),
			 "REGISTER sip:example.com SIP/2.0\r\n"
			 "Via: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bKreg%u\r\n"
			 "Max-Forwards: 70\r\n"
			 "From: <sip:200@example.com>;tag=f1\r\n"
			 "To: <sip:200@example.com>\r\n"
			 "Call-ID: %s\r\n"
			 "CSeq: %u REGISTER\r\n"
			 "User-Agent: test-phone\r\n"
			 "%s"
			 "Content-Length: 0\r\n\r\n",
			 ++branch_seq, call_id, cseq, hdrs);

	assert_true(n > 0 && (size_t)n < sizeof(msg));
	sip_stack_recv(st, msg, (size_t)n, &from);
	assert_int_equal(nsent, before + 1);
	return sent[nsent - 1];
}

static const char *reg1(unsigned cseq, const char *hdrs)
{
	return reg_send(CALL_ID, cseq, hdrs);
}

static void assert_status(const char *resp, unsigned status)
{
	char want[32];

	snprintf(want, sizeof(want), "SIP/2.0 %u ", status);
	if (strncmp(resp, want, strlen(want)) != 0)
		fail_msg("want %u, got:\n%s", status, resp);
}

static void assert_has(const char *resp, const char *needle)
{
	if (!strstr(resp, needle))
		fail_msg("missing \"%s\" in:\n%s", needle, resp);
}

static void assert_lacks(const char *resp, const char *needle)
{
	if (strstr(resp, needle))
		fail_msg("unexpected \"%s\" in:\n%s", needle, resp);
}

static unsigned count_of(const char *resp, const char *needle)
{
	unsigned n = 0;

	for (const char *p = strstr(resp, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static struct sip_aor *aor(void)
{
	return sip_location_find(loc, 1, str_c("200"));
}

static struct sip_contact *contact(const char *uri)
{
	return sip_aor_contact(aor(), str_c(uri));
}

static unsigned events_of(enum sip_location_change what)
{
	unsigned n = 0;

	for (unsigned i = 0; i < nevents; i++)
		n += events[i].what == what;
	return n;
}

static void assert_event(unsigned i, enum sip_location_change what, const char *uri)
{
	assert_true(i < nevents);
	assert_int_equal(events[i].what, what);
	assert_string_equal(events[i].uri, uri);
}

static uint64_t wall_s(void)
{
	return time_wall_ms() / 1000u;
}

/* Three bindings of UA_A..UA_C (expires 300), the events they caused forgotten. */
static void bind_three(void)
{
	const char *resp = reg1(1, "Contact: <" UA_A ">, <" UA_B ">, <" UA_C ">\r\n"
				   "Expires: 300\r\n");
	assert_status(resp, 200);
	assert_int_equal(sip_location_count(loc), 3);
	assert_int_equal(events_of(SIP_LOC_ADDED), 3);
	for (unsigned i = 0; i < nevents; i++)
		free(events[i].uri);
	nevents = 0;
}

static int setup(void **state)
{
	struct sip_stack_cfg scfg = {
	    .t1_ms = 500, .t2_ms = 4000, .t4_ms = 5000, .server_name = "zvonar-test"};
	struct sip_registrar_cfg rcfg = {
	    .min_expires = 60, .max_expires = 3600, .default_expires = 600, .max_contacts = 3};

	nsent = nevents = branch_seq = 0;
	assert_int_equal(loop_new(&loop), 0);
	/* Virtual time from here on: at or after the wheel's own start, then only forward. */
	now_ms = time_mono_ms();
	timer_wheel_advance(loop_timers(loop), now_ms);
	assert_int_equal(sip_stack_new(&st, loop, NULL, &scfg, on_request, NULL, NULL), 0);
	sip_stack_set_send_fn(st, capture, NULL);
	assert_int_equal(sip_stack_set_via_host(st, SIP_PROTO_UDP, "127.0.0.1:5060"), 0);
	assert_int_equal(sip_location_new(&loc, loop, on_change, NULL), 0);
	assert_int_equal(sip_registrar_new(&reg, loc, &rcfg), 0);
	return 0;
}

static int teardown(void **state)
{
	sip_stack_destroy(st);
	sip_registrar_destroy(reg);
	sip_location_destroy(loc);
	loop_destroy(loop);
	for (unsigned i = 0; i < nsent; i++)
		free(sent[i]);
	for (unsigned i = 0; i < nevents; i++)
		free(events[i].uri);
	return 0;
}

static void test_single_contact(void **state)
{
	uint64_t t0 = wall_s();
	const char *resp = reg1(1, "Contact: <" UA_A ">\r\nExpires: 300\r\n");

	assert_status(resp, 200);
	assert_has(resp, "\r\nContact: <" UA_A ">;expires=300\r\n");
	assert_int_equal(count_of(resp, "\r\nContact: "), 1);
	assert_has(resp, "\r\nDate: ");
	assert_has(resp, " GMT\r\n");
	assert_has(resp, "\r\nCSeq: 1 REGISTER\r\n");
	assert_int_equal(nevents, 1);
	assert_event(0, SIP_LOC_ADDED, UA_A);
	assert_int_equal(sip_location_count(loc), 1);

	struct sip_contact *c = contact(UA_A);
	assert_non_null(c);
	assert_string_equal(c->call_id, CALL_ID);
	assert_int_equal(c->cseq, 1);
	assert_int_equal(c->q1000, -1);
	assert_null(c->path);
	assert_null(c->instance);
	assert_string_equal(c->user_agent, "test-phone");
	assert_true(c->expires_at >= t0 + 300 && c->expires_at <= wall_s() + 300);
	assert_int_equal(sa_port(&c->peer.addr), 5062);
	assert_int_equal(aor()->ncontacts, 1);
}

static void test_refresh_and_cseq_order(void **state)
{
	assert_status(reg1(1, "Contact: <" UA_A ">\r\nExpires: 300\r\n"), 200);
	const char *resp = reg1(2, "Contact: <" UA_A ">\r\nExpires: 600\r\n");
	assert_status(resp, 200);
	assert_has(resp, "\r\nContact: <" UA_A ">;expires=600\r\n");
	assert_int_equal(nevents, 2);
	assert_event(1, SIP_LOC_REFRESHED, UA_A);
	assert_int_equal(sip_location_count(loc), 1);
	struct sip_contact *c = contact(UA_A);
	assert_int_equal(c->cseq, 2);
	uint64_t expires_at = c->expires_at;

	/* Same Call-ID and CSeq on a new branch is not a retransmission: out of order. */
	resp = reg1(2, "Contact: <" UA_A ">\r\nExpires: 3000\r\n");
	assert_status(resp, 400);
	assert_lacks(resp, "\r\nContact: ");
	resp = reg1(1, "Contact: <" UA_A ">\r\nExpires: 3000\r\n");
	assert_status(resp, 400);
	/* Nor may an out-of-order request remove the binding. */
	assert_status(reg1(1, "Contact: <" UA_A ">;expires=0\r\n"), 400);
	assert_int_equal(nevents, 2);
	assert_int_equal(sip_location_count(loc), 1);
	c = contact(UA_A);
	assert_non_null(c);
	assert_int_equal(c->cseq, 2);
	assert_int_equal(c->expires_at, expires_at);

	/* Another Call-ID (the phone restarted) updates whatever its CSeq (10.3 step 7). */
	resp = reg_send("other-call@127.0.0.1", 1, "Contact: <" UA_A ">\r\nExpires: 300\r\n");
	assert_status(resp, 200);
	assert_int_equal(nevents, 3);
	assert_event(2, SIP_LOC_REFRESHED, UA_A);
	assert_string_equal(contact(UA_A)->call_id, "other-call@127.0.0.1");
	assert_int_equal(contact(UA_A)->cseq, 1);
}

static void test_retransmission_absorbed(void **state)
{
	char msg[1024];
	struct sip_peer from = udp_peer();
	int n = snprintf(msg, sizeof(msg),
			 "REGISTER sip:example.com SIP/2.0\r\n"
			 "Via: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bKsame\r\n"
			 "Max-Forwards: 70\r\nFrom: <sip:200@example.com>;tag=f1\r\n"
			 "To: <sip:200@example.com>\r\nCall-ID: " CALL_ID "\r\n"
			 "CSeq: 1 REGISTER\r\nContact: <" UA_A ">\r\nExpires: 300\r\n"
			 "Content-Length: 0\r\n\r\n");

	sip_stack_recv(st, msg, (size_t)n, &from);
	sip_stack_recv(st, msg, (size_t)n, &from);
	assert_int_equal(nsent, 2);
	assert_status(sent[0], 200);
	assert_string_equal(sent[1], sent[0]); /* the transaction resent its answer */
	assert_int_equal(nevents, 1);
}

static void test_contact_expires_overrides_header(void **state)
{
	const char *resp = reg1(1, "Contact: <" UA_A ">;expires=120, <" UA_B ">\r\n"
				   "Expires: 300\r\n");

	assert_status(resp, 200);
	assert_has(resp, "\r\nContact: <" UA_A ">;expires=120\r\n");
	assert_has(resp, "\r\nContact: <" UA_B ">;expires=300\r\n");
	assert_int_equal(contact(UA_A)->expires_at + 180, contact(UA_B)->expires_at);
}

static void test_default_expires(void **state)
{
	const char *resp = reg1(1, "Contact: <" UA_A ">\r\n");

	assert_status(resp, 200);
	assert_has(resp, "\r\nContact: <" UA_A ">;expires=600\r\n");
	assert_int_equal(sip_location_count(loc), 1);
}

static void test_expires_capped_at_max(void **state)
{
	const char *resp = reg1(1, "Contact: <" UA_A ">\r\nExpires: 99999\r\n");

	assert_status(resp, 200);
	assert_has(resp, "\r\nContact: <" UA_A ">;expires=3600\r\n");
	resp = reg1(2, "Contact: <" UA_B ">;expires=99999\r\n");
	assert_status(resp, 200);
	assert_has(resp, "\r\nContact: <" UA_B ">;expires=3600\r\n");
	assert_true(contact(UA_B)->expires_at <= wall_s() + 3600);
}

static void test_expires_too_brief(void **state)
{
	const char *resp = reg1(1, "Contact: <" UA_A ">\r\nExpires: 10\r\n");

	assert_status(resp, 423);
	assert_has(resp, "\r\nMin-Expires: 60\r\n");
	assert_lacks(resp, "\r\nContact: ");
	assert_int_equal(nevents, 0);
	assert_int_equal(sip_location_count(loc), 0);
	assert_null(aor());
	/* One brief contact refuses the whole request. */
	resp = reg1(2, "Contact: <" UA_A ">, <" UA_B ">;expires=59\r\nExpires: 300\r\n");
	assert_status(resp, 423);
	assert_int_equal(sip_location_count(loc), 0);
	assert_int_equal(nevents, 0);
}

static void test_expires_zero_removes(void **state)
{
	bind_three();
	const char *resp = reg1(2, "Contact: <" UA_B ">;expires=0\r\n");

	assert_status(resp, 200);
	assert_int_equal(nevents, 1);
	assert_event(0, SIP_LOC_REMOVED, UA_B);
	assert_int_equal(sip_location_count(loc), 2);
	assert_null(contact(UA_B));
	assert_lacks(resp, "<" UA_B ">");
	assert_has(resp, "\r\nContact: <" UA_A ">;expires=");
	assert_has(resp, "\r\nContact: <" UA_C ">;expires=");
	assert_int_equal(count_of(resp, "\r\nContact: "), 2);
	/* Removing what is not bound is harmless. */
	resp = reg1(3, "Contact: <" UA_D ">\r\nExpires: 0\r\n");
	assert_status(resp, 200);
	assert_int_equal(nevents, 1);
	assert_int_equal(count_of(resp, "\r\nContact: "), 2);
}

static void test_several_contacts(void **state)
{
	const char *resp =
	    reg1(1, "Contact: <" UA_A ">, <" UA_B ">\r\n"
		    "Contact: <" UA_C ">;q=0.5;+sip.instance=\"" INSTANCE "\";reg-id=1\r\n"
		    "Expires: 300\r\n");

	assert_status(resp, 200);
	assert_int_equal(count_of(resp, "\r\nContact: "), 3);
	assert_has(resp, "\r\nContact: <" UA_A ">;expires=300\r\n");
	assert_has(resp, "\r\nContact: <" UA_B ">;expires=300\r\n");
	assert_has(resp, "\r\nContact: <" UA_C ">;expires=300;q=0.500;+sip.instance=\"" INSTANCE
			 "\";reg-id=1\r\n");
	assert_int_equal(events_of(SIP_LOC_ADDED), 3);
	assert_int_equal(sip_location_count(loc), 3);
	struct sip_contact *c = contact(UA_C);
	assert_non_null(c);
	assert_int_equal(c->q1000, 500);
	assert_string_equal(c->instance, INSTANCE);
	assert_int_equal(c->reg_id, 1);
	assert_int_equal(contact(UA_A)->q1000, -1);
	assert_null(contact(UA_A)->instance);
	assert_int_equal(contact(UA_A)->reg_id, 0);
}

static void test_max_contacts(void **state)
{
	bind_three();
	const char *resp = reg1(2, "Contact: <" UA_D ">\r\nExpires: 300\r\n");

	assert_status(resp, 403);
	assert_lacks(resp, "\r\nContact: ");
	assert_int_equal(nevents, 0);
	assert_int_equal(sip_location_count(loc), 3);
	assert_null(contact(UA_D));
	/* Refreshing the bound ones along with a fourth: still refused, nothing refreshed. */
	resp = reg1(3, "Contact: <" UA_A ">, <" UA_D ">\r\nExpires: 600\r\n");
	assert_status(resp, 403);
	assert_int_equal(nevents, 0);
	assert_int_equal(contact(UA_A)->cseq, 1);
	/* At the limit a refresh alone is fine. */
	assert_status(reg1(4, "Contact: <" UA_A ">\r\nExpires: 600\r\n"), 200);
	assert_int_equal(nevents, 1);
	assert_event(0, SIP_LOC_REFRESHED, UA_A);
}

/* Removing one binding and adding another in the same request stays within the limit. */
static void test_replace_at_limit(void **state)
{
	bind_three();
	const char *resp = reg1(2, "Contact: <" UA_D ">, <" UA_A ">;expires=0\r\nExpires: 300\r\n");

	assert_status(resp, 200);
	assert_has(resp, "\r\nContact: <" UA_D ">;expires=300\r\n");
	assert_int_equal(sip_location_count(loc), 3);
	assert_null(contact(UA_A));
	assert_non_null(contact(UA_D));
	assert_int_equal(events_of(SIP_LOC_REMOVED), 1);
	assert_int_equal(events_of(SIP_LOC_ADDED), 1);
	assert_int_equal(count_of(resp, "\r\nContact: "), 3);
}

static void test_star_removes_all(void **state)
{
	bind_three();
	const char *resp = reg1(2, "Contact: *\r\nExpires: 0\r\n");

	assert_status(resp, 200);
	assert_lacks(resp, "\r\nContact: ");
	assert_has(resp, "\r\nDate: ");
	assert_int_equal(nevents, 3);
	assert_int_equal(events_of(SIP_LOC_REMOVED), 3);
	assert_int_equal(sip_location_count(loc), 0);
	assert_null(aor());
}

static void test_star_invalid(void **state)
{
	bind_three();
	assert_status(reg1(2, "Contact: *\r\nExpires: 60\r\n"), 400);
	assert_status(reg1(3, "Contact: *\r\n"), 400); /* no Expires at all */
	assert_status(reg1(4, "Contact: *, <" UA_D ">\r\nExpires: 0\r\n"), 400);
	assert_status(reg1(5, "Contact: <" UA_D ">\r\nContact: *\r\nExpires: 0\r\n"), 400);
	assert_int_equal(nevents, 0);
	assert_int_equal(sip_location_count(loc), 3);
	/* Contact * from the same Call-ID must also have a higher CSeq. */
	assert_status(reg1(1, "Contact: *\r\nExpires: 0\r\n"), 400);
	assert_int_equal(sip_location_count(loc), 3);
}

static void test_query(void **state)
{
	const char *resp = reg1(1, "");

	assert_status(resp, 200); /* nothing bound yet: an empty list */
	assert_lacks(resp, "\r\nContact: ");
	assert_has(resp, "\r\nDate: ");
	assert_null(aor());

	bind_three();
	uint64_t a_at = contact(UA_A)->expires_at;
	resp = reg1(2, "");
	assert_status(resp, 200);
	assert_int_equal(count_of(resp, "\r\nContact: "), 3);
	assert_has(resp, "\r\nContact: <" UA_A ">;expires=");
	assert_has(resp, "\r\nContact: <" UA_B ">;expires=");
	assert_has(resp, "\r\nContact: <" UA_C ">;expires=");
	assert_int_equal(nevents, 0);
	assert_int_equal(sip_location_count(loc), 3);
	assert_int_equal(contact(UA_A)->expires_at, a_at);
	assert_int_equal(contact(UA_A)->cseq, 1); /* a query does not touch the bindings */
}

static void test_malformed_contact(void **state)
{
	static const char *const bad[] = {
	    "Contact: <sip:>\r\n",
	    "Contact: <" UA_A "\r\n",
	    "Contact: <" UA_A ">;q=2\r\n",
	    "Contact: <" UA_A ">;q=1.5\r\n",
	    "Contact: <" UA_A ">;q=abc\r\n",
	    "Contact: <" UA_A ">;expires=soon\r\n",
	    "Contact: <" UA_A ">;reg-id=x\r\n",
	    /* one bad contact spoils the request: the good one is not bound */
	    "Contact: <" UA_B ">, <sip:>\r\n",
	};

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *resp = reg1(i + 1, bad[i]);
		if (strncmp(resp, "SIP/2.0 400 ", 12) != 0)
			fail_msg("case %u (%s): want 400, got:\n%s", i, bad[i], resp);
	}
	assert_int_equal(nevents, 0);
	assert_int_equal(sip_location_count(loc), 0);
	assert_null(aor());
	/* The boundary values of q are fine. */
	const char *resp = reg1(20, "Contact: <" UA_A ">;q=1.0, <" UA_B ">;q=0\r\n");
	assert_status(resp, 200);
	assert_int_equal(contact(UA_A)->q1000, 1000);
	assert_int_equal(contact(UA_B)->q1000, 0);
	assert_has(resp, "<" UA_A ">;expires=600;q=1.000\r\n");
	assert_has(resp, "<" UA_B ">;expires=600;q=0.000\r\n");
}

static void test_path_supported(void **state)
{
	const char *resp = reg1(1, "Contact: <" UA_A ">\r\nPath: <sip:edge.example;lr>\r\n"
				   "Supported: path\r\nExpires: 300\r\n");

	assert_status(resp, 200);
	assert_string_equal(contact(UA_A)->path, "<sip:edge.example;lr>");
	assert_has(resp, "\r\nPath: <sip:edge.example;lr>\r\n");
	assert_has(resp, "\r\nSupported: path\r\n");
	/* Several Path headers are kept in order, comma-joined. */
	resp = reg1(2, "Contact: <" UA_A ">\r\nPath: <sip:edge1.example;lr>\r\n"
		       "Path: <sip:edge2.example;lr>\r\nSupported: path\r\nExpires: 300\r\n");
	assert_status(resp, 200);
	assert_string_equal(contact(UA_A)->path, "<sip:edge1.example;lr>,<sip:edge2.example;lr>");
	assert_has(resp, "\r\nPath: <sip:edge1.example;lr>,<sip:edge2.example;lr>\r\n");
}

static void test_path_not_supported(void **state)
{
	const char *resp = reg1(1, "Contact: <" UA_A ">\r\nPath: <sip:edge.example;lr>\r\n"
				   "Expires: 300\r\n");

	assert_status(resp, 200);
	assert_string_equal(contact(UA_A)->path, "<sip:edge.example;lr>");
	assert_lacks(resp, "\r\nPath: ");
	assert_lacks(resp, "edge.example");
	assert_has(resp, "\r\nContact: <" UA_A ">;expires=300\r\n");
}

static void test_expiry(void **state)
{
	assert_status(reg1(1, "Contact: <" UA_A ">\r\nExpires: 300\r\n"), 200);
	assert_int_equal(nevents, 1);

	now_ms += 298 * 1000;
	timer_wheel_advance(loop_timers(loop), now_ms);
	assert_int_equal(loop_run_once(loop, 0), 0);
	assert_int_equal(nevents, 1);
	assert_non_null(contact(UA_A));

	now_ms += (300 + 1) * 1000 - 298 * 1000;
	timer_wheel_advance(loop_timers(loop), now_ms);
	assert_int_equal(loop_run_once(loop, 0), 0);
	assert_int_equal(nevents, 2);
	assert_event(1, SIP_LOC_EXPIRED, UA_A);
	assert_int_equal(sip_location_count(loc), 0);
	assert_null(aor());
	/* The AOR can register again afterwards. */
	assert_status(reg1(2, "Contact: <" UA_A ">\r\nExpires: 300\r\n"), 200);
	assert_event(2, SIP_LOC_ADDED, UA_A);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_single_contact, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_refresh_and_cseq_order, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_retransmission_absorbed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_contact_expires_overrides_header, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_default_expires, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_expires_capped_at_max, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_expires_too_brief, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_expires_zero_removes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_several_contacts, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_max_contacts, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_replace_at_limit, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_star_removes_all, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_star_invalid, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_query, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_malformed_contact, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_path_supported, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_path_not_supported, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_expiry, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
