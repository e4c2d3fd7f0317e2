/*
 * SDP through the B2BUA: each leg sees our relay as its media peer. The other leg's
 * codecs and directions pass unchanged (no transcoding yet), the audio stream's
 * address and ports become ours, streams we do not relay are disabled (port 0),
 * and ICE candidates, which point past us, are dropped.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "call/call_int.h"
#include "core/mem.h"
#include "media/media.h"

static bool drop_attr(struct str name)
{
	return str_eq_case_cstr(name, "candidate") || str_eq_case_cstr(name, "end-of-candidates") ||
	       str_eq_case_cstr(name, "remote-candidates") || str_has_prefix_case(name, "ice-");
}

static void filter_attrs(struct sdp_attr *attr, unsigned *n)
{
	unsigned k = 0;
	for (unsigned i = 0; i < *n; i++)
		if (!drop_attr(attr[i].name))
			attr[k++] = attr[i];
	*n = k;
}

/* Events, comfort noise and redundancy are not the audio codec. */
static bool not_audio(struct str name)
{
	return str_eq_case_cstr(name, "telephone-event") || str_eq_case_cstr(name, "CN") ||
	       str_eq_case_cstr(name, "red") || str_eq_case_cstr(name, "ulpfec");
}

static const struct sdp_fmt *first_codec(const struct sdp_media *m)
{
	for (unsigned i = 0; i < m->nfmt; i++)
		if (!not_audio(m->fmt[i].name))
			return &m->fmt[i];
	return NULL;
}

static void peer_info(const struct sdp_session *s, const struct sdp_media *m,
		      struct call_sdp_info *info)
{
	struct str addr = sdp_media_addr(s, m);
	const struct sdp_fmt *te = sdp_fmt_find(m, STR("telephone-event"), 0);
	const struct sdp_fmt *f = first_codec(m);

	memset(info, 0, sizeof(*info));
	if (sa_set(&info->peer, addr, m->port))
		memset(&info->peer, 0, sizeof(info->peer));
	info->clock = f ? f->rate : 8000;
	info->pt = f ? f->pt : 0;
	info->channels = f && f->channels ? f->channels : 1;
	info->dtmf_pt = te ? te->pt : 0;
	info->dir = sdp_media_dir(s, m);
	if (f)
		str_copy(f->name, info->name, sizeof(info->name));
	snprintf(info->codec, sizeof(info->codec), "%s/%u", f ? info->name : "-",
		 (unsigned)info->clock);
}

/* The codecs the relay can convert between, offered to B when the caller lacks them. */
static const struct sdp_codec transcodable[] = {
	{ "PCMA", 8000, 1, 8 }, { "PCMU", 8000, 1, 0 }, { "opus", 48000, 2, 0xff },
	{ "G722", 8000, 1, 9 },
};

static bool pt_used(const struct sdp_media *m, unsigned pt)
{
	for (unsigned i = 0; i < m->nfmt; i++)
		if (m->fmt[i].pt == pt)
			return true;
	return false;
}

static bool can_convert(const struct sdp_media *m)
{
	for (unsigned i = 0; i < m->nfmt; i++) {
		char name[24];
		str_copy(m->fmt[i].name, name, sizeof(name));
		if (media_codec_supported(name, m->fmt[i].rate, m->fmt[i].channels))
			return true;
	}
	return false;
}

/* Each transcodable codec the offer lacks, after the caller's own (its preference first). */
static void add_transcodable(struct sdp_media *m)
{
	if (!can_convert(m))
		return;
	for (size_t i = 0; i < sizeof(transcodable) / sizeof(transcodable[0]); i++) {
		const struct sdp_codec *c = &transcodable[i];
		unsigned pt = c->static_pt;
		if (sdp_fmt_find(m, str_c(c->name), c->rate) || m->nfmt >= SDP_MAX_FMT)
			continue;
		for (pt = c->static_pt == 0xff ? 96 : pt; pt < 128 && pt_used(m, pt); pt++)
			;
		if (pt >= 128 || (c->static_pt != 0xff && pt != c->static_pt))
			continue;
		m->fmt[m->nfmt++] = (struct sdp_fmt){ .pt = (uint8_t)pt, .name = str_c(c->name),
						      .rate = c->rate, .channels = c->channels };
	}
}

static const struct sdp_fmt *find_events(const struct sdp_media *m)
{
	return sdp_fmt_find(m, STR("telephone-event"), 8000);
}

/* A free dynamic payload type for telephone-event: 101, the usual one, if it is free. */
static int free_dynamic_pt(const struct sdp_media *m)
{
	if (!pt_used(m, 101))
		return 101;
	for (unsigned pt = 96; pt < 128; pt++)
		if (!pt_used(m, pt))
			return (int)pt;
	return -1;
}

