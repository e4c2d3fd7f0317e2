/* Internals shared by the call/ files: calls, legs, dialogs and the engine. */
#ifndef CALL_CALL_INT_H
#define CALL_CALL_INT_H

#include "call/call.h"
#include "core/hmap.h"
#include "core/timer.h"
#include "sdp/sdp.h"
#include "sip/stack.h"

struct call_ivr;
struct call_sdp_info;
struct sip_contact;

/* Forks of one call: a scenario's dial may try several targets one after the other. */
enum { CALL_MAX_FORKS = 32 };

enum call_state { CALL_RINGING, CALL_ANSWERED, CALL_ENDED };

/*
 * One dialog of the B2BUA. For leg A we are the UAS (local tag = the To tag our responses
 * carry); for a B leg we are the UAC (local tag = our From tag). Requests go to peer: the
 * address the caller's INVITE came from, or the callee contact's registered source, so NAT
 * bindings are used and nothing is resolved.
 */
struct call_leg {
	struct hmap_node node;	 /* in ce->dialogs by (call_id, local_tag) */
	struct call *call;	 /* borrowed back-pointer */
	bool in_table, is_a, failed, cancelled;
	char *call_id;		 /* owned */
	char *local_tag, *remote_tag;	/* owned; remote_tag NULL until known */
	char *local_uri, *remote_uri;	/* owned: our side / their side (name-addr or URI) */
	char *remote_target;	 /* owned: their Contact URI (request URI of in-dialog requests) */
	char *route;		 /* owned or NULL: "Route: ...\r\n" lines from the route set */
	uint32_t local_cseq;
	struct sip_peer peer;	 /* owns a conn ref */
	struct sip_tsx *tsx;	 /* ref: A's INVITE server tsx / this B leg's INVITE client tsx */
	uint16_t status;	 /* last final status of the INVITE on this leg */
	char *auth_user, *auth_password; /* owned or NULL: a trunk's credentials */
	bool auth_tried;	 /* the INVITE was re-sent with credentials once */
	bool xfer;		 /* a transfer target's leg */
	char *sdp;		 /* owned: the SDP this leg sent us last (offer for A, answer for B) */
	char *invite_hdrs;	 /* owned or NULL: header lines our INVITE on this leg adds */
	char *local_sdp;	 /* owned or NULL: the SDP we sent it last (NULL: c->a.sdp for A,
				  * c->b_offer for B) */
	bool offering;		 /* a re-INVITE or UPDATE of ours is pending on it */
	bool moved;		 /* its dialog went to another call (attended transfer) */
};

/* Session timer (RFC 4028) of the caller's leg, negotiated in our 2xx to A. */
struct call_session_timer {
	struct timer t;	     /* our next refresh, or the deadline of A's */
	unsigned interval_s; /* 0: no session timer */
	bool we_refresh;     /* we are the refresher (refresher=uas in our 2xx) */
	bool update;	     /* A allows UPDATE: refresh with it, without SDP */
};

