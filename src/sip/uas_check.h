/*
 * What a UAS checks before it acts on a request (RFC 3261 8.2.1-8.2.3), in the
 * RFC's order: version, method, Request-URI scheme, Max-Forwards, Require and
 * Proxy-Require, then the body's type and encoding.
 */
#ifndef SIP_UAS_CHECK_H
#define SIP_UAS_CHECK_H

#include <stdint.h>

#include "core/buf.h"
#include "sip/msg.h"

#define SIP_ALLOW "INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER"
#define SIP_SUPPORTED "path, replaces, timer"
#define SIP_ACCEPT "application/sdp"

/* 0 when req may be processed, else the status to answer with; *reason gets its
 * reason phrase and hdrs the header lines that must go with it (Allow, Unsupported…). */
uint16_t sip_uas_check(const struct sip_msg *req, struct buf *hdrs, const char **reason);
/* true for an option tag we implement (RFC 3261 19.2) */
bool sip_option_supported(struct str tag);

#endif
