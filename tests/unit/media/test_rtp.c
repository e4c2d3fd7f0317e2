/* RTP/RTCP decoding vectors and the RFC 3550 loss and jitter estimates. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "media/rtp.h"

static void test_rtp_plain(void **state)
{
	const uint8_t p[] = {0x80, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0xa0,
			     0x12, 0x34, 0x56, 0x78, 0xde, 0xad, 0xbe, 0xef};
	struct rtp_header h;

	assert_int_equal(rtp_header_decode(p, sizeof(p), &h), 0);
	assert_int_equal(h.version, 2);
	assert_int_equal(h.pt, 0);
	assert_false(h.marker);
	assert_int_equal(h.seq, 1);
	assert_int_equal(h.ts, 160);
	assert_int_equal(h.ssrc, 0x12345678);
	assert_int_equal(h.header_len, 12);
	assert_int_equal(h.payload_len, 4);
	assert_false(rtp_is_rtcp(p, sizeof(p)));
}

static void test_rtp_csrc_ext_padding(void **state)
{
	/* 2 CSRCs, marker, PT 8 */
	const uint8_t c[] = {0x82, 0x88, 0xff, 0xff, 0, 0, 0, 1, 0, 0,	  0,
			     2,	   0,	 0,    0,    3, 0, 0, 0, 4, 0xaa, 0xbb};
	/* one-byte header extension (0xBEDE) of one word, 1 CSRC, 3 bytes payload, 3 padding */
	const uint8_t x[] = {0xb1, 0x60, 0x00, 0x07, 0,	   0,	 0,    9,    0, 0, 0, 1, 0, 0, 0, 5,
			     0xbe, 0xde, 0x00, 0x01, 0x10, 0x01, 0x00, 0x00, 1, 2, 3, 0, 0, 3};
	struct rtp_header h;

	assert_int_equal(rtp_header_decode(c, sizeof(c), &h), 0);
	assert_true(h.marker);
	assert_int_equal(h.pt, 8);
	assert_int_equal(h.cc, 2);
	assert_int_equal(h.seq, 65535);
	assert_int_equal(h.header_len, 20);
	assert_int_equal(h.payload_len, 2);

	assert_int_equal(rtp_header_decode(x, sizeof(x), &h), 0);
	assert_true(h.extension);
	assert_true(h.padding);
	assert_int_equal(h.pt, 96);
	assert_int_equal(h.cc, 1);
	assert_int_equal(h.ext_profile, 0xbede);
	assert_int_equal(h.ext_len, 4);
	assert_int_equal(h.header_len, 24);
	assert_int_equal(h.pad_len, 3);
	assert_int_equal(h.payload_len, 3);
}

static void test_rtp_malformed(void **state)
{
	uint8_t p[32] = {0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1};
	struct rtp_header h;

	assert_int_equal(rtp_header_decode(p, 11, &h), EBADMSG); /* truncated */
	assert_int_equal(rtp_header_decode(NULL, 0, &h), EBADMSG);
	p[0] = 0x40; /* version 1 */
	assert_int_equal(rtp_header_decode(p, 12, &h), EBADMSG);
	p[0] = 0xc0; /* version 3 */
	assert_int_equal(rtp_header_decode(p, 12, &h), EBADMSG);
	p[0] = 0x83; /* 3 CSRCs need 24 bytes */
	assert_int_equal(rtp_header_decode(p, 20, &h), EBADMSG);
	assert_int_equal(rtp_header_decode(p, 24, &h), 0);
	assert_int_equal(h.payload_len, 0);
	p[0] = 0x90; /* extension header itself missing */
	assert_int_equal(rtp_header_decode(p, 14, &h), EBADMSG);
	p[14] = 0x00;
	p[15] = 0x02; /* two words claimed, one present */
	assert_int_equal(rtp_header_decode(p, 20, &h), EBADMSG);
	assert_int_equal(rtp_header_decode(p, 24, &h), 0);
	p[0] = 0xa0; /* padding count 0 is a lie */
	p[15] = 0;
	assert_int_equal(rtp_header_decode(p, 16, &h), EBADMSG);
	p[15] = 5; /* more padding than payload */
	assert_int_equal(rtp_header_decode(p, 16, &h), EBADMSG);
	p[15] = 4; /* exactly all of it */
	assert_int_equal(rtp_header_decode(p, 16, &h), 0);
	assert_int_equal(h.payload_len, 0);
}

