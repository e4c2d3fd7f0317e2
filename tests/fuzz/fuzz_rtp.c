/* libFuzzer harness: RTP header and RTCP compound decoding, the receiver estimator, RTCP
 * reports as the quality code takes them, telephone-events, and the jitter buffer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "media/dtmf.h"
#include "media/jitter.h"
#include "media/quality.h"
#include "media/rtp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Walks the input as a stream of RTP packets of 12..76 bytes, as the relay sees them. */
static void fuzz_rtp_stream(const uint8_t *p, size_t size)
{
	struct rtp_est e;
	struct rtp_header h;
	struct media_jb *jb = media_jb_new(8000);
	struct media_dtmf_rx dr = {0};
	uint64_t now = 0;

	rtp_est_init(&e);
	for (size_t off = 0; off < size;) {
		size_t n = 12 + (p[off] & 0x3f);
		if (n > size - off)
			n = size - off;
		if (rtp_header_decode(p + off, n, &h) == 0) {
			struct media_dtmf_event ev;
			struct media_dtmf_digit d[2];
			size_t len;
			rtp_est_update(&e, &h, now, rtp_clock_rate(h.pt));
			if (media_dtmf_decode(p + off + h.header_len, h.payload_len, &ev) == 0 &&
			    media_dtmf_rx_update(&dr, h.ts, 8000, &ev, d) > 2)
				abort(); /* at most the previous event and this one */
			media_jb_put(jb, p + off, n, &h, now / 1000);
			while (media_jb_get(jb, now / 1000 + (p[off] & 0x40 ? 100 : 0), &len))
				if (len > MEDIA_JB_SLOT)
					abort(); /* what leaves fitted a slot */
		}
		now += 20000;
		off += n;
	}
	if (media_jb_count(jb) > MEDIA_JB_SLOTS + 1)
		abort();
	media_jb_destroy(jb);
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
	struct media_report rep = {0};
	media_report_take(&rep, copy, size, 0);
	fuzz_rtp_stream(copy, size);
	free(copy);
	return 0;
}
