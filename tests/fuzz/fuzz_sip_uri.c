/* libFuzzer harness: SIP/SIPS/tel URI parsing, unescaping and comparison. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sip/uri.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* an exact-size copy lets ASan catch any read past the slice */
	char *copy = malloc(size ? size : 1);
	struct sip_uri a, b;
	char out[256];
	size_t n;

	memcpy(copy, data, size);
	struct str text = str_make(copy, size);
	if (sip_uri_parse(text, &a) == 0) {
		sip_uri_unescape(a.user, out, sizeof(out), &n);
		sip_uri_unescape(a.password, out, sizeof(out), &n);
		sip_uri_unescape(a.params, out, sizeof(out), &n);
		if (!sip_uri_equal(&a, &a) && a.scheme != SIP_URI_OTHER)
			abort(); /* a parsed URI always equals itself */
	}
	/* split the input in two and compare whatever parses */
	size_t half = size / 2;
	if (sip_uri_parse(str_make(copy, half), &a) == 0 &&
	    sip_uri_parse(str_make(copy + half, size - half), &b) == 0) {
		if (sip_uri_equal(&a, &b) != sip_uri_equal(&b, &a))
			abort(); /* equality is symmetric */
	}
	free(copy);
	return 0;
}