static void test_rtp_is_rtcp(void **state)
{
	uint8_t p[8] = {0x80, 200, 0, 1};

	assert_true(rtp_is_rtcp(p, sizeof(p)));
	p[1] = 223;
	assert_true(rtp_is_rtcp(p, sizeof(p)));
	p[1] = 224;
	assert_false(rtp_is_rtcp(p, sizeof(p)));
	p[1] = 191;
	assert_false(rtp_is_rtcp(p, sizeof(p)));
	p[1] = 0x80 | 96; /* RTP with marker and a dynamic PT */
	assert_false(rtp_is_rtcp(p, sizeof(p)));
	p[1] = 200;
	assert_false(rtp_is_rtcp(p, 3));
	p[0] = 0x40;
	assert_false(rtp_is_rtcp(p, sizeof(p)));
	assert_int_equal(rtp_clock_rate(0), 8000);
	assert_int_equal(rtp_clock_rate(9), 8000);
	assert_int_equal(rtp_clock_rate(18), 8000);
	assert_int_equal(rtp_clock_rate(111), 48000);
	assert_int_equal(rtp_clock_rate(50), 0);
}

/* SR with one report block, SDES with a CNAME, BYE with a reason */
static const uint8_t sr_sdes_bye[] = {
    0x81, 0xc8, 0x00, 0x0c, 0x11, 0x11, 0x11, 0x11, 0xe0, 0x00, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x64, 0x00, 0x00, 0x3e, 0x80, 0x22, 0x22, 0x22, 0x22,
    0x40, 0xff, 0xff, 0xfe, 0x00, 0x01, 0x00, 0x05, 0x00, 0x00, 0x00, 0x20, 0x12, 0x34, 0x56, 0x78,
    0x00, 0x01, 0x00, 0x00,
    /* SDES */
    0x81, 0xca, 0x00, 0x03, 0x11, 0x11, 0x11, 0x11, 0x01, 0x05, 'a', 'l', 'i', 'c', 'e', 0x00,
    /* BYE */
    0x81, 0xcb, 0x00, 0x02, 0x11, 0x11, 0x11, 0x11, 0x03, 'b', 'y', 'e'};

static void test_rtcp_sr_sdes_bye(void **state)
{
	struct rtcp_summary s;

	assert_int_equal(rtcp_decode_compound(sr_sdes_bye, sizeof(sr_sdes_bye), &s), 0);
	assert_int_equal(s.packets, 3);
	assert_true(s.has_sr);
	assert_int_equal(s.ssrc, 0x11111111);
	assert_true(s.ntp == 0xe000000080000000ull);
	assert_int_equal(s.rtp_ts, 0x1000);
	assert_int_equal(s.sender_pkts, 100);
	assert_int_equal(s.sender_octets, 16000);
	assert_int_equal(s.nreports, 1);
	assert_int_equal(s.report[0].ssrc, 0x22222222);
	assert_int_equal(s.report[0].fraction_lost, 0x40);
	assert_int_equal(s.report[0].cum_lost, -2);
	assert_int_equal(s.report[0].ext_max_seq, 0x10005);
	assert_int_equal(s.report[0].jitter, 32);
	assert_int_equal(s.report[0].lsr, 0x12345678);
	assert_int_equal(s.report[0].dlsr, 0x10000);
	assert_true(s.has_cname);
	assert_string_equal(s.cname, "alice");
	assert_int_equal(s.cname_ssrc, 0x11111111);
	assert_true(s.bye);
	assert_int_equal(s.bye_ssrc, 0x11111111);
}

static void test_rtcp_rr_two_blocks(void **state)
{
	uint8_t p[8 + 48 + 12] = {0x82, 0xc9, 0x00, 0x0d, 0xaa, 0xbb, 0xcc, 0xdd};

	p[8] = 1;  /* first block's SSRC 0x01000000 */
	p[32] = 2; /* second block's */
	p[32 + 7] = 7;
	/* SDES chunk without items: SSRC, a null item, padding */
	memcpy(p + 56, (uint8_t[]){0x81, 0xca, 0x00, 0x02, 0, 0, 0, 9, 0, 0, 0, 0}, 12);
	struct rtcp_summary s;
	assert_int_equal(rtcp_decode_compound(p, sizeof(p), &s), 0);
	assert_int_equal(s.packets, 2);
	assert_false(s.has_sr);
	assert_int_equal(s.ssrc, 0xaabbccdd);
	assert_int_equal(s.nreports, 2);
	assert_int_equal(s.report[0].ssrc, 0x01000000);
	assert_int_equal(s.report[1].ssrc, 0x02000000);
	assert_int_equal(s.report[1].cum_lost, 7);
	assert_false(s.has_cname);
}

