/* Inside the scenario module: the model, step descriptors, validation and engine internals. */
#ifndef SCENARIO_INT_H
#define SCENARIO_INT_H

#include <jansson.h>

#include "scenario/scenario.h"

struct scenario_step_desc;

struct scenario_step {
	const char *id;	 /* borrowed from root */
	json_t *obj;	 /* borrowed from root */
	const struct scenario_step_desc *desc;
};

struct scenario {
	json_t *root; /* owned */
	const char *name;
	int version;
	size_t start; /* index into steps */
	size_t nsteps;
	struct scenario_step *steps; /* owned array */
	json_t *calendars;	     /* borrowed; NULL: none */
};

/* Validation of one step: the errors land in errs with the step's id. */
struct scenario_vctx {
	struct scenario_errors *errs;
	const struct scenario *s;
	const char *step;
	json_t *obj;
};

/* Edges a step may have: "next" as a string (one exit) or as an object of named exits. */
enum scenario_edges {
	EDGES_NONE, /* terminal step */
	EDGES_ONE,  /* "next": "id" (optional: without it the call ends) */
	EDGES_MAP,  /* "next": {"name": "id", ...} */
};

enum step_outcome { STEP_WAIT, STEP_NEXT, STEP_END };

struct scenario_engine;

struct scenario_step_desc {
	const char *type;
	/* The step waits for the caller or the network's answer about the caller (a loop through it
	 * is not a busy loop). */
	bool waits;
	enum scenario_edges edges;
	const char *const *edge_names; /* EDGES_MAP: the allowed names, NULL-terminated */
	bool digit_edges;	       /* EDGES_MAP: any DTMF key (0-9 * #) is an edge name too */
	bool any_edges;		       /* EDGES_MAP: any name (webhook branches) */
	bool repeat;		       /* "repeat" is a valid target: run this step again */
	void (*validate)(struct scenario_vctx *vc);
	/* Runs the step: asks the host (STEP_WAIT), picks an edge (STEP_NEXT), or ends. */
	enum step_outcome (*run)(struct scenario_engine *e, const struct scenario_step *st);
	/* The answer to a pending host action; NULL for steps that never wait. */
	enum step_outcome (*event)(struct scenario_engine *e, const struct scenario_step *st,
				   const struct scenario_event *ev);
};

/* step_table.c */
const struct scenario_step_desc *scenario_step_desc_find(const char *type);
const char *scenario_step_types(char *buf, size_t size); /* "play, say, ..." */

/* validate.c: helpers for descriptors */
void vc_error(struct scenario_vctx *vc, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void scenario_errors_add(struct scenario_errors *errs, const char *step, const char *field,
			 const char *msg);
/* The string field, or NULL (an error when required or of another type). */
const char *vc_string(struct scenario_vctx *vc, const char *field, bool required, size_t maxlen);
/* The integer field in [min, max], or def when absent. */
int vc_int(struct scenario_vctx *vc, const char *field, int min, int max, int def);
bool vc_bool(struct scenario_vctx *vc, const char *field, bool def);
/* Fails on any member of obj not named in allowed (NULL-terminated); prefix names the path. */
void vc_known_fields(struct scenario_vctx *vc, json_t *obj, const char *prefix,
		     const char *const *allowed);
bool scenario_dtmf_key(const char *s);

/* condition.c: the condition test language, also used by validation */
void scenario_test_validate(struct scenario_vctx *vc, json_t *test, const char *path, int depth);
bool scenario_test_eval(struct scenario_engine *e, json_t *test, int depth);
/* cond_time.c */
void scenario_time_validate(struct scenario_vctx *vc, json_t *t, const char *path);
bool scenario_time_eval(struct scenario_engine *e, json_t *t);
int scenario_tz_check(const char *zone); /* 0 or ENOENT/EBADMSG/EINVAL */

/* model.c */
const struct scenario_step *scenario_step_find(const struct scenario *s, const char *id);
/* The target of edge name of a step (a string "next" answers to "next"); NULL: none. */
const char *scenario_edge(const json_t *step, const char *name);
const char *json_str(const json_t *obj, const char *field, const char *def);
int json_int(const json_t *obj, const char *field, int def);

/* engine.c: what steps use */
const struct scenario *engine_scenario(const struct scenario_engine *e);
const struct scenario_host_ops *engine_ops(const struct scenario_engine *e);
void *engine_host(const struct scenario_engine *e);
/* Follow edge name next (NULL or missing edge: the call ends). */
enum step_outcome engine_next(struct scenario_engine *e, const char *edge);
/* End the call with cause (the host is asked to hang up unless handed is true). */
enum step_outcome engine_end(struct scenario_engine *e, const char *cause, bool handed);
void engine_trace(struct scenario_engine *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void engine_wait(struct scenario_engine *e, const char *what);
/* Failures counted per step (menus and collects): reset on success. */
int *engine_retries(struct scenario_engine *e, const struct scenario_step *st);

/* vars.c */
struct scenario_vars;
struct scenario_vars *scenario_vars_new(void);
void scenario_vars_destroy(struct scenario_vars *v);
int scenario_vars_set(struct scenario_vars *v, const char *name, const char *value);
const char *scenario_vars_get(const struct scenario_vars *v, const char *name);
/* ${name} replaced by the value ("" if unset); the result is owned by the caller. */
char *scenario_vars_expand(const struct scenario_vars *v, const char *text);
/* The same with values percent-encoded when url is true (for webhook URLs). */
char *scenario_vars_expand_as(const struct scenario_vars *v, const char *text, bool url);
bool scenario_var_name_ok(const char *name);
struct scenario_vars *engine_vars(struct scenario_engine *e);
/* Expanded string field of a step, kept by the engine until the next step (never NULL). */
const char *engine_expand(struct scenario_engine *e, const char *text);
const char *engine_expand_url(struct scenario_engine *e, const char *text);

#endif
