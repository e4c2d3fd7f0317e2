/*
 * SDP (RFC 8866, formerly 4566): a zero-copy parser, an encoder and RFC 3264
 * offer/answer helpers. Every field is a slice into the session's own buffer
 * (or anything the caller points it at before encoding).
 */
#ifndef SDP_SDP_H
#define SDP_SDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/str.h"

/* Caps on what the network may send us (EOVERFLOW beyond them). */
enum {
	SDP_MAX_LEN = 16384,   /* whole body */
	SDP_MAX_MEDIA = 8,     /* m= lines */
	SDP_MAX_FMT = 32,      /* formats on one m= line */
	SDP_MAX_ATTR = 48,     /* other a= lines per level (session or one media) */
	SDP_MAX_PTIME = 10000, /* ms, for a=ptime and a=maxptime */
};

enum sdp_dir {
	SDP_DIR_NONE = 0, /* not given */
	SDP_SENDRECV,
	SDP_SENDONLY,
	SDP_RECVONLY,
	SDP_INACTIVE,
};

/* a=name[:value], kept in order; value.p is NULL when there is no ':' (encoded without one) */
struct sdp_attr {
	struct str name, value;
};

/*
 * One format of an RTP m= line, completed from a=rtpmap and a=fmtp. Static
 * payload types without an rtpmap get their RFC 3551 name and rate; a dynamic
 * one without an rtpmap has an empty name and rate 0.
 */
struct sdp_fmt {
	uint8_t pt;	  /* 0..127 */
	struct str name;  /* encoding name as written ("PCMU", "opus", "telephone-event") */
	uint32_t rate;	  /* clock rate */
	uint8_t channels; /* 1 unless the rtpmap says otherwise */
	struct str fmtp;  /* a=fmtp parameters, empty when absent */
};

struct sdp_media {
	struct str type;  /* "audio", "video", "application", ... */
	uint16_t port;	  /* 0: stream rejected or disabled */
	uint16_t nports;  /* m=<type> <port>/<nports>; 1 when absent */
	struct str proto; /* "RTP/AVP", "RTP/SAVP", "RTP/SAVPF", "UDP/TLS/RTP/SAVPF", ... */
	struct sdp_fmt fmt[SDP_MAX_FMT]; /* RTP protos only, in m= line order */
	unsigned nfmt;
	struct str raw_fmts;	  /* the m= format list as written (used for non-RTP protos) */
	struct str addr;	  /* media-level c= address, empty when absent */
	int af;			  /* AF_INET or AF_INET6 of addr */
	struct str bandwidth;	  /* first media-level b= value ("AS:64"), empty when absent */
	enum sdp_dir dir;	  /* media-level direction attribute */
	unsigned ptime, maxptime; /* ms, 0 when absent */
	uint16_t rtcp_port;	  /* a=rtcp (RFC 3605), 0 when absent */
	struct str rtcp_addr;	  /* its optional address, empty when absent */
	int rtcp_af;
	bool rtcp_mux;			    /* a=rtcp-mux (RFC 5761) */
	struct sdp_attr attr[SDP_MAX_ATTR]; /* every other a= line, in order */
	unsigned nattr;
};

struct sdp_session {
	char *buf; /* owned copy of the parsed text; NULL for a built session (an answer) */
	struct str origin_user, origin_addr; /* o= */
	uint64_t sess_id, sess_version;
	int origin_af;
	struct str name;      /* s= */
	struct str addr;      /* session-level c= address, empty when absent */
	int af;		      /* AF_INET or AF_INET6 of addr */
	struct str bandwidth; /* first session-level b= value, empty when absent */
	enum sdp_dir dir;     /* session-level direction attribute */
	struct sdp_attr
	    attr[SDP_MAX_ATTR]; /* other session-level a= (ice, fingerprint, group...) */
	unsigned nattr;
	struct sdp_media media[SDP_MAX_MEDIA];
	unsigned nmedia;
};