static void test_rtcp_malformed(void **state)
{
	uint8_t p[sizeof(sr_sdes_bye)];
	struct rtcp_summary s;

	memcpy(p, sr_sdes_bye, sizeof(p));
	/* every proper prefix that cuts a packet is refused */
	assert_int_equal(rtcp_decode_compound(p, 52 + 16, &s), 0);
	for (size_t n = 0; n < sizeof(p); n++)
		if (n != 52 && n != 52 + 16)
			assert_int_equal(rtcp_decode_compound(p, n, &s), EBADMSG);
	p[3] = 0x0d; /* SR length one word too long */
	assert_int_equal(rtcp_decode_compound(p, sizeof(p), &s), EBADMSG);
	p[3] = 0x0c;
	p[0] = 0x82; /* two report blocks claimed, room for one */
	assert_int_equal(rtcp_decode_compound(p, sizeof(p), &s), EBADMSG);
	p[0] = 0xa1; /* padding on a packet that is not last */
	assert_int_equal(rtcp_decode_compound(p, sizeof(p), &s), EBADMSG);
	p[0] = 0x81;
	p[52 + 9] = 0x07; /* CNAME longer than its chunk */
	assert_int_equal(rtcp_decode_compound(p, sizeof(p), &s), EBADMSG);
	p[52 + 9] = 0x05;
	p[68 + 8] = 0x09; /* BYE reason longer than the packet */
	assert_int_equal(rtcp_decode_compound(p, sizeof(p), &s), EBADMSG);
	p[68 + 8] = 0x03;
	/* a compound must start with SR or RR */
	assert_int_equal(rtcp_decode_compound(p + 52, sizeof(p) - 52, &s), EBADMSG);
	p[52] = 0x41; /* version 1 in the middle */
	assert_int_equal(rtcp_decode_compound(p, sizeof(p), &s), EBADMSG);
	p[52] = 0x81;
	assert_int_equal(rtcp_decode_compound(p, sizeof(p), &s), 0);
}

static struct rtp_header hdr(uint16_t seq, uint32_t ts, uint32_t ssrc)
{
	return (struct rtp_header){.version = 2, .seq = seq, .ts = ts, .ssrc = ssrc};
}

static void test_loss_across_wrap(void **state)
{
	struct rtp_est e;
	struct rtp_header h;

	rtp_est_init(&e);
	/* 65530..65535, 0..5 with 65534 and 2 missing, 3 duplicated and 4 late */
	const uint16_t seqs[] = {65530, 65531, 65532, 65533, 65535, 0, 1, 3, 5, 4, 3};
	for (size_t i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++) {
		h = hdr(seqs[i], 0, 7);
		rtp_est_update(&e, &h, 0, 0);
	}
	assert_int_equal(rtp_est_ext_max(&e), 65536 + 5);
	/* 12 expected, 11 received of which one is a duplicate: A.3 counts 1 lost */
	assert_int_equal(rtp_est_lost(&e), 1);
	h = hdr(2, 0, 7); /* the missing one, late */
	rtp_est_update(&e, &h, 0, 0);
	assert_int_equal(rtp_est_lost(&e), 0);

	/* a new SSRC restarts the count */
	h = hdr(100, 0, 8);
	rtp_est_update(&e, &h, 0, 0);
	h = hdr(110, 0, 8);
	rtp_est_update(&e, &h, 0, 0);
	assert_int_equal(rtp_est_lost(&e), 9);

	/* a big jump is believed only when the next packet follows it */
	h = hdr(30000, 0, 8);
	rtp_est_update(&e, &h, 0, 0);
	assert_int_equal(rtp_est_ext_max(&e), 110);
	h = hdr(30001, 0, 8);
	rtp_est_update(&e, &h, 0, 0);
	assert_int_equal(rtp_est_ext_max(&e), 30001);
	assert_int_equal(rtp_est_lost(&e), 0);
}

static void test_jitter_series(void **state)
{
	struct rtp_est e;
	/* 20 ms packets at 8 kHz; the third arrives 5 ms late */
	const uint64_t base = 1000000000000ull, arrival_ms[] = {0, 20, 45, 60, 80};

	rtp_est_init(&e);
	for (int i = 0; i < 5; i++) {
		struct rtp_header h = hdr((uint16_t)(1000 + i), 4000000000u + 160u * i, 1);
		rtp_est_update(&e, &h, base + arrival_ms[i] * 1000, 8000);
	}
	/* D = 0, 40, 40, 0 units: J = 0, 2.5, 4.84375, 4.541015625 (A.8, gain 1/16) */
	assert_float_equal(e.jitter, 4.541015625, 1e-9);
	assert_float_equal(rtp_est_jitter_ms(&e), 4.541015625 / 8.0, 1e-9);
	assert_int_equal(rtp_est_lost(&e), 0);

	/* a steady stream decays towards zero */
	for (int i = 5; i < 200; i++) {
		struct rtp_header h = hdr((uint16_t)(1000 + i), 4000000000u + 160u * i, 1);
		rtp_est_update(&e, &h, base + (uint64_t)i * 20000, 8000);
	}
	assert_true(rtp_est_jitter_ms(&e) < 0.001);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rtp_plain),	     cmocka_unit_test(test_rtp_csrc_ext_padding),
	    cmocka_unit_test(test_rtp_malformed),    cmocka_unit_test(test_rtp_is_rtcp),
	    cmocka_unit_test(test_rtcp_sr_sdes_bye), cmocka_unit_test(test_rtcp_rr_two_blocks),
	    cmocka_unit_test(test_rtcp_malformed),   cmocka_unit_test(test_loss_across_wrap),
	    cmocka_unit_test(test_jitter_series),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
