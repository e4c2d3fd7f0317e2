/* `zvonar scenario check|simulate`: validate files, or run one with scripted inputs, no call. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scenario/scenario_int.h"

int64_t scenario_days_from_civil(int y, int m, int d);

#define MAX_INPUTS 256
#define MAX_LISTS 16

struct sim {
	const char *inputs[MAX_INPUTS];
	size_t ninputs, next;
	const char *lists[MAX_LISTS]; /* "name=item,item" */
	size_t nlists;
	int64_t now;
	int recordings;
	bool hung_up;
};

int scenario_parse_iso8601(const char *s, int64_t *t)
{
	int y, mo, d, h, mi, sec = 0, oh = 0, om = 0, n = 0;
	char sign = 'Z';

	if (sscanf(s, "%4d-%2d-%2d%*1[T ]%2d:%2d%n", &y, &mo, &d, &h, &mi, &n) != 5)
		return EINVAL;
	s += n;
	if (*s == ':' && sscanf(s, ":%2d%n", &sec, &n) == 1)
		s += n;
	if (*s == 'Z')
		s++;
	else if ((*s == '+' || *s == '-') && sscanf(s + 1, "%2d:%2d%n", &oh, &om, &n) == 2)
		sign = *s, s += n + 1;
	else
		return EINVAL;
	if (*s || y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 60 || oh > 23 || om > 59)
		return EINVAL;
	int off = (oh * 3600 + om * 60) * (sign == '-' ? -1 : 1);
	*t = scenario_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - off;
	return 0;
}

static void sim_trace(void *host, const char *step, const char *type, const char *what)
{
	printf("  %-16s %-10s %s\n", step, type, what);
}

static int sim_ok(void *host, const char *arg)
{
	return 0;
}

static int sim_say(void *host, const char *text)
{
	return ENOTSUP; /* no text-to-speech yet */
}

static int sim_collect(void *host, const struct scenario_collect *c)
{
	return 0;
}

static int sim_dial(void *host, const struct scenario_dial *d)
{
	for (size_t i = 0; i < d->ntargets; i++)
		printf("  %-16s %-10s   target %s %s\n", "", "", d->targets[i].kind ==
			       SCENARIO_TARGET_EXTENSION ? "extension" : "number", d->targets[i].value);
	return 0;
}

static int sim_record(void *host, const struct scenario_record *r)
{
	return 0;
}

static int sim_http(void *host, const struct scenario_http *r)
{
	if (r->body)
		printf("  %-16s %-10s   body %s\n", "", "", r->body);
	return 0;
}

static void sim_hangup(void *host, const char *cause)
{
	printf("= hangup (%s)\n", cause);
}

static int64_t sim_now(void *host)
{
	return ((struct sim *)host)->now;
}

static bool sim_list_contains(void *host, const char *list, const char *number)
{
	struct sim *sim = host;
	size_t n = strlen(list);

	for (size_t i = 0; i < sim->nlists; i++) {
		const char *l = sim->lists[i];
		if (strncmp(l, list, n) != 0 || l[n] != '=')
			continue;
		char *items = strdup(l + n + 1), *save = NULL;
		bool found = false;
		for (char *it = strtok_r(items, ",", &save); it && !found;
		     it = strtok_r(NULL, ",", &save))
			found = scenario_pattern_match(it, number);
		free(items);
		if (found)
			return true;
	}
	return false;
}

static const struct scenario_host_ops sim_ops = {
	.play = sim_ok,
	.say = sim_say,
	.collect = sim_collect,
	.dial = sim_dial,
	.voicemail = sim_ok,
	.record = sim_record,
	.http_request = sim_http,
	.transfer = sim_ok,
	.hangup = sim_hangup,
	.now = sim_now,
	.list_contains = sim_list_contains,
	.trace = sim_trace,
};

