/* libFuzzer harness: Replaces values (RFC 3891) as a header and inside Refer-To URI headers. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "call/call_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct call_replaces *r, struct str in)
{
	/* every slice lies inside the input and the tags are never empty */
	const struct str parts[] = {r->call_id, r->to_tag, r->from_tag};
	for (size_t i = 0; i < 3; i++)
		if (!parts[i].len || parts[i].p < in.p || parts[i].p + parts[i].len > in.p + in.len)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* an exact-size copy lets ASan catch any read past the slice */
	char *copy = malloc(size ? size : 1);
	char buf[512];
	struct call_replaces r;
	struct str v;

	memcpy(copy, data, size);
	struct str in = str_make(copy, size);
	if (call_replaces_parse(in, &r) == 0)
		check(&r, in);
	if (call_replaces_from_uri(in, buf, sizeof(buf), &v) == 0 &&
	    call_replaces_parse(v, &r) == 0)
		check(&r, v);
	free(copy);
	return 0;
}
