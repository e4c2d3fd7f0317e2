/* Internal to media/: RFC 4733 telephone-event payloads, the receiver that reports each event
 * once, the sender that turns a digit into its packets, and the in-band tone detector. */
#ifndef MEDIA_DTMF_H
#define MEDIA_DTMF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* MEDIA_DTMF_ENDS: end packets sent per event (RFC 4733 2.5.1.4 says three) */
enum { MEDIA_DTMF_PAYLOAD = 4, MEDIA_DTMF_ENDS = 3, MEDIA_DTMF_QUEUE = 32 };
enum { MEDIA_DTMF_MIN_MS = 40, MEDIA_DTMF_MAX_MS = 5000, MEDIA_DTMF_VOLUME = 10 };

/* One telephone-event payload (RFC 4733 2.3). */
struct media_dtmf_event {
	uint8_t event;	   /* 0-9, 10 '*', 11 '#', 12-15 'A'-'D', others not DTMF */
	bool end;	   /* E bit */
	uint8_t volume;	   /* 0..63, -dBm0 */
	uint16_t duration; /* in RTP timestamp units since the event's start */
};

/* 0 or EBADMSG (shorter than 4 octets). Only the first event block is read. */
int media_dtmf_decode(const uint8_t *p, size_t len, struct media_dtmf_event *ev);
/* Writes the 4 octets; returns 4, or 0 when cap is smaller. */
size_t media_dtmf_encode(uint8_t *p, size_t cap, const struct media_dtmf_event *ev);
/* '0'..'9', '*', '#', 'A'..'D' for events 0..15, else 0. */
char media_dtmf_char(uint8_t event);
/* The event code of a digit (caseless A-D), or -1. */
int media_dtmf_code(char digit);

/* A finished event as the receiver reports it. */
struct media_dtmf_digit {
	char digit;
	unsigned duration_ms;
};

/*
 * Receiver of one RTP stream's events: the packets of an event share its timestamp and are
 * repeated, the end three times, some may be lost. An event is reported once: at its first
 * end packet, or when the next event starts without its end having come.
 */
struct media_dtmf_rx {
	bool active, reported;
	uint32_t ts;
	struct media_dtmf_event ev;
};

/* Up to two finished events into out (the previous one and this one); returns how many. */
unsigned media_dtmf_rx_update(struct media_dtmf_rx *r, uint32_t ts, uint32_t clock,
			      const struct media_dtmf_event *ev, struct media_dtmf_digit out[2]);

/* The sender: digits queued by the control thread, played one after another. */
struct media_dtmf_tx {
	struct media_dtmf_digit q[MEDIA_DTMF_QUEUE];
	unsigned head, n;
	bool active; /* an event is being sent */
	uint8_t event;
	uint32_t total, done; /* duration in timestamp units: wanted, sent so far */
	unsigned ends;	      /* end packets sent */
	bool first;	      /* the next packet is the event's first (marker) */
	uint32_t ts;	      /* the event's start timestamp, set by the caller on first */
	unsigned gap;	      /* ticks of silence left before the next digit */
};

/* EOVERFLOW when the queue is full, EINVAL for a digit that is not DTMF. */
int media_dtmf_tx_push(struct media_dtmf_tx *t, char digit, unsigned duration_ms);
bool media_dtmf_tx_busy(const struct media_dtmf_tx *t);
/*
 * The next packet of the current event for one tick of step units (clock: the stream's
 * rate): false when there is nothing to send this tick. *marker is set on an event's first
 * packet, whose caller must then set t->ts to the stream's current timestamp.
 */
bool media_dtmf_tx_next(struct media_dtmf_tx *t, uint32_t clock, uint32_t step,
			struct media_dtmf_event *ev, bool *marker);

struct media_dtmf_inband;
/* spandsp's DTMF detector on 8 kHz audio. Never NULL. */
struct media_dtmf_inband *media_dtmf_inband_new(void);
void media_dtmf_inband_destroy(struct media_dtmf_inband *d); /* NULL-safe */
/* Audio at rate (8000, 16000 or 48000; others are ignored), decimated to 8 kHz. */
void media_dtmf_inband_feed(struct media_dtmf_inband *d, const int16_t *pcm, size_t n,
			    uint32_t rate);
/* A digit heard since the last call, or 0. */
char media_dtmf_inband_take(struct media_dtmf_inband *d);

#endif
