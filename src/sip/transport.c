/* SIP transports: listeners, send routing by protocol, peers and statistics. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "core/loop.h"
#include "core/mem.h"
#include "core/obj.h"
#include "net/sock.h"
#include "net/tls.h"
#include "sip/transport_int.h"

static void cfg_defaults(struct sip_transport_cfg *dst, const struct sip_transport_cfg *src)
{
	if (src)
		*dst = *src;
	else
		memset(dst, 0, sizeof(*dst));
	dst->max_conns = dst->max_conns ? dst->max_conns : 4096;
	dst->max_conns_per_ip = dst->max_conns_per_ip ? dst->max_conns_per_ip : 64;
	dst->idle_timeout_s = dst->idle_timeout_s ? dst->idle_timeout_s : 900;
	dst->frame_timeout_s = dst->frame_timeout_s ? dst->frame_timeout_s : 10;
	dst->udp_sockbuf = dst->udp_sockbuf ? dst->udp_sockbuf : 4u << 20;
	dst->tls_cert_file = dst->tls_cert_file ? xstrdup(dst->tls_cert_file) : NULL;
	dst->tls_key_file = dst->tls_key_file ? xstrdup(dst->tls_key_file) : NULL;
	dst->tls_ca_file = dst->tls_ca_file ? xstrdup(dst->tls_ca_file) : NULL;
}

int sip_transport_new(struct sip_transport **tpp, struct loop *loop,
		      const struct sip_transport_cfg *cfg, sip_transport_recv_fn *recv, void *arg)
{
	struct sip_transport *tp;

	if (!tpp || !loop || !recv)
		return EINVAL;
	/* OpenSSL writes through write(2); a peer's RST must not kill the process. */
	signal(SIGPIPE, SIG_IGN);
	tp = xcalloc(1, sizeof(*tp));
	tp->loop = loop;
	tp->recv = recv;
	tp->arg = arg;
	cfg_defaults(&tp->cfg, cfg);
	hmap_init(&tp->conns, 64);
	hmap_init(&tp->per_ip, 64);
	tp->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	*tpp = tp;
	return 0;
}

static void free_per_ip(struct sip_transport *tp)
{
	struct hmap_iter it;
	struct hmap_node *n;

	hmap_iter_init(&it, &tp->per_ip);
	while ((n = hmap_iter_next(&it))) {
		hmap_remove(&tp->per_ip, n);
		free(container_of(n, struct sip_ip_count, node));
	}
}

void sip_transport_destroy(struct sip_transport *tp)
{
	if (!tp)
		return;
	sip_conn_table_close_all(tp);
	while (tp->listeners) {
		struct sip_listener *l = tp->listeners;
		tp->listeners = l->next;
		loop_fd_del(tp->loop, l->fd);
		close(l->fd);
		free(l);
	}
	free_per_ip(tp);
	hmap_free(&tp->conns);
	hmap_free(&tp->per_ip);
	net_tls_ctx_free(tp->tls_server);
	net_tls_ctx_free(tp->tls_client);
	if (tp->spare_fd >= 0)
		close(tp->spare_fd);
	free((char *)tp->cfg.tls_cert_file);
	free((char *)tp->cfg.tls_key_file);
	free((char *)tp->cfg.tls_ca_file);
	free(tp->udp_bufs);
	free(tp);
}

static int listen_fd(struct sip_transport *tp, enum sip_proto proto, const struct sa *addr, int *fd)
{
	int err;

	if (proto == SIP_PROTO_UDP) {
		if (!tp->udp_bufs)
			tp->udp_bufs = xmalloc((size_t)SIP_UDP_BATCH * (SIP_MAX_MSG + 1));
		return net_sock_udp_open(fd, addr, tp->cfg.udp_sockbuf);
	}
	if (proto == SIP_PROTO_TLS && !tp->tls_server) {
		if (!tp->cfg.tls_cert_file || !tp->cfg.tls_key_file)
			return EINVAL;
		err = net_tls_server_ctx_new(&tp->tls_server, tp->cfg.tls_cert_file,
					     tp->cfg.tls_key_file);
		if (err)
			return err;
	}
	return net_sock_tcp_listen(fd, addr, 1024);
}

int sip_transport_listen(struct sip_transport *tp, enum sip_proto proto, const struct sa *addr)
{
	struct sip_listener *l, **tail;
	int fd, err;

	if (!tp || !addr || proto < 0 || proto >= SIP_PROTO__COUNT)
		return EINVAL;
	err = listen_fd(tp, proto, addr, &fd);
	if (err)
		return err;
	l = xcalloc(1, sizeof(*l));
	l->tp = tp;
	l->proto = proto;
	l->fd = fd;
	err = net_sock_local(fd, &l->local);
	if (!err)
		err = loop_fd_add(tp->loop, fd, LOOP_READ,
				  proto == SIP_PROTO_UDP ? sip_udp_readable : sip_stream_accept, l);
	if (err) {
		close(fd);
		free(l);
		return err;
	}
	for (tail = &tp->listeners; *tail; tail = &(*tail)->next)
		;
	*tail = l;
	return 0;
}

int sip_transport_local(const struct sip_transport *tp, enum sip_proto proto, struct sa *out)
{
	for (const struct sip_listener *l = tp->listeners; l; l = l->next) {
		if (l->proto == proto) {
			*out = l->local;
			return 0;
		}
	}
	return ENOENT;
}

int sip_transport_send(struct sip_transport *tp, const struct sip_peer *to, const char *data,
		       size_t len)
{
	int err;

	if (!tp || !to || !data || len == 0)
		return EINVAL;
	if (to->proto == SIP_PROTO_UDP)
		err = sip_udp_send(tp, to, data, len);
	else if (to->proto == SIP_PROTO_TCP || to->proto == SIP_PROTO_TLS)
		err = sip_stream_send(tp, to, data, len);
	else
		return EINVAL;
	if (!err) {
		tp->stats.tx_msgs++;
		tp->stats.tx_bytes += len;
	}
	return err;
}

void sip_peer_copy(struct sip_peer *dst, const struct sip_peer *src)
{
	*dst = *src;
	obj_ref(dst->conn);
}

void sip_peer_release(struct sip_peer *peer)
{
	if (!peer)
		return;
	peer->conn = obj_unref(peer->conn);
}

const char *sip_proto_name(enum sip_proto proto)
{
	static const char *const names[SIP_PROTO__COUNT] = {"UDP", "TCP", "TLS"};

	return proto >= 0 && proto < SIP_PROTO__COUNT ? names[proto] : "?";
}

bool sip_proto_reliable(enum sip_proto proto)
{
	return proto == SIP_PROTO_TCP || proto == SIP_PROTO_TLS;
}

void sip_transport_stats(const struct sip_transport *tp, struct sip_transport_stats *out)
{
	*out = tp->stats;
}