/* B is always offered telephone-event: what it sends, we convert for a caller without it. */
static void add_events(struct sdp_media *m)
{
	int pt = free_dynamic_pt(m);

	if (find_events(m) || m->nfmt >= SDP_MAX_FMT || pt < 0)
		return;
	m->fmt[m->nfmt++] = (struct sdp_fmt){ .pt = (uint8_t)pt, .name = STR("telephone-event"),
					      .rate = 8000, .channels = 1, .fmtp = STR("0-16") };
}

/* The first audio stream with a port is relayed; every other stream is disabled. */
static int rewrite(struct sdp_session *s, const char *ip, uint16_t port, bool add_codecs,
		   struct call_sdp_info *info)
{
	int af = strchr(ip, ':') ? AF_INET6 : AF_INET;
	bool relayed = false;

	for (unsigned i = 0; i < s->nmedia; i++) {
		struct sdp_media *m = &s->media[i];
		if (!relayed && m->port && str_eq_case_cstr(m->type, "audio")) {
			peer_info(s, m, info);
			if (add_codecs) {
				add_transcodable(m);
				add_events(m);
			}
			m->port = port;
			m->addr = str_c(ip);
			m->af = af;
			m->rtcp_port = m->rtcp_mux ? 0 : (uint16_t)(port + 1);
			m->rtcp_addr = STR_NULL;
			filter_attrs(m->attr, &m->nattr);
			relayed = true;
		} else {
			m->port = 0;
		}
	}
	if (!relayed)
		return EPROTO;
	s->addr = str_c(ip);
	s->af = af;
	s->origin_user = STR("zvonar");
	s->origin_addr = str_c(ip);
	s->origin_af = af;
	filter_attrs(s->attr, &s->nattr);
	return 0;
}

int call_sdp_rewrite(const char *in, size_t len, const char *ip, uint16_t port, bool add_codecs,
		     struct buf *out, struct call_sdp_info *info)
{
	struct sdp_session *s = xcalloc(1, sizeof(*s));
	const char *reason = NULL;
	int err = sdp_parse(s, in, len, &reason);

	if (!err)
		err = rewrite(s, ip, port, add_codecs, info);
	if (!err) {
		buf_reset(out);
		err = sdp_encode(s, out);
	}
	sdp_free(s);
	free(s);
	return err;
}

static const struct sdp_media *first_audio(const struct sdp_session *s)
{
	for (unsigned i = 0; i < s->nmedia; i++)
		if (s->media[i].port && str_eq_case_cstr(s->media[i].type, "audio"))
			return &s->media[i];
	return NULL;
}

/* A's first codec the engine converts, as the one codec of our answer to A. */
static int pick_a_codec(const struct sdp_media *m, struct call_sdp_info *a, struct sdp_codec *c)
{
	const struct sdp_fmt *te = sdp_fmt_find(m, STR("telephone-event"), 8000);

	for (unsigned i = 0; i < m->nfmt; i++) {
		const struct sdp_fmt *f = &m->fmt[i];
		memset(a, 0, sizeof(*a));
		str_copy(f->name, a->name, sizeof(a->name));
		if (!media_codec_supported(a->name, f->rate, f->channels))
			continue;
		a->pt = f->pt;
		a->clock = f->rate;
		a->channels = f->channels ? f->channels : 1;
		a->dtmf_pt = te ? te->pt : 0;
		snprintf(a->codec, sizeof(a->codec), "%s/%u", a->name, (unsigned)f->rate);
		*c = (struct sdp_codec){ a->name, f->rate, a->channels, f->pt };
		return 0;
	}
	return EPROTO;
}

int call_sdp_answer_a(const char *a_offer, const struct call_sdp_info *b, const char *ip,
		      uint16_t port, struct buf *out, struct call_sdp_info *a, bool *transcode)
{
	struct sdp_session *offer = xcalloc(1, sizeof(*offer)), *ans = xcalloc(1, sizeof(*ans));
	const char *reason = NULL;
	const struct sdp_media *m;
	struct sdp_codec codec;
	int err = sdp_parse(offer, a_offer, strlen(a_offer), &reason);

	*transcode = false;
	if (!err && !(m = first_audio(offer)))
		err = EPROTO;
	if (!err && sdp_fmt_find(m, str_c(b->name), b->clock))
		goto out; /* A offered what B chose: B's answer passes through */
	if (!err)
		err = pick_a_codec(m, a, &codec);
	if (!err) {
		struct sdp_answer_cfg cfg = {
			.codecs = &codec, .ncodecs = 1, .telephone_event = true,
			.addr = str_c(ip), .af = strchr(ip, ':') ? AF_INET6 : AF_INET, .port = port,
			.origin_user = STR("zvonar"), .sess_id = offer->sess_id,
			.sess_version = offer->sess_version,
		};
		err = sdp_answer(offer, &cfg, ans);
		if (!err) {
			buf_reset(out);
			err = sdp_encode(ans, out);
			*transcode = !err;
		}
	}
out:
	sdp_free(ans);
	sdp_free(offer);
	free(ans);
	free(offer);
	return err;
}

