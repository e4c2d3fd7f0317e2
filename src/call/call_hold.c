/*
 * Music on hold: a party whose re-INVITE or UPDATE offers sendonly or inactive (or the RFC
 * 2543 hold address 0.0.0.0) has put the call on hold, and the other party hears the node's
 * music from the relay until the party offers to receive again.
 */
#include <string.h>

#include "call/call_int.h"
#include "core/log.h"
#include "media/media.h"

static bool is_hold(const struct call_sdp_info *offer)
{
	return offer->dir == SDP_SENDONLY || offer->dir == SDP_INACTIVE ||
	       (sa_family(&offer->peer) != AF_UNSPEC && sa_is_any(&offer->peer));
}

void call_hold_update(struct call *c, int side, const struct call_sdp_info *offer)
{
	bool hold = is_hold(offer);
	const char *who = side ? "callee" : "caller", *other = side ? "caller" : "callee";

	if (hold == c->held[side] || !c->relay_id)
		return;
	c->held[side] = hold;
	if (!c->ce->moh) {
		log_info("call", "call %s: %s %s the call (no music on hold)", c->uuid, who,
			 hold ? "holds" : "resumes");
		return;
	}
	int err = media_relay_play(c->ce->media, c->relay_id, !side, hold ? c->ce->moh : NULL);
	if (err)
		log_notice("call", "call %s: music on hold to the %s: %s", c->uuid, other,
			   strerror(err));
	else
		log_info("call", "call %s: %s %s the call, music %s for the %s", c->uuid, who,
			 hold ? "holds" : "resumes", hold ? "on" : "off", other);
}

void call_hold_load(struct call_engine *ce, const char *path)
{
	int err;

	if (!path || !*path)
		return;
	err = media_sound_load(&ce->moh, path);
	if (err)
		log_notice("call", "music on hold %s: %s; callers on hold hear silence", path,
			   strerror(err));
	else
		log_info("call", "music on hold: %s (%.1f s)", path, media_sound_seconds(ce->moh));
}