struct call {
	struct hmap_node by_relay;
	struct call_engine *ce;	/* borrowed */
	uint64_t id;
	char uuid[40];
	enum call_state state;
	struct call_leg a;
	struct call_leg *b[CALL_MAX_FORKS]; /* owned */
	unsigned nb;
	int winner;		/* index into b of the answered leg, -1 before */
	uint64_t relay_id;	/* 0: no relay */
	uint16_t port_a, port_b;/* relay ports facing A and B */
	char media_ip[64];	/* what our SDP announces */
	char *b_offer;		/* owned: the SDP offer we sent to the B legs */
	char *a_offer;		/* owned: the caller's offer */
	struct store_cdr_row cdr;
	struct buf ok_a;	/* the 2xx sent to A, retransmitted until A's ACK (RFC 3261 13.3.1.4) */
	struct sip_peer ok_dest; /* where it goes (holds a conn ref) */
	unsigned ok_retx_ms;
	struct timer t_ok, t_noanswer, t_maxdur;
	bool acked, early;
	bool transferring;	/* a REFER's new legs are ringing */
	char transfer_to[64];
	struct call_leg *transferor; /* borrowed: the leg that sent the REFER */
	uint8_t dtmf_pt[2];	/* telephone-event PT each side uses (A, B); 0: it has none */
	bool held[2];		/* that side put the call on hold: the other hears music */
	struct call_ivr *ivr;	/* owned or NULL: the scenario the call runs (call_scenario.c) */
	bool a_is_uac;		/* click-to-call: we sent A's INVITE (a.tsx is a client tsx,
				 * not a ref of ours) */
	struct call_session_timer se;
	char did[64];		/* the number dialed in, "" = none (recording rules) */
	struct call_consent {	/* recording of the bridged call (call_record.c) */
		enum { CONSENT_NONE, CONSENT_ASKING, CONSENT_RECORDING, CONSENT_DECLINED,
		       CONSENT_FAILED } state;
		unsigned play[2];	/* the announcement playing to each side, 0: none */
		char key;		/* the opt-out key, '\0': none */
		unsigned rate;
	} consent;
	unsigned nrec;		/* files recorded so far (names of later ones are numbered) */
};

struct call_engine {
	struct sip_stack *st;		/* borrowed */
	struct media_engine *media;	/* borrowed */
	struct call_cfg cfg;
	char *media_ip;			/* owned copy of cfg.media_ip or NULL */
	call_journal_fn *journal;
	call_cdr_fn *cdr;
	void *arg;
	call_resolve_fn *resolve;
	struct hmap dialogs;		/* struct call_leg */
	struct hmap relays;		/* struct call by relay id */
	uint64_t next_id;
	size_t ncalls;
	struct media_sound *moh;	/* ref or NULL: music on hold */
	struct media_sound *ringback;	/* ref: what a scenario's caller hears while it dials */
	call_route_fn *route;		/* external numbers a scenario dials, or NULL */
	call_list_fn *lists;		/* scenarios' list conditions, or NULL */
	struct workers *workers;	/* owned: scenarios' webhooks and speech */
	struct hmap prompts;		/* struct call_prompt by path (call_prompt.c) */
	struct hmap rotation;		/* round-robin positions by group (call_scenario.c) */
	call_record_policy_fn *record_policy; /* NULL: calls are not recorded */
	call_recording_fn *recording;	/* NULL: nobody is told */
	call_mailbox_fn *mailbox;	/* NULL: no voicemail */
	struct hmap recs;		/* struct call_rec by rec_id: files not finished yet */
	struct media_sound *beep;	/* ref: before a record step or a voicemail message */
};

/* call.c */
struct call *call_new(struct call_engine *ce);
/* Ends the call: CDR with disposition/cause/side, media closed, dialogs unlinked, freed later. */
void call_end(struct call *c, const char *disposition, const char *cause, const char *side);
/* Hangs up from our side: BYE to both when answered, else CANCEL forks and 503 to A. */
void call_end_now(struct call *c, const char *cause);
void call_leg_link(struct call_engine *ce, struct call_leg *leg);
void call_leg_unlink(struct call_engine *ce, struct call_leg *leg);
void call_leg_free(struct call_leg *leg);
void call_leg_clear(struct call_leg *leg); /* frees what it owns, keeps the struct */
struct call_leg *call_leg_find(struct call_engine *ce, struct str call_id, struct str local_tag);

/* The answered B leg, or NULL (not answered, or a scenario between dials). */
struct call_leg *call_b_winner(const struct call *c);

/* call_invite.c */
void call_reply_a(struct call *c, uint16_t status, const char *reason, const char *hdrs,
		  const struct buf *sdp);
/* The 2xx to A with sdp, kept for retransmission until A's ACK. */
void call_answer_a(struct call *c, const struct buf *sdp);
/* The call is answered now: the 2xx to A, the journal, the maximum duration timer. */
void call_answer_now(struct call *c, const struct buf *sdp);
/* The same without the 2xx (leg A answered our own INVITE: click-to-call). */
void call_mark_answered(struct call *c);
int call_leg_a_init(struct call *c, struct sip_tsx *tsx, const struct sip_msg *req,
		    const struct sip_peer *from);
