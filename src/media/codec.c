/* The codec table: a new codec is one file with a descriptor and one line here. */
#include <strings.h>

#include "media/codec.h"
#include "media/media.h"

static const struct media_codec *const media_codecs[] = {
    &media_codec_pcmu, &media_codec_pcma, &media_codec_g722, &media_codec_opus, &media_codec_gsm,
};

const struct media_codec *media_codec_find(const char *name, uint32_t rate, uint8_t channels)
{
	if (!name)
		return NULL;
	/* SDP leaves the channel count out for mono */
	if (channels == 0)
		channels = 1;
	for (size_t i = 0; i < sizeof(media_codecs) / sizeof(media_codecs[0]); i++) {
		const struct media_codec *c = media_codecs[i];
		if (c->rate == rate && c->channels == channels && strcasecmp(c->name, name) == 0)
			return c;
	}
	return NULL;
}

bool media_codec_supported(const char *name, uint32_t rate, uint8_t channels)
{
	return media_codec_find(name, rate, channels) != NULL;
}

unsigned media_codec_ptime(const struct media_codec *c, unsigned ptime_ms)
{
	if (ptime_ms == 0)
		ptime_ms = 20;
	if (ptime_ms > c->max_ptime_ms)
		ptime_ms = c->max_ptime_ms;
	ptime_ms -= ptime_ms % c->frame_ms;
	return ptime_ms ? ptime_ms : c->frame_ms;
}

size_t media_codec_samples(const struct media_codec *c, unsigned ms)
{
	return (size_t)c->pcm_rate / 1000 * ms;
}
