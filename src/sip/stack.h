/*
 * The SIP transaction layer (RFC 3261 section 17, RFC 6026): matches requests and responses
 * to server and client transactions, retransmits over UDP, absorbs retransmissions, and builds
 * requests and responses.
 */
#ifndef SIP_STACK_H
#define SIP_STACK_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "sip/msg.h"
#include "sip/transport.h"

struct loop;
struct sip_stack;
struct sip_tsx;

struct sip_stack_cfg {
	unsigned t1_ms, t2_ms, t4_ms; /* defaults 500, 4000, 5000 */
	const char *server_name;      /* "Server:" / "User-Agent:" value, e.g. "zvonar 0.1" */
};

/*
 * A new request. tsx is the server transaction (NULL for ACK, which has none when it acks a 2xx).
 * The TU must eventually call sip_tsx_reply with a final status (it may do so later,
 * asynchronously, holding a ref with obj_ref(tsx)). For an INVITE the stack sends 100 Trying
 * itself after 200 ms if the TU has not answered yet (RFC 3261 17.2.1).
 */
typedef void(sip_request_fn)(struct sip_stack *st, struct sip_tsx *tsx, const struct sip_msg *req,
			     const struct sip_peer *from, void *arg);
/*
 * A message that failed to parse, or matched nothing (stray response): for logging/metrics; may be
 * NULL. status is the status the stack answered with (400) or 0 when it dropped the message.
 */
typedef void(sip_bad_fn)(struct sip_stack *st, const struct sip_peer *from, const char *reason,
			 uint16_t status, void *arg);

int sip_stack_new(struct sip_stack **sp, struct loop *loop, struct sip_transport *tp,
		  const struct sip_stack_cfg *cfg, sip_request_fn *on_request, sip_bad_fn *on_bad,
		  void *arg);
/* Ends every transaction without callbacks; call it before destroying the transport and loop. */
void sip_stack_destroy(struct sip_stack *st);

/*
 * Hook for the transport's recv callback: parse; on parse error answer 400 "<reason>" statelessly
 * when the message had enough to answer, else drop; responses go to client transactions (stray
 * ones are dropped); request retransmissions are absorbed by the matching server transaction
 * (which resends its last response); CANCEL is matched to its INVITE (17.2.3/9.2): answered 200
 * and the INVITE tsx gets 487 Request Terminated unless the TU already answered finally (the TU is
 * told via a cancel callback set with sip_tsx_set_cancel_fn); an unmatched CANCEL gets 481.
 */
void sip_stack_recv(struct sip_stack *st, const char *data, size_t len,
		    const struct sip_peer *from);

/*
 * Reply on a server transaction. extra_hdrs: complete "Name: value\r\n" lines or NULL. The stack
 * builds the response per RFC 3261 8.2.6: all Vias copied (top Via gets received= when the source
 * IP differs from sent-by, and rport=<src port> when the request had a bare rport, RFC 3581),
 * From, Call-ID, CSeq, To with a tag added for >100 when absent (same tag on every response of the
 * transaction), Server, Content-Length. Status 100..699; a second final reply is EPROTO. Sent per
 * 18.2.2 (same connection for streams; UDP to source address and rport/Via port).
 */
int sip_tsx_reply(struct sip_tsx *tsx, uint16_t status, const char *reason, const char *extra_hdrs,
		  const char *content_type, const char *body, size_t body_len);
/* The same without a transaction (for stateless answers, e.g. to ACK-less cases or banned floods) */
int sip_stack_reply_stateless(struct sip_stack *st, const struct sip_msg *req,
			      const struct sip_peer *to, uint16_t status, const char *reason,
			      const char *extra_hdrs);
typedef void(sip_tsx_cancel_fn)(struct sip_tsx *tsx, void *arg);
void sip_tsx_set_cancel_fn(struct sip_tsx *tsx, sip_tsx_cancel_fn *fn, void *arg);
const struct sip_msg *sip_tsx_request(const struct sip_tsx *tsx);
const struct sip_peer *sip_tsx_peer(const struct sip_tsx *tsx);
const char *sip_tsx_to_tag(const struct sip_tsx *tsx); /* the local To tag this tsx uses */

/*
 * Client transactions: send a request built with sip_request_build (its top Via must carry the
 * branch). resp_fn gets every response (provisional too); on Timer B/F expiry or transport error
 * it gets resp=NULL and status 408 (timeout) or 503 (transport). For INVITE the stack sends the
 * ACK for non-2xx itself.
 */
typedef void(sip_resp_fn)(struct sip_tsx *tsx, const struct sip_msg *resp, uint16_t status,
			  void *arg);
int sip_tsx_send_request(struct sip_stack *st, struct sip_tsx **tsxp, const struct sip_peer *to,
			 struct buf *request /* taken over */, sip_resp_fn *fn, void *arg);
/* z9hG4bK + 24 random chars + NUL */
void sip_branch_new(char out[40]);
void sip_tag_new(char out[24]);

