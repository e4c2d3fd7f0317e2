/* SDP parser, encoder and RFC 3264 answers: real offers, limits, malformed input, round trips. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "sdp/sdp.h"

static const char asterisk_offer[] = "v=0\r\n"
				     "o=- 1680000000 1680000002 IN IP4 192.0.2.10\r\n"
				     "s=Asterisk\r\n"
				     "c=IN IP4 192.0.2.10\r\n"
				     "t=0 0\r\n"
				     "m=audio 17210 RTP/AVP 0 8 3 101\r\n"
				     "a=rtpmap:0 PCMU/8000\r\n"
				     "a=rtpmap:8 PCMA/8000\r\n"
				     "a=rtpmap:3 GSM/8000\r\n"
				     "a=rtpmap:101 telephone-event/8000\r\n"
				     "a=fmtp:101 0-16\r\n"
				     "a=ptime:20\r\n"
				     "a=maxptime:150\r\n"
				     "a=sendrecv\r\n";

static const char baresip_offer[] = "v=0\r\n"
				    "o=- 1432063493 3142719373 IN IP4 192.168.1.50\r\n"
				    "s=-\r\n"
				    "c=IN IP4 192.168.1.50\r\n"
				    "t=0 0\r\n"
				    "a=tool:baresip 3.10.1\r\n"
				    "m=audio 10238 RTP/AVP 96 9 0 8 101\r\n"
				    "b=AS:126\r\n"
				    "a=rtpmap:96 opus/48000/2\r\n"
				    "a=fmtp:96 stereo=1;sprop-stereo=1\r\n"
				    "a=rtpmap:9 G722/8000\r\n"
				    "a=rtpmap:101 telephone-event/8000\r\n"
				    "a=fmtp:101 0-15\r\n"
				    "a=rtcp-rsize\r\n"
				    "a=sendrecv\r\n"
				    "a=label:1\r\n";

static const char webrtc_offer[] =
    "v=0\r\n"
    "o=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n"
    "s=-\r\n"
    "t=0 0\r\n"
    "a=group:BUNDLE 0 1 2\r\n"
    "a=extmap-allow-mixed\r\n"
    "a=msid-semantic: WMS stream1\r\n"
    "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126\r\n"
    "c=IN IP4 0.0.0.0\r\n"
    "a=rtcp:9 IN IP4 0.0.0.0\r\n"
    "a=ice-ufrag:EsAw\r\n"
    "a=ice-pwd:bP+XJMM09aR8AiX1jdukzR6Y\r\n"
    "a=ice-options:trickle\r\n"
    "a=fingerprint:sha-256 "
    "DA:39:A3:EE:5E:6B:4B:0D:32:55:BF:EF:95:60:18:90:AF:D8:07:09:01:02:03:04:05:06:07:08:09:0A:0B:"
    "0C\r\n"
    "a=setup:actpass\r\n"
    "a=mid:0\r\n"
    "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n"
    "a=sendrecv\r\n"
    "a=msid:stream1 track1\r\n"
    "a=rtcp-mux\r\n"
    "a=rtpmap:111 opus/48000/2\r\n"
    "a=rtcp-fb:111 transport-cc\r\n"
    "a=fmtp:111 minptime=10;useinbandfec=1\r\n"
    "a=rtpmap:63 red/48000/2\r\n"
    "a=fmtp:63 111/111\r\n"
    "a=rtpmap:9 G722/8000\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:8 PCMA/8000\r\n"
    "a=rtpmap:13 CN/8000\r\n"
    "a=rtpmap:110 telephone-event/48000\r\n"
    "a=rtpmap:126 telephone-event/8000\r\n"
    "a=ssrc:1001 cname:x8Jd9\r\n"
    "m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\n"
    "c=IN IP4 0.0.0.0\r\n"
    "a=rtcp:9 IN IP4 0.0.0.0\r\n"
    "a=ice-ufrag:EsAw\r\n"
    "a=ice-pwd:bP+XJMM09aR8AiX1jdukzR6Y\r\n"
    "a=setup:actpass\r\n"
    "a=mid:1\r\n"
    "a=recvonly\r\n"
    "a=rtcp-mux\r\n"
    "a=rtcp-rsize\r\n"
    "a=rtpmap:96 VP8/90000\r\n"
    "a=rtcp-fb:96 goog-remb\r\n"
    "a=rtcp-fb:96 nack\r\n"
    "a=rtpmap:97 rtx/90000\r\n"
    "a=fmtp:97 apt=96\r\n"
    "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"
    "c=IN IP4 0.0.0.0\r\n"
    "a=ice-ufrag:EsAw\r\n"
    "a=mid:2\r\n"
    "a=sctp-port:5000\r\n"
    "a=max-message-size:262144\r\n";

static void assert_str(struct str s, const char *want)
{
	if (!str_eq_cstr(s, want))
		fprintf(stderr, "got '%.*s' want '%s'\n", STR_FMT(s), want);
	assert_true(str_eq_cstr(s, want));
}

static void parse_ok(struct sdp_session *s, const char *text)
{
	const char *reason = "unset";

	int err = sdp_parse(s, text, strlen(text), &reason);
	if (err)
		fprintf(stderr, "unexpected: %s\n", reason);
	assert_int_equal(err, 0);
	assert_null(reason);
	assert_non_null(s->buf);
}

static void parse_bad(const char *text, int want, const char *want_reason)
{
	struct sdp_session s;
	const char *reason = NULL;

	assert_int_equal(sdp_parse(&s, text, strlen(text), &reason), want);
	assert_non_null(reason);
	assert_string_equal(reason, want_reason);
	assert_null(s.buf);
	sdp_free(&s);
}

static void assert_fmt(const struct sdp_fmt *f, unsigned pt, const char *name, uint32_t rate,
		       unsigned channels, const char *fmtp)
{
	assert_int_equal(f->pt, pt);
	assert_str(f->name, name);
	assert_int_equal(f->rate, rate);
	assert_int_equal(f->channels, channels);
	assert_str(f->fmtp, fmtp);
}

static void test_asterisk_offer(void **state)
{
	struct sdp_session s;

	parse_ok(&s, asterisk_offer);
	assert_str(s.origin_user, "-");
	assert_true(s.sess_id == 1680000000u && s.sess_version == 1680000002u);
	assert_str(s.origin_addr, "192.0.2.10");
	assert_int_equal(s.origin_af, AF_INET);
	assert_str(s.name, "Asterisk");
	assert_str(s.addr, "192.0.2.10");
	assert_int_equal(s.af, AF_INET);
	assert_int_equal(s.nattr, 0);
	assert_int_equal(s.nmedia, 1);
	const struct sdp_media *m = &s.media[0];
	assert_str(m->type, "audio");
	assert_int_equal(m->port, 17210);
	assert_int_equal(m->nports, 1);
	assert_str(m->proto, "RTP/AVP");
	assert_str(m->raw_fmts, "0 8 3 101");
	assert_int_equal(m->nfmt, 4);
	assert_fmt(&m->fmt[0], 0, "PCMU", 8000, 1, "");
	assert_fmt(&m->fmt[1], 8, "PCMA", 8000, 1, "");
	assert_fmt(&m->fmt[2], 3, "GSM", 8000, 1, "");
	assert_fmt(&m->fmt[3], 101, "telephone-event", 8000, 1, "0-16");
	assert_int_equal(m->ptime, 20);
	assert_int_equal(m->maxptime, 150);
	assert_int_equal(m->dir, SDP_SENDRECV);
	assert_int_equal(m->nattr, 0);
	assert_true(str_empty(m->addr));
	assert_str(sdp_media_addr(&s, m), "192.0.2.10");
	assert_int_equal(sdp_media_af(&s, m), AF_INET);
	sdp_free(&s);
	assert_null(s.buf);
	sdp_free(&s); /* twice is harmless */
}

