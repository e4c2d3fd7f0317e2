/* RTP and RTCP header decoding (RFC 3550) and the receiver-side loss and jitter estimate. */
#ifndef MEDIA_RTP_H
#define MEDIA_RTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { RTP_HEADER_MIN = 12, RTCP_MAX_REPORTS = 31, RTCP_CNAME_MAX = 255 };

/* A view of one RTP packet; lengths refer to the buffer given to rtp_header_decode. */
struct rtp_header {
	uint8_t version, pt;
	bool marker, padding, extension;
	uint8_t cc;
	uint16_t seq;
	uint32_t ts, ssrc;
	size_t header_len;    /* fixed header, CSRCs and extension: where the payload starts */
	size_t payload_len;   /* without padding */
	uint16_t ext_profile; /* "defined by profile" field when extension is set */
	size_t ext_len;	      /* extension data bytes after its 4-byte header */
	uint8_t pad_len;      /* padding bytes at the end, including the count octet */
};

/* 0 or EBADMSG: not version 2, shorter than its CSRCs, extension or padding claim. */
int rtp_header_decode(const uint8_t *p, size_t len, struct rtp_header *h);
/* RFC 5761 demultiplexing: version 2 and a second octet in 192..223 (SR, RR, SDES, BYE, ...). */
bool rtp_is_rtcp(const uint8_t *p, size_t len);
/* The RTP clock rate of a payload type (RFC 3551), 48000 for dynamic types, 0 if unknown. */
uint32_t rtp_clock_rate(uint8_t pt);

enum rtcp_type {
	RTCP_SR = 200,
	RTCP_RR = 201,
	RTCP_SDES = 202,
	RTCP_BYE = 203,
	RTCP_APP = 204,
	RTCP_XR = 207,
};

/* One reception report block (RFC 3550 6.4.1). */
struct rtcp_report {
	uint32_t ssrc; /* the source this block reports on */
	uint8_t fraction_lost;
	int32_t cum_lost; /* 24-bit signed on the wire */
	uint32_t ext_max_seq;
	uint32_t jitter; /* in timestamp units */
	uint32_t lsr, dlsr;
};

/* What a compound RTCP packet said; reports beyond RTCP_MAX_REPORTS are only counted. */
struct rtcp_summary {
	unsigned packets; /* RTCP packets in the compound */
	uint32_t ssrc;	  /* sender of the first SR or RR */
	bool has_sr;
	uint64_t ntp; /* SR sender info */
	uint32_t rtp_ts, sender_pkts, sender_octets;
	unsigned nreports, reports_total;
	struct rtcp_report report[RTCP_MAX_REPORTS];
	bool has_cname;
	uint32_t cname_ssrc;
	uint8_t cname_len;
	char cname[RTCP_CNAME_MAX + 1]; /* NUL-terminated copy; may hold any byte */
	bool bye;
	uint32_t bye_ssrc; /* first SSRC leaving */
	/* the first XR VoIP metrics block (RFC 3611 4.7) */
	bool has_voip;
	uint8_t voip_loss, voip_discard;	/* fractions of 256 */
	uint16_t voip_rtd_ms, voip_esd_ms;	/* round trip, end system delay */
	uint8_t voip_mos_lq;			/* x10; 127 = unavailable */
};

/*
 * 0 or EBADMSG. Checks RFC 3550 A.2: every packet version 2, lengths that add up to
 * exactly len, padding only on the last one, report counts that fit their packet, SDES
 * items inside their chunk. The first packet must be SR or RR.
 */
int rtcp_decode_compound(const uint8_t *p, size_t len, struct rtcp_summary *out);

/* What our own RTCP says: an SR (sr) or an RR, at most one report block, SDES CNAME. */
struct rtcp_out {
	uint32_t ssrc;
	bool sr;
	uint64_t ntp;		   /* SR: wall clock, NTP format */
	uint32_t rtp_ts, pkts, octets; /* SR: the stream's timestamp at ntp, what it sent */
	bool has_report;
	struct rtcp_report report;
	const char *cname;	   /* at most RTCP_CNAME_MAX bytes */
};

/* The compound (SR or RR, then SDES) into out: its length, or 0 when cap is too small. */
size_t rtcp_encode(uint8_t *out, size_t cap, const struct rtcp_out *o);

/*
 * Receiver statistics of one RTP stream: sequence tracking after RFC 3550 A.1
 * (wrap-safe, big jumps need two packets in a row to resync), loss as in A.3 and
 * interarrival jitter as in A.8. Restarts on an SSRC change.
 */
struct rtp_est {
	bool started;
	uint32_t ssrc;
	uint16_t max_seq;
	uint32_t cycles; /* sequence wraps << 16 */
	uint32_t base_seq;
	uint32_t bad_seq; /* next seq expected after a big jump, or > 0xffff if none */
	uint32_t received;
	uint32_t clock_rate; /* of the timestamps the transit times are in */
	bool have_transit;
	int32_t transit;
	double jitter; /* timestamp units */
};

void rtp_est_init(struct rtp_est *e);
/* arrival_us: any monotonic-ish microsecond clock; clock_rate 0 skips the jitter update */
void rtp_est_update(struct rtp_est *e, const struct rtp_header *h, uint64_t arrival_us,
		    uint32_t clock_rate);
uint32_t rtp_est_lost(const struct rtp_est *e); /* expected - received, never negative */
uint32_t rtp_est_expected(const struct rtp_est *e); /* packets the sequence numbers span */
uint32_t rtp_est_received(const struct rtp_est *e);
uint32_t rtp_est_ext_max(const struct rtp_est *e);
double rtp_est_jitter_ms(const struct rtp_est *e);

#endif
