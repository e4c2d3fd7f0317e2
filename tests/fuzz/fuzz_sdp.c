/* libFuzzer harness: SDP parse, encode and re-parse with the essentials kept, and answers. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sdp/sdp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct sdp_codec codecs[] = {
    {"opus", 48000, 2, 0xff},
    {"PCMA", 8000, 1, 8},
    {"PCMU", 8000, 1, 0},
};

/* Every slice the parser hands out lies inside its own copy of the text. */
static void check_inside(const struct sdp_session *s, size_t size, struct str v)
{
	if (v.len && (v.p < s->buf || v.p + v.len > s->buf + size))
		abort();
}

static void check_media(const struct sdp_session *s, size_t size, const struct sdp_media *m)
{
	if (m->nfmt > SDP_MAX_FMT || m->nattr > SDP_MAX_ATTR || !m->nports)
		abort();
	check_inside(s, size, m->type);
	check_inside(s, size, m->proto);
	check_inside(s, size, m->raw_fmts);
	check_inside(s, size, m->addr);
	check_inside(s, size, m->rtcp_addr);
	for (unsigned i = 0; i < m->nattr; i++) {
		check_inside(s, size, m->attr[i].name);
		check_inside(s, size, m->attr[i].value);
	}
	for (unsigned i = 0; i < m->nfmt; i++) {
		check_inside(s, size, m->fmt[i].fmtp);
		if (m->fmt[i].pt > 127 || !m->fmt[i].channels)
			abort();
	}
	if (m->port && str_empty(sdp_media_addr(s, m)))
		abort(); /* the parser promised an address */
}

static bool same_str(struct str a, struct str b)
{
	return str_eq(a, b);
}

static bool same_fmt(const struct sdp_fmt *f, const struct sdp_fmt *g)
{
	return f->pt == g->pt && same_str(f->name, g->name) && f->rate == g->rate &&
	       f->channels == g->channels && same_str(f->fmtp, g->fmtp);
}

static bool same_attrs(const struct sdp_attr *a, unsigned na, const struct sdp_attr *b, unsigned nb)
{
	if (na != nb)
		return false;
	for (unsigned i = 0; i < na; i++)
		if (!same_str(a[i].name, b[i].name) || !same_str(a[i].value, b[i].value))
			return false;
	return true;
}

static bool same_media(const struct sdp_media *x, const struct sdp_media *y)
{
	if (!same_str(x->type, y->type) || !same_str(x->proto, y->proto) || x->port != y->port ||
	    x->nports != y->nports || !same_str(x->addr, y->addr) || x->af != y->af ||
	    x->dir != y->dir || x->ptime != y->ptime || x->maxptime != y->maxptime ||
	    x->rtcp_port != y->rtcp_port || !same_str(x->rtcp_addr, y->rtcp_addr) ||
	    x->rtcp_mux != y->rtcp_mux || !same_str(x->bandwidth, y->bandwidth) ||
	    x->nfmt != y->nfmt)
		return false;
	for (unsigned k = 0; k < x->nfmt; k++)
		if (!same_fmt(&x->fmt[k], &y->fmt[k]))
			return false;
	/* an RTP list is rewritten from fmt[] ("008" becomes "8"), anything else is copied */
	if (!x->nfmt && !same_str(x->raw_fmts, y->raw_fmts))
		return false;
	return same_attrs(x->attr, x->nattr, y->attr, y->nattr);
}

static bool same_session(const struct sdp_session *a, const struct sdp_session *b)
{
	if (!same_str(a->origin_user, b->origin_user) ||
	    !same_str(a->origin_addr, b->origin_addr) || a->origin_af != b->origin_af ||
	    a->sess_id != b->sess_id || a->sess_version != b->sess_version ||
	    !same_str(a->addr, b->addr) || a->af != b->af || a->dir != b->dir ||
	    !same_str(a->bandwidth, b->bandwidth) || a->nmedia != b->nmedia)
		return false;
	if (!str_empty(a->name) && !same_str(a->name, b->name))
		return false; /* an empty s= goes out as "s=-" */
	for (unsigned i = 0; i < a->nmedia; i++)
		if (!same_media(&a->media[i], &b->media[i]))
			return false;
	return same_attrs(a->attr, a->nattr, b->attr, b->nattr);
}

/* parse(encode(s)) == s in the essentials, and encoding is a fixed point. */
static void roundtrip(const struct sdp_session *a, struct sdp_session *b)
{
	struct buf out, again;

	buf_init(&out, 0);
	buf_init(&again, 0);
	if (sdp_encode(a, &out))
		abort();
	/* regenerated rtpmap lines may push a text near the cap over it */
	if (out.len <= SDP_MAX_LEN) {
		if (sdp_parse(b, out.data, out.len, NULL) || !same_session(a, b))
			abort();
		if (sdp_encode(b, &again) || again.len != out.len ||
		    memcmp(again.data, out.data, out.len) != 0)
			abort();
		sdp_free(b);
	}
	buf_free(&out);
	buf_free(&again);
}

/* Whatever we answer must parse again, with one m= per offered m=. */
static void answer(const struct sdp_session *offer, struct sdp_session *ans, struct sdp_session *b)
{
	struct sdp_answer_cfg cfg = {
	    .codecs = codecs,
	    .ncodecs = sizeof(codecs) / sizeof(codecs[0]),
	    .telephone_event = true,
	    .rtcp_mux = true,
	    .addr = STR("192.0.2.1"),
	    .af = AF_INET,
	    .port = 20000,
	};
	struct buf out;

	int err = sdp_answer(offer, &cfg, ans);
	if (err && err != EPROTO)
		abort();
	if (ans->nmedia != offer->nmedia || ans->buf)
		abort();
	buf_init(&out, 0);
	if (sdp_encode(ans, &out) ||
	    (out.len <= SDP_MAX_LEN && sdp_parse(b, out.data, out.len, NULL)))
		abort();
	if (out.len <= SDP_MAX_LEN && b->nmedia != offer->nmedia)
		abort();
	sdp_free(b);
	sdp_free(ans);
	buf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* an exact-size copy lets ASan catch any read past the end of the input */
	char *copy = malloc(size ? size : 1);
	struct sdp_session *a = calloc(3, sizeof(*a));
	const char *reason = NULL;

	if (!copy || !a)
		abort();
	memcpy(copy, data, size);
	int err = sdp_parse(a, copy, size, &reason);
	if (err && (!reason || a->buf))
		abort(); /* every error names its reason and leaves nothing behind */
	if (!err) {
		for (unsigned i = 0; i < a->nmedia; i++) {
			check_media(a, size, &a->media[i]);
			sdp_media_dir(a, &a->media[i]);
			sdp_fmt_find(&a->media[i], STR("telephone-event"), 8000);
		}
		roundtrip(a, &a[1]);
		answer(a, &a[1], &a[2]);
	}
	sdp_free(a);
	free(a);
	free(copy);
	return 0;
}
