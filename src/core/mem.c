/* The one place out-of-memory ends up: say so and abort. */
#include <stdio.h>
#include <stdlib.h>

#include "core/mem.h"

void mem_oom(size_t size)
{
	fprintf(stderr, "zvonar: out of memory allocating %zu bytes\n", size);
	abort();
}