static void test_baresip_offer(void **state)
{
	struct sdp_session s;

	parse_ok(&s, baresip_offer);
	assert_int_equal(s.nattr, 1);
	assert_str(s.attr[0].name, "tool");
	assert_str(s.attr[0].value, "baresip 3.10.1");
	const struct sdp_media *m = &s.media[0];
	assert_str(m->bandwidth, "AS:126");
	assert_int_equal(m->nfmt, 5);
	assert_fmt(&m->fmt[0], 96, "opus", 48000, 2, "stereo=1;sprop-stereo=1");
	assert_fmt(&m->fmt[1], 9, "G722", 8000, 1, "");
	assert_fmt(&m->fmt[2], 0, "PCMU", 8000, 1, ""); /* static, no rtpmap */
	assert_fmt(&m->fmt[4], 101, "telephone-event", 8000, 1, "0-15");
	assert_int_equal(m->nattr, 2);
	assert_str(m->attr[0].name, "rtcp-rsize");
	assert_true(str_empty(m->attr[0].value));
	assert_str(m->attr[1].name, "label");
	assert_str(m->attr[1].value, "1");
	assert_ptr_equal(sdp_fmt_find(m, STR("OPUS"), 48000), &m->fmt[0]);
	assert_ptr_equal(sdp_fmt_find(m, STR("pcma"), 0), &m->fmt[3]);
	assert_null(sdp_fmt_find(m, STR("opus"), 8000));
	assert_null(sdp_fmt_find(m, STR("G729"), 0));
	sdp_free(&s);
}

static void test_webrtc_offer(void **state)
{
	struct sdp_session s;

	parse_ok(&s, webrtc_offer);
	assert_true(s.sess_id == 4611731400430051336ull);
	assert_true(str_empty(s.addr));
	assert_int_equal(s.nattr, 3);
	assert_str(s.attr[0].name, "group");
	assert_str(s.attr[0].value, "BUNDLE 0 1 2");
	assert_str(s.attr[2].value, " WMS stream1");
	assert_int_equal(s.nmedia, 3);

	const struct sdp_media *a = &s.media[0];
	assert_str(a->proto, "UDP/TLS/RTP/SAVPF");
	assert_true(sdp_proto_is_rtp(a->proto));
	assert_int_equal(a->nfmt, 8);
	assert_fmt(&a->fmt[0], 111, "opus", 48000, 2, "minptime=10;useinbandfec=1");
	assert_fmt(&a->fmt[1], 63, "red", 48000, 2, "111/111");
	assert_int_equal(a->rtcp_port, 9);
	assert_str(a->rtcp_addr, "0.0.0.0");
	assert_int_equal(a->rtcp_af, AF_INET);
	assert_true(a->rtcp_mux);
	assert_int_equal(a->dir, SDP_SENDRECV);
	assert_str(a->addr, "0.0.0.0");
	assert_ptr_equal(sdp_fmt_find(a, STR("telephone-event"), 8000), &a->fmt[7]);
	assert_ptr_equal(sdp_fmt_find(a, STR("telephone-event"), 48000), &a->fmt[6]);
	/* ice, fingerprint, setup, mid, extmap, msid, rtcp-fb, ssrc kept in order */
	assert_int_equal(a->nattr, 10);
	assert_str(a->attr[0].name, "ice-ufrag");
	assert_str(a->attr[3].name, "fingerprint");
	assert_true(str_has_prefix_case(a->attr[3].value, "sha-256 DA:39:A3"));
	assert_str(a->attr[8].name, "rtcp-fb");
	assert_str(a->attr[8].value, "111 transport-cc");

	const struct sdp_media *v = &s.media[1];
	assert_str(v->type, "video");
	assert_int_equal(v->dir, SDP_RECVONLY);
	assert_fmt(&v->fmt[1], 97, "rtx", 90000, 1, "apt=96");

	const struct sdp_media *d = &s.media[2];
	assert_str(d->proto, "UDP/DTLS/SCTP");
	assert_false(sdp_proto_is_rtp(d->proto));
	assert_int_equal(d->nfmt, 0);
	assert_str(d->raw_fmts, "webrtc-datachannel");
	assert_int_equal(d->nattr, 4);
	assert_str(d->attr[2].name, "sctp-port");
	sdp_free(&s);
}