void call_cdr_start(struct call *c, const struct sip_msg *req, const struct call_request *cr);
void call_watch_cancel(struct call *c, struct sip_tsx *tsx); /* A's CANCEL ends the call */
struct call_leg *call_leg_trunk(struct call *c, const struct call_trunk_target *t);
/* Adds b to the call's forks and sends its INVITE with c->b_offer (failed at once if not). */
void call_add_leg(struct call *c, struct call_leg *b);
uint16_t call_best_failure(const struct call *c);
const char *call_failure_disposition(uint16_t status);
/* Our Contact line for a leg over proto: where its in-dialog requests reach us. */
void call_contact_hdr(struct call *c, enum sip_proto proto, char *out, size_t size);
/* The dialog of an INVITE we answer: ids, tags, target and route set (EBADMSG: no Contact). */
int call_leg_uas_init(struct call_leg *leg, struct sip_tsx *tsx, const struct sip_msg *req,
		      const struct sip_peer *from);
int call_fork(struct call *c, const struct call_request *r, const struct sip_msg *req);
void call_cancel_forks(struct call *c, int except);
struct call_leg *call_leg_contact(struct call *c, const struct sip_contact *ct, const char *from_uri,
				  const char *to_uri);
/* The INVITE of a B leg with c->b_offer (again with credentials answering challenge). */
int call_send_invite(struct call *c, struct call_leg *b, const struct sip_msg *challenge,
		     sip_resp_fn *fn);
void call_leg_learn(struct call_leg *b, const struct sip_msg *resp); /* tag, target, routes */
void call_refuse_2xx(struct call_leg *b, const struct sip_msg *resp);  /* ACK, then BYE */

/* call_transfer.c: blind transfer (REFER) by the callee. */
void call_refer(struct call *c, struct call_leg *leg, struct sip_tsx *tsx, const struct sip_msg *req);
/* NOTIFY of a REFER's progress (message/sipfrag with status); final ends the subscription. */
void call_refer_notify(struct call_leg *leg, uint16_t status, bool final);

/* call_offer.c: offers we make inside a dialog (re-INVITE, UPDATE) and their answers. */
/* Once per offer: the final status (a 2xx is ACKed first; resp NULL on a timeout). */
typedef void(call_offer_fn)(struct call *c, struct call_leg *leg, uint16_t status,
			    const struct sip_msg *resp, void *arg);
/* sdp NULL: an UPDATE without a body (a session refresh). EBUSY while one is pending. */
int call_leg_offer(struct call_leg *leg, enum sip_method m, const char *sdp, const char *extra,
		   call_offer_fn *fn, void *arg);
/* What we sent the leg last: its own copy, else our answer to A or our offer to the B legs. */
const char *call_leg_local_sdp(const struct call *c, const struct call_leg *leg);
void call_leg_set_local_sdp(struct call_leg *leg, const char *sdp, size_t len);
/* The other party's leg of an answered call (NULL before the answer). */
struct call_leg *call_other_leg(struct call *c, const struct call_leg *leg);
/* The relay side of a leg: 0 for A, 1 for B. */
static inline int call_leg_side(const struct call_leg *leg)
{
	return leg->is_a ? 0 : 1;
}

/* call_timer.c: session timers (RFC 4028) on the caller's leg. */
/* An INVITE asking for a session interval under our minimum gets 422 here: true if so. */
bool call_timer_refuse(struct call_engine *ce, struct sip_tsx *tsx, const struct sip_msg *req);
/* Negotiates from A's INVITE, appends Session-Expires (and Require: timer) and Supported to
 * the headers of our 2xx to A, and starts the timer. */