uint8_t call_sdp_events_pt(const char *sdp)
{
	struct sdp_session *s = xcalloc(1, sizeof(*s));
	const char *reason = NULL;
	const struct sdp_media *m;
	const struct sdp_fmt *te;
	uint8_t pt = 0;

	if (sdp && sdp_parse(s, sdp, strlen(sdp), &reason) == 0 && (m = first_audio(s)) &&
	    (te = find_events(m)))
		pt = te->pt;
	sdp_free(s);
	free(s);
	return pt;
}

/* Without the formats of telephone-event, then with pt's if pt is not 0. */
static void set_events(struct sdp_media *m, uint8_t pt)
{
	unsigned k = 0;

	for (unsigned i = 0; i < m->nfmt; i++)
		if (!str_eq_case_cstr(m->fmt[i].name, "telephone-event"))
			m->fmt[k++] = m->fmt[i];
	m->nfmt = k;
	if (pt && m->nfmt < SDP_MAX_FMT)
		m->fmt[m->nfmt++] = (struct sdp_fmt){ .pt = pt, .name = STR("telephone-event"),
						      .rate = 8000, .channels = 1,
						      .fmtp = STR("0-16") };
}

int call_sdp_set_events(struct buf *sdp, uint8_t pt)
{
	struct sdp_session *s = xcalloc(1, sizeof(*s));
	const char *reason = NULL;
	struct sdp_media *m = NULL;
	struct buf out;
	int err = sdp_parse(s, sdp->data, sdp->len, &reason);

	buf_init(&out, 0);
	if (!err && !(m = (struct sdp_media *)first_audio(s)))
		err = EPROTO;
	if (!err) {
		set_events(m, pt);
		err = sdp_encode(s, &out);
	}
	/* the parsed strings point into sdp: encode elsewhere, then copy back */
	if (!err) {
		buf_reset(sdp);
		buf_append(sdp, out.data, out.len);
	}
	buf_free(&out);
	sdp_free(s);
	free(s);
	return err;
}

int call_sdp_redirect(const char *ours, enum sdp_dir offered, struct buf *out)
{
	struct sdp_session *s = xcalloc(1, sizeof(*s));
	const char *reason = NULL;
	struct sdp_media *m;
	int err = sdp_parse(s, ours, strlen(ours), &reason);

	if (!err && !(m = (struct sdp_media *)first_audio(s)))
		err = EPROTO;
	if (!err) {
		m->dir = sdp_dir_answer(offered);
		s->dir = SDP_DIR_NONE;
		s->sess_version++;
		buf_reset(out);
		err = sdp_encode(s, out);
	}
	sdp_free(s);
	free(s);
	return err;
}

int call_sdp_reoffer(const char *ours, const char *ip, uint16_t port, struct buf *out)
{
	struct sdp_session *s = xcalloc(1, sizeof(*s));
	const char *reason = NULL;
	struct sdp_media *m;
	int af = strchr(ip, ':') ? AF_INET6 : AF_INET;
	int err = sdp_parse(s, ours, strlen(ours), &reason);

	if (!err && !(m = (struct sdp_media *)first_audio(s)))
		err = EPROTO;
	if (!err) {
		m->port = port;
		m->addr = str_c(ip);
		m->af = af;
		m->rtcp_port = m->rtcp_mux ? 0 : (uint16_t)(port + 1);
		m->rtcp_addr = STR_NULL;
		m->dir = SDP_SENDRECV;
		s->dir = SDP_DIR_NONE;
		s->addr = str_c(ip);
		s->af = af;
		s->origin_addr = str_c(ip);
		s->origin_af = af;
		s->sess_version++;
		buf_reset(out);
		err = sdp_encode(s, out);
	}
	sdp_free(s);
	free(s);
	return err;
}

/* The relay's codec for one side, from what its SDP said; the side's telephone-event too. */
int call_set_codec(struct call *c, int side, const struct call_sdp_info *i)
{
	struct media_codec_spec spec = { .name = i->name, .rate = i->clock, .channels = i->channels,
					 .pt = i->pt, .dtmf_pt = i->dtmf_pt };
	c->dtmf_pt[side] = i->dtmf_pt;
	return media_relay_set_codec(c->ce->media, c->relay_id, side, &spec);
}
