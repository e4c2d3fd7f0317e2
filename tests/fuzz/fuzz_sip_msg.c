/* libFuzzer harness: SIP messages as datagrams and as stream frames, plus every sub-parser. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sip/msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk_values(const struct sip_msg *msg)
{
	struct sip_via via;
	struct sip_nameaddr na;
	struct sip_cseq cseq;
	struct str v;

	for (unsigned i = 0; i < msg->nhdrs; i++) {
		const struct sip_hdr *h = &msg->hdrs[i];
		sip_via_parse(h->value, &via);
		sip_nameaddr_parse(h->value, &na);
		sip_cseq_parse(h->value, &cseq);
		sip_param_find(h->value, "tag", &v);
		if (sip_msg_hdr_named(msg, h->name) == NULL)
			abort(); /* every stored header is found by its own name */
		for (const struct sip_hdr *n = sip_msg_hdr(msg, h->id); n; n = sip_msg_hdr_next(msg, n))
			if (n->id != h->id)
				abort();
	}
	if (sip_msg_hdr_count(msg, SIP_HDR_VIA) < msg->nvia)
		abort();
	if (msg->body.len && (msg->body.p < msg->buf || msg->body.p + msg->body.len > msg->buf + msg->len))
		abort();
}

static void parse_one(const char *p, size_t len, bool stream)
{
	struct sip_msg *msg = NULL;
	const char *reason = NULL;

	int err = sip_msg_parse(&msg, p, len, stream, &reason);
	if (err && !reason)
		abort(); /* every error names its reason */
	if (msg)
		walk_values(msg);
	sip_msg_free(msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size ? size : 1);
	size_t skip, msglen, off = 0;

	memcpy(copy, data, size);
	parse_one(copy, size, false);
	/* the same bytes as a TCP stream: frame and parse every message in turn */
	for (int i = 0; i < 16 && off < size; i++) {
		int err = sip_msg_frame(copy + off, size - off, &skip, &msglen);
		if (skip > size - off)
			abort();
		if (err)
			break;
		if (msglen == 0 || msglen > size - off - skip)
			abort();
		parse_one(copy + off + skip, msglen, true);
		off += skip + msglen;
	}
	free(copy);
	return 0;
}
