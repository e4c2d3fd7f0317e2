/* SDP text to struct sdp_session: lines, v=, o=, s=, c=, b=, m= and the a= lines we act on. */
#include <arpa/inet.h>
#include <errno.h>
#include <sys/socket.h>

#include "sdp/sdp.h"

struct sdp_parser {
	struct sdp_session *s;
	struct sdp_media *m; /* media section being parsed, NULL at session level */
	bool have_o, have_s;
	const char *reason; /* first error */
};

/* Records the first error's reason and returns err, so callers can "return fail(...)". */
static int fail(struct sdp_parser *ps, int err, const char *reason)
{
	if (!ps->reason)
		ps->reason = reason;
	return err;
}

static bool is_sp(char c)
{
	return c == ' ' || c == '\t';
}

/* Next SP/HTAB-separated token of *rest (empty when none is left). */
static struct str next_tok(struct str *rest)
{
	size_t i = 0, j;

	if (rest->len == 0)
		return *rest;
	while (i < rest->len && is_sp(rest->p[i]))
		i++;
	j = i;
	while (j < rest->len && !is_sp(rest->p[j]))
		j++;
	struct str tok = str_make(rest->p + i, j - i);
	*rest = str_make(rest->p + j, rest->len - j);
	return tok;
}

/* Decimal number in [min, max]: 0 or EBADMSG. */
static int num_in(struct str s, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v;

	if (str_to_u64(s, max, &v) || v < min)
		return EBADMSG;
	*out = v;
	return 0;
}

static int addr_family(struct str type)
{
	if (str_eq_case_cstr(type, "IP4"))
		return AF_INET;
	if (str_eq_case_cstr(type, "IP6"))
		return AF_INET6;
	return 0;
}

/*
 * Numeric addresses only: we have no resolver on the media path, and a
 * multicast "/ttl" suffix means a session we do not take part in anyway.
 * "IN IP4 <addr>" / "IN IP6 <addr>": 0 or EBADMSG (*why says which part).
 */
static int conn_parse(struct str v, struct str *addr, int *af, const char **why)
{
	struct str net = next_tok(&v), type = next_tok(&v);
	unsigned char bin[sizeof(struct in6_addr)];
	char tmp[INET6_ADDRSTRLEN];

	*addr = next_tok(&v);
	*af = addr_family(type);
	*why = "bad c= line";
	if (!str_eq_case_cstr(net, "IN") || !*af || !str_empty(next_tok(&v)))
		return EBADMSG;
	*why = "bad c= address";
	if (!str_copy(*addr, tmp, sizeof(tmp)) || inet_pton(*af, tmp, bin) != 1)
		return EBADMSG;
	*why = NULL;
	return 0;
}

/* RFC 3551 table 4 and 5; G722 says 8000 although it samples at 16 kHz (a historical error). */
static const struct {
	uint8_t pt;
	const char *name;
	uint32_t rate;
} static_pts[] = {
    {0, "PCMU", 8000},	 {3, "GSM", 8000},    {4, "G723", 8000},  {8, "PCMA", 8000},
    {9, "G722", 8000},	 {13, "CN", 8000},    {18, "G729", 8000}, {26, "JPEG", 90000},
    {31, "H261", 90000}, {34, "H263", 90000},
};

static const char *const dir_names[] = {
    [SDP_DIR_NONE] = "none",	 [SDP_SENDRECV] = "sendrecv", [SDP_SENDONLY] = "sendonly",
    [SDP_RECVONLY] = "recvonly", [SDP_INACTIVE] = "inactive",
};

const char *sdp_dir_name(enum sdp_dir d)
{
	if ((unsigned)d >= sizeof(dir_names) / sizeof(dir_names[0]))
		return "none";
	return dir_names[d];
}

static enum sdp_dir dir_from_name(struct str name)
{
	for (unsigned d = SDP_SENDRECV; d <= SDP_INACTIVE; d++)
		if (str_eq_case_cstr(name, dir_names[d]))
			return (enum sdp_dir)d;
	return SDP_DIR_NONE;
}

/* Closes a media section: static payload type defaults where no rtpmap came. */
static void media_finish(struct sdp_media *m)
{
	for (unsigned i = 0; i < m->nfmt; i++) {
		struct sdp_fmt *f = &m->fmt[i];
		if (!str_empty(f->name))
			continue;
		for (size_t k = 0; k < sizeof(static_pts) / sizeof(static_pts[0]); k++) {
			if (static_pts[k].pt != f->pt)
				continue;
			f->name = str_c(static_pts[k].name);
			f->rate = static_pts[k].rate;
		}
	}
}

