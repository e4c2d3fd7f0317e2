/*
 * Call scenarios: a validated JSON graph of steps and the per-call engine that runs it.
 * No SIP or media knowledge: the engine asks its host (struct scenario_host_ops) to play,
 * collect digits, dial, fetch a URL or hang up, and the host feeds the results back as events.
 * Control thread only; an engine is driven by one thread at a time.
 */
#ifndef SCENARIO_SCENARIO_H
#define SCENARIO_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Limits checked on validation (and, for the budget, at run time). */
#define SCENARIO_MAX_STEPS 256
#define SCENARIO_MAX_ID 64	       /* bytes of a step id, without the NUL */
#define SCENARIO_MAX_STRING 1024       /* any string field */
#define SCENARIO_MAX_URL 2048
#define SCENARIO_MAX_RETRIES 10
#define SCENARIO_MAX_TIMEOUT 3600      /* seconds */
#define SCENARIO_MAX_TARGETS 32
#define SCENARIO_MAX_JSON (256 * 1024) /* bytes of a scenario document */
#define SCENARIO_MAX_DEPTH 8	       /* nesting of all/any/not in a condition */
#define SCENARIO_STEP_BUDGET 1000      /* steps one call may run */
#define SCENARIO_MAX_VARS 64
#define SCENARIO_MAX_ERRORS 32

/* One validation error: the step (or "" for the document) and the field it is about. */
struct scenario_error {
	char step[SCENARIO_MAX_ID + 1];
	char field[64];
	char msg[256];
};

struct scenario_errors {
	size_t n;
	bool truncated; /* more than SCENARIO_MAX_ERRORS were found */
	struct scenario_error e[SCENARIO_MAX_ERRORS];
};

/* "step 'menu': field 'next.3': no step 'salez'" into buf. */
void scenario_error_format(const struct scenario_error *e, char *buf, size_t size);

struct scenario;

/*
 * Parses and validates a scenario document. 0 with *sp set, or EBADMSG (not JSON, or a
 * validation error: errs says which) / EOVERFLOW (document too large). errs may be NULL.
 */
int scenario_load(struct scenario **sp, const char *json, size_t len, struct scenario_errors *errs);
int scenario_load_file(struct scenario **sp, const char *path, struct scenario_errors *errs);
void scenario_destroy(struct scenario *s);
const char *scenario_name(const struct scenario *s);
int scenario_version(const struct scenario *s);
size_t scenario_step_count(const struct scenario *s);
/* The document as compact JSON with sorted keys (owned by the caller, free()). */
char *scenario_dump(const struct scenario *s);

/* ---- runtime ---- */

enum scenario_dial_strategy { SCENARIO_RING_ALL, SCENARIO_SEQUENTIAL, SCENARIO_ROUND_ROBIN };
enum scenario_target_kind { SCENARIO_TARGET_EXTENSION, SCENARIO_TARGET_NUMBER };

struct scenario_target {
	enum scenario_target_kind kind;
	const char *value; /* borrowed, variables substituted */
};

/* Requests handed to the host; every pointer is borrowed for the duration of the call. */
struct scenario_collect {
	const char *prompt; /* played first (barge-in allowed); NULL: none */
	int min, max;	    /* digits */
	char terminator;    /* '\0': none */
	int timeout;	    /* seconds of silence before the result is "timeout" */
};

struct scenario_dial {
	const struct scenario_target *targets;
	size_t ntargets;
	enum scenario_dial_strategy strategy;
	const char *group; /* ring group name, the key of round-robin rotation; NULL: none */
	int timeout;	   /* seconds, per target when sequential, in total otherwise */
	const char *caller_id; /* NULL: the caller's */
};

struct scenario_http {
	const char *method; /* "GET" or "POST" */
	const char *url;
	const char *body; /* JSON for POST, NULL for GET */
	int timeout;	  /* seconds */
};

struct scenario_record {
	int max_seconds;
	char terminator; /* '\0': none */
	bool beep;
};

/*
 * What the engine asks of its host. Every action is asynchronous: it returns 0 once the
 * request is started (or an errno: the step takes its failure path) and the outcome comes
 * later through scenario_engine_feed(). An operation must never call scenario_engine_feed()
 * itself; queue the result and feed it from the loop. NULL operations are "not available".
 */
