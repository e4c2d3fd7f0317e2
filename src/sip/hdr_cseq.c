/* CSeq header value: sequence number below 2^31 and the method token (RFC 3261 8.1.1.5). */
#include <errno.h>

#include "sip/msg_int.h"

int sip_cseq_parse(struct str value, struct sip_cseq *cseq)
{
	uint64_t num;
	size_t i = 0;

	memset(cseq, 0, sizeof(*cseq));
	value = str_trim(value);
	while (i < value.len && value.p[i] >= '0' && value.p[i] <= '9')
		i++;
	if (str_to_u64(str_make(value.p, i), SIP_MAX_CSEQ, &num))
		return EBADMSG;
	if (i >= value.len || (value.p[i] != ' ' && value.p[i] != '\t'))
		return EBADMSG;
	struct str method = str_trim(str_sub(value, i));
	if (!sip_is_token(method))
		return EBADMSG;
	cseq->num = (uint32_t)num;
	cseq->method_name = method;
	cseq->method = sip_method_from_str(method);
	return 0;
}
