/* RFC 4733 telephone-events: payload encoding, reporting each received event once, and
 * sending queued digits with a marked start, one timestamp per event and three ends. */
#include <errno.h>
#include <string.h>

#include "media/dtmf.h"

static const char media_dtmf_chars[] = "0123456789*#ABCD";

int media_dtmf_decode(const uint8_t *p, size_t len, struct media_dtmf_event *ev)
{
	if (!p || len < MEDIA_DTMF_PAYLOAD)
		return EBADMSG;
	ev->event = p[0];
	ev->end = p[1] & 0x80;
	ev->volume = p[1] & 0x3f;
	ev->duration = (uint16_t)(p[2] << 8 | p[3]);
	return 0;
}

size_t media_dtmf_encode(uint8_t *p, size_t cap, const struct media_dtmf_event *ev)
{
	if (cap < MEDIA_DTMF_PAYLOAD)
		return 0;
	p[0] = ev->event;
	p[1] = (uint8_t)((ev->end ? 0x80 : 0) | (ev->volume & 0x3f));
	p[2] = (uint8_t)(ev->duration >> 8);
	p[3] = (uint8_t)ev->duration;
	return MEDIA_DTMF_PAYLOAD;
}

char media_dtmf_char(uint8_t event)
{
	return event < 16 ? media_dtmf_chars[event] : 0;
}

int media_dtmf_code(char digit)
{
	if (digit >= 'a' && digit <= 'd')
		digit = (char)(digit - 'a' + 'A');
	const char *p = digit ? strchr(media_dtmf_chars, digit) : NULL;
	return p ? (int)(p - media_dtmf_chars) : -1;
}

static unsigned media_dtmf_ms(uint16_t duration, uint32_t clock)
{
	return clock ? (unsigned)((uint64_t)duration * 1000 / clock) : 0;
}

/* The event just finished, if it is DTMF (other events, e.g. fax tones, are not digits). */
static unsigned media_dtmf_report(struct media_dtmf_rx *r, uint32_t clock,
				  struct media_dtmf_digit *out)
{
	r->reported = true;
	out->digit = media_dtmf_char(r->ev.event);
	out->duration_ms = media_dtmf_ms(r->ev.duration, clock);
	return out->digit ? 1 : 0;
}

unsigned media_dtmf_rx_update(struct media_dtmf_rx *r, uint32_t ts, uint32_t clock,
			      const struct media_dtmf_event *ev, struct media_dtmf_digit out[2])
{
	unsigned n = 0;

	if (!r->active || ts != r->ts) {
		/* a new event: the previous one ended without an end packet we saw */
		if (r->active && !r->reported)
			n += media_dtmf_report(r, clock, &out[n]);
		r->active = true;
		r->reported = false;
		r->ts = ts;
		r->ev = *ev;
	}
	/* repeated packets only ever grow the duration; a late one must not shrink it */
	if (ev->duration > r->ev.duration)
		r->ev.duration = ev->duration;
	if (ev->end && !r->reported)
		n += media_dtmf_report(r, clock, &out[n]);
	return n;
}

int media_dtmf_tx_push(struct media_dtmf_tx *t, char digit, unsigned duration_ms)
{
	if (media_dtmf_code(digit) < 0)
		return EINVAL;
	if (t->n == MEDIA_DTMF_QUEUE)
		return EOVERFLOW;
	if (duration_ms < MEDIA_DTMF_MIN_MS)
		duration_ms = MEDIA_DTMF_MIN_MS;
	if (duration_ms > MEDIA_DTMF_MAX_MS)
		duration_ms = MEDIA_DTMF_MAX_MS;
	t->q[(t->head + t->n) % MEDIA_DTMF_QUEUE] = (struct media_dtmf_digit){digit, duration_ms};
	t->n++;
	return 0;
}

bool media_dtmf_tx_busy(const struct media_dtmf_tx *t)
{
	return t->active || t->n || t->gap;
}

/* The next queued digit becomes the current event. */
static void media_dtmf_tx_start(struct media_dtmf_tx *t, uint32_t clock)
{
	struct media_dtmf_digit d = t->q[t->head];

	t->head = (t->head + 1) % MEDIA_DTMF_QUEUE;
	t->n--;
	t->active = true;
	t->event = (uint8_t)media_dtmf_code(d.digit);
	uint64_t total = (uint64_t)d.duration_ms * clock / 1000;
	/* the duration field is 16 bits: longer events would need segments (2.5.1.3) */
	t->total = total > 0xffff ? 0xffff : (uint32_t)total;
	t->done = 0;
	t->ends = 0;
	t->first = true;
}

bool media_dtmf_tx_next(struct media_dtmf_tx *t, uint32_t clock, uint32_t step,
			struct media_dtmf_event *ev, bool *marker)
{
	if (!t->active && t->gap) {
		t->gap--;
		return false;
	}
	if (!t->active && !t->n)
		return false;
	if (!t->active)
		media_dtmf_tx_start(t, clock);
	*marker = t->first;
	t->first = false;
	if (t->done < t->total)
		t->done = t->done + step > t->total ? t->total : t->done + step;
	ev->event = t->event;
	ev->volume = MEDIA_DTMF_VOLUME;
	ev->duration = (uint16_t)t->done;
	ev->end = t->done >= t->total;
	if (ev->end && ++t->ends == MEDIA_DTMF_ENDS) {
		t->active = false;
		t->gap = 2; /* some silence between digits, so two equal ones stay two */
	}
	return true;
}