/* The format for a payload type token: 0, EBADMSG (not a PT) or ENOENT (not on the m= line). */
static int fmt_by_pt(struct sdp_media *m, struct str tok, struct sdp_fmt **fp)
{
	uint64_t pt;

	if (num_in(tok, 0, 127, &pt))
		return EBADMSG;
	for (unsigned i = 0; i < m->nfmt; i++) {
		if (m->fmt[i].pt == pt) {
			*fp = &m->fmt[i];
			return 0;
		}
	}
	return ENOENT;
}

/* a=rtpmap:<pt> <name>/<rate>[/<channels>] */
static int attr_rtpmap(struct sdp_parser *ps, struct str value)
{
	struct str rest = value, pt = next_tok(&rest), enc = next_tok(&rest);
	struct str name, rate, chans;
	uint64_t r, c = 1;
	struct sdp_fmt *f;

	chans = str_split(str_split(enc, '/', &name), '/', &rate); /* STR_NULL without a '/' */
	if (str_empty(name) || !str_empty(next_tok(&rest)) || num_in(rate, 1, UINT32_MAX, &r) ||
	    (chans.p && num_in(chans, 1, UINT8_MAX, &c)))
		return fail(ps, EBADMSG, "bad a=rtpmap");
	int err = fmt_by_pt(ps->m, pt, &f);
	if (err)
		return fail(ps, EBADMSG,
			    err == ENOENT ? "rtpmap for unknown payload type" : "bad a=rtpmap");
	if (!str_empty(f->name))
		return fail(ps, EBADMSG, "duplicate a=rtpmap");
	f->name = name;
	f->rate = (uint32_t)r;
	f->channels = (uint8_t)c;
	return 0;
}

/* a=fmtp:<pt> <parameters> */
static int attr_fmtp(struct sdp_parser *ps, struct str value)
{
	struct str rest = value, pt = next_tok(&rest);
	struct sdp_fmt *f;

	int err = fmt_by_pt(ps->m, pt, &f);
	if (err)
		return fail(ps, EBADMSG,
			    err == ENOENT ? "fmtp for unknown payload type" : "bad a=fmtp");
	if (!str_empty(f->fmtp))
		return fail(ps, EBADMSG, "duplicate a=fmtp");
	f->fmtp = str_trim(rest);
	return 0;
}

/* a=rtcp:<port> [IN IP4|IP6 <addr>] (RFC 3605) */
static int attr_rtcp(struct sdp_parser *ps, struct str value)
{
	struct sdp_media *m = ps->m;
	struct str rest = value, port = next_tok(&rest);
	const char *why;
	uint64_t n;

	if (num_in(port, 1, UINT16_MAX, &n))
		return fail(ps, EBADMSG, "bad a=rtcp");
	m->rtcp_port = (uint16_t)n;
	rest = str_trim(rest);
	if (!str_empty(rest) && conn_parse(rest, &m->rtcp_addr, &m->rtcp_af, &why))
		return fail(ps, EBADMSG, "bad a=rtcp");
	return 0;
}

static int attr_ptime(struct sdp_parser *ps, struct str value, unsigned *out, const char *why)
{
	uint64_t n;

	if (num_in(value, 1, SDP_MAX_PTIME, &n))
		return fail(ps, EBADMSG, why);
	*out = (unsigned)n;
	return 0;
}

/* Attributes we act on are taken apart; the rest is kept in order for the caller. */
static int media_attr(struct sdp_parser *ps, struct str name, struct str value)
{
	struct sdp_media *m = ps->m;
	enum sdp_dir dir = dir_from_name(name);

	if (dir) {
		m->dir = dir;
		return 0;
	}
	if (m->nfmt && str_eq_case_cstr(name, "rtpmap"))
		return attr_rtpmap(ps, value);
	if (m->nfmt && str_eq_case_cstr(name, "fmtp"))
		return attr_fmtp(ps, value);
	if (str_eq_case_cstr(name, "ptime"))
		return attr_ptime(ps, value, &m->ptime, "bad a=ptime");
	if (str_eq_case_cstr(name, "maxptime"))
		return attr_ptime(ps, value, &m->maxptime, "bad a=maxptime");
	if (str_eq_case_cstr(name, "rtcp"))
		return attr_rtcp(ps, value);
	if (str_eq_case_cstr(name, "rtcp-mux")) {
		m->rtcp_mux = true;
		return 0;
	}
	if (m->nattr >= SDP_MAX_ATTR)
		return fail(ps, EOVERFLOW, "too many a= lines");
	m->attr[m->nattr++] = (struct sdp_attr){name, value};
	return 0;
}

