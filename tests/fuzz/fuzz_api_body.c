/*
 * libFuzzer harness: request bodies as the API reads them (jansson with duplicate keys
 * refused), checked against every resource's fields for create and for update, and
 * WebSocket frames as a peer might send them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/resource.h"
#include "net/ws_frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_body(json_t *body)
{
	for (size_t i = 0; api_resources[i]; i++) {
		for (int create = 0; create < 2; create++) {
			struct api_ctx c = { .res = api_resources[i], .body = body, .scope = 1 };
			json_t *row = api_res_body_row(NULL, &c, create, 1);
			/* a refusal always says why; an accepted row holds only known fields */
			if (!row && (c.status < 400 || !c.code[0]))
				abort();
			json_decref(row);
			json_decref(c.result);
		}
	}
}

static void check_frames(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);
	size_t off = 0;
	struct ws_frame f;
	long n;

	memcpy(copy, data, size);
	while (off < size && (n = ws_frame_decode(copy + off, size - off, true, 4096, &f)) > 0) {
		if (f.payload < copy + off || f.payload + f.len > copy + off + (size_t)n)
			abort();
		off += (size_t)n;
	}
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t e;
	json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &e);

	if (json_is_object(j))
		check_body(j);
	json_decref(j);
	check_frames(data, size);
	return 0;
}