static void test_static_defaults(void **state)
{
	struct sdp_session s;

	parse_ok(&s, "v=0\r\no=u 1 1 IN IP4 10.0.0.1\r\ns=x\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
		     "m=audio 4000 RTP/AVP 0 8 3 9 18 13 4 96\r\n");
	const struct sdp_media *m = &s.media[0];
	assert_int_equal(m->nfmt, 8);
	assert_fmt(&m->fmt[0], 0, "PCMU", 8000, 1, "");
	assert_fmt(&m->fmt[1], 8, "PCMA", 8000, 1, "");
	assert_fmt(&m->fmt[2], 3, "GSM", 8000, 1, "");
	assert_fmt(&m->fmt[3], 9, "G722", 8000, 1, "");
	assert_fmt(&m->fmt[4], 18, "G729", 8000, 1, "");
	assert_fmt(&m->fmt[5], 13, "CN", 8000, 1, "");
	assert_fmt(&m->fmt[6], 4, "G723", 8000, 1, "");
	assert_fmt(&m->fmt[7], 96, "", 0, 1, ""); /* dynamic without rtpmap: unknown */
	assert_int_equal(m->dir, SDP_DIR_NONE);
	assert_int_equal(sdp_media_dir(&s, m), SDP_SENDRECV);
	sdp_free(&s);

	/* an rtpmap overrides the static meaning, as RFC 3551 allows */
	parse_ok(&s, "v=0\r\no=u 1 1 IN IP4 10.0.0.1\r\ns=x\r\nc=IN IP4 10.0.0.1\r\n"
		     "m=audio 4000 RTP/AVP 18\r\na=rtpmap:18 G729/8000\r\na=fmtp:18 annexb=no\r\n");
	assert_fmt(&s.media[0].fmt[0], 18, "G729", 8000, 1, "annexb=no");
	sdp_free(&s);
}

static void test_direction(void **state)
{
	struct sdp_session s;

	parse_ok(&s, "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
		     "a=sendonly\r\n"
		     "m=audio 4000 RTP/AVP 0\r\n"
		     "m=audio 4002 RTP/AVP 0\r\na=inactive\r\n"
		     "m=audio 4004 RTP/AVP 0\r\na=RECVONLY\r\n");
	assert_int_equal(s.dir, SDP_SENDONLY);
	assert_int_equal(s.nattr, 0); /* direction is not an "other" attribute */
	assert_int_equal(s.media[0].dir, SDP_DIR_NONE);
	assert_int_equal(sdp_media_dir(&s, &s.media[0]), SDP_SENDONLY);
	assert_int_equal(sdp_media_dir(&s, &s.media[1]), SDP_INACTIVE);
	assert_int_equal(sdp_media_dir(&s, &s.media[2]), SDP_RECVONLY);
	sdp_free(&s);

	assert_int_equal(sdp_dir_answer(SDP_SENDONLY), SDP_RECVONLY);
	assert_int_equal(sdp_dir_answer(SDP_RECVONLY), SDP_SENDONLY);
	assert_int_equal(sdp_dir_answer(SDP_SENDRECV), SDP_SENDRECV);
	assert_int_equal(sdp_dir_answer(SDP_INACTIVE), SDP_INACTIVE);
	assert_int_equal(sdp_dir_answer(SDP_DIR_NONE), SDP_DIR_NONE);
	assert_string_equal(sdp_dir_name(SDP_SENDRECV), "sendrecv");
	assert_string_equal(sdp_dir_name(SDP_INACTIVE), "inactive");
	assert_string_equal(sdp_dir_name(SDP_DIR_NONE), "none");
	assert_string_equal(sdp_dir_name((enum sdp_dir)42), "none");
}

static void test_ptime_rtcp_ipv6(void **state)
{
	struct sdp_session s;

	parse_ok(&s, "v=0\r\no=- 7 8 IN IP6 2001:db8::1\r\ns=-\r\nc=IN IP6 2001:db8::1\r\nt=0 0\r\n"
		     "m=audio 5004 RTP/AVP 0\r\na=ptime:30\r\na=rtcp:5005\r\n"
		     "m=audio 6000/2 RTP/AVPF 8\r\nc=IN IP4 198.51.100.7\r\n"
		     "a=rtcp:6009 IN IP6 2001:db8::9\r\n");
	assert_int_equal(s.origin_af, AF_INET6);
	assert_str(s.origin_addr, "2001:db8::1");
	assert_int_equal(s.af, AF_INET6);
	assert_str(s.addr, "2001:db8::1");
	const struct sdp_media *a = &s.media[0], *b = &s.media[1];
	assert_int_equal(a->ptime, 30);
	assert_int_equal(a->maxptime, 0);
	assert_int_equal(a->rtcp_port, 5005);
	assert_true(str_empty(a->rtcp_addr));
	assert_false(a->rtcp_mux);
	assert_int_equal(sdp_media_af(&s, a), AF_INET6);
	assert_int_equal(b->port, 6000);
	assert_int_equal(b->nports, 2);
	assert_str(b->addr, "198.51.100.7");
	assert_int_equal(b->af, AF_INET);
	assert_str(sdp_media_addr(&s, b), "198.51.100.7");
	assert_int_equal(sdp_media_af(&s, b), AF_INET);
	assert_int_equal(b->rtcp_port, 6009);
	assert_str(b->rtcp_addr, "2001:db8::9");
	assert_int_equal(b->rtcp_af, AF_INET6);
	sdp_free(&s);
}

