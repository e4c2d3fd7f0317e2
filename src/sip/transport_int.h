/* Internals shared by the SIP transport files; users include sip/transport.h only. */
#ifndef SIP_TRANSPORT_INT_H
#define SIP_TRANSPORT_INT_H

#include <openssl/ssl.h>

#include "core/buf.h"
#include "core/hmap.h"
#include "core/log.h"
#include "core/timer.h"
#include "sip/msg.h"
#include "sip/transport.h"

enum {
	SIP_UDP_BATCH = 32,		      /* datagrams per recvmmsg call */
	SIP_CONN_IN_MAX = SIP_MAX_MSG + 4096, /* one frame plus the start of the next */
	SIP_CONN_OUT_MAX = 1024 * 1024,	      /* a peer that stops reading is dropped */
	SIP_ACCEPT_BATCH = 64,		      /* accepts per wake-up, so UDP is not starved */
	SIP_READS_PER_WAKEUP = 8,
};

struct sip_listener {
	struct sip_listener *next; /* owned list of tp->listeners */
	struct sip_transport *tp;  /* borrowed back-pointer */
	enum sip_proto proto;
	int fd;		 /* owned */
	struct sa local; /* bound address (port resolved) */
};

enum sip_conn_state { SIP_CONN_CONNECTING, SIP_CONN_HANDSHAKE, SIP_CONN_OPEN, SIP_CONN_CLOSED };

struct sip_conn {
	struct hmap_node node;	  /* in tp->conns while not closed */
	struct sip_transport *tp; /* borrowed; NULL once closed (peers may outlive tp) */
	enum sip_proto proto;
	enum sip_conn_state state;
	bool outgoing;
	bool tls_want_write; /* OpenSSL needs the socket writable to progress */
	int fd;		     /* owned; -1 once closed */
	unsigned events;     /* interest registered with the loop */
	struct sa addr, local;
	SSL *ssl;		  /* owned, TLS only */
	struct buf in, out;	  /* owned, capped */
	struct timer frame_timer; /* unfinished frame, connect or handshake deadline */
	struct timer idle_timer;
	uint64_t last_ms; /* last traffic either way */
};

struct sip_ip_count {
	struct hmap_node node;
	struct sa addr; /* port ignored */
	size_t n;
};

struct sip_transport {
	struct loop *loop;	      /* borrowed */
	struct sip_transport_cfg cfg; /* file names are owned copies */
	sip_transport_recv_fn *recv;
	void *arg;
	struct sip_listener *listeners;	  /* owned */
	SSL_CTX *tls_server, *tls_client; /* owned, made on demand */
	struct hmap conns;		  /* struct sip_conn, one ref each */
	struct hmap per_ip;		  /* struct sip_ip_count, owned */
	struct sip_transport_stats stats;
	struct log_limit bad_log, accept_log;
	char *udp_bufs; /* owned: SIP_UDP_BATCH * (SIP_MAX_MSG + 1) */
	int spare_fd;	/* reserved so EMFILE can still drain the backlog */
};

/* transport_udp.c */
void sip_udp_readable(int fd, unsigned events, void *arg);
int sip_udp_send(struct sip_transport *tp, const struct sip_peer *to, const char *data, size_t len);
bool sip_is_crlf_only(const char *data, size_t len);
bool sip_has_ping(const char *data, size_t len);

/* transport_stream.c: connection life cycle */
void sip_stream_accept(int fd, unsigned events, void *arg);
int sip_stream_send(struct sip_transport *tp, const struct sip_peer *to, const char *data,
		    size_t len);
/* Closes now; the table's ref is dropped via loop_defer (or at once when !defer). */
void sip_conn_close(struct sip_conn *c, const char *why, bool defer);
void sip_conn_established(struct sip_conn *c);
/* (Re)starts the frame_timeout_s deadline for an unfinished frame, connect or handshake. */
void sip_conn_arm_deadline(struct sip_conn *c);

/* conn_io.c: bytes in and out, framing */
void sip_conn_io(int fd, unsigned events, void *arg);
int sip_conn_write(struct sip_conn *c, const char *data, size_t len);
void sip_conn_update_events(struct sip_conn *c);

/* conn_table.c */
int sip_conn_admit(struct sip_transport *tp, const struct sa *addr);
void sip_conn_table_insert(struct sip_transport *tp, struct sip_conn *c);
void sip_conn_table_remove(struct sip_transport *tp, struct sip_conn *c);
struct sip_conn *sip_conn_find(struct sip_transport *tp, enum sip_proto proto,
			       const struct sa *addr);
void sip_conn_table_close_all(struct sip_transport *tp);

#endif
