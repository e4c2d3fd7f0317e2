/*
 * Calls: a B2BUA joining a caller's leg (A) to one or more forked legs towards the
 * callee's contacts (B), with the media anchored in a relay of the media engine.
 * The only module that knows both SIP and media. Control thread only.
 */
#ifndef CALL_CALL_H
#define CALL_CALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "store/cdrs.h"

struct media_engine;
struct sip_aor;
struct sip_msg;
struct sip_peer;
struct sip_stack;
struct sip_tsx;
struct call;
struct call_engine;
struct media_event_info;

struct call_cfg {
	unsigned no_answer_s;	 /* ringing longer than this: 480 to the caller (0 = never) */
	unsigned max_duration_s; /* answered calls are hung up after this (0 = unlimited) */
	unsigned min_se_s;	 /* session timers (RFC 4028): shortest interval we accept */
	const char *media_ip;	 /* address put in our SDP; NULL: the SIP local address */
	const char *moh_file;	 /* music on hold (a WAV); NULL: silence */
	/* Prompts of scenarios: <prompts_dir>/<tenant id>/<name>.wav first (a tenant's own),
	 * then <sounds_dir>/<name>.wav (the shipped ones). NULL: none of that kind. */
	const char *prompts_dir, *sounds_dir;
	const char *tts_dir;	 /* scenarios' `say`: the TTS cache directory; NULL: no say */
	bool http_private_ok;	 /* scenarios' webhooks may reach loopback/private addresses */
	/* Recordings: <recordings_dir>/<tenant id>/<name>.wav. NULL: nothing is recorded. */
	const char *recordings_dir;
};

/* Who is calling whom, as the node resolved it. */
struct call_party {
	int64_t tenant_id;
	const char *user;   /* extension number */
	const char *name;   /* display name, may be "" */
	const char *domain; /* tenant SIP domain */
};

/* Journal and CDR hooks: the node persists them through the store. */
typedef void(call_journal_fn)(const struct store_cdr_row *open_call, void *arg);
typedef void(call_cdr_fn)(const struct store_cdr_row *cdr, void *arg);

int call_engine_new(struct call_engine **cp, struct sip_stack *st, struct media_engine *media,
		    const struct call_cfg *cfg, call_journal_fn *journal, call_cdr_fn *cdr,
		    void *arg);
/* The registered contacts of an extension, for transfers (NULL: none or no such user). */
typedef const struct sip_aor *(call_resolve_fn)(void *arg, int64_t tenant_id, const char *user);
void call_engine_set_resolver(struct call_engine *ce, call_resolve_fn *fn);

/* Hangs up every call (BYE/CANCEL/503 as fits its state), writes their CDRs, frees all. */
void call_engine_destroy(struct call_engine *ce);

/* A trunk as the callee's side of an outbound call. */
struct call_trunk_target {
	const char *name;	       /* for the CDR */
	const char *ruri;	       /* "sip:<number>@<provider>" */
	const char *from_uri;	       /* what the provider sees: "<sip:<caller id>@<domain>>" */
	const char *user, *password; /* answer the provider's 401/407 with these (NULL: none) */
	const struct sip_peer *peer;   /* where the INVITE goes */
	const char *identity;	       /* P-Asserted-Identity URI ("<sip:...>"), or NULL */
	bool privacy;		       /* the number withheld: From anonymous, Privacy: id */
};

/* An external number a scenario dials: the trunk that takes it, as the caller's outbound
 * rules say; 0 or ENOENT (no route). The target's strings live in buf (size bytes). */
typedef int(call_route_fn)(void *arg, int64_t tenant_id, const char *caller, const char *number,
			    struct call_trunk_target *t, char *buf, size_t size);
void call_engine_set_router(struct call_engine *ce, call_route_fn *fn);

/* What the node decided for an INVITE. */
struct call_request {
	const struct call_party *caller, *callee;
	const char *direction;	/* "internal", "inbound", "outbound" */
	const char *trunk_name; /* the trunk an inbound call came from, or NULL */
	const struct sip_aor *aor;		 /* internal, inbound: the callee's contacts */
	const struct call_trunk_target *trunk; /* outbound: the trunk to dial */
	const char *did; /* inbound: the number (DID) the caller dialed, or NULL */
};

/* ---- recording (call_record.c) ---- */

/* What the node decided about recording a call, asked when its callee answers. */
struct call_record_policy {
	bool record;
	char prompt[64];  /* played to both first ("this call is recorded"); "" = none */
	char optout_key;  /* the caller declines with it during the prompt; '\0' = no way */
	unsigned rate;	  /* 8000 or 16000 */
};
/* cdr: tenant, caller, callee, direction of the call; did: the number dialed in, or NULL. */
typedef void(call_record_policy_fn)(void *arg, const struct store_cdr_row *cdr, const char *did,
				     struct call_record_policy *out);

/* A recorded file: reported when it starts (done false) and when it is finished or failed. */
struct call_recording {
	int64_t tenant_id;
	const char *name;    /* the file under <recordings_dir>/<tenant id>/, unique */
	const char *kind;    /* "call" (both parties), "step" (a record step), "voicemail" */
	const char *call_uuid, *caller, *callee;
	const char *mailbox; /* voicemail: the mailbox, else NULL */
	unsigned channels, rate;
	int64_t start_at;    /* Unix ms */
	bool done;
	int err;	     /* done: 0 when the file is there */
	unsigned ms;	     /* done: its length */
};
typedef void(call_recording_fn)(const struct call_recording *r, void *arg);