static void test_port_zero_and_line_ends(void **state)
{
	struct sdp_session s;

	/* port 0 needs no connection address; LF-only, blank and padded lines are fine */
	parse_ok(&s, "v=0\no=- 1 1 IN IP4 host.example.com\ns=  call  \n\n"
		     "i=ignored\nu=http://x\ne=a@b\nt=0 0\nr=7d 1h 0 25h\nz=0 0\nk=clear:x\n"
		     "x=unknown type\nm=video 0 RTP/AVP 31\nm=audio 0 RTP/AVP 0\r\n"
		     "a=rtcp-mux \n\n");
	assert_str(s.origin_addr, "host.example.com"); /* o= may name a host */
	assert_str(s.name, "  call");
	assert_int_equal(s.nmedia, 2);
	assert_int_equal(s.media[0].port, 0);
	assert_fmt(&s.media[0].fmt[0], 31, "H261", 90000, 1, "");
	assert_true(s.media[1].rtcp_mux);
	assert_true(str_empty(sdp_media_addr(&s, &s.media[1])));
	sdp_free(&s);

	/* a session without any media is still a session */
	parse_ok(&s, "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\n");
	assert_int_equal(s.nmedia, 0);
	sdp_free(&s);
}

static void test_bad_structure(void **state)
{
	parse_bad("", EBADMSG, "missing v=");
	parse_bad("\r\n\r\n", EBADMSG, "missing v=");
	parse_bad("o=- 1 1 IN IP4 1.2.3.4\r\nv=0\r\ns=-\r\n", EBADMSG, "missing v=");
	parse_bad("v=1\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\n", EBADMSG, "bad v= line");
	parse_bad("v=0\r\nv=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\n", EBADMSG, "duplicate v= line");
	parse_bad("v=0\r\ns=-\r\n", EBADMSG, "missing o=");
	parse_bad("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\n", EBADMSG, "missing s=");
	parse_bad("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\ns=-\r\n", EBADMSG, "duplicate s= line");
	parse_bad("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nm=audio 0 RTP/AVP 0\r\ns=-\r\n", EBADMSG,
		  "misplaced s= line");
	parse_bad("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nhello\r\n", EBADMSG, "malformed line");
	parse_bad("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\n1=2\r\n", EBADMSG, "malformed line");
	parse_bad(" v=0\r\n", EBADMSG, "malformed line");
	parse_bad("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=a\rb\r\n", EBADMSG, "bare CR in line");
}

static void test_bad_origin(void **state)
{
	parse_bad("v=0\r\no=garbage\r\ns=-\r\n", EBADMSG, "bad o= line");
	parse_bad("v=0\r\no=- 1 1 IN IP4\r\ns=-\r\n", EBADMSG, "bad o= line");
	parse_bad("v=0\r\no=- x 1 IN IP4 1.2.3.4\r\ns=-\r\n", EBADMSG, "bad o= line");
	parse_bad("v=0\r\no=- 1 -1 IN IP4 1.2.3.4\r\ns=-\r\n", EBADMSG, "bad o= line");
	parse_bad("v=0\r\no=- 1 99999999999999999999 IN IP4 1.2.3.4\r\ns=-\r\n", EBADMSG,
		  "bad o= line");
	parse_bad("v=0\r\no=- 1 1 ATM NSAP 1.2.3.4\r\ns=-\r\n", EBADMSG, "bad o= line");
	parse_bad("v=0\r\no=- 1 1 IN IP4 1.2.3.4 extra\r\ns=-\r\n", EBADMSG, "bad o= line");
	parse_bad("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\n", EBADMSG,
		  "duplicate o= line");
}

#define HEAD "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"

static void test_bad_media(void **state)
{
	parse_bad(HEAD "m=audio 70000 RTP/AVP 0\r\n", EBADMSG, "bad m= port");
	parse_bad(HEAD "m=audio -1 RTP/AVP 0\r\n", EBADMSG, "bad m= port");
	parse_bad(HEAD "m=audio 4000/0 RTP/AVP 0\r\n", EBADMSG, "bad m= port");
	parse_bad(HEAD "m=audio 4000/ RTP/AVP 0\r\n", EBADMSG, "bad m= port");
	parse_bad(HEAD "m=audio 4000 RTP/AVP\r\n", EBADMSG, "bad m= line");
	parse_bad(HEAD "m=audio\r\n", EBADMSG, "bad m= line");
	parse_bad(HEAD "m=audio 4000 RTP/AVP 0 PCMA\r\n", EBADMSG, "bad payload type");
	parse_bad(HEAD "m=audio 4000 RTP/AVP 128\r\n", EBADMSG, "bad payload type");
	parse_bad(HEAD "m=audio 4000 RTP/AVP 8 8\r\n", EBADMSG, "duplicate payload type");
	parse_bad(HEAD "m=audio 4000 RTP/AVP 0\r\na=rtpmap:96 opus/48000/2\r\n", EBADMSG,
		  "rtpmap for unknown payload type");
	parse_bad(HEAD "m=audio 4000 RTP/AVP 0\r\na=fmtp:101 0-16\r\n", EBADMSG,
		  "fmtp for unknown payload type");
	parse_bad(HEAD "m=audio 4000 RTP/AVP 96\r\na=rtpmap:x opus/48000\r\n", EBADMSG,
		  "bad a=rtpmap");
	parse_bad(HEAD "m=audio 4000 RTP/AVP 96\r\na=rtpmap:96 opus\r\n", EBADMSG, "bad a=rtpmap");
	parse_bad(HEAD "m=audio 4000 RTP/AVP 96\r\na=rtpmap:96 opus/0\r\n", EBADMSG,
		  "bad a=rtpmap");
	parse_bad(HEAD "m=audio 4000 RTP/AVP 96\r\na=rtpmap:96 opus/48000/256\r\n", EBADMSG,
		  "bad a=rtpmap");
	parse_bad(HEAD "m=audio 4000 RTP/AVP 96\r\na=rtpmap:96 opus/48000 x\r\n", EBADMSG,
		  "bad a=rtpmap");
	parse_bad(HEAD "m=audio 4000 RTP/AVP 96\r\na=rtpmap:96 a/1\r\na=rtpmap:96 b/2\r\n", EBADMSG,
		  "duplicate a=rtpmap");
	parse_bad(HEAD "m=audio 4000 RTP/AVP 0\r\na=ptime:abc\r\n", EBADMSG, "bad a=ptime");
	parse_bad(HEAD "m=audio 4000 RTP/AVP 0\r\na=ptime:0\r\n", EBADMSG, "bad a=ptime");
	parse_bad(HEAD "m=audio 4000 RTP/AVP 0\r\na=maxptime:99999\r\n", EBADMSG, "bad a=maxptime");
	parse_bad(HEAD "m=audio 4000 RTP/AVP 0\r\na=rtcp:0\r\n", EBADMSG, "bad a=rtcp");
	parse_bad(HEAD "m=audio 4000 RTP/AVP 0\r\na=rtcp:4001 IN IP4 nowhere\r\n", EBADMSG,
		  "bad a=rtcp");
	parse_bad(HEAD "m=audio 4000 RTP/AVP 0\r\no=- 1 1 IN IP4 1.2.3.4\r\n", EBADMSG,
		  "misplaced o= line");
}