struct scenario_host_ops {
	int (*play)(void *host, const char *prompt);		  /* -> DONE */
	int (*say)(void *host, const char *text);		  /* -> DONE; ENOTSUP without TTS */
	int (*collect)(void *host, const struct scenario_collect *c); /* -> DIGITS or TIMEOUT */
	int (*dial)(void *host, const struct scenario_dial *d);	      /* -> DIAL */
	int (*voicemail)(void *host, const char *mailbox);	      /* -> DONE */
	int (*record)(void *host, const struct scenario_record *r);   /* -> DONE (value: file) */
	int (*http_request)(void *host, const struct scenario_http *r); /* -> HTTP or FAILED */
	int (*transfer)(void *host, const char *target);		/* -> DONE or FAILED */
	/* Ends the call (synchronous; the engine is finished after it, but must not be destroyed
	 * from inside this call: check scenario_engine_state() when start/feed returns).
	 * cause: "normal", "busy", "rejected", "unavailable", "error". */
	void (*hangup)(void *host, const char *cause);
	int64_t (*now)(void *host); /* Unix seconds */
	/* Whether number is in the host's named list (numbers or prefixes); false if no list. */
	bool (*list_contains)(void *host, const char *list, const char *number);
	/* Optional: one line per step run, for logs and the simulator. */
	void (*trace)(void *host, const char *step, const char *type, const char *what);
};

enum scenario_event_type {
	SCENARIO_EV_DONE,    /* play/say/voicemail/record/transfer finished; value: recording */
	SCENARIO_EV_DIGITS,  /* value: the digits (terminator included if pressed) */
	SCENARIO_EV_TIMEOUT, /* collect got nothing */
	SCENARIO_EV_DIAL,    /* dial_result set */
	SCENARIO_EV_HTTP,    /* status and value (the body) */
	SCENARIO_EV_FAILED,  /* the requested action failed (HTTP error or timeout too) */
	SCENARIO_EV_HANGUP,  /* the caller hung up */
};

enum scenario_dial_result {
	SCENARIO_DIAL_ANSWERED, /* fed when the bridged call ended with the caller still there */
	SCENARIO_DIAL_BUSY,
	SCENARIO_DIAL_NO_ANSWER,
	SCENARIO_DIAL_FAILED,
};

struct scenario_event {
	enum scenario_event_type type;
	const char *value; /* borrowed; may be NULL */
	enum scenario_dial_result dial_result;
	int status; /* HTTP status */
};

enum scenario_state {
	SCENARIO_IDLE,	  /* not started */
	SCENARIO_WAITING, /* a host action is pending */
	SCENARIO_ENDED,	  /* the graph ended (hangup, handed off, or the caller left) */
	SCENARIO_FAILED,  /* a runtime error: budget exhausted, unexpected event */
};

struct scenario_engine;

/* s is borrowed and must outlive the engine; host is passed back to every operation. */
int scenario_engine_new(struct scenario_engine **ep, const struct scenario *s,
			const struct scenario_host_ops *ops, void *host);
void scenario_engine_destroy(struct scenario_engine *e);
/* Variables ("caller", "callee", "did", "tenant", ...) before start; EOVERFLOW over limits. */
int scenario_engine_set_var(struct scenario_engine *e, const char *name, const char *value);
const char *scenario_engine_var(const struct scenario_engine *e, const char *name);
/* Runs from the start step until a host action is pending or the graph ends. */
int scenario_engine_start(struct scenario_engine *e);
/* The outcome of the pending action; EPROTO if nothing was pending, it does not fit, or it
 * is fed from inside a host operation. */
int scenario_engine_feed(struct scenario_engine *e, const struct scenario_event *ev);
enum scenario_state scenario_engine_state(const struct scenario_engine *e);
/* The step being run or waited on (NULL when ended) and the number of steps run. */
const char *scenario_engine_step(const struct scenario_engine *e);
unsigned scenario_engine_steps_run(const struct scenario_engine *e);
/* What a pending action waits for: "play", "collect", "dial", "http", ... (NULL: none). */
const char *scenario_engine_waiting(const struct scenario_engine *e);
/* Why it failed or ended ("budget", "hangup", "caller hung up", ...). */
const char *scenario_engine_reason(const struct scenario_engine *e);

/* ---- helpers shared with the host ---- */

/*
 * Number patterns: "_..." Asterisk-style (X 0-9, Z 1-9, N 2-9, [1-5a], '.' one or more
 * of anything, '!' zero or more), "PREFIX*" a prefix, anything else exact.
 */
bool scenario_pattern_match(const char *pattern, const char *number);
/* EINVAL with a sentence in err for a pattern that cannot match anything (bad class). */
int scenario_pattern_check(const char *pattern, char *err, size_t errlen);

/*
 * UTC offset in seconds of zone name ("Europe/Moscow") at Unix time t, read from the
 * system tz database (TZif files under $TZDIR or /usr/share/zoneinfo) without touching
 * the process-global TZ. ENOENT for an unknown zone, EBADMSG for a damaged file.
 */
int scenario_tz_offset(const char *zone, int64_t t, int *offset);

/* "2026-12-02T10:00:00+03:00" or "...Z" into Unix seconds; EINVAL if malformed. */
int scenario_parse_iso8601(const char *s, int64_t *t);

/* `zvonar scenario ...`: argv[0] is "scenario". Returns the exit status. */
int scenario_cli_main(int argc, char **argv);

#endif
