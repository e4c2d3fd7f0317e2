/* Webhook deliveries: Standard Webhooks signatures and the sender on the control loop. */
#ifndef API_WEBHOOKS_H
#define API_WEBHOOKS_H

#include <stddef.h>
#include <stdint.h>

struct api;

/* "v1,<base64 HMAC-SHA256(key, id.timestamp.payload)>" with key = base64 after "whsec_".
 * EINVAL for a secret that is not whsec_<base64>. */
int api_webhook_sign(const char *secret, const char *id, int64_t ts, const char *payload,
		     char *out, size_t outlen);
/* Look for due deliveries now (after new ones were queued). */
void api_webhooks_kick(struct api *a);

#endif