struct sip_request_spec {
	enum sip_method method;
	const char *ruri, *from_uri, *from_tag, *to_uri, *to_tag, *call_id;
	uint32_t cseq;
	const char *extra_hdrs, *content_type, *body;
	size_t body_len;
};
/* Builds into out a request with Via (transport, local address of tp for proto, branch, rport),
 * Max-Forwards 70, From, To, Call-ID, CSeq, User-Agent, extra headers, Content-Length. */
int sip_request_build(struct sip_stack *st, struct buf *out, const struct sip_request_spec *spec,
		      enum sip_proto proto, const char *branch);

struct sip_stack_stats {
	uint64_t requests_in, responses_out, retrans_absorbed, retrans_sent, parse_errors,
		tsx_timeouts;
	uint64_t responses_by_class[7]; /* [status / 100] of responses sent */
	size_t server_tsx, client_tsx;
};
void sip_stack_stats(const struct sip_stack *st, struct sip_stack_stats *out);

/* ---- Additions beyond the original contract ---- */

/*
 * Every outgoing message goes through this function; the default sends with
 * sip_transport_send on tp. Tests (and a future HEP tap) replace it. 0 or an errno.
 */
typedef int(sip_send_fn)(void *ctx, const struct sip_peer *to, const char *data, size_t len);
void sip_stack_set_send_fn(struct sip_stack *st, sip_send_fn *fn, void *ctx);
/* Sends bytes outside any transaction (the ACK of a 2xx, a 2xx retransmission) through that hook. */
int sip_stack_send_raw(struct sip_stack *st, const struct sip_peer *to, const char *data,
		       size_t len);

/*
 * The host[:port] put in our Via for proto (e.g. a public address behind NAT); NULL clears it.
 * Without one, sip_request_build uses the transport's bound address. 0 or EINVAL.
 */
int sip_stack_set_via_host(struct sip_stack *st, enum sip_proto proto, const char *hostport);

struct loop *sip_stack_loop(const struct sip_stack *st);

/*
 * Caps live server transactions (default 200000, about a minute of 3,000 calls/s): past it new
 * requests get a stateless 503 with Retry-After instead of state, so a flood cannot grow memory.
 */
void sip_stack_set_max_server_tsx(struct sip_stack *st, size_t max);

/*
 * About sip_tsx_send_request: *tsxp (optional) is borrowed; it stays valid until the callback
 * with a final status (>= 200) or resp=NULL has returned, unless the TU takes a ref. An error on
 * the first send is returned (ENOTCONN, EIO...) with no callback; EINVAL when the request does not
 * parse, is an ACK (never a transaction) or its top Via branch lacks the z9hG4bK cookie.
 */

/*
 * Cancels a client INVITE transaction (RFC 3261 9.1): sends a CANCEL built from the INVITE as its
 * own client transaction whose responses go to fn. Before any provisional response the CANCEL
 * waits for one (and is dropped if a final response comes first). The INVITE then expects its
 * final response (487) within 64*T1, else its callback gets 408.
 * 0, EINVAL (not a client INVITE), EPROTO (already final or cancelled), or a send error.
 */
int sip_tsx_cancel(struct sip_tsx *tsx, sip_resp_fn *fn, void *arg);

/*
 * Called once when tsx ends (terminated by its timers, or the stack destroyed), after its last
 * response callback: where a TU releases what the callbacks' arg needed (a 2xx to an INVITE can
 * arrive again until Timer M, so the final response is not the end).
 */
typedef void(sip_tsx_end_fn)(void *arg);
void sip_tsx_set_end_fn(struct sip_tsx *tsx, sip_tsx_end_fn *fn, void *arg);

/* The host:port we put in Via for proto (and a TU may put in Contact). 0, ENOENT, EOVERFLOW. */
int sip_stack_local_hostport(struct sip_stack *st, enum sip_proto proto, char *out, size_t size);

/* The local To tag of a server transaction, generated now if no response has carried one. */
const char *sip_tsx_local_tag(struct sip_tsx *tsx);

/* True for a server transaction, false for a client one. */
bool sip_tsx_is_server(const struct sip_tsx *tsx);

/*
 * Builds a response to req into out (RFC 3261 8.2.6, see sip_tsx_reply). from is where req came
 * from (for received/rport); to_tag is added to To for status > 100 when req's To has none (NULL:
 * none added); server NULL omits Server. reason NULL picks the standard phrase.
 * 0, EINVAL (bad status, CR/LF in reason, extra_hdrs not ending in CRLF), EOVERFLOW (out->max).
 */
int sip_response_build(struct buf *out, const struct sip_msg *req, const struct sip_peer *from,
		       uint16_t status, const char *reason, const char *to_tag, const char *server,
		       const char *extra_hdrs, const char *content_type, const char *body,
		       size_t body_len);
/* Standard reason phrase for status ("Unknown" class phrase when unlisted). */
const char *sip_status_reason(uint16_t status);
/*
 * Where a response to req goes (RFC 3261 18.2.2 / RFC 3581): a copy of from (conn not
 * re-referenced); over UDP its port becomes the Via port (default 5060) unless the top Via had
 * rport, which keeps the source port. Streams keep from as it is (the same connection).
 */
void sip_response_dest(const struct sip_msg *req, const struct sip_peer *from,
		       struct sip_peer *out);

#endif
