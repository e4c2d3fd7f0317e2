/* libFuzzer harness: the Russian and English TTS normalisers on arbitrary text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "speech/chat.h"
#include "speech/normalize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);

	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	bool valid = chat_utf8_valid(text, strlen(text));
	char *ru = normalize_ru(text), *en = normalize_en(text);
	/* valid UTF-8 in, valid UTF-8 out: numbers become words, nothing is cut mid-character */
	if (valid && (!chat_utf8_valid(ru, strlen(ru)) || !chat_utf8_valid(en, strlen(en))))
		abort();
	free(ru);
	free(en);
	free(text);
	return 0;
}