void call_timer_answer(struct call *c, const struct sip_msg *req, struct buf *hdrs);
/* A re-INVITE or UPDATE from leg was answered 2xx: a refresh when leg is A; the headers of
 * that 2xx get Session-Expires. */
void call_timer_refreshed(struct call *c, const struct call_leg *leg, const struct sip_msg *req,
			  struct buf *hdrs);

/* call_replaces.c: attended transfer (REFER with Replaces) and INVITE with Replaces. */
struct call_replaces {
	struct str call_id, to_tag, from_tag;
	bool early_only;
};
/* A Replaces value (RFC 3891: callid;to-tag=..;from-tag=..[;early-only]): 0 or EBADMSG. */
int call_replaces_parse(struct str value, struct call_replaces *r);
/* The ?Replaces= of a Refer-To URI's headers, unescaped into buf: 0, ENOENT or EBADMSG. */
int call_replaces_from_uri(struct str headers, char *buf, size_t size, struct str *value);
void call_refer_replaces(struct call *c, struct call_leg *leg, struct sip_tsx *tsx,
			 struct str replaces);

/* call_dialog.c */
int call_leg_send(struct call_leg *leg, enum sip_method m, const char *extra, const char *ctype,
		  const char *body, sip_resp_fn *fn, void *arg, struct sip_tsx **tsxp);
int call_leg_request(struct call_leg *leg, enum sip_method m, const char *extra,
		     const char *ctype, const char *body, sip_resp_fn *fn, void *arg);
void call_send_bye(struct call_leg *leg);
void call_ack_b(struct call_leg *leg, uint32_t cseq);

/* call_sdp.c: the SDP we send to one leg, made from the other leg's with the relay's port
 * and address; info describes the input: its RTP address and first audio codec. */
struct call_sdp_info {
	struct sa peer;	  /* the announcing side's RTP address (port 0: none usable) */
	uint32_t clock;	  /* RTP clock of its first audio codec */
	char codec[32];	  /* "PCMA/8000" */
	char name[24];	  /* "PCMA" */
	uint8_t channels, pt, dtmf_pt; /* dtmf_pt 0: no telephone-event */
	enum sdp_dir dir; /* of its audio stream */
};
/* add_codecs: an offer towards B also lists the codecs we can transcode to that the
 * input lacks (the relay then converts when B picks one of them). */
int call_sdp_rewrite(const char *in, size_t len, const char *ip, uint16_t port, bool add_codecs,
		     struct buf *out, struct call_sdp_info *info);
/* The telephone-event/8000 payload type of an SDP's first audio stream, 0 if none. */
uint8_t call_sdp_events_pt(const char *sdp);
/* Rewrites sdp's first audio stream to offer telephone-event with pt (0: none). */
int call_sdp_set_events(struct buf *sdp, uint8_t pt);
/* Our SDP again as a new offer towards another relay port: audio at ip:port, sendrecv,
 * the version one up (the leg moves to another call's relay). */
int call_sdp_reoffer(const char *ours, const char *ip, uint16_t port, struct buf *out);
/* The relay's codec for side (and c->dtmf_pt[side]) from what its SDP said. */
int call_set_codec(struct call *c, int side, const struct call_sdp_info *i);
/* Our SDP again, as the answer to a new offer whose audio direction was offered: the
 * direction reversed (hold: sendonly -> recvonly), the version one up. */
int call_sdp_redirect(const char *ours, enum sdp_dir offered, struct buf *out);
/* B answered with b's codec. When A offered it: 0 with *transcode false (B's answer,
 * rewritten, is A's). Otherwise our own answer to A's offer with A's first codec the media
 * engine has, in out, and the relay's codec for A in *a: 0 with *transcode true; EPROTO
 * when A offered nothing we can convert. */
int call_sdp_answer_a(const char *a_offer, const struct call_sdp_info *b, const char *ip,
		      uint16_t port, struct buf *out, struct call_sdp_info *a, bool *transcode);

/* call.c */
void call_register_relay(struct call *c);
struct call *call_by_relay(struct call_engine *ce, uint64_t relay_id);

