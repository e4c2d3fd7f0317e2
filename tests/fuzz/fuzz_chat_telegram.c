/* libFuzzer harness: the Telegram chat export parser; every message it returns is well formed. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "speech/chat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* an exact-size copy lets ASan catch any read past the end of the input */
	char *copy = malloc(size ? size : 1);
	char err[256] = "";
	struct chat c;

	if (!copy)
		abort();
	memcpy(copy, data, size);
	int rc = chat_parse_telegram(copy, size, &c, err, sizeof(err));
	if (rc && (!err[0] || c.n || c.msg))
		abort(); /* an error names its reason and leaves nothing behind */
	for (size_t i = 0; i < c.n; i++) {
		const struct chat_msg *m = &c.msg[i];
		if (!m->text || !chat_utf8_valid(m->text, strlen(m->text)))
			abort();
		if (m->author && !chat_utf8_valid(m->author, strlen(m->author)))
			abort();
		if (m->kind != CHAT_TEXT && m->kind != CHAT_MEDIA && m->kind != CHAT_SYSTEM)
			abort();
	}
	chat_free(&c);
	free(copy);
	return 0;
}
