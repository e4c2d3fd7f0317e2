/* libFuzzer harness: RTP header and RTCP compound decoding, and the receiver estimator. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "media/rtp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Walks the input as a stream of RTP packets of 12..76 bytes, as the relay sees them. */
static void fuzz_rtp_stream(const uint8_t *p, size_t size)
{
	struct rtp_est e;
	struct rtp_header h;
	uint64_t now = 0;

	rtp_est_init(&e);
	for (size_t off = 0; off < size;) {
		size_t n = 12 + (p[off] & 0x3f);
		if (n > size - off)
			n = size - off;
		if (rtp_header_decode(p + off, n, &h) == 0)
			rtp_est_update(&e, &h, now, rtp_clock_rate(h.pt));
		now += 20000;
		off += n;
	}
	if (rtp_est_jitter_ms(&e) < 0)
		abort(); /* an average of absolute values */
	(void)rtp_est_lost(&e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* an exact-size copy lets ASan catch any read past the packet */
	uint8_t *copy = malloc(size ? size : 1);
	struct rtp_header h;
	struct rtcp_summary s;

	memcpy(copy, data, size);
	if (rtp_header_decode(copy, size, &h) == 0) {
		if (h.header_len + h.payload_len + h.pad_len != size || h.version != 2)
			abort(); /* the parts of a packet add up to it */
	}
	bool rtcp = rtp_is_rtcp(copy, size);
	if (rtcp_decode_compound(copy, size, &s) == 0) {
		if (!rtcp || s.packets == 0 || s.nreports > RTCP_MAX_REPORTS ||
		    s.nreports > s.reports_total || strlen(s.cname) > s.cname_len ||
		    (s.has_cname && s.cname[s.cname_len] != '\0') || size % 4 != 0)
			abort(); /* a valid compound starts like RTCP and is whole words */
	}
	fuzz_rtp_stream(copy, size);
	free(copy);
	return 0;
}
