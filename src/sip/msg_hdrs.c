/* Header fields of a message: storing (list splitting, essentials, duplicates) and lookups. */
#include <errno.h>

#include "sip/msg_int.h"

#define BIT(id) ((uint64_t)1 << (id))

/* Single-valued headers: a second occurrence is an error, named in the 400 reason. */
static const struct {
	enum sip_hdr_id id;
	const char *dup;
	const char *bad;
} single[] = {
	{ SIP_HDR_FROM, "Duplicate From header", "Bad From header" },
	{ SIP_HDR_TO, "Duplicate To header", "Bad To header" },
	{ SIP_HDR_CALL_ID, "Duplicate Call-ID header", "Bad Call-ID header" },
	{ SIP_HDR_CSEQ, "Duplicate CSeq header", "Bad CSeq header" },
	{ SIP_HDR_MAX_FORWARDS, "Duplicate Max-Forwards header", "Bad Max-Forwards header" },
	{ SIP_HDR_CONTENT_LENGTH, "Duplicate Content-Length header", "Bad Content-Length header" },
	{ SIP_HDR_CONTENT_TYPE, "Duplicate Content-Type header", "Bad Content-Type header" },
	{ SIP_HDR_EXPIRES, "Duplicate Expires header", "Bad Expires header" },
};

static int single_index(enum sip_hdr_id id)
{
	for (size_t i = 0; i < sizeof(single) / sizeof(single[0]); i++) {
		if (single[i].id == id)
			return (int)i;
	}
	return -1;
}

static int parse_number(struct str v, uint64_t max, int64_t *out)
{
	uint64_t n;
	int err = str_to_u64(v, max, &n);

	if (err)
		return err;
	*out = (int64_t)n;
	return 0;
}

/* Call-ID = word [ "@" word ]: visible characters, no whitespace. */
static bool call_id_ok(struct str v)
{
	for (size_t i = 0; i < v.len; i++) {
		if ((unsigned char)v.p[i] <= ' ' || (unsigned char)v.p[i] >= 0x7f)
			return false;
	}
	return v.len > 0;
}

/* Parses the value of a single-valued essential into msg: 0 or EBADMSG. */
static int single_value(struct sip_msg *msg, enum sip_hdr_id id, struct str v)
{
	int64_t n = 0;
	int err;

	switch (id) {
	case SIP_HDR_FROM:
		return sip_nameaddr_parse(v, &msg->from);
	case SIP_HDR_TO:
		return sip_nameaddr_parse(v, &msg->to);
	case SIP_HDR_CALL_ID:
		msg->call_id = v;
		return call_id_ok(v) ? 0 : EBADMSG;
	case SIP_HDR_CSEQ:
		msg->cseq_raw = v;
		return sip_cseq_parse(v, &msg->cseq);
	case SIP_HDR_MAX_FORWARDS:
		err = parse_number(v, 255, &n);
		msg->max_forwards = err ? -1 : (int)n;
		return err ? EBADMSG : 0;
	case SIP_HDR_CONTENT_LENGTH:
		/* beyond the message cap it cannot fit: report it as exceeding the body */
		err = parse_number(v, SIP_MAX_MSG, &n);
		msg->content_length = err == EOVERFLOW ? SIP_MAX_MSG + 1 : err ? -1 : n;
		return err == EINVAL ? EBADMSG : 0;
	case SIP_HDR_CONTENT_TYPE:
		msg->content_type = v;
		return v.len && str_chr(v, '/') ? 0 : EBADMSG;
	case SIP_HDR_EXPIRES:
		/* RFC 3261 20.19: values above 2^32-1 are clamped */
		err = parse_number(v, UINT32_MAX, &n);
		msg->expires = err == EOVERFLOW ? UINT32_MAX : n;
		return err == EINVAL ? EBADMSG : 0;
	default:
		return 0;
	}
}

static int store_single(struct sip_parse *ps, enum sip_hdr_id id, struct str v)
{
	int k = single_index(id);

	if (k < 0)
		return 0;
	if (ps->seen & BIT(id)) {
		sip_parse_fail(ps, EBADMSG, single[k].dup);
		return 0;
	}
	ps->seen |= BIT(id);
	if (single_value(ps->msg, id, v)) {
		sip_parse_fail(ps, EBADMSG, single[k].bad);
		return 0;
	}
	ps->have |= BIT(id);
	return 0;
}

