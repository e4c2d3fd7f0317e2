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

static void peer_info(const struct sdp_session *s, const struct sdp_media *m,
		      struct call_sdp_info *info)
{
	struct str addr = sdp_media_addr(s, m);

	memset(&info->peer, 0, sizeof(info->peer));
	if (sa_set(&info->peer, addr, m->port))
		memset(&info->peer, 0, sizeof(info->peer));
	info->clock = m->nfmt ? m->fmt[0].rate : 8000;
	snprintf(info->codec, sizeof(info->codec), "%.*s/%u", m->nfmt ? (int)m->fmt[0].name.len : 1,
		 m->nfmt ? m->fmt[0].name.p : "-", (unsigned)info->clock);
}

/* The first audio stream with a port is relayed; every other stream is disabled. */
static int rewrite(struct sdp_session *s, const char *ip, uint16_t port, struct call_sdp_info *info)
{
	int af = strchr(ip, ':') ? AF_INET6 : AF_INET;
	bool relayed = false;

	for (unsigned i = 0; i < s->nmedia; i++) {
		struct sdp_media *m = &s->media[i];
		if (!relayed && m->port && str_eq_case_cstr(m->type, "audio")) {
			peer_info(s, m, info);
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

int call_sdp_rewrite(const char *in, size_t len, const char *ip, uint16_t port, struct buf *out,
		     struct call_sdp_info *info)
{
	struct sdp_session *s = xcalloc(1, sizeof(*s));
	const char *reason = NULL;
	int err = sdp_parse(s, in, len, &reason);

	if (!err)
		err = rewrite(s, ip, port, info);
	if (!err) {
		buf_reset(out);
		err = sdp_encode(s, out);
	}
	sdp_free(s);
	free(s);
	return err;
}