static void test_bad_connection(void **state)
{
	const char *o = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\n";
	char text[512];
	static const struct {
		const char *c, *reason;
	} cases[] = {
	    {"c=IN IP4 999.1.1.1", "bad c= address"},
	    {"c=IN IP4 media.example.com", "bad c= address"},
	    {"c=IN IP4 224.2.1.1/127", "bad c= address"},
	    {"c=IN IP6 10.0.0.1", "bad c= address"},
	    {"c=IN IP4 2001:db8::1", "bad c= address"},
	    {"c=IN IP4", "bad c= address"},
	    {"c=IN IP5 10.0.0.1", "bad c= line"},
	    {"c=XX IP4 10.0.0.1", "bad c= line"},
	    {"c=IN IP4 10.0.0.1 10.0.0.2", "bad c= line"},
	    {"c=IN IP4 10.0.0.1\r\nc=IN IP4 10.0.0.2", "duplicate c= line"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), "%s%s\r\nm=audio 4000 RTP/AVP 0\r\n", o, cases[i].c);
		parse_bad(text, EBADMSG, cases[i].reason);
	}
	/* a media with a port needs an address from somewhere */
	parse_bad("v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nm=audio 4000 RTP/AVP 0\r\n", EBADMSG,
		  "missing c= line");
	parse_bad("v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nm=audio 4000 RTP/AVP 0\r\n"
		  "c=IN IP4 10.0.0.1\r\nm=audio 4002 RTP/AVP 0\r\n",
		  EBADMSG, "missing c= line");
}

static void test_limits(void **state)
{
	struct sdp_session s;
	char text[SDP_MAX_LEN + 64];
	size_t n = (size_t)snprintf(text, sizeof(text), HEAD);

	/* SDP_MAX_MEDIA media are fine, one more is not */
	for (int i = 0; i < SDP_MAX_MEDIA; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "m=audio %d RTP/AVP 0\r\n",
				      4000 + i);
	parse_ok(&s, text);
	assert_int_equal(s.nmedia, SDP_MAX_MEDIA);
	sdp_free(&s);
	snprintf(text + n, sizeof(text) - n, "m=audio 5000 RTP/AVP 0\r\n");
	parse_bad(text, EOVERFLOW, "too many m= lines");

	/* SDP_MAX_FMT formats, then one more */
	n = (size_t)snprintf(text, sizeof(text), HEAD "m=audio 4000 RTP/AVP");
	for (int i = 0; i < SDP_MAX_FMT; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, " %d", 96 + i);
	snprintf(text + n, sizeof(text) - n, "\r\n");
	parse_ok(&s, text);
	assert_int_equal(s.media[0].nfmt, SDP_MAX_FMT);
	sdp_free(&s);
	snprintf(text + n, sizeof(text) - n, " 0\r\n");
	parse_bad(text, EOVERFLOW, "too many formats");

	/* attributes, at session and media level */
	n = (size_t)snprintf(text, sizeof(text), HEAD);
	for (int i = 0; i <= SDP_MAX_ATTR; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "a=x-%d\r\n", i);
	parse_bad(text, EOVERFLOW, "too many a= lines");
	n = (size_t)snprintf(text, sizeof(text), HEAD "m=audio 4000 RTP/AVP 0\r\n");
	for (int i = 0; i <= SDP_MAX_ATTR; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "a=x-%d\r\n", i);
	parse_bad(text, EOVERFLOW, "too many a= lines");
}

static void test_size_and_nul(void **state)
{
	struct sdp_session s;
	static char big[SDP_MAX_LEN + 1];
	const char *reason = NULL;

	/* exactly SDP_MAX_LEN is accepted: pad with an ignored line */
	size_t n = (size_t)snprintf(big, sizeof(big), HEAD "i=");
	memset(big + n, 'x', SDP_MAX_LEN - n - 2);
	memcpy(big + SDP_MAX_LEN - 2, "\r\n", 2);
	assert_int_equal(sdp_parse(&s, big, SDP_MAX_LEN, &reason), 0);
	sdp_free(&s);
	big[SDP_MAX_LEN] = '\n';
	assert_int_equal(sdp_parse(&s, big, SDP_MAX_LEN + 1, &reason), EOVERFLOW);
	assert_string_equal(reason, "SDP too long");
	assert_null(s.buf);

	static const char nul[] = "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=a\0b\r\n";
	assert_int_equal(sdp_parse(&s, nul, sizeof(nul) - 1, &reason), EBADMSG);
	assert_string_equal(reason, "NUL byte in SDP");
	/* the reason pointer is optional */
	assert_int_equal(sdp_parse(&s, "v=0\r\n", 5, NULL), EBADMSG);
	assert_int_equal(sdp_parse(&s, NULL, 3, NULL), EINVAL);
}

