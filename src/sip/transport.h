/*
 * SIP transports: UDP, TCP and TLS listeners and connections on the control
 * loop. A transport delivers complete messages (one datagram, or one frame cut
 * from a stream by sip_msg_frame) and sends bytes back the way they came:
 * responses over the connection a request arrived on (RFC 3261 18.2.2).
 */
#ifndef SIP_TRANSPORT_H
#define SIP_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/addr.h"

struct loop;
struct sip_conn; /* refcounted (core/obj) stream connection */
struct sip_transport;

enum sip_proto { SIP_PROTO_UDP = 0, SIP_PROTO_TCP, SIP_PROTO_TLS, SIP_PROTO__COUNT };

struct sip_peer {
	enum sip_proto proto;
	struct sa addr;        /* remote address */
	struct sa local;       /* local address the message arrived on / leaves from */
	struct sip_conn *conn; /* ref for TCP/TLS (NULL for UDP or when unknown) */
};

struct sip_transport_cfg {
	size_t max_conns;          /* all stream connections; default 4096 */
	size_t max_conns_per_ip;   /* default 64 */
	unsigned idle_timeout_s;   /* close a connection idle this long; default 900 */
	unsigned frame_timeout_s;  /* a started message must complete in this; default 10 */
	size_t udp_sockbuf;        /* SO_RCVBUF/SO_SNDBUF request; default 4 MiB */
	const char *tls_cert_file; /* PEM; TLS listeners need both */
	const char *tls_key_file;
	const char *tls_ca_file;   /* optional, to verify peers we connect to */
};

typedef void(sip_transport_recv_fn)(const char *data, size_t len, const struct sip_peer *from,
				    void *arg);

int sip_transport_new(struct sip_transport **tp, struct loop *loop,
		      const struct sip_transport_cfg *cfg, sip_transport_recv_fn *recv,
		      void *arg);
void sip_transport_destroy(struct sip_transport *tp);
/* Binds and listens on addr (port 0 picks a free one; see sip_transport_local). */
int sip_transport_listen(struct sip_transport *tp, enum sip_proto proto, const struct sa *addr);
/* The first bound listener address of proto (ENOENT if none). */
int sip_transport_local(const struct sip_transport *tp, enum sip_proto proto, struct sa *out);

/*
 * Sends one message. UDP: from the listener matching to->local (or the first).
 * TCP/TLS: over to->conn if still open, else an existing connection to to->addr,
 * else a new outgoing connection (queued until connected). 0, or ENOTCONN/EIO.
 */
int sip_transport_send(struct sip_transport *tp, const struct sip_peer *to, const char *data,
		       size_t len);

/* Copies a peer taking a new conn ref; release drops it. */
void sip_peer_copy(struct sip_peer *dst, const struct sip_peer *src);
void sip_peer_release(struct sip_peer *peer);
const char *sip_proto_name(enum sip_proto proto); /* "UDP", "TCP", "TLS" */
bool sip_proto_reliable(enum sip_proto proto);

struct sip_transport_stats {
	uint64_t rx_msgs, tx_msgs, rx_bytes, tx_bytes;
	uint64_t bad_frames, conns_refused, conns_timed_out;
	size_t conns_open;
};
void sip_transport_stats(const struct sip_transport *tp, struct sip_transport_stats *out);

#endif
