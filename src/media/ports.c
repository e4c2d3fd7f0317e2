/* The RTP port pool: even RTP ports with RTCP on the next one, bound on demand. */
#include <errno.h>
#include <netinet/ip.h>
#include <unistd.h>

#include "core/mem.h"
#include "core/rand.h"
#include "media/engine.h"
#include "net/sock.h"

int media_pool_init(struct media_pool *p, uint16_t port_min, uint16_t port_max)
{
	uint32_t first = port_min + (port_min & 1u);

	if (port_min == 0 || first + 1 > port_max)
		return EINVAL;
	memset(p, 0, sizeof(*p));
	p->first = (uint16_t)first;
	p->npairs = (port_max - first - 1) / 2 + 1;
	p->busy = xcalloc(p->npairs, 1);
	/* a random start keeps a restarted server off the ports its old calls' peers still hit */
	p->cursor = rand_u32() % p->npairs;
	pthread_mutex_init(&p->lock, NULL);
	return 0;
}

void media_pool_destroy(struct media_pool *p)
{
	if (!p->busy)
		return;
	pthread_mutex_destroy(&p->lock);
	free(p->busy);
	p->busy = NULL;
}

/* Marks the next free pair after the cursor busy; false when all are taken. */
static bool media_pool_take(struct media_pool *p, uint16_t *port)
{
	bool found = false;

	pthread_mutex_lock(&p->lock);
	for (size_t n = 0; n < p->npairs && p->used < p->npairs; n++) {
		size_t i = (p->cursor + n) % p->npairs;
		if (p->busy[i])
			continue;
		p->busy[i] = 1;
		p->used++;
		/* round robin, so a port just freed is the last to be reused (late packets) */
		p->cursor = (i + 1) % p->npairs;
		*port = (uint16_t)(p->first + 2 * i);
		found = true;
		break;
	}
	pthread_mutex_unlock(&p->lock);
	return found;
}

void media_pool_release(struct media_pool *p, uint16_t port)
{
	size_t i = (size_t)(port - p->first) / 2;

	if (port < p->first || i >= p->npairs)
		return;
	pthread_mutex_lock(&p->lock);
	if (p->busy[i]) {
		p->busy[i] = 0;
		p->used--;
	}
	pthread_mutex_unlock(&p->lock);
}

/* Kernel receive timestamps for jitter, and the expedited-forwarding DSCP for voice. */
static void media_sock_setup(int fd, int family)
{
	int on = 1, tos = 0xb8;

	(void)setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on));
	if (family == AF_INET)
		(void)setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos));
	else
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof(tos));
}

static int media_pool_bind(const struct sa *bind, uint16_t port, int *fd)
{
	struct sa a = *bind;
	int err;

	sa_set_port(&a, port);
	err = net_sock_udp_open(fd, &a, 0);
	if (!err)
		media_sock_setup(*fd, sa_family(bind));
	return err;
}

int media_pool_open(struct media_pool *p, const struct sa *bind, int fd[2], uint16_t *port)
{
	for (size_t attempt = 0; attempt < p->npairs; attempt++) {
		uint16_t rtp;
		if (!media_pool_take(p, &rtp))
			break;
		int err = media_pool_bind(bind, rtp, &fd[0]);
		if (!err) {
			err = media_pool_bind(bind, (uint16_t)(rtp + 1), &fd[1]);
			if (err)
				close(fd[0]);
		}
		if (!err) {
			*port = rtp;
			return 0;
		}
		media_pool_release(p, rtp);
		/* someone else holds the port (or it is privileged): try the next pair */
		if (err != EADDRINUSE && err != EACCES)
			return err;
	}
	return EADDRINUSE;
}