/* The parts of a session the encoder promises to carry. */
static void assert_same(const struct sdp_session *a, const struct sdp_session *b)
{
	assert_true(str_eq(a->origin_user, b->origin_user) &&
		    str_eq(a->origin_addr, b->origin_addr));
	assert_true(a->sess_id == b->sess_id && a->sess_version == b->sess_version);
	assert_true(str_eq(a->addr, b->addr) && str_eq(a->bandwidth, b->bandwidth));
	assert_int_equal(a->dir, b->dir);
	assert_int_equal(a->nattr, b->nattr);
	for (unsigned i = 0; i < a->nattr; i++)
		assert_true(str_eq(a->attr[i].name, b->attr[i].name) &&
			    str_eq(a->attr[i].value, b->attr[i].value));
	assert_int_equal(a->nmedia, b->nmedia);
	for (unsigned i = 0; i < a->nmedia; i++) {
		const struct sdp_media *x = &a->media[i], *y = &b->media[i];
		assert_true(str_eq(x->type, y->type) && str_eq(x->proto, y->proto));
		assert_true(x->port == y->port && x->nports == y->nports);
		assert_true(str_eq(x->addr, y->addr) && x->dir == y->dir);
		assert_true(x->ptime == y->ptime && x->maxptime == y->maxptime);
		assert_true(x->rtcp_port == y->rtcp_port && str_eq(x->rtcp_addr, y->rtcp_addr));
		assert_true(x->rtcp_mux == y->rtcp_mux && x->nattr == y->nattr);
		assert_int_equal(x->nfmt, y->nfmt);
		for (unsigned k = 0; k < x->nfmt; k++) {
			const struct sdp_fmt *f = &x->fmt[k], *g = &y->fmt[k];
			assert_true(f->pt == g->pt && str_eq(f->name, g->name));
			assert_true(f->rate == g->rate && f->channels == g->channels);
			assert_true(str_eq(f->fmtp, g->fmtp));
		}
		if (!x->nfmt)
			assert_true(str_eq(x->raw_fmts, y->raw_fmts));
		for (unsigned k = 0; k < x->nattr; k++)
			assert_true(str_eq(x->attr[k].value, y->attr[k].value));
	}
}

static void roundtrip(const char *text)
{
	struct sdp_session a, b;
	struct buf out, again;

	buf_init(&out, SDP_MAX_LEN);
	buf_init(&again, SDP_MAX_LEN);
	parse_ok(&a, text);
	assert_int_equal(sdp_encode(&a, &out), 0);
	parse_ok(&b, out.data);
	assert_same(&a, &b);
	assert_int_equal(sdp_encode(&b, &again), 0);
	assert_string_equal(out.data, again.data); /* encoding is a fixed point */
	sdp_free(&a);
	sdp_free(&b);
	buf_free(&out);
	buf_free(&again);
}

static void test_encode_roundtrip(void **state)
{
	roundtrip(asterisk_offer);
	roundtrip(baresip_offer);
	roundtrip(webrtc_offer);
	roundtrip("v=0\no=- 7 8 IN IP6 2001:db8::1\ns=-\nc=IN IP6 2001:db8::1\nb=CT:128\n"
		  "a=recvonly\nm=audio 5004/2 RTP/AVP 0 96\nb=TIAS:64000\na=rtcp:5005\n"
		  "a=rtcp:5007 IN IP6 ::1\na=foo:\nm=video 0 RTP/AVP 31\n");
}

static void test_encode_text(void **state)
{
	struct sdp_session s;
	struct buf out;

	buf_init(&out, 0);
	parse_ok(&s, "v=0\no=alice 2890844526 2890844527 IN IP4 host.example.com\ns=\n"
		     "c=IN IP4 192.0.2.1\nt=2873397496 2873404696\na=recvonly\n"
		     "m=audio 49170 RTP/AVP 0 97\na=rtpmap:97 iLBC/8000\na=fmtp:97 mode=30\n"
		     "a=sendrecv\na=ptime:30\na=rtcp-mux\na=x-custom:1 2\na=x-empty:\n"
		     "m=application 0 TCP/BFCP *\n");
	assert_int_equal(sdp_encode(&s, &out), 0);
	assert_string_equal(out.data, "v=0\r\n"
				      "o=alice 2890844526 2890844527 IN IP4 host.example.com\r\n"
				      "s=-\r\n"
				      "c=IN IP4 192.0.2.1\r\n"
				      "t=0 0\r\n"
				      "a=recvonly\r\n"
				      "m=audio 49170 RTP/AVP 0 97\r\n"
				      "a=rtpmap:0 PCMU/8000\r\n"
				      "a=rtpmap:97 iLBC/8000\r\n"
				      "a=fmtp:97 mode=30\r\n"
				      "a=ptime:30\r\n"
				      "a=rtcp-mux\r\n"
				      "a=sendrecv\r\n"
				      "a=x-custom:1 2\r\n"
				      "a=x-empty:\r\n"
				      "m=application 0 TCP/BFCP *\r\n");
	sdp_free(&s);
	buf_free(&out);
}

static void test_encode_modified(void **state)
{
	struct sdp_session s, t;
	struct buf out;

	buf_init(&out, SDP_MAX_LEN);
	parse_ok(&s, asterisk_offer);
	/* a B2BUA rewrites the connection and drops GSM before relaying the offer */
	s.addr = STR("2001:db8::20");
	s.af = AF_INET6;
	s.media[0].port = 40000;
	s.media[0].fmt[2] = s.media[0].fmt[3];
	s.media[0].nfmt = 3;
	s.media[0].dir = SDP_SENDONLY;
	s.name = STR("zvonar");
	assert_int_equal(sdp_encode(&s, &out), 0);
	assert_non_null(strstr(out.data, "c=IN IP6 2001:db8::20\r\n"));
	assert_non_null(strstr(out.data, "m=audio 40000 RTP/AVP 0 8 101\r\n"));
	assert_null(strstr(out.data, "GSM"));
	parse_ok(&t, out.data);
	assert_str(t.addr, "2001:db8::20");
	assert_int_equal(t.af, AF_INET6);
	assert_str(t.name, "zvonar");
	assert_int_equal(t.media[0].port, 40000);
	assert_int_equal(t.media[0].nfmt, 3);
	assert_fmt(&t.media[0].fmt[2], 101, "telephone-event", 8000, 1, "0-16");
	assert_int_equal(t.media[0].dir, SDP_SENDONLY);
	sdp_free(&t);
	sdp_free(&s);
	buf_free(&out);
}

