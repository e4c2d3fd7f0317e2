/*
 * The control socket behind zvonarctl: a unix stream socket on the control
 * loop. A client sends one command line; the reply is a status line ("0" or
 * "1") followed by text, then the server closes the connection.
 */
#ifndef NODE_CTL_H
#define NODE_CTL_H

#include "core/buf.h"

struct loop;
struct ctl;

enum { CTL_MAX_ARGS = 16, CTL_MAX_LINE = 4096 };

/* argv[0..argc) are the words after the command name; 0 or non-zero (out says why). */
typedef int(ctl_cmd_fn)(void *arg, int argc, char **argv, struct buf *out);

struct ctl_command {
	const char *name;  /* one or more words: "show registrations" */
	const char *usage; /* arguments, e.g. "<tenant> <number> <password>" */
	const char *help;
	ctl_cmd_fn *fn;
};

/* table ends with a NULL name; arg is passed to every command. */
int ctl_open(struct ctl **cp, struct loop *loop, const char *path, const struct ctl_command *table,
	     void *arg);
void ctl_close(struct ctl *ctl);
/* Runs one command line as if it came from the socket (tests, -x). */
int ctl_execute(struct ctl *ctl, char *line, struct buf *out);

#endif
