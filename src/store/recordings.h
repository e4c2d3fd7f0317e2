/*
 * Recordings and voicemail in the store: the file rows (one per recorded file, from its start
 * to its end), the tenants' recording settings and rules, and the mailboxes, read whole for
 * the node's cache. Store thread only.
 */
#ifndef STORE_RECORDINGS_H
#define STORE_RECORDINGS_H

#include <stdbool.h>
#include <stdint.h>

struct db;

struct store_recording_row {
	int64_t id, tenant_id;
	char name[96]; /* the file under <data_dir>/recordings/<tenant id>/ */
	char kind[16]; /* "call", "step", "voicemail" */
	char call_uuid[40];
	char caller[128], callee[128];
	char mailbox[64]; /* voicemail: the extension; "" otherwise */
	char folder[8];	  /* voicemail: "new" or "old" */
	char status[12];  /* "recording", "done", "failed" */
	int64_t seconds, channels, rate;
	int64_t created_at, ended_at; /* Unix ms; ended_at 0 = not yet */
};
typedef int(store_recording_fn)(const struct store_recording_row *r, void *arg);

/* A recording starts (status "recording"): EEXIST for a name taken. */
int store_recording_add(struct db *db, const struct store_recording_row *r);
/* It ended: status "done" with its length, or "failed". ENOENT without the row. */
int store_recording_end(struct db *db, const char *name, const char *status, int64_t seconds,
			int64_t ended_at);
/* Rows still "recording" (the node stopped or crashed meanwhile). */
int store_recordings_unfinished(struct db *db, store_recording_fn *fn, void *arg);
/* Call and step recordings older than their tenant's retention at now_ms (not voicemail). */
int store_recordings_expired(struct db *db, int64_t now_ms, store_recording_fn *fn, void *arg);
int store_recording_delete(struct db *db, int64_t id);

struct store_recording_settings {
	int64_t tenant_id;
	bool record_calls;
	char announce_prompt[64]; /* "" = no announcement */
	char optout_key;	  /* '\0' = none */
	int rate;
	int retention_days;
};
typedef int(store_recording_settings_fn)(const struct store_recording_settings *s, void *arg);
int store_recording_settings_list(struct db *db, store_recording_settings_fn *fn, void *arg);

struct store_recording_rule {
	int64_t tenant_id;
	char kind[16]; /* "extension" or "number" */
	char value[64];
	bool record;
};
typedef int(store_recording_rule_fn)(const struct store_recording_rule *r, void *arg);
int store_recording_rules_list(struct db *db, store_recording_rule_fn *fn, void *arg);

struct store_mailbox_row {
	int64_t id, tenant_id;
	char extension[64];
	char pin[16];
	int max_seconds;
	char greeting[64];
	bool enabled;
};
typedef int(store_mailbox_fn)(const struct store_mailbox_row *m, void *arg);
int store_mailboxes_list(struct db *db, store_mailbox_fn *fn, void *arg);

#endif
