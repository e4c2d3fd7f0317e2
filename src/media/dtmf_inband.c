/* In-band DTMF: spandsp's detector on decoded audio, for phones that send tones, not events. */
#include <spandsp.h>
#include <stdlib.h>

#include "core/mem.h"
#include "media/dtmf.h"

enum { MEDIA_INBAND_CHUNK = 160 };

struct media_dtmf_inband {
	dtmf_rx_state_t *rx; /* owned */
	int32_t acc;	     /* decimation: the sum of the samples of the 8 kHz one in progress */
	unsigned nacc;
};

struct media_dtmf_inband *media_dtmf_inband_new(void)
{
	struct media_dtmf_inband *d = xcalloc(1, sizeof(*d));

	/* no callback: digits are collected and taken after each packet */
	d->rx = dtmf_rx_init(NULL, NULL, NULL);
	if (!d->rx)
		abort(); /* only malloc can fail */
	return d;
}

void media_dtmf_inband_destroy(struct media_dtmf_inband *d)
{
	if (!d)
		return;
	dtmf_rx_free(d->rx);
	free(d);
}

void media_dtmf_inband_feed(struct media_dtmf_inband *d, const int16_t *pcm, size_t n,
			    uint32_t rate)
{
	int16_t out[MEDIA_INBAND_CHUNK];
	unsigned factor = rate == 8000 ? 1 : rate == 16000 ? 2 : rate == 48000 ? 6 : 0;
	int k = 0;

	if (!factor)
		return;
	/* the mean of each group is a crude low-pass, enough for tones below 1.7 kHz */
	for (size_t i = 0; i < n; i++) {
		d->acc += pcm[i];
		if (++d->nacc < factor)
			continue;
		out[k++] = (int16_t)(d->acc / (int32_t)factor);
		d->acc = 0;
		d->nacc = 0;
		if (k == MEDIA_INBAND_CHUNK) {
			dtmf_rx(d->rx, out, k);
			k = 0;
		}
	}
	if (k)
		dtmf_rx(d->rx, out, k);
}

char media_dtmf_inband_take(struct media_dtmf_inband *d)
{
	char digit[2];

	return dtmf_rx_get(d->rx, digit, 1) == 1 ? digit[0] : 0;
}