static int parse_origin(struct sdp_parser *ps, struct str v)
{
	struct sdp_session *s = ps->s;

	if (ps->have_o || ps->m)
		return fail(ps, EBADMSG, ps->m ? "misplaced o= line" : "duplicate o= line");
	ps->have_o = true;
	s->origin_user = next_tok(&v);
	struct str id = next_tok(&v), ver = next_tok(&v), net = next_tok(&v), type = next_tok(&v);
	/* o= may name a host, so the address is only required to be there */
	s->origin_addr = next_tok(&v);
	s->origin_af = addr_family(type);
	if (str_empty(s->origin_addr) || !str_empty(next_tok(&v)) || !str_eq_case_cstr(net, "IN") ||
	    !s->origin_af || num_in(id, 0, UINT64_MAX, &s->sess_id) ||
	    num_in(ver, 0, UINT64_MAX, &s->sess_version))
		return fail(ps, EBADMSG, "bad o= line");
	return 0;
}

static int parse_name(struct sdp_parser *ps, struct str v)
{
	if (ps->have_s || ps->m)
		return fail(ps, EBADMSG, ps->m ? "misplaced s= line" : "duplicate s= line");
	ps->have_s = true;
	ps->s->name = v;
	return 0;
}

static int parse_conn(struct sdp_parser *ps, struct str v)
{
	struct str *addr = ps->m ? &ps->m->addr : &ps->s->addr;
	int *af = ps->m ? &ps->m->af : &ps->s->af;
	const char *why;

	/* several c= lines only make sense for layered multicast */
	if (!str_empty(*addr))
		return fail(ps, EBADMSG, "duplicate c= line");
	if (conn_parse(v, addr, af, &why))
		return fail(ps, EBADMSG, why);
	return 0;
}

static int parse_bandwidth(struct sdp_parser *ps, struct str v)
{
	struct str *bw = ps->m ? &ps->m->bandwidth : &ps->s->bandwidth;

	/* the first one is kept: AS and TIAS say the same thing for our purposes */
	if (str_empty(*bw))
		*bw = v;
	return 0;
}

bool sdp_proto_is_rtp(struct str proto)
{
	for (size_t i = 0; i + 4 <= proto.len; i++)
		if ((i == 0 || proto.p[i - 1] == '/') && strncasecmp(proto.p + i, "RTP/", 4) == 0)
			return true;
	return false;
}

static int parse_pts(struct sdp_parser *ps, struct sdp_media *m)
{
	struct str rest = m->raw_fmts, tok;
	uint64_t pt;

	while (!str_empty(tok = next_tok(&rest))) {
		if (num_in(tok, 0, 127, &pt))
			return fail(ps, EBADMSG, "bad payload type");
		for (unsigned i = 0; i < m->nfmt; i++)
			if (m->fmt[i].pt == pt)
				return fail(ps, EBADMSG, "duplicate payload type");
		if (m->nfmt >= SDP_MAX_FMT)
			return fail(ps, EOVERFLOW, "too many formats");
		m->fmt[m->nfmt++] = (struct sdp_fmt){.pt = (uint8_t)pt, .channels = 1};
	}
	return 0;
}

static int parse_media(struct sdp_parser *ps, struct str v)
{
	struct sdp_session *s = ps->s;
	struct str port;
	uint64_t n;

	if (ps->m)
		media_finish(ps->m);
	if (s->nmedia >= SDP_MAX_MEDIA)
		return fail(ps, EOVERFLOW, "too many m= lines");
	struct sdp_media *m = ps->m = &s->media[s->nmedia++];
	m->type = next_tok(&v);
	struct str ports = next_tok(&v);
	struct str count = str_split(ports, '/', &port); /* STR_NULL without a '/' */
	m->proto = next_tok(&v);
	m->raw_fmts = str_trim(v);
	if (str_empty(m->type) || str_empty(m->proto) || str_empty(m->raw_fmts))
		return fail(ps, EBADMSG, "bad m= line");
	if (num_in(port, 0, UINT16_MAX, &n))
		return fail(ps, EBADMSG, "bad m= port");
	m->port = (uint16_t)n;
	m->nports = 1;
	if (count.p && num_in(count, 1, UINT16_MAX, &n))
		return fail(ps, EBADMSG, "bad m= port");
	if (count.p)
		m->nports = (uint16_t)n;
	return sdp_proto_is_rtp(m->proto) ? parse_pts(ps, m) : 0;
}

