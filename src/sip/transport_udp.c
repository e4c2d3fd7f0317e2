/* SIP over UDP: batched receive with recvmmsg, keep-alive pongs and datagram send. */
#include <errno.h>
#include <sys/uio.h>

#include "core/loop.h"
#include "sip/transport_int.h"

enum { UDP_BATCHES_PER_WAKEUP = 4 };

bool sip_is_crlf_only(const char *data, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (data[i] != '\r' && data[i] != '\n')
			return false;
	return true;
}

/* A lone CRLF is never answered: two peers ponging each other would loop forever. */
bool sip_has_ping(const char *data, size_t len)
{
	return len >= 4 && memmem(data, len, "\r\n\r\n", 4) != NULL;
}

static void udp_deliver(struct sip_listener *l, char *data, size_t len, int flags,
			const struct sa *from)
{
	struct sip_transport *tp = l->tp;
	struct sip_peer peer = {.proto = SIP_PROTO_UDP, .addr = *from, .local = l->local};

	if (len == 0 || len > SIP_MAX_MSG || (flags & MSG_TRUNC))
		return;
	if (sip_is_crlf_only(data, len)) {
		if (sip_has_ping(data, len))
			(void)sendto(l->fd, "\r\n", 2, MSG_DONTWAIT | MSG_NOSIGNAL, &from->u.sa,
				     from->len);
		return;
	}
	data[len] = '\0'; /* buffers hold SIP_MAX_MSG + 1: parsers may rely on a terminator */
	tp->stats.rx_msgs++;
	tp->stats.rx_bytes += len;
	tp->recv(data, len, &peer, tp->arg);
}

/* One recvmmsg batch; returns the number of datagrams (0 when drained or on error). */
static int udp_batch(struct sip_listener *l)
{
	struct mmsghdr msgs[SIP_UDP_BATCH];
	struct iovec iov[SIP_UDP_BATCH];
	struct sa from[SIP_UDP_BATCH];
	char *bufs = l->tp->udp_bufs;
	int n;

	memset(msgs, 0, sizeof(msgs));
	for (int i = 0; i < SIP_UDP_BATCH; i++) {
		iov[i].iov_base = bufs + (size_t)i * (SIP_MAX_MSG + 1);
		iov[i].iov_len = SIP_MAX_MSG + 1; /* one spare byte reveals oversize datagrams */
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_name = &from[i].u.ss;
		msgs[i].msg_hdr.msg_namelen = sizeof(from[i].u.ss);
	}
	n = recvmmsg(l->fd, msgs, SIP_UDP_BATCH, MSG_DONTWAIT, NULL);
	if (n <= 0)
		return 0;
	for (int i = 0; i < n; i++) {
		from[i].len = msgs[i].msg_hdr.msg_namelen;
		udp_deliver(l, iov[i].iov_base, msgs[i].msg_len, msgs[i].msg_hdr.msg_flags,
			    &from[i]);
	}
	return n;
}

void sip_udp_readable(int fd, unsigned events, void *arg)
{
	struct sip_listener *l = arg;

	/* Bounded so one flooded socket cannot starve the rest of the loop. */
	for (int i = 0; i < UDP_BATCHES_PER_WAKEUP; i++)
		if (udp_batch(l) < SIP_UDP_BATCH)
			break;
}

static struct sip_listener *udp_pick(struct sip_transport *tp, const struct sip_peer *to)
{
	struct sip_listener *family_match = NULL;

	for (struct sip_listener *l = tp->listeners; l; l = l->next) {
		if (l->proto != SIP_PROTO_UDP || sa_family(&l->local) != sa_family(&to->addr))
			continue;
		if (sa_family(&to->local) && sa_eq(&l->local, &to->local))
			return l;
		if (!family_match)
			family_match = l;
	}
	return family_match;
}

int sip_udp_send(struct sip_transport *tp, const struct sip_peer *to, const char *data, size_t len)
{
	struct sip_listener *l = udp_pick(tp, to);

	if (!l)
		return ENOTCONN;
	if (len > SIP_MAX_MSG)
		return EIO;
	ssize_t n =
	    sendto(l->fd, data, len, MSG_DONTWAIT | MSG_NOSIGNAL, &to->addr.u.sa, to->addr.len);
	/* A full socket buffer drops the datagram; SIP retransmission recovers. */
	return n == (ssize_t)len ? 0 : EIO;
}
