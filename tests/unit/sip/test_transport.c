/* Unit tests for the SIP transports: real loopback sockets driven by loop_run_once. */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <cmocka.h>

#include <openssl/ssl.h>

#include "core/loop.h"
#include "core/time.h"
#include "sip/transport.h"

#define MSG1                                                                                       \
	"OPTIONS sip:a@example.com SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\n"              \
	"Content-Length: 0\r\n\r\n"
#define MSG2                                                                                       \
	"MESSAGE sip:b@example.com SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK2\r\n"              \
	"Content-Length: 5\r\n\r\nhello"

enum { MAX_GOT = 16 };

struct got {
	char *data[MAX_GOT];
	size_t len[MAX_GOT];
	struct sip_peer peer[MAX_GOT];
	int n;
};

struct fixture {
	struct loop *loop;
	struct sip_transport *tp;
	struct got got;
	struct sa udp, tcp, tls;
	char dir[64];
	bool have_tls;
};

static void on_recv(const char *data, size_t len, const struct sip_peer *from, void *arg)
{
	struct got *g = arg;

	if (g->n >= MAX_GOT)
		return;
	g->data[g->n] = malloc(len + 1);
	memcpy(g->data[g->n], data, len);
	g->data[g->n][len] = '\0';
	g->len[g->n] = len;
	sip_peer_copy(&g->peer[g->n], from);
	g->n++;
}