/* call_hold.c: music to the other party while one holds the call */
/* After a new offer from side: hold (sendonly, inactive, 0.0.0.0) starts the music for the
 * other side, anything else stops it. */
void call_hold_update(struct call *c, int side, const struct call_sdp_info *offer);
void call_hold_load(struct call_engine *ce, const char *path); /* NULL/"": none */

/* call_dtmf.c: digits between legs that speak differently (RFC 4733 events, SIP INFO). */
/* An INFO carrying a digit, sent on as RFC 4733 events when the other side has them: true
 * when it was (the INFO is then not relayed). */
bool call_dtmf_info(struct call *c, const struct call_leg *leg, const struct sip_msg *req);
/* Both sides' codecs on the relay when B's answer passes to A unchanged, with A answered
 * telephone-event if it offered it (we convert for it when B has none). */
int call_dtmf_pass_codecs(struct call *c, const struct call_sdp_info *b, struct buf *sdp_a);

/* call_replaces.c, shared with call_pickup.c: a new party's offer on side of the relay. */
/* Our answer to its offer (its first codec the relay converts) and what the offer says of
 * its media (peer); 0 or an SDP errno. */
int call_answer_offer(struct call *c, int side, const struct sip_msg *req, struct buf *answer,
		      struct call_sdp_info *codec, struct call_sdp_info *peer);
/* The relay's side now goes to that party: its RTP address, source and codec. */
void call_repoint(struct call *c, int side, const struct call_sdp_info *peer,
		  const struct call_sdp_info *codec, const struct sa *source);

/* call_scenario.c: a call answered by the node that runs a scenario (IVR). */
bool call_ivr_dialing(const struct call *c); /* its dial step has forks ringing */
void call_ivr_answered(struct call *c, int i, const struct sip_msg *resp);
void call_ivr_dial_failed(struct call *c); /* every fork of the dial failed */
void call_ivr_free(struct call *c);	   /* at call destruction */
void call_ivr_ended(struct call *c);	   /* the call ended: pending work stopped */
void call_ivr_digit(struct call *c, char digit);
void call_ivr_init(struct call_engine *ce);
void call_ivr_fini(struct call_engine *ce);

/* call_record.c: recording a bridged call with consent, and the files of recordings. */
void call_record_init(struct call_engine *ce);
void call_record_fini(struct call_engine *ce);
/* The callee answered: the policy decides; the announcement plays, then the recording runs. */
void call_record_answered(struct call *c);
/* A digit or a prompt's end the consent step takes: true when it did. */
bool call_record_digit(struct call *c, const struct media_event_info *ev);
bool call_record_played(struct call *c, const struct media_event_info *ev);
/* Starts a recording of c's relay: kind and mailbox as in struct call_recording; the file's
 * name in name. 0 or an errno (no recordings dir, EBUSY, ...). */
int call_record_start(struct call *c, const char *kind, const char *mailbox, unsigned rate,
		      unsigned channels, char *name, size_t size, unsigned *rec_id);

/* call_scenario_record.c: the record and voicemail steps (host operations). */
struct scenario_record;
int call_ivr_record(void *host, const struct scenario_record *r);
int call_ivr_voicemail(void *host, const char *mailbox);
/* Digits, prompt ends and finished files for a record or voicemail step: true if taken. */
bool call_ivr_record_digit(struct call *c, char digit);
bool call_ivr_record_played(struct call *c, unsigned play_id);
void call_ivr_recorded(struct call *c, unsigned rec_id, const char *name, int err);
void call_ivr_record_end(struct call_ivr *v); /* the call ended: timers stopped */

/* call_prompt.c: prompts by name, each file read once and re-read when it changes. */
/* The sound of prompt name for tenant_id (ref; unref it), or NULL with errno ENOENT/EINVAL. */
struct media_sound *call_prompt_get(struct call_engine *ce, int64_t tenant_id, const char *name);
void call_prompts_free(struct call_engine *ce);

#endif