/* The scripted input as the event the pending action expects; EINVAL if it cannot be. */
static int input_event(const char *waiting, const char *in, struct scenario_event *ev)
{
	static const char *const dial[] = { "answered", "busy", "no_answer", "failed" };

	memset(ev, 0, sizeof(*ev));
	if (strcmp(in, "hangup") == 0) {
		ev->type = SCENARIO_EV_HANGUP;
		return 0;
	}
	if (strcmp(waiting, "collect") == 0) {
		ev->type = strcmp(in, "timeout") == 0 ? SCENARIO_EV_TIMEOUT : SCENARIO_EV_DIGITS;
		ev->value = in;
		return ev->type == SCENARIO_EV_TIMEOUT || (in[0] && strspn(in, "0123456789*#") == strlen(in))
			       ? 0 : EINVAL;
	}
	if (strcmp(waiting, "dial") == 0 && strncmp(in, "dial:", 5) == 0) {
		ev->type = SCENARIO_EV_DIAL;
		for (int i = 0; i < 4; i++)
			if (strcmp(in + 5, dial[i]) == 0) {
				ev->dial_result = (enum scenario_dial_result)i;
				return 0;
			}
		return EINVAL;
	}
	if (strcmp(waiting, "http") == 0 && strncmp(in, "http:", 5) == 0) {
		char *end;
		ev->type = SCENARIO_EV_FAILED;
		if (strcmp(in + 5, "timeout") == 0 || strcmp(in + 5, "error") == 0)
			return 0;
		ev->type = SCENARIO_EV_HTTP;
		ev->status = (int)strtol(in + 5, &end, 10);
		ev->value = *end == ':' ? end + 1 : "";
		return end > in + 5 && (*end == ':' || !*end) ? 0 : EINVAL;
	}
	return EINVAL;
}

/* Answers the pending action: from the script when it needs one, else "done". */
static int sim_answer(struct sim *sim, struct scenario_engine *e)
{
	const char *waiting = scenario_engine_waiting(e);
	struct scenario_event ev = { .type = SCENARIO_EV_DONE };
	char file[64];

	if (strcmp(waiting, "collect") && strcmp(waiting, "dial") && strcmp(waiting, "http")) {
		if (strcmp(waiting, "record") == 0) {
			snprintf(file, sizeof(file), "recording-%d.wav", ++sim->recordings);
			ev.value = file;
		}
		return scenario_engine_feed(e, &ev);
	}
	if (sim->next == sim->ninputs) {
		printf("  < no more input: the caller hangs up\n");
		ev.type = SCENARIO_EV_HANGUP;
		return scenario_engine_feed(e, &ev);
	}
	const char *in = sim->inputs[sim->next++];
	if (input_event(waiting, in, &ev)) {
		fprintf(stderr, "zvonar scenario: input '%s' does not answer %s (expected %s)\n",
			in, waiting, strcmp(waiting, "collect") == 0 ? "digits, timeout or hangup"
			: strcmp(waiting, "dial") == 0 ? "dial:answered|busy|no_answer|failed"
						       : "http:STATUS:BODY, http:timeout, http:error");
		return EINVAL;
	}
	printf("  < %s\n", in);
	return scenario_engine_feed(e, &ev);
}

static int load(const char *path, struct scenario **sp)
{
	struct scenario_errors errs;
	char line[512];

	if (scenario_load_file(sp, path, &errs) == 0)
		return 0;
	for (size_t i = 0; i < errs.n; i++) {
		scenario_error_format(&errs.e[i], line, sizeof(line));
		printf("%s: %s\n", path, line);
	}
	if (errs.truncated)
		printf("%s: (more errors not shown)\n", path);
	return EBADMSG;
}

static int cmd_check(int argc, char **argv)
{
	int status = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: zvonar scenario check FILE...\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		struct scenario *s;
		if (load(argv[i], &s)) {
			status = 1;
			continue;
		}
		printf("%s: ok (%s, version %d, %zu steps)\n", argv[i], scenario_name(s),
		       scenario_version(s), scenario_step_count(s));
		scenario_destroy(s);
	}
	return status;
}

static int sim_vars(struct scenario_engine *e, char **vars, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *eq = strchr(vars[i], '=');
		if (!eq)
			return EINVAL;
		*eq = '\0';
		int rc = scenario_engine_set_var(e, vars[i], eq + 1);
		*eq = '=';
		if (rc)
			return rc;
	}
	return 0;
}