static bool make_cert(struct fixture *f)
{
	char cmd[512];

	snprintf(f->dir, sizeof(f->dir), "/tmp/zvonar-tp-XXXXXX");
	if (!mkdtemp(f->dir))
		return false;
	snprintf(cmd, sizeof(cmd),
		 "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 1 "
		 "-keyout %s/key.pem -out %s/cert.pem >/dev/null 2>&1",
		 f->dir, f->dir);
	return system(cmd) == 0;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char cert[128], key[128];
	struct sa any;

	f->have_tls = make_cert(f);
	snprintf(cert, sizeof(cert), "%s/cert.pem", f->dir);
	snprintf(key, sizeof(key), "%s/key.pem", f->dir);
	struct sip_transport_cfg cfg = {
	    .max_conns_per_ip = 3,
	    .frame_timeout_s = 1,
	    .idle_timeout_s = 30,
	    .tls_cert_file = cert,
	    .tls_key_file = key,
	};
	assert_int_equal(loop_new(&f->loop), 0);
	assert_int_equal(sip_transport_new(&f->tp, f->loop, &cfg, on_recv, &f->got), 0);
	assert_int_equal(sa_set_cstr(&any, "127.0.0.1", 0), 0);
	assert_int_equal(sip_transport_listen(f->tp, SIP_PROTO_UDP, &any), 0);
	assert_int_equal(sip_transport_listen(f->tp, SIP_PROTO_TCP, &any), 0);
	assert_int_equal(sip_transport_local(f->tp, SIP_PROTO_UDP, &f->udp), 0);
	assert_int_equal(sip_transport_local(f->tp, SIP_PROTO_TCP, &f->tcp), 0);
	assert_int_not_equal(sa_port(&f->udp), 0);
	if (f->have_tls) {
		assert_int_equal(sip_transport_listen(f->tp, SIP_PROTO_TLS, &any), 0);
		assert_int_equal(sip_transport_local(f->tp, SIP_PROTO_TLS, &f->tls), 0);
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	sip_transport_destroy(f->tp);
	for (int i = 0; i < f->got.n; i++) {
		free(f->got.data[i]);
		sip_peer_release(&f->got.peer[i]);
	}
	loop_run_once(f->loop, 0);
	loop_destroy(f->loop);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", f->dir);
	free(f);
	return 0;
}

/* Runs the loop until *n reaches want or ms pass. */
static void pump_until(struct fixture *f, const int *n, int want, int ms)
{
	uint64_t end = time_mono_ms() + (uint64_t)ms;

	while (*n < want && time_mono_ms() < end)
		loop_run_once(f->loop, 10);
}

static void pump(struct fixture *f, int ms)
{
	int never = 0;

	pump_until(f, &never, 1, ms);
}

static int client(int type, const struct sa *to)
{
	int fd = socket(AF_INET, type | SOCK_NONBLOCK, 0);

	assert_true(fd >= 0);
	if (connect(fd, &to->u.sa, to->len) != 0)
		assert_int_equal(errno, EINPROGRESS);
	return fd;
}

/* Reads what the client got while pumping the loop; returns bytes or -1 on EOF/reset. */
static ssize_t client_read(struct fixture *f, int fd, char *buf, size_t size, int ms)
{
	uint64_t end = time_mono_ms() + (uint64_t)ms;

	for (;;) {
		ssize_t r = recv(fd, buf, size, MSG_DONTWAIT);
		if (r > 0)
			return r;
		if (r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
			return -1;
		if (time_mono_ms() >= end)
			return 0;
		loop_run_once(f->loop, 10);
	}
}

static void send_all(int fd, const char *data, size_t len)
{
	assert_int_equal(send(fd, data, len, MSG_NOSIGNAL), (ssize_t)len);
}

static void test_udp_deliver_and_reply(void **state)
{
	struct fixture *f = *state;
	int fd = client(SOCK_DGRAM, &f->udp);
	struct sa me = {.len = sizeof(me.u.ss)};
	struct sip_transport_stats st;
	char buf[256];

	assert_int_equal(getsockname(fd, &me.u.sa, &me.len), 0);
	send_all(fd, MSG1, strlen(MSG1));
	pump_until(f, &f->got.n, 1, 2000);
	assert_int_equal(f->got.n, 1);
	assert_string_equal(f->got.data[0], MSG1);
	assert_int_equal(f->got.peer[0].proto, SIP_PROTO_UDP);
	assert_true(sa_eq(&f->got.peer[0].addr, &me));
	assert_true(sa_eq(&f->got.peer[0].local, &f->udp));
	assert_null(f->got.peer[0].conn);
	assert_int_equal(sip_transport_send(f->tp, &f->got.peer[0], "SIP/2.0 200 OK\r\n\r\n", 19),
			 0);
	assert_int_equal(client_read(f, fd, buf, sizeof(buf), 2000), 19);
	assert_memory_equal(buf, "SIP/2.0 200 OK\r\n\r\n", 19);
	sip_transport_stats(f->tp, &st);
	assert_int_equal(st.rx_msgs, 1);
	assert_int_equal(st.tx_msgs, 1);
	assert_int_equal(st.rx_bytes, strlen(MSG1));
	close(fd);
}

static void test_udp_keepalive_and_empty(void **state)
{
	struct fixture *f = *state;
	int fd = client(SOCK_DGRAM, &f->udp);
	char buf[16];

	send_all(fd, "\r\n\r\n", 4);
	assert_int_equal(client_read(f, fd, buf, sizeof(buf), 2000), 2);
	assert_memory_equal(buf, "\r\n", 2);
	send_all(fd, "", 0);
	send_all(fd, "\r\n", 2); /* a lone CRLF is neither delivered nor answered */
	assert_int_equal(client_read(f, fd, buf, sizeof(buf), 300), 0);
	assert_int_equal(f->got.n, 0);
	close(fd);
}

static void test_tcp_two_in_one_write(void **state)
{
	struct fixture *f = *state;
	int fd = client(SOCK_STREAM, &f->tcp);
	char buf[256];

	pump(f, 50);
	send_all(fd, MSG1 MSG2, strlen(MSG1 MSG2));
	pump_until(f, &f->got.n, 2, 2000);
	assert_int_equal(f->got.n, 2);
	assert_string_equal(f->got.data[0], MSG1);
	assert_string_equal(f->got.data[1], MSG2);
	assert_int_equal(f->got.peer[1].proto, SIP_PROTO_TCP);
	assert_non_null(f->got.peer[1].conn);
	assert_true(sa_eq(&f->got.peer[1].local, &f->tcp));
	assert_int_equal(sip_transport_send(f->tp, &f->got.peer[1], "SIP/2.0 200 OK\r\n\r\n", 19),
			 0);
	assert_int_equal(client_read(f, fd, buf, sizeof(buf), 2000), 19);
	assert_memory_equal(buf, "SIP/2.0 200 OK\r\n\r\n", 19);

	/* Once the client is gone, sends on the held connection fail. */
	close(fd);
	struct sip_transport_stats st;
	for (int i = 0; i < 200; i++) {
		sip_transport_stats(f->tp, &st);
		if (st.conns_open == 0)
			break;
		loop_run_once(f->loop, 10);
	}
	assert_int_equal(st.conns_open, 0);
	assert_int_equal(sip_transport_send(f->tp, &f->got.peer[1], "x", 1), ENOTCONN);
}

static void test_tcp_byte_by_byte(void **state)
{
	struct fixture *f = *state;
	int fd = client(SOCK_STREAM, &f->tcp);
	const char *m = "\r\n" MSG2;

	pump(f, 50);
	for (size_t i = 0; i < strlen(m); i++) {
		send_all(fd, m + i, 1);
		loop_run_once(f->loop, 1);
	}
	pump_until(f, &f->got.n, 1, 2000);
	assert_int_equal(f->got.n, 1);
	assert_string_equal(f->got.data[0], MSG2);
	close(fd);
}

static void test_tcp_keepalive(void **state)
{
	struct fixture *f = *state;
	int fd = client(SOCK_STREAM, &f->tcp);
	char buf[16];

	pump(f, 50);
	send_all(fd, "\r\n\r\n", 4);
	assert_int_equal(client_read(f, fd, buf, sizeof(buf), 2000), 2);
	assert_memory_equal(buf, "\r\n", 2);
	send_all(fd, MSG1, strlen(MSG1)); /* still open and framing after the pong */
	pump_until(f, &f->got.n, 1, 2000);
	assert_int_equal(f->got.n, 1);
	close(fd);
}

static void test_tcp_garbage_closed(void **state)
{
	struct fixture *f = *state;
	int fd = client(SOCK_STREAM, &f->tcp);
	struct sip_transport_stats st;
	char buf[16];

	pump(f, 50);
	send_all(fd, "GARBAGE no length\r\n\r\n", 21);
	assert_int_equal(client_read(f, fd, buf, sizeof(buf), 2000), -1);
	sip_transport_stats(f->tp, &st);
	assert_int_equal(st.bad_frames, 1);
	assert_int_equal(st.conns_open, 0);
	assert_int_equal(f->got.n, 0);
	close(fd);
}

static void test_tcp_frame_timeout(void **state)
{
	struct fixture *f = *state;
	int fd = client(SOCK_STREAM, &f->tcp);
	struct sip_transport_stats st;
	char buf[16];
	uint64_t t0;

	pump(f, 50);
	send_all(fd, "INVITE sip:x SIP/2.0\r\nVia: ", 27);
	t0 = time_mono_ms();
	assert_int_equal(client_read(f, fd, buf, sizeof(buf), 4000), -1);
	assert_true(time_mono_ms() - t0 >= 900);
	sip_transport_stats(f->tp, &st);
	assert_int_equal(st.conns_timed_out, 1);
	assert_int_equal(st.conns_open, 0);
	close(fd);
}

static void test_tcp_oversize_closed(void **state)
{
	struct fixture *f = *state;
	int fd = client(SOCK_STREAM, &f->tcp);
	struct sip_transport_stats st;
	static char big[70000];
	char buf[16];
	size_t off = 0;

	pump(f, 50);
	memset(big, 'a', sizeof(big)); /* headers that never end */
	while (off < sizeof(big)) {
		ssize_t r = send(fd, big + off, sizeof(big) - off, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (r < 0)
			break;
		off += (size_t)r;
		loop_run_once(f->loop, 5);
	}
	assert_int_equal(client_read(f, fd, buf, sizeof(buf), 2000), -1);
	sip_transport_stats(f->tp, &st);
	assert_int_equal(st.bad_frames, 1);
	assert_int_equal(f->got.n, 0);
	close(fd);
}

static void test_tcp_reset_and_half_open(void **state)
{
	struct fixture *f = *state;
	struct linger lg = {.l_onoff = 1, .l_linger = 0};
	struct sip_transport_stats st;
	int a = client(SOCK_STREAM, &f->tcp), b = client(SOCK_STREAM, &f->tcp);

	pump(f, 50);
	send_all(a, "INVITE sip:x SIP/2.0\r\n", 22);
	send_all(b, MSG1, 10);
	pump(f, 50);
	assert_int_equal(setsockopt(a, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)), 0);
	close(a);	      /* RST mid-message */
	shutdown(b, SHUT_WR); /* half-open: EOF from the client side */
	pump(f, 200);
	sip_transport_stats(f->tp, &st);
	assert_int_equal(st.conns_open, 0);
	assert_int_equal(f->got.n, 0);
	close(b);
}

static void test_tcp_idle_timeout(void **state)
{
	struct fixture *f = *state;
	struct sip_transport_cfg cfg = {.idle_timeout_s = 1};
	struct sip_transport_stats st;
	struct sip_transport *tp;
	struct sa any, addr;
	char buf[16];
	int fd;

	assert_int_equal(sip_transport_new(&tp, f->loop, &cfg, on_recv, &f->got), 0);
	assert_int_equal(sa_set_cstr(&any, "127.0.0.1", 0), 0);
	assert_int_equal(sip_transport_listen(tp, SIP_PROTO_TCP, &any), 0);
	assert_int_equal(sip_transport_local(tp, SIP_PROTO_TCP, &addr), 0);
	fd = client(SOCK_STREAM, &addr);
	assert_int_equal(client_read(f, fd, buf, sizeof(buf), 4000), -1);
	sip_transport_stats(tp, &st);
	assert_int_equal(st.conns_timed_out, 1);
	assert_int_equal(st.conns_open, 0);
	close(fd);
	sip_transport_destroy(tp);
}

static void test_tcp_per_ip_limit(void **state)
{
	struct fixture *f = *state;
	struct sip_transport_stats st;
	int fds[5];
	char buf[16];
	int eof = 0;

	for (int i = 0; i < 5; i++) {
		fds[i] = client(SOCK_STREAM, &f->tcp);
		pump(f, 30);
	}
	pump(f, 100);
	sip_transport_stats(f->tp, &st);
	assert_int_equal(st.conns_open, 3);
	assert_int_equal(st.conns_refused, 2);
	for (int i = 0; i < 5; i++)
		eof += client_read(f, fds[i], buf, sizeof(buf), 50) == -1;
	assert_int_equal(eof, 2);
	for (int i = 0; i < 5; i++)
		close(fds[i]);
}

static void test_tcp_outgoing(void **state)
{
	struct fixture *f = *state;
	struct sa any, srv = {.len = sizeof(srv.u.ss)};
	int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	struct sip_peer to = {.proto = SIP_PROTO_TCP};
	char buf[256];
	int fd = -1;

	assert_int_equal(sa_set_cstr(&any, "127.0.0.1", 0), 0);
	assert_int_equal(bind(lfd, &any.u.sa, any.len), 0);
	assert_int_equal(listen(lfd, 4), 0);
	assert_int_equal(getsockname(lfd, &srv.u.sa, &srv.len), 0);
	to.addr = srv;
	/* Queued while connecting; the second send reuses the connection. */
	assert_int_equal(sip_transport_send(f->tp, &to, MSG1, strlen(MSG1)), 0);
	assert_int_equal(sip_transport_send(f->tp, &to, MSG2, strlen(MSG2)), 0);
	for (int i = 0; i < 200 && fd < 0; i++) {
		loop_run_once(f->loop, 10);
		fd = accept(lfd, NULL, NULL);
	}
	assert_true(fd >= 0);
	size_t want = strlen(MSG1 MSG2), have = 0;
	while (have < want) {
		ssize_t r = client_read(f, fd, buf + have, sizeof(buf) - have, 2000);
		assert_true(r > 0);
		have += (size_t)r;
	}
	assert_memory_equal(buf, MSG1 MSG2, want);
	/* The peer answers on the same connection and it is delivered framed. */
	send_all(fd, MSG2, strlen(MSG2));
	pump_until(f, &f->got.n, 1, 2000);
	assert_int_equal(f->got.n, 1);
	assert_true(sa_eq(&f->got.peer[0].addr, &srv));
	close(fd);
	close(lfd);
}

/* Drives a client TLS call to completion while pumping the server loop. */
static int tls_step(struct fixture *f, SSL *ssl, int ret)
{
	int e = SSL_get_error(ssl, ret);

	if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
		return -1;
	loop_run_once(f->loop, 5);
	return 0;
}

static void test_tls(void **state)
{
	struct fixture *f = *state;
	SSL_CTX *ctx;
	SSL *ssl;
	char buf[256];
	int fd, ret, i;

	if (!f->have_tls)
		skip();
	ctx = SSL_CTX_new(TLS_client_method());
	ssl = SSL_new(ctx);
	fd = client(SOCK_STREAM, &f->tls);
	SSL_set_fd(ssl, fd);
	for (i = 0; i < 1000 && (ret = SSL_connect(ssl)) != 1; i++)
		assert_int_equal(tls_step(f, ssl, ret), 0);
	assert_int_equal(ret, 1);
	assert_true(SSL_version(ssl) >= TLS1_2_VERSION);
	assert_int_equal(SSL_write(ssl, MSG1 MSG2, (int)strlen(MSG1 MSG2)), (int)strlen(MSG1 MSG2));
	pump_until(f, &f->got.n, 2, 2000);
	assert_int_equal(f->got.n, 2);
	assert_string_equal(f->got.data[1], MSG2);
	assert_int_equal(f->got.peer[1].proto, SIP_PROTO_TLS);
	assert_int_equal(sip_transport_send(f->tp, &f->got.peer[1], "SIP/2.0 200 OK\r\n\r\n", 19),
			 0);
	for (i = 0; i < 1000 && (ret = SSL_read(ssl, buf, sizeof(buf))) <= 0; i++)
		assert_int_equal(tls_step(f, ssl, ret), 0);
	assert_int_equal(ret, 19);
	assert_memory_equal(buf, "SIP/2.0 200 OK\r\n\r\n", 19);
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	close(fd);
}

static void test_tls_garbage_closed(void **state)
{
	struct fixture *f = *state;
	struct sip_transport_stats st;
	char buf[64];
	int fd;

	if (!f->have_tls)
		skip();
	fd = client(SOCK_STREAM, &f->tls);
	pump(f, 50);
	send_all(fd, MSG1, strlen(MSG1)); /* plain SIP on the TLS port */
	assert_int_equal(client_read(f, fd, buf, sizeof(buf), 2000) <= 0, 1);
	pump(f, 50);
	sip_transport_stats(f->tp, &st);
	assert_int_equal(st.conns_open, 0);
	assert_int_equal(f->got.n, 0);
	close(fd);
}

static void test_tls_handshake_timeout(void **state)
{
	struct fixture *f = *state;
	struct sip_transport_stats st;
	char buf[16];
	int fd;

	if (!f->have_tls)
		skip();
	fd = client(SOCK_STREAM, &f->tls);
	send_all(fd, "\x16\x03", 2); /* the start of a ClientHello, then silence */
	assert_int_equal(client_read(f, fd, buf, sizeof(buf), 4000), -1);
	sip_transport_stats(f->tp, &st);
	assert_int_equal(st.conns_timed_out, 1);
	close(fd);
}

static void test_tls_needs_cert(void **state)
{
	struct fixture *f = *state;
	struct sip_transport *tp;
	struct sa any;

	assert_int_equal(sip_transport_new(&tp, f->loop, NULL, on_recv, &f->got), 0);
	assert_int_equal(sa_set_cstr(&any, "127.0.0.1", 0), 0);
	assert_int_equal(sip_transport_listen(tp, SIP_PROTO_TLS, &any), EINVAL);
	assert_int_equal(sip_transport_local(tp, SIP_PROTO_TLS, &any), ENOENT);
	assert_string_equal(sip_proto_name(SIP_PROTO_TLS), "TLS");
	assert_true(sip_proto_reliable(SIP_PROTO_TCP));
	assert_false(sip_proto_reliable(SIP_PROTO_UDP));
	sip_transport_destroy(tp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_udp_deliver_and_reply, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_udp_keepalive_and_empty, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tcp_two_in_one_write, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tcp_byte_by_byte, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tcp_keepalive, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tcp_garbage_closed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tcp_frame_timeout, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tcp_oversize_closed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tcp_reset_and_half_open, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tcp_idle_timeout, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tcp_per_ip_limit, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tcp_outgoing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tls, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tls_garbage_closed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tls_handshake_timeout, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tls_needs_cert, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
