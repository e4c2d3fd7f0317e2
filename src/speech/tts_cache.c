/* TTS cache: one WAV per SHA-256 of (text, voice, rate), written crash-safe, reused when present. */
#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "speech/tts.h"

/* The key covers everything that changes the audio; "v1" changes if the synthesis does. */
static void cache_key(const char *text, const char *voice, const struct tts_voice *v, unsigned rate,
		      char hex[65])
{
	unsigned char md[32];
	unsigned int mdlen = 0;
	char head[96];
	int n = snprintf(head, sizeof(head), "zvonar-tts-v1|%s|%u|%u|%u|", voice, v->wpm, v->gap_ms, rate);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	EVP_DigestUpdate(ctx, head, (size_t)n);
	EVP_DigestUpdate(ctx, text, strlen(text));
	EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	for (unsigned i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

int tts_cache_say(const char *dir, const char *text, const struct tts_voice *v, unsigned rate,
		  char *path, size_t pathlen, bool *hit, double *seconds, char *err, size_t errlen)
{
	char voice[32], hex[65];
	struct audio a;
	struct stat st;
	int rc;

	*hit = false;
	if (!dir || !text || tts_voice_name(v, voice, sizeof(voice))) {
		snprintf(err, errlen, "bad cache directory, text or voice");
		return EINVAL;
	}
	cache_key(text, voice, v, rate, hex);
	if (snprintf(path, pathlen, "%s/%s.wav", dir, hex) >= (int)pathlen)
		return EOVERFLOW;
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 44) {
		*hit = true;
		*seconds = (double)(st.st_size - 44) / 2 / rate;
		return 0;
	}
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		rc = errno;
		snprintf(err, errlen, "%s: %s", dir, strerror(rc));
		return rc;
	}
	if ((rc = tts_synth(text, v, rate, &a, err, errlen)))
		return rc;
	*seconds = audio_seconds(&a);
	rc = audio_write_wav(path, &a, err, errlen);
	audio_free(&a);
	return rc;
}
