/*
 * Call detail records and the journal of open calls. A call is journaled when it
 * starts (and again when answered); store_cdr_finish writes its CDR and removes
 * the journal row in one transaction, so a crash leaves either the open call
 * (reconciled at start-up as INTERRUPTED) or the CDR, never neither or both.
 * Store thread only.
 */
#ifndef STORE_CDRS_H
#define STORE_CDRS_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

struct db;
struct db_value;

struct store_cdr_row {
	int64_t id; /* set by the database */
	int64_t tenant_id;
	char uuid[40];
	char call_id[256];
	char caller[128], caller_name[128], callee[128];
	char direction[16];
	int64_t start_at, answer_at, end_at; /* Unix ms; answer_at 0 = never answered */
	int64_t duration_s, billsec;
	char disposition[16];
	char hangup_cause[64];
	char hangup_side[16];
	char codec[32];
	char trunk[64];
	char rtp_stats[256];
	/* per leg (0 = A, 1 = B); has_quality false: no RTP on it, stored as NULL */
	struct store_cdr_quality {
		bool has_quality;
		double mos, loss_pct, jitter_ms;
	} quality[2];
	/* the consent decision: the recording's name, "declined", "failed"; "" = not recorded */
	char recording[96];
};

typedef int(store_cdr_fn)(const struct store_cdr_row *row, void *arg); /* non-zero stops */

/* Journals an open call (fields up to answer_at); again with answer_at set when answered. */
int store_call_open(struct db *db, const struct store_cdr_row *r);
/* Inserts the CDR and deletes the journal row; EEXIST when this uuid already has a CDR. */
int store_cdr_finish(struct db *db, const struct store_cdr_row *r);
/* Turns every journaled call into a CDR: disposition INTERRUPTED, end = last heartbeat. */
int store_calls_reconcile(struct db *db, int64_t *count);
/* Every journaled call of this node is alive at now_ms (bounds an INTERRUPTED CDR's end). */
int store_calls_heartbeat(struct db *db, int64_t now_ms);
/* Newest first; tenant_id 0 = every tenant; at most limit rows. */
int store_cdr_list(struct db *db, int64_t tenant_id, unsigned limit, store_cdr_fn *fn, void *arg);
/* CDRs matching a WHERE clause (with ORDER BY/LIMIT if wanted) built by the caller. */
int store_cdr_select(struct db *db, const char *where, const struct db_value *p, size_t np,
		     store_cdr_fn *fn, void *arg);

/* Seconds from a to b rounded up, as billing counts them; 0 when b <= a. */
int64_t store_cdr_seconds(int64_t from_ms, int64_t to_ms);

#endif