/* A mailbox for a scenario's voicemail step: false when the tenant has no such mailbox. */
struct call_mailbox {
	unsigned max_seconds;
	char greeting[64]; /* a prompt name; "" = the shipped vm-greeting */
};
typedef bool(call_mailbox_fn)(void *arg, int64_t tenant_id, const char *mailbox,
			      struct call_mailbox *out);

void call_engine_set_recording(struct call_engine *ce, call_record_policy_fn *policy,
			       call_recording_fn *fn, call_mailbox_fn *mailbox);
/* The media engine finished (or lost) a recording's file. */
void call_media_recorded(struct call_engine *ce, uint64_t relay_id,
			 const struct media_event_info *ev);

/* An authenticated (or trunk) INVITE. Without contacts or a trunk the caller gets 480. The
 * tsx is answered here, now or later. */
void call_start(struct call_engine *ce, struct sip_tsx *tsx, const struct sip_msg *req,
		const struct sip_peer *from, const struct call_request *r);
/* An authenticated INVITE with a Replaces header (RFC 3891) from user of tenant_id: the
 * confirmed dialog of ours it names is replaced by the new one (answered here), else 481. */
void call_replaces_invite(struct call_engine *ce, struct sip_tsx *tsx, const struct sip_msg *req,
			  const struct sip_peer *from, int64_t tenant_id, const char *user);
/* A request inside a dialog of ours (To tag, or an ACK): true when a call took it. */
bool call_dialog_request(struct call_engine *ce, struct sip_tsx *tsx, const struct sip_msg *req,
			 const struct sip_peer *from);
/* The media engine's RTP timeout for a relay: the call is hung up. */
void call_media_timeout(struct call_engine *ce, uint64_t relay_id);
struct media_event_info;
/* A digit the media engine heard on a relay (RFC 4733 or a tone). */
void call_media_dtmf(struct call_engine *ce, uint64_t relay_id, const struct media_event_info *ev);
/* Ends every call (graceful stop past its deadline). */
void call_hangup_all(struct call_engine *ce, const char *cause);

/*
 * An INVITE to a number or extension that runs a scenario: the node answers the caller and
 * runs s (borrowed; keep is an obj reference the call holds while it runs, NULL: none). The
 * scenario plays prompts, reads digits and dials extensions or numbers; the CDR is the
 * caller's, answered when the node answered. r->aor and r->trunk are not used.
 */
struct scenario;
void call_start_scenario(struct call_engine *ce, struct sip_tsx *tsx, const struct sip_msg *req,
			 const struct sip_peer *from, const struct call_request *r,
			 const struct scenario *s, void *keep);
/* Click-to-call: ring an extension's phone, then dial to from it. */
struct call_originate_req {
	int64_t tenant_id;
	const char *extension, *domain; /* the agent's extension and the tenant's SIP domain */
	const char *to;			/* an extension of the tenant or a number */
	bool to_is_extension;
	const char *caller_id; /* what the customer sees (NULL: the agent's, by the routes) */
	unsigned ring_s;       /* how long each side may ring (0: 30 s) */
};
/* 0 with the call's uuid in uuid (the call goes on in the background), ENOENT (the
 * extension has no registered phone), EAGAIN (no media ports), EHOSTUNREACH. */
int call_originate(struct call_engine *ce, const struct call_originate_req *o, char *uuid,
		   size_t size);

/*
 * Call pickup: the INVITE of extension picker answers a call ringing target (an extension of
 * the same tenant; NULL: the oldest call ringing any other extension of it). Its forks are
 * cancelled and the picker takes their place. 0, or ENOENT when nothing rings (the tsx is
 * then not answered).
 */
int call_pickup(struct call_engine *ce, struct sip_tsx *tsx, const struct sip_msg *req,
		const struct sip_peer *from, int64_t tenant_id, const char *picker,
		const char *target);

/* A prompt the media engine finished playing. */
void call_media_played(struct call_engine *ce, uint64_t relay_id, const struct media_event_info *ev);

/* An INVITE refused by policy (a black or white list): status to the caller and a CDR
 * (BUSY for 486, else FAILED) with cause. */
void call_reject(struct call_engine *ce, struct sip_tsx *tsx, const struct sip_msg *req,
		 const struct sip_peer *from, const struct call_request *r, uint16_t status,
		 const char *cause);
/* Scenarios' list conditions: whether number is on the tenant's list called name. */
typedef bool(call_list_fn)(void *arg, int64_t tenant_id, const char *list, const char *number);
void call_engine_set_lists(struct call_engine *ce, call_list_fn *fn);

size_t call_count(const struct call_engine *ce);

/* A live call as the API shows it (call_info.c). Strings borrowed for the callback. */
struct call_info {
	const char *uuid, *state, *caller, *callee, *direction, *codec, *trunk;
	int64_t tenant_id, start_at, answer_at; /* Unix ms; answer_at 0 = not answered */
	uint64_t rx_pkts[2], tx_pkts[2];         /* relay counters, [0] caller side */
	unsigned lost[2];
};
typedef void(call_info_fn)(const struct call_info *ci, void *arg);
/* Every live call of tenant_id (0 = every tenant). */
void call_foreach(struct call_engine *ce, int64_t tenant_id, call_info_fn *fn, void *arg);
/* Hangs up the call with this uuid if it belongs to tenant_id (0 = any); ENOENT if none. */
int call_hangup(struct call_engine *ce, int64_t tenant_id, const char *uuid, const char *cause);
/* One line per call for `zvonarctl show calls`. */
void call_list(const struct call_engine *ce, struct buf *out);

#endif
