/* Random bytes from the kernel CSPRNG (getrandom), for nonces, tags and secrets. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>

#include "core/rand.h"

void rand_bytes(void *out, size_t n)
{
	unsigned char *p = out;

	while (n > 0) {
		ssize_t r = getrandom(p, n, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			/* No entropy source means no safe secrets: refuse to run on. */
			fprintf(stderr, "zvonar: getrandom failed: errno %d\n", errno);
			abort();
		}
		p += r;
		n -= (size_t)r;
	}
}

uint32_t rand_u32(void)
{
	uint32_t v;

	rand_bytes(&v, sizeof(v));
	return v;
}

void rand_token(char *out, size_t n)
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char chunk[64];
	size_t i = 0;

	while (i < n) {
		rand_bytes(chunk, sizeof(chunk));
		for (size_t k = 0; k < sizeof(chunk) && i < n; k++) {
			/* 62 * 4 = 248: rejecting 248..255 keeps every character equally likely. */
			if (chunk[k] < 248)
				out[i++] = alphabet[chunk[k] % 62];
		}
	}
	out[n] = '\0';
}

void rand_hex(char *out, size_t nbytes)
{
	static const char digits[] = "0123456789abcdef";
	unsigned char chunk[64];

	for (size_t done = 0; done < nbytes;) {
		size_t m = nbytes - done < sizeof(chunk) ? nbytes - done : sizeof(chunk);
		rand_bytes(chunk, m);
		for (size_t k = 0; k < m; k++) {
			out[2 * (done + k)] = digits[chunk[k] >> 4];
			out[2 * (done + k) + 1] = digits[chunk[k] & 15];
		}
		done += m;
	}
	out[2 * nbytes] = '\0';
}
