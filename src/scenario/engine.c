/* The per-call engine: a state machine stepping through the graph, driven by host events. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/mem.h"
#include "scenario/scenario_int.h"

#define SCRATCH_MAX (SCENARIO_MAX_TARGETS + 16)

struct scenario_engine {
	const struct scenario *s;	    /* borrowed */
	const struct scenario_host_ops *ops; /* borrowed */
	void *host;			    /* borrowed */
	struct scenario_vars *vars;	    /* owned */
	enum scenario_state state;
	size_t cur;	     /* the step being run or waited on */
	const char *waiting; /* static string: what the pending action is */
	const char *reason;  /* static string */
	unsigned steps_run;
	int *retries;		     /* owned, one per step */
	char *scratch[SCRATCH_MAX]; /* owned: expanded strings of the current step */
	size_t nscratch;
	bool inside; /* a step is running: a host feeding from inside an operation is refused */
};

/* Which events answer which pending action (FAILED and HANGUP answer any). */
static const struct {
	const char *what;
	enum scenario_event_type a, b;
} answers[] = {
	{ "play", SCENARIO_EV_DONE, SCENARIO_EV_DONE },
	{ "say", SCENARIO_EV_DONE, SCENARIO_EV_DONE },
	{ "voicemail", SCENARIO_EV_DONE, SCENARIO_EV_DONE },
	{ "record", SCENARIO_EV_DONE, SCENARIO_EV_DONE },
	{ "transfer", SCENARIO_EV_DONE, SCENARIO_EV_DONE },
	{ "collect", SCENARIO_EV_DIGITS, SCENARIO_EV_TIMEOUT },
	{ "dial", SCENARIO_EV_DIAL, SCENARIO_EV_DIAL },
	{ "http", SCENARIO_EV_HTTP, SCENARIO_EV_HTTP },
};

int scenario_engine_new(struct scenario_engine **ep, const struct scenario *s,
			const struct scenario_host_ops *ops, void *host)
{
	if (!s || !ops || !ops->hangup)
		return EINVAL;
	struct scenario_engine *e = xcalloc(1, sizeof(*e));
	e->s = s;
	e->ops = ops;
	e->host = host;
	e->vars = scenario_vars_new();
	e->retries = xcalloc(s->nsteps, sizeof(int));
	e->cur = s->start;
	*ep = e;
	return 0;
}

static void scratch_clear(struct scenario_engine *e)
{
	for (size_t i = 0; i < e->nscratch; i++)
		free(e->scratch[i]);
	e->nscratch = 0;
}

void scenario_engine_destroy(struct scenario_engine *e)
{
	if (!e)
		return;
	scratch_clear(e);
	scenario_vars_destroy(e->vars);
	free(e->retries);
	free(e);
}

int scenario_engine_set_var(struct scenario_engine *e, const char *name, const char *value)
{
	return scenario_vars_set(e->vars, name, value ? value : "");
}

const char *scenario_engine_var(const struct scenario_engine *e, const char *name)
{
	return scenario_vars_get(e->vars, name);
}

enum scenario_state scenario_engine_state(const struct scenario_engine *e)
{
	return e->state;
}

const char *scenario_engine_step(const struct scenario_engine *e)
{
	return e->state == SCENARIO_WAITING || e->state == SCENARIO_IDLE ? e->s->steps[e->cur].id
									  : NULL;
}

unsigned scenario_engine_steps_run(const struct scenario_engine *e)
{
	return e->steps_run;
}

const char *scenario_engine_waiting(const struct scenario_engine *e)
{
	return e->state == SCENARIO_WAITING ? e->waiting : NULL;
}

const char *scenario_engine_reason(const struct scenario_engine *e)
{
	return e->reason;
}

const struct scenario *engine_scenario(const struct scenario_engine *e)
{
	return e->s;
}

const struct scenario_host_ops *engine_ops(const struct scenario_engine *e)
{
	return e->ops;
}

void *engine_host(const struct scenario_engine *e)
{
	return e->host;
}

struct scenario_vars *engine_vars(struct scenario_engine *e)
{
	return e->vars;
}