static void test_encode_overflow(void **state)
{
	struct sdp_session s;
	struct buf out;

	buf_init(&out, 100);
	assert_int_equal(buf_puts(&out, "keep"), 0);
	parse_ok(&s, webrtc_offer);
	assert_int_equal(sdp_encode(&s, &out), EOVERFLOW);
	assert_int_equal(out.len, 4); /* nothing half-written */
	assert_string_equal(out.data, "keep");
	sdp_free(&s);
	buf_free(&out);
}

static const struct sdp_codec our_codecs[] = {
    {"PCMA", 8000, 1, 8},
    {"PCMU", 8000, 1, 0},
};

static struct sdp_answer_cfg cfg_with(const struct sdp_codec *codecs, size_t n)
{
	return (struct sdp_answer_cfg){
	    .codecs = codecs,
	    .ncodecs = n,
	    .telephone_event = true,
	    .addr = STR("203.0.113.5"),
	    .af = AF_INET,
	    .port = 30000,
	    .origin_user = STR("zvonar"),
	    .sess_id = 42,
	    .sess_version = 1,
	};
}

static void test_answer_g711(void **state)
{
	struct sdp_session offer, ans, back;
	struct sdp_answer_cfg cfg = cfg_with(our_codecs, 2);
	struct buf out;

	parse_ok(&offer, asterisk_offer);
	assert_int_equal(sdp_answer(&offer, &cfg, &ans), 0);
	assert_null(ans.buf);
	assert_str(ans.origin_user, "zvonar");
	assert_true(ans.sess_id == 42 && ans.sess_version == 1);
	assert_str(ans.addr, "203.0.113.5");
	assert_int_equal(ans.nmedia, 1);
	const struct sdp_media *m = &ans.media[0];
	assert_int_equal(m->port, 30000);
	assert_str(m->proto, "RTP/AVP");
	/* our order, not the offer's; GSM dropped; DTMF with its fmtp */
	assert_int_equal(m->nfmt, 3);
	assert_fmt(&m->fmt[0], 8, "PCMA", 8000, 1, "");
	assert_fmt(&m->fmt[1], 0, "PCMU", 8000, 1, "");
	assert_fmt(&m->fmt[2], 101, "telephone-event", 8000, 1, "0-16");
	assert_int_equal(m->dir, SDP_SENDRECV);
	assert_int_equal(m->ptime, 20); /* echoed */

	buf_init(&out, SDP_MAX_LEN);
	assert_int_equal(sdp_encode(&ans, &out), 0);
	sdp_free(&offer); /* the text must not depend on the offer any more */
	parse_ok(&back, out.data);
	assert_str(back.origin_addr, "203.0.113.5");
	assert_int_equal(back.media[0].nfmt, 3);
	assert_int_equal(back.media[0].fmt[0].pt, 8);
	assert_str(back.media[0].fmt[2].fmtp, "0-16");
	sdp_free(&back);
	sdp_free(&ans); /* owns nothing, must still be safe */
	buf_free(&out);

	/* without telephone-event in cfg, no DTMF; our ptime wins over the offer's */
	parse_ok(&offer, asterisk_offer);
	cfg.telephone_event = false;
	cfg.ptime = 40;
	assert_int_equal(sdp_answer(&offer, &cfg, &ans), 0);
	assert_int_equal(ans.media[0].nfmt, 2);
	assert_int_equal(ans.media[0].ptime, 40);
	sdp_free(&offer);
}

static void test_answer_no_codec(void **state)
{
	struct sdp_session offer, ans;
	struct sdp_answer_cfg cfg = cfg_with(our_codecs, 2);

	parse_ok(&offer,
		 HEAD "m=audio 4000 RTP/AVP 18 101\r\na=rtpmap:101 telephone-event/8000\r\n");
	assert_int_equal(sdp_answer(&offer, &cfg, &ans), EPROTO);
	assert_int_equal(ans.nmedia, 1);
	assert_int_equal(ans.media[0].port, 0);
	assert_str(ans.media[0].raw_fmts, "18 101");
	sdp_free(&offer);

	/* SRTP and WebRTC profiles are not ours to terminate */
	parse_ok(&offer, HEAD "m=audio 4000 RTP/SAVP 0 8\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 "
			      "inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\n");
	assert_int_equal(sdp_answer(&offer, &cfg, &ans), EPROTO);
	sdp_free(&offer);
	parse_ok(&offer, webrtc_offer);
	assert_int_equal(sdp_answer(&offer, &cfg, &ans), EPROTO);
	assert_int_equal(ans.nmedia, 3);
	sdp_free(&offer);
	/* an audio stream already disabled by the offerer stays disabled */
	parse_ok(&offer, HEAD "m=audio 0 RTP/AVP 0 8\r\n");
	assert_int_equal(sdp_answer(&offer, &cfg, &ans), EPROTO);
	sdp_free(&offer);
}

static void test_answer_rejects_other_media(void **state)
{
	struct sdp_session offer, ans;
	struct sdp_answer_cfg cfg = cfg_with(our_codecs, 2);
	struct buf out;

	parse_ok(&offer, HEAD "m=video 5000 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"
			      "m=audio 4000 RTP/AVP 0\r\n"
			      "m=audio 4100 RTP/AVP 8\r\n"
			      "m=application 5100 UDP/BFCP *\r\n");
	assert_int_equal(sdp_answer(&offer, &cfg, &ans), 0);
	assert_int_equal(ans.nmedia, 4);
	assert_int_equal(ans.media[0].port, 0);
	assert_str(ans.media[0].type, "video");
	assert_str(ans.media[0].raw_fmts, "96");
	assert_int_equal(ans.media[1].port, 30000);
	assert_int_equal(ans.media[1].fmt[0].pt, 0);
	assert_int_equal(ans.media[2].port, 0); /* one audio stream only */
	assert_int_equal(ans.media[3].port, 0);
	buf_init(&out, SDP_MAX_LEN);
	assert_int_equal(sdp_encode(&ans, &out), 0);
	assert_non_null(strstr(out.data, "m=video 0 RTP/AVP 96\r\nm=audio 30000 RTP/AVP 0\r\n"
					 "a=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n"
					 "m=audio 0 RTP/AVP 8\r\nm=application 0 UDP/BFCP *\r\n"));
	assert_null(strstr(out.data, "H264"));
	buf_free(&out);
	sdp_free(&offer);
}

