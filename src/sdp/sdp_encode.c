/* struct sdp_session to SDP text: CRLF lines, rtpmap/fmtp regenerated from the format list. */
#include <inttypes.h>
#include <stdarg.h>
#include <sys/socket.h>

#include "sdp/sdp.h"

/* The first append error sticks, so the writers below need no error paths of their own. */
struct sdp_enc {
	struct buf *out;
	int err;
};

static void put(struct sdp_enc *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct sdp_enc *e, const char *fmt, ...)
{
	va_list ap;

	if (e->err)
		return;
	va_start(ap, fmt);
	e->err = buf_vprintf(e->out, fmt, ap);
	va_end(ap);
}

static const char *ip_name(int af)
{
	return af == AF_INET6 ? "IP6" : "IP4";
}

static struct str or_dash(struct str s)
{
	return str_empty(s) ? STR("-") : s;
}

static void put_attrs(struct sdp_enc *e, const struct sdp_attr *attr, unsigned n)
{
	for (unsigned i = 0; i < n && i < SDP_MAX_ATTR; i++) {
		const struct sdp_attr *a = &attr[i];
		/* "a=x:" keeps its colon: the name may end in blanks we would otherwise trim */
		if (!a->value.p)
			put(e, "a=%.*s\r\n", STR_FMT(a->name));
		else
			put(e, "a=%.*s:%.*s\r\n", STR_FMT(a->name), STR_FMT(a->value));
	}
}

static void put_session(struct sdp_enc *e, const struct sdp_session *s)
{
	struct str user = or_dash(s->origin_user);
	struct str oaddr = str_empty(s->origin_addr) ? STR("0.0.0.0") : s->origin_addr;
	int oaf = str_empty(s->origin_addr) ? AF_INET : s->origin_af;

	put(e, "v=0\r\n");
	put(e, "o=%.*s %" PRIu64 " %" PRIu64 " IN %s %.*s\r\n", STR_FMT(user), s->sess_id,
	    s->sess_version, ip_name(oaf), STR_FMT(oaddr));
	put(e, "s=%.*s\r\n", STR_FMT(or_dash(s->name)));
	if (!str_empty(s->addr))
		put(e, "c=IN %s %.*s\r\n", ip_name(s->af), STR_FMT(s->addr));
	if (!str_empty(s->bandwidth))
		put(e, "b=%.*s\r\n", STR_FMT(s->bandwidth));
	put(e, "t=0 0\r\n");
	put_attrs(e, s->attr, s->nattr);
	if (s->dir)
		put(e, "a=%s\r\n", sdp_dir_name(s->dir));
}

/* RTP formats come from fmt[] so that a caller's edits there are what goes out. */
static bool uses_fmt_list(const struct sdp_media *m)
{
	return m->nfmt && sdp_proto_is_rtp(m->proto);
}

static void put_mline(struct sdp_enc *e, const struct sdp_media *m)
{
	put(e, "m=%.*s %u", STR_FMT(m->type), m->port);
	if (m->nports > 1)
		put(e, "/%u", m->nports);
	put(e, " %.*s", STR_FMT(m->proto));
	if (uses_fmt_list(m))
		for (unsigned i = 0; i < m->nfmt && i < SDP_MAX_FMT; i++)
			put(e, " %u", m->fmt[i].pt);
	else
		put(e, " %.*s", STR_FMT(m->raw_fmts));
	put(e, "\r\n");
	if (!str_empty(m->addr))
		put(e, "c=IN %s %.*s\r\n", ip_name(m->af), STR_FMT(m->addr));
	if (!str_empty(m->bandwidth))
		put(e, "b=%.*s\r\n", STR_FMT(m->bandwidth));
}

/* rtpmap for every named format, static ones too: some peers insist on seeing it. */
static void put_fmts(struct sdp_enc *e, const struct sdp_media *m)
{
	for (unsigned i = 0; uses_fmt_list(m) && i < m->nfmt && i < SDP_MAX_FMT; i++) {
		const struct sdp_fmt *f = &m->fmt[i];
		if (!str_empty(f->name) && f->rate) {
			put(e, "a=rtpmap:%u %.*s/%" PRIu32, f->pt, STR_FMT(f->name), f->rate);
			if (f->channels > 1)
				put(e, "/%u", f->channels);
			put(e, "\r\n");
		}
		if (!str_empty(f->fmtp))
			put(e, "a=fmtp:%u %.*s\r\n", f->pt, STR_FMT(f->fmtp));
	}
}

static void put_media(struct sdp_enc *e, const struct sdp_media *m)
{
	put_mline(e, m);
	put_fmts(e, m);
	if (m->ptime)
		put(e, "a=ptime:%u\r\n", m->ptime);
	if (m->maxptime)
		put(e, "a=maxptime:%u\r\n", m->maxptime);
	if (m->rtcp_port && str_empty(m->rtcp_addr))
		put(e, "a=rtcp:%u\r\n", m->rtcp_port);
	else if (m->rtcp_port)
		put(e, "a=rtcp:%u IN %s %.*s\r\n", m->rtcp_port, ip_name(m->rtcp_af),
		    STR_FMT(m->rtcp_addr));
	if (m->rtcp_mux)
		put(e, "a=rtcp-mux\r\n");
	if (m->dir)
		put(e, "a=%s\r\n", sdp_dir_name(m->dir));
	put_attrs(e, m->attr, m->nattr);
}

int sdp_encode(const struct sdp_session *s, struct buf *out)
{
	struct sdp_enc e = {out, 0};
	size_t start = out->len;

	put_session(&e, s);
	for (unsigned i = 0; i < s->nmedia && i < SDP_MAX_MEDIA; i++)
		put_media(&e, &s->media[i]);
	if (e.err) {
		/* half an SDP body is worse than none */
		out->len = start;
		if (out->cap)
			out->data[start] = '\0';
	}
	return e.err;
}
