/* RFC 3264 answers for a UAS that terminates audio, and the accessors offer/answer needs. */
#include <errno.h>

#include "sdp/sdp.h"

enum sdp_dir sdp_media_dir(const struct sdp_session *s, const struct sdp_media *m)
{
	if (m && m->dir)
		return m->dir;
	if (s && s->dir)
		return s->dir;
	return SDP_SENDRECV; /* RFC 3264 5.1: the default */
}

enum sdp_dir sdp_dir_answer(enum sdp_dir offered)
{
	switch (offered) {
	case SDP_SENDONLY:
		return SDP_RECVONLY;
	case SDP_RECVONLY:
		return SDP_SENDONLY;
	default:
		return offered;
	}
}

struct str sdp_media_addr(const struct sdp_session *s, const struct sdp_media *m)
{
	return str_empty(m->addr) ? s->addr : m->addr;
}

int sdp_media_af(const struct sdp_session *s, const struct sdp_media *m)
{
	return str_empty(m->addr) ? s->af : m->af;
}

const struct sdp_fmt *sdp_fmt_find(const struct sdp_media *m, struct str name, uint32_t rate)
{
	for (unsigned i = 0; i < m->nfmt && i < SDP_MAX_FMT; i++) {
		const struct sdp_fmt *f = &m->fmt[i];
		if (str_eq_case(f->name, name) && (rate == 0 || f->rate == rate))
			return f;
	}
	return NULL;
}

/* SAVP needs SDES keys and UDP/TLS/RTP/SAVPF needs ICE and DTLS: neither is ours yet. */
static bool answerable(const struct sdp_media *m)
{
	return m->port && str_eq_case_cstr(m->type, "audio") &&
	       (str_eq_case_cstr(m->proto, "RTP/AVP") || str_eq_case_cstr(m->proto, "RTP/AVPF"));
}

static const struct sdp_fmt *codec_offered(const struct sdp_media *m, const struct sdp_codec *c)
{
	unsigned channels = c->channels ? c->channels : 1;

	for (unsigned i = 0; i < m->nfmt && i < SDP_MAX_FMT; i++) {
		const struct sdp_fmt *f = &m->fmt[i];
		if (str_eq_case_cstr(f->name, c->name) && f->rate == c->rate &&
		    f->channels == channels)
			return f;
	}
	return NULL;
}

/* The offered payload type, name and fmtp go back unchanged (RFC 3264 6.1). */
static void add_fmt(struct sdp_media *am, const struct sdp_fmt *f)
{
	for (unsigned i = 0; i < am->nfmt; i++)
		if (am->fmt[i].pt == f->pt)
			return;
	if (am->nfmt < SDP_MAX_FMT)
		am->fmt[am->nfmt++] = *f;
}

static bool accept_audio(const struct sdp_session *offer, const struct sdp_media *om,
			 const struct sdp_answer_cfg *cfg, struct sdp_media *am)
{
	for (size_t i = 0; i < cfg->ncodecs; i++) {
		const struct sdp_fmt *f = codec_offered(om, &cfg->codecs[i]);
		if (f)
			add_fmt(am, f);
	}
	if (!am->nfmt)
		return false;
	/* RFC 4733 events run on the clock of the audio they go with */
	if (cfg->telephone_event) {
		const struct sdp_fmt *f = sdp_fmt_find(om, STR("telephone-event"), am->fmt[0].rate);
		if (f)
			add_fmt(am, f);
	}
	am->port = cfg->port;
	am->dir = sdp_dir_answer(sdp_media_dir(offer, om));
	am->ptime = cfg->ptime ? cfg->ptime : om->ptime;
	am->rtcp_mux = cfg->rtcp_mux && om->rtcp_mux;
	return true;
}

/* RFC 3264 6: port 0, and the offered formats since the m= line needs at least one. */
static void reject_media(const struct sdp_media *om, struct sdp_media *am)
{
	am->port = 0;
	am->nfmt = 0;
	am->raw_fmts = om->raw_fmts;
}

static void answer_session(const struct sdp_answer_cfg *cfg, struct sdp_session *answer)
{
	memset(answer, 0, sizeof(*answer));
	answer->origin_user = str_empty(cfg->origin_user) ? STR("-") : cfg->origin_user;
	answer->sess_id = cfg->sess_id;
	answer->sess_version = cfg->sess_version;
	answer->origin_addr = cfg->addr;
	answer->origin_af = cfg->af;
	answer->name = STR("-");
	answer->addr = cfg->addr;
	answer->af = cfg->af;
}

int sdp_answer(const struct sdp_session *offer, const struct sdp_answer_cfg *cfg,
	       struct sdp_session *answer)
{
	bool accepted = false;

	if (!offer || !cfg || !answer || !cfg->codecs || !cfg->ncodecs || str_empty(cfg->addr) ||
	    !cfg->port)
		return EINVAL;
	answer_session(cfg, answer);
	answer->nmedia = offer->nmedia < SDP_MAX_MEDIA ? offer->nmedia : SDP_MAX_MEDIA;
	for (unsigned i = 0; i < answer->nmedia; i++) {
		const struct sdp_media *om = &offer->media[i];
		struct sdp_media *am = &answer->media[i];
		am->type = om->type;
		am->proto = om->proto;
		am->nports = 1;
		/* one audio stream is all our media engine terminates */
		if (!accepted && answerable(om) && accept_audio(offer, om, cfg, am))
			accepted = true;
		else
			reject_media(om, am);
	}
	return accepted ? 0 : EPROTO;
}