static int sim_run(struct sim *sim, const struct scenario *s, char **vars, size_t nvars)
{
	struct scenario_engine *e;
	int rc = 0;

	scenario_engine_new(&e, s, &sim_ops, sim);
	if (sim_vars(e, vars, nvars)) {
		fprintf(stderr, "zvonar scenario: bad --var/--caller (name=value, limits)\n");
		scenario_engine_destroy(e);
		return 2;
	}
	printf("scenario %s version %d, caller %s\n", scenario_name(s), scenario_version(s),
	       scenario_engine_var(e, "caller") ? scenario_engine_var(e, "caller") : "(none)");
	scenario_engine_start(e);
	while (!rc && scenario_engine_state(e) == SCENARIO_WAITING)
		rc = sim_answer(sim, e);
	int status = rc ? 2 : scenario_engine_state(e) == SCENARIO_FAILED ? 1 : 0;
	printf("= %s: %s after %u steps\n", status ? "failed" : "ended",
	       rc ? "bad input" : scenario_engine_reason(e), scenario_engine_steps_run(e));
	if (sim->next < sim->ninputs)
		printf("= %zu input(s) not used\n", sim->ninputs - sim->next);
	scenario_engine_destroy(e);
	return status;
}

static void simulate_usage(FILE *f)
{
	fprintf(f, "usage: zvonar scenario simulate FILE [--caller N] [--callee N] [--did N]\n"
		   "         [--tenant NAME] [--at 2026-12-02T10:00:00+03:00] [--var name=value]...\n"
		   "         [--list name=number,prefix*,...]... [--input IN]...\n"
		   "  IN: digits (\"12#\"), timeout, hangup, dial:answered|busy|no_answer|failed,\n"
		   "      http:STATUS:BODY, http:timeout, http:error\n");
}

static int cmd_simulate(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "caller", 1, 0, 'c' }, { "callee", 1, 0, 'e' }, { "did", 1, 0, 'd' },
		{ "tenant", 1, 0, 't' }, { "at", 1, 0, 'a' },	  { "input", 1, 0, 'i' },
		{ "list", 1, 0, 'l' },	 { "var", 1, 0, 'v' },	  { "help", 0, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	static struct sim sim;
	char *vars[MAX_INPUTS], buf[4][128];
	size_t nvars = 0;
	int opt, status = 2;

	memset(&sim, 0, sizeof(sim));
	sim.now = (int64_t)time(NULL);
	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		const char *names = "cedt", *p = strchr(names, opt);
		if (p && opt && nvars < MAX_INPUTS) {
			static const char *const var[] = { "caller", "callee", "did", "tenant" };
			snprintf(buf[p - names], sizeof(buf[0]), "%s=%s", var[p - names], optarg);
			vars[nvars++] = buf[p - names];
		} else if (opt == 'a' && scenario_parse_iso8601(optarg, &sim.now) == 0) {
		} else if (opt == 'i' && sim.ninputs < MAX_INPUTS) {
			sim.inputs[sim.ninputs++] = optarg;
		} else if (opt == 'l' && sim.nlists < MAX_LISTS && strchr(optarg, '=')) {
			sim.lists[sim.nlists++] = optarg;
		} else if (opt == 'v' && nvars < MAX_INPUTS && strchr(optarg, '=')) {
			vars[nvars++] = optarg;
		} else {
			simulate_usage(opt == 'h' ? stdout : stderr);
			if (opt == 'a')
				fprintf(stderr, "zvonar scenario: --at wants an ISO 8601 time with zone\n");
			return opt == 'h' ? 0 : 2;
		}
	}
	if (optind != argc - 1) {
		simulate_usage(stderr);
		return 2;
	}
	struct scenario *s;
	if (load(argv[optind], &s))
		return 1;
	status = sim_run(&sim, s, vars, nvars);
	scenario_destroy(s);
	return status;
}

int scenario_cli_main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "check") == 0)
		return cmd_check(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "simulate") == 0)
		return cmd_simulate(argc - 1, argv + 1);
	fprintf(argc >= 2 && strcmp(argv[1], "help") == 0 ? stdout : stderr,
		"usage: zvonar scenario check FILE...\n"
		"       zvonar scenario simulate FILE [options] (--help for them)\n");
	return 2;
}