static int parse_attr(struct sdp_parser *ps, struct str v)
{
	struct sdp_session *s = ps->s;
	struct str name;
	struct str value = str_split(v, ':', &name);

	if (ps->m)
		return media_attr(ps, name, value);
	enum sdp_dir dir = dir_from_name(name);
	if (dir) {
		s->dir = dir;
		return 0;
	}
	if (s->nattr >= SDP_MAX_ATTR)
		return fail(ps, EOVERFLOW, "too many a= lines");
	s->attr[s->nattr++] = (struct sdp_attr){name, value};
	return 0;
}

static int parse_line(struct sdp_parser *ps, char type, struct str v)
{
	switch (type) {
	case 'v':
		return fail(ps, EBADMSG, "duplicate v= line");
	case 'o':
		return parse_origin(ps, v);
	case 's':
		return parse_name(ps, v);
	case 'c':
		return parse_conn(ps, v);
	case 'b':
		return parse_bandwidth(ps, v);
	case 'm':
		return parse_media(ps, v);
	case 'a':
		return parse_attr(ps, v);
	default:
		/* i= u= e= p= t= r= z= k= and unknown types: nothing we act on */
		return 0;
	}
}

/* One line without its line end and trailing blanks (a=rtcp-mux<SP> is seen in the wild). */
static struct str next_line(struct str *text)
{
	struct str line;

	*text = str_split(*text, '\n', &line);
	while (line.len && (is_sp(line.p[line.len - 1]) || line.p[line.len - 1] == '\r'))
		line.len--;
	return line;
}

static int parse_lines(struct sdp_parser *ps, struct str text)
{
	bool seen_v = false;

	while (text.len) {
		struct str line = next_line(&text);
		if (str_empty(line))
			continue;
		if (str_chr(line, '\r'))
			return fail(ps, EBADMSG, "bare CR in line");
		char type = line.p[0];
		bool letter = (type >= 'a' && type <= 'z') || (type >= 'A' && type <= 'Z');
		if (line.len < 2 || line.p[1] != '=' || !letter)
			return fail(ps, EBADMSG, "malformed line");
		struct str v = str_sub(line, 2);
		if (!seen_v) {
			if (type != 'v')
				return fail(ps, EBADMSG, "missing v=");
			if (!str_eq_cstr(v, "0"))
				return fail(ps, EBADMSG, "bad v= line");
			seen_v = true;
			continue;
		}
		int err = parse_line(ps, type, v);
		if (err)
			return err;
	}
	return seen_v ? 0 : fail(ps, EBADMSG, "missing v=");
}

static int check_session(struct sdp_parser *ps)
{
	const struct sdp_session *s = ps->s;

	if (ps->m)
		media_finish(ps->m);
	if (!ps->have_o)
		return fail(ps, EBADMSG, "missing o=");
	if (!ps->have_s)
		return fail(ps, EBADMSG, "missing s=");
	for (unsigned i = 0; i < s->nmedia; i++)
		if (s->media[i].port && str_empty(sdp_media_addr(s, &s->media[i])))
			return fail(ps, EBADMSG, "missing c= line");
	return 0;
}

int sdp_parse(struct sdp_session *s, const char *text, size_t len, const char **reason)
{
	struct sdp_parser ps = {.s = s};
	const char *ignored;
	int err;

	if (!reason)
		reason = &ignored;
	*reason = NULL;
	memset(s, 0, sizeof(*s));
	if (!text && len)
		return EINVAL;
	if (len > SDP_MAX_LEN) {
		*reason = "SDP too long";
		return EOVERFLOW;
	}
	if (len && memchr(text, '\0', len)) {
		*reason = "NUL byte in SDP";
		return EBADMSG;
	}
	s->buf = xstrndup(text ? text : "", len);
	err = parse_lines(&ps, str_make(s->buf, len));
	if (!err)
		err = check_session(&ps);
	if (err) {
		sdp_free(s);
		memset(s, 0, sizeof(*s));
		*reason = ps.reason;
	}
	return err;
}

void sdp_free(struct sdp_session *s)
{
	if (!s)
		return;
	free(s->buf);
	s->buf = NULL;
}
