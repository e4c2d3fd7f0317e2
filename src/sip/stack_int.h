/* Internals shared by the transaction layer's files (stack, tsx_table, tsx_server, tsx_client). */
#ifndef SIP_STACK_INT_H
#define SIP_STACK_INT_H

#include <stdbool.h>

#include "core/hmap.h"
#include "core/timer.h"
#include "sip/stack.h"

enum { SIP_TRYING_DELAY_MS = 200, SIP_DEFAULT_MAX_SERVER_TSX = 200000 };

enum sip_tsx_state {
	TSX_TRYING,     /* non-INVITE, nothing sent yet; client: request sent */
	TSX_CALLING,    /* INVITE client, request sent */
	TSX_PROCEEDING, /* provisional sent/received */
	TSX_COMPLETED,  /* final sent/received, absorbing retransmissions */
	TSX_CONFIRMED,  /* INVITE server: ACK received */
	TSX_ACCEPTED,   /* INVITE 2xx (RFC 6026): absorbs INVITE retransmissions / forwards 2xx */
	TSX_TERMINATED,
};

struct sip_stack {
	struct loop *loop;        /* borrowed */
	struct sip_transport *tp; /* borrowed; may be NULL when a send fn is set */
	unsigned t1, t2, t4;
	char *server_name;                  /* owned */
	char *via_host[SIP_PROTO__COUNT];   /* owned or NULL */
	sip_request_fn *on_request;
	sip_bad_fn *on_bad;
	void *arg;
	sip_send_fn *send;
	void *send_ctx;
	struct hmap server; /* struct sip_tsx by branch/sent-by/method (one table ref each) */
	struct hmap client; /* struct sip_tsx by branch/method */
	size_t max_server_tsx;
	struct sip_stack_stats stats;
};

struct sip_tsx {
	struct hmap_node node;
	struct sip_stack *st; /* borrowed; NULL once the stack is gone */
	bool server, invite, in_table, legacy;
	enum sip_tsx_state state;
	struct sip_msg *req;  /* owned: the request (received, or sent by a client tsx) */
	struct sip_peer peer; /* server: where the request came from; client: destination */
	struct sip_peer dest; /* server: where responses go (18.2.2); conn borrowed from peer */
	uint16_t status;      /* last status sent (server) or received (client), 0 = none */
	char tag[24];          /* generated local To tag ("" until needed) */
	char *dialog_tag;      /* owned: the request's own To tag (in-dialog requests) or NULL */
	struct buf out;        /* owned: last response (server) or the request (client) */
	struct buf ack;        /* owned: client INVITE's ACK for a non-2xx */
	struct timer t_retx;   /* G (server) / A, E (client) */
	struct timer t_end;    /* H, I, J, L (server) / B, D, F, K, M (client) */
	struct timer t_trying; /* the 200 ms 100 Trying */
	unsigned retx_ms;
	sip_tsx_cancel_fn *cancel_fn;
	void *cancel_arg;
	sip_resp_fn *resp_fn;
	void *resp_arg;
	bool cancelled;              /* client INVITE: sip_tsx_cancel was called */
	bool cancel_pending;         /* ... before any 1xx: the CANCEL waits for one */
	sip_resp_fn *cancel_resp_fn; /* ... and its CANCEL transaction's callback */
	void *cancel_resp_arg;
	sip_tsx_end_fn *end_fn; /* once, when the transaction ends */
	void *end_arg;
};

/* stack.c */
int stack_send(struct sip_stack *st, const struct sip_peer *to, const char *data, size_t len);
void stack_bad(struct sip_stack *st, const struct sip_peer *from, const char *reason,
	       uint16_t status);
bool stack_reliable(const struct sip_peer *peer);

/* tsx_table.c: matching (RFC 3261 17.1.3, 17.2.3 and the RFC 2543 fallback) */
struct sip_tsx *tsx_table_server_find(struct sip_stack *st, const struct sip_msg *req,
				      enum sip_method want);
struct sip_tsx *tsx_table_client_find(struct sip_stack *st, const struct sip_msg *resp);
void tsx_table_add(struct sip_stack *st, struct sip_tsx *tsx);
/* Cancels the timers, unlinks tsx and drops the table's ref (tsx may be freed). */
void tsx_terminate(struct sip_tsx *tsx);
struct sip_tsx *tsx_alloc(struct sip_stack *st, bool server, struct sip_msg *req,
			  const struct sip_peer *peer);
bool tsx_has_cookie(struct str branch);

/* tsx_server.c */
void tsx_server_recv(struct sip_stack *st, struct sip_msg *req, const struct sip_peer *from);

/* tsx_client.c */
void tsx_client_recv(struct sip_tsx *tsx, const struct sip_msg *resp);

#endif