/*
 * Parses text (copied into s->buf; s is overwritten, so sdp_free it first when
 * reusing). 0, EBADMSG (*reason, a static string, says why: "missing v=",
 * "bad m= line", "bad c= address", "rtpmap for unknown payload type"...) or
 * EOVERFLOW (length, media, formats, attributes). Accepts LF or CRLF line ends,
 * skips empty lines and unknown line types, requires v=0 first, one o=, one s=
 * and a connection address for every media with a non-zero port (session or
 * media level). On error s holds no buffer.
 */
int sdp_parse(struct sdp_session *s, const char *text, size_t len, const char **reason);
void sdp_free(struct sdp_session *s); /* frees buf; safe on a built or failed session */

/*
 * Appends s as SDP text to out: CRLF line ends, v=0, o=, s=, c=, b=, t=0 0,
 * the session attributes and direction, then per media m=, c=, b=, rtpmap/fmtp
 * regenerated from fmt[] for RTP protos, ptime, maxptime, rtcp, rtcp-mux,
 * direction and the other attributes in order. Empty o= user and s= become "-",
 * an empty o= address "0.0.0.0"; i=, u=, e=, p=, r=, z= and k= are not kept.
 * 0 or EOVERFLOW (out->max reached; out is left as it was).
 */
int sdp_encode(const struct sdp_session *s, struct buf *out);

/* "RTP/AVP", "RTP/SAVPF", "UDP/TLS/RTP/SAVPF", "TCP/RTP/AVP": formats are payload types. */
bool sdp_proto_is_rtp(struct str proto);
enum sdp_dir sdp_media_dir(const struct sdp_session *s, const struct sdp_media *m);
/* RFC 3264 6.1: sendonly -> recvonly, recvonly -> sendonly, others unchanged. */
enum sdp_dir sdp_dir_answer(enum sdp_dir offered);
const char *sdp_dir_name(enum sdp_dir d); /* attribute name; "none" for SDP_DIR_NONE */
/* The connection address of m: its own c=, else the session's; and its family. */
struct str sdp_media_addr(const struct sdp_session *s, const struct sdp_media *m);
int sdp_media_af(const struct sdp_session *s, const struct sdp_media *m);
/* First format named name (caseless) with that clock rate (0: any rate), or NULL. */
const struct sdp_fmt *sdp_fmt_find(const struct sdp_media *m, struct str name, uint32_t rate);

/* A codec our media engine terminates. */
struct sdp_codec {
	const char *name; /* rtpmap encoding name, compared caseless */
	uint32_t rate;
	uint8_t channels;  /* 0 counts as 1 */
	uint8_t static_pt; /* 0xff = dynamic (informational: offered PTs are kept) */
};

struct sdp_answer_cfg {
	const struct sdp_codec *codecs; /* borrowed; our preference order */
	size_t ncodecs;
	bool telephone_event; /* answer telephone-event (same PT and fmtp) when offered */
	bool rtcp_mux;	      /* answer a=rtcp-mux when offered */
	struct str addr;      /* where our RTP listens (borrowed) */
	int af;
	uint16_t port;
	struct str origin_user; /* "-" when empty */
	uint64_t sess_id, sess_version;
	unsigned ptime; /* 0: echo the offer's ptime if any */
};

/*
 * Fills answer (slices point into offer, cfg or static strings; answer->buf is
 * NULL): one m= per offered m=, same order (RFC 3264 6). The first audio m= with
 * a non-zero port, proto RTP/AVP or RTP/AVPF and a codec in cfg is accepted with
 * every codec both sides have, in OUR preference order (6.1 lets the answerer
 * order them), offered payload types and fmtp, direction reversed. Every other
 * m= is answered with port 0 and the offered format list. 0, EINVAL (bad cfg)
 * or EPROTO when no audio stream can be accepted (the caller answers 488).
 */
int sdp_answer(const struct sdp_session *offer, const struct sdp_answer_cfg *cfg,
	       struct sdp_session *answer);

#endif