int *engine_retries(struct scenario_engine *e, const struct scenario_step *st)
{
	return &e->retries[st - e->s->steps];
}

static const char *expand(struct scenario_engine *e, const char *text, bool url)
{
	if (!text)
		return "";
	if (e->nscratch == SCRATCH_MAX) /* a step expands only a few fields: keep the last ones */
		free(e->scratch[--e->nscratch]);
	char *out = scenario_vars_expand_as(e->vars, text, url);
	e->scratch[e->nscratch++] = out;
	return out;
}

const char *engine_expand(struct scenario_engine *e, const char *text)
{
	return expand(e, text, false);
}

const char *engine_expand_url(struct scenario_engine *e, const char *text)
{
	return expand(e, text, true);
}

void engine_trace(struct scenario_engine *e, const char *fmt, ...)
{
	const struct scenario_step *st = &e->s->steps[e->cur];
	char line[512];
	va_list ap;

	if (!e->ops->trace)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	e->ops->trace(e->host, st->id, st->desc->type, line);
}

void engine_wait(struct scenario_engine *e, const char *what)
{
	e->waiting = what;
}

enum step_outcome engine_end(struct scenario_engine *e, const char *cause, bool handed)
{
	e->state = SCENARIO_ENDED;
	e->reason = handed ? "handed off" : cause;
	if (!handed)
		e->ops->hangup(e->host, cause);
	return STEP_END;
}

enum step_outcome engine_next(struct scenario_engine *e, const char *edge)
{
	const char *to = edge ? scenario_edge(e->s->steps[e->cur].obj, edge) : NULL;

	if (!to)
		return engine_end(e, "normal", false);
	if (strcmp(to, "repeat") != 0) {
		const struct scenario_step *t = scenario_step_find(e->s, to);
		if (!t) /* validation makes this impossible */
			return engine_end(e, "error", false);
		e->cur = (size_t)(t - e->s->steps);
	}
	return STEP_NEXT;
}

/* Runs steps while each picks the next at once; stops at a wait or the end. */
static void advance(struct scenario_engine *e, enum step_outcome o)
{
	e->inside = true;
	while (o == STEP_NEXT) {
		const struct scenario_step *st = &e->s->steps[e->cur];
		scratch_clear(e);
		if (++e->steps_run > SCENARIO_STEP_BUDGET) {
			engine_trace(e, "step budget of %d exhausted", SCENARIO_STEP_BUDGET);
			e->state = SCENARIO_FAILED;
			e->reason = "budget";
			e->ops->hangup(e->host, "error");
			break;
		}
		e->waiting = NULL;
		o = st->desc->run(e, st);
	}
	if (o == STEP_WAIT)
		e->state = SCENARIO_WAITING;
	e->inside = false;
}

int scenario_engine_start(struct scenario_engine *e)
{
	if (e->state != SCENARIO_IDLE)
		return EPROTO;
	e->state = SCENARIO_WAITING; /* anything but IDLE while the first steps run */
	advance(e, STEP_NEXT);
	return 0;
}

static bool answers_pending(const struct scenario_engine *e, enum scenario_event_type t)
{
	if (t == SCENARIO_EV_FAILED)
		return true;
	for (size_t i = 0; i < sizeof(answers) / sizeof(answers[0]); i++)
		if (e->waiting && strcmp(answers[i].what, e->waiting) == 0)
			return t == answers[i].a || t == answers[i].b;
	return false;
}

int scenario_engine_feed(struct scenario_engine *e, const struct scenario_event *ev)
{
	if (e->state != SCENARIO_WAITING || e->inside)
		return EPROTO;
	if (ev->type == SCENARIO_EV_HANGUP) {
		engine_trace(e, "caller hung up");
		e->state = SCENARIO_ENDED;
		e->reason = "caller hung up";
		scratch_clear(e);
		return 0;
	}
	if (!answers_pending(e, ev->type))
		return EPROTO;
	const struct scenario_step *st = &e->s->steps[e->cur];
	e->inside = true; /* the step's event handler may ask the host again */
	enum step_outcome o = st->desc->event(e, st, ev);
	advance(e, o);
	return 0;
}