static void test_answer_direction(void **state)
{
	struct sdp_session offer, ans;
	struct sdp_answer_cfg cfg = cfg_with(our_codecs, 2);

	parse_ok(&offer, HEAD "m=audio 4000 RTP/AVP 0\r\na=sendonly\r\n");
	assert_int_equal(sdp_answer(&offer, &cfg, &ans), 0);
	assert_int_equal(ans.media[0].dir, SDP_RECVONLY);
	sdp_free(&offer);
	/* direction given at session level only */
	parse_ok(&offer, HEAD "a=recvonly\r\nm=audio 4000 RTP/AVP 0\r\n");
	assert_int_equal(sdp_answer(&offer, &cfg, &ans), 0);
	assert_int_equal(ans.media[0].dir, SDP_SENDONLY);
	sdp_free(&offer);
	parse_ok(&offer, HEAD "m=audio 4000 RTP/AVP 0\r\na=inactive\r\n");
	assert_int_equal(sdp_answer(&offer, &cfg, &ans), 0);
	assert_int_equal(ans.media[0].dir, SDP_INACTIVE);
	sdp_free(&offer);
}

static void test_answer_opus(void **state)
{
	static const struct sdp_codec codecs[] = {
	    {"opus", 48000, 2, 0xff},
	    {"PCMU", 8000, 1, 0},
	};
	struct sdp_session offer, ans;
	struct sdp_answer_cfg cfg = cfg_with(codecs, 2);

	cfg.rtcp_mux = true;
	parse_ok(&offer, HEAD "m=audio 4000 RTP/AVPF 0 109 101 102\r\n"
			      "a=rtpmap:109 opus/48000/2\r\na=fmtp:109 useinbandfec=1\r\n"
			      "a=rtpmap:101 telephone-event/8000\r\n"
			      "a=rtpmap:102 telephone-event/48000\r\na=fmtp:102 0-15\r\n"
			      "a=rtcp-mux\r\na=ptime:20\r\n");
	assert_int_equal(sdp_answer(&offer, &cfg, &ans), 0);
	const struct sdp_media *m = &ans.media[0];
	assert_str(m->proto, "RTP/AVPF");
	assert_int_equal(m->nfmt, 3);
	assert_fmt(&m->fmt[0], 109, "opus", 48000, 2, "useinbandfec=1");
	assert_fmt(&m->fmt[1], 0, "PCMU", 8000, 1, "");
	/* the events that run on opus's clock */
	assert_fmt(&m->fmt[2], 102, "telephone-event", 48000, 1, "0-15");
	assert_true(m->rtcp_mux);
	sdp_free(&offer);

	/* mono opus is a different format from ours */
	parse_ok(&offer, HEAD "m=audio 4000 RTP/AVP 109\r\na=rtpmap:109 opus/48000\r\n");
	assert_int_equal(sdp_answer(&offer, &cfg, &ans), EPROTO);
	sdp_free(&offer);
}

static void test_answer_einval(void **state)
{
	struct sdp_session offer, ans;
	struct sdp_answer_cfg cfg = cfg_with(our_codecs, 2);

	parse_ok(&offer, asterisk_offer);
	assert_int_equal(sdp_answer(NULL, &cfg, &ans), EINVAL);
	assert_int_equal(sdp_answer(&offer, NULL, &ans), EINVAL);
	cfg.ncodecs = 0;
	assert_int_equal(sdp_answer(&offer, &cfg, &ans), EINVAL);
	cfg = cfg_with(our_codecs, 2);
	cfg.addr = STR_NULL;
	assert_int_equal(sdp_answer(&offer, &cfg, &ans), EINVAL);
	cfg = cfg_with(our_codecs, 2);
	cfg.port = 0;
	assert_int_equal(sdp_answer(&offer, &cfg, &ans), EINVAL);
	sdp_free(&offer);
}

static void test_reuse(void **state)
{
	struct sdp_session s;

	parse_ok(&s, asterisk_offer);
	sdp_free(&s);
	parse_ok(&s, baresip_offer);
	assert_int_equal(s.media[0].nfmt, 5);
	sdp_free(&s);
	/* a failed parse leaves nothing to free and no stale fields */
	assert_int_equal(sdp_parse(&s, "v=0\r\nm=x\r\n", 10, NULL), EBADMSG);
	assert_null(s.buf);
	assert_int_equal(s.nmedia, 0);
	sdp_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_asterisk_offer),
	    cmocka_unit_test(test_baresip_offer),
	    cmocka_unit_test(test_webrtc_offer),
	    cmocka_unit_test(test_static_defaults),
	    cmocka_unit_test(test_direction),
	    cmocka_unit_test(test_ptime_rtcp_ipv6),
	    cmocka_unit_test(test_port_zero_and_line_ends),
	    cmocka_unit_test(test_bad_structure),
	    cmocka_unit_test(test_bad_origin),
	    cmocka_unit_test(test_bad_media),
	    cmocka_unit_test(test_bad_connection),
	    cmocka_unit_test(test_limits),
	    cmocka_unit_test(test_size_and_nul),
	    cmocka_unit_test(test_encode_roundtrip),
	    cmocka_unit_test(test_encode_text),
	    cmocka_unit_test(test_encode_modified),
	    cmocka_unit_test(test_encode_overflow),
	    cmocka_unit_test(test_answer_g711),
	    cmocka_unit_test(test_answer_no_codec),
	    cmocka_unit_test(test_answer_rejects_other_media),
	    cmocka_unit_test(test_answer_direction),
	    cmocka_unit_test(test_answer_opus),
	    cmocka_unit_test(test_answer_einval),
	    cmocka_unit_test(test_reuse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