static int store_one(struct sip_parse *ps, enum sip_hdr_id id, struct str name, struct str v)
{
	struct sip_msg *msg = ps->msg;

	if (msg->nhdrs >= SIP_MAX_HEADERS) {
		sip_parse_fail(ps, EOVERFLOW, "Too many headers");
		return EOVERFLOW;
	}
	msg->hdrs[msg->nhdrs++] = (struct sip_hdr){ id, name, v };
	if (id != SIP_HDR_VIA)
		return store_single(ps, id, v);
	ps->seen |= BIT(id);
	if (msg->nvia >= SIP_MAX_VIA) {
		sip_parse_fail(ps, EOVERFLOW, "Too many Via headers");
		return EOVERFLOW;
	}
	if (sip_via_parse(v, &msg->via[msg->nvia])) {
		sip_parse_fail(ps, EBADMSG, "Bad Via header");
		return 0;
	}
	if (msg->nvia++ == 0)
		ps->have |= BIT(id);
	return 0;
}

int sip_msg_store(struct sip_parse *ps, struct str name, struct str value)
{
	enum sip_hdr_id id = sip_hdr_id_from_name(name);
	struct str rest = value;
	int err = 0;

	if (!sip_hdr_is_list(id) || value.len == 0)
		return store_one(ps, id, name, value);
	while (rest.p && !err) {
		struct str v = sip_list_next(&rest);
		if (v.len == 0) {
			/* "a,,b" is tolerated, a Via without a value is not */
			if (id == SIP_HDR_VIA)
				sip_parse_fail(ps, EBADMSG, "Bad Via header");
			continue;
		}
		err = store_one(ps, id, name, v);
	}
	return err;
}

void sip_msg_check(struct sip_parse *ps)
{
	static const struct {
		enum sip_hdr_id id;
		const char *reason;
	} need[] = {
		{ SIP_HDR_VIA, "Missing Via header" },	   { SIP_HDR_FROM, "Missing From header" },
		{ SIP_HDR_TO, "Missing To header" },	   { SIP_HDR_CALL_ID, "Missing Call-ID header" },
		{ SIP_HDR_CSEQ, "Missing CSeq header" },
	};
	const struct sip_msg *msg = ps->msg;

	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		if (!(ps->seen & BIT(need[i].id)))
			sip_parse_fail(ps, EBADMSG, need[i].reason);
	}
	if (msg->is_request && (ps->have & BIT(SIP_HDR_CSEQ)) &&
	    !str_eq(msg->cseq.method_name, msg->method_name))
		sip_parse_fail(ps, EBADMSG, "CSeq method mismatch");
}

bool sip_msg_answerable(const struct sip_parse *ps)
{
	uint64_t need = BIT(SIP_HDR_VIA) | BIT(SIP_HDR_FROM) | BIT(SIP_HDR_TO) |
			BIT(SIP_HDR_CALL_ID);
	/* A malformed CSeq number still gets its 400: the value is echoed as written. */
	bool cseq = (ps->have & BIT(SIP_HDR_CSEQ)) ||
		    ((ps->seen & BIT(SIP_HDR_CSEQ)) && ps->msg->cseq_raw.len &&
		     sip_msg_hdr_count(ps->msg, SIP_HDR_CSEQ) == 1);
	return (ps->have & need) == need && cseq;
}

const struct sip_hdr *sip_msg_hdr(const struct sip_msg *msg, enum sip_hdr_id id)
{
	for (unsigned i = 0; i < msg->nhdrs; i++) {
		if (msg->hdrs[i].id == id)
			return &msg->hdrs[i];
	}
	return NULL;
}

const struct sip_hdr *sip_msg_hdr_next(const struct sip_msg *msg, const struct sip_hdr *prev)
{
	struct str canon = sip_hdr_canon(prev->name);

	for (const struct sip_hdr *h = prev + 1; h < msg->hdrs + msg->nhdrs; h++) {
		if (h->id != prev->id)
			continue;
		/* unknown headers share one id: match them by name */
		if (h->id != SIP_HDR_OTHER || str_eq_case(sip_hdr_canon(h->name), canon))
			return h;
	}
	return NULL;
}

const struct sip_hdr *sip_msg_hdr_named(const struct sip_msg *msg, struct str name)
{
	enum sip_hdr_id id = sip_hdr_id_from_name(name);
	struct str canon = sip_hdr_canon(name);

	for (unsigned i = 0; i < msg->nhdrs; i++) {
		const struct sip_hdr *h = &msg->hdrs[i];
		if (h->id != id)
			continue;
		if (id != SIP_HDR_OTHER || str_eq_case(sip_hdr_canon(h->name), canon))
			return h;
	}
	return NULL;
}

unsigned sip_msg_hdr_count(const struct sip_msg *msg, enum sip_hdr_id id)
{
	unsigned n = 0;

	for (unsigned i = 0; i < msg->nhdrs; i++)
		n += msg->hdrs[i].id == id;
	return n;
}
