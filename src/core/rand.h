/* Cryptographically secure random bytes (getrandom), for nonces, tags, secrets. */
#ifndef CORE_RAND_H
#define CORE_RAND_H

#include <stddef.h>
#include <stdint.h>

void rand_bytes(void *out, size_t n);
uint32_t rand_u32(void);
/* n random characters from [A-Za-z0-9] plus NUL: out must hold n + 1 bytes */
void rand_token(char *out, size_t n);
/* lowercase hex of n random bytes plus NUL: out must hold 2n + 1 bytes */
void rand_hex(char *out, size_t nbytes);

#endif
