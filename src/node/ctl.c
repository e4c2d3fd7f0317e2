/* Control socket server: accept, read one line, run the command, reply, close. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/log.h"
#include "core/loop.h"
#include "core/mem.h"
#include "node/ctl.h"

struct ctl {
	struct loop *loop; /* borrowed */
	int fd;
	char *path; /* owned */
	const struct ctl_command *table;
	void *arg;
};

struct ctl_client {
	struct ctl *ctl;
	int fd;
	char line[CTL_MAX_LINE];
	size_t len;
	struct timer timeout;
};

static int split_words(char *line, char **words, int max)
{
	int n = 0;
	for (char *tok = strtok(line, " \t\r\n"); tok && n < max; tok = strtok(NULL, " \t\r\n"))
		words[n++] = tok;
	return n;
}

/* Words of name matched by words[0..n): how many, or 0 */
static int match_name(const char *name, char **words, int n)
{
	char buf[128];
	char *parts[8];
	snprintf(buf, sizeof(buf), "%s", name);
	int np = split_words(buf, parts, 8);
	if (np > n)
		return 0;
	for (int i = 0; i < np; i++)
		if (strcmp(parts[i], words[i]) != 0)
			return 0;
	return np;
}

static void help(const struct ctl *ctl, struct buf *out)
{
	for (const struct ctl_command *c = ctl->table; c->name; c++)
		buf_printf(out, "%-28s %-30s %s\n", c->name, c->usage ? c->usage : "", c->help);
}

int ctl_execute(struct ctl *ctl, char *line, struct buf *out)
{
	char *words[CTL_MAX_ARGS];
	int n = split_words(line, words, CTL_MAX_ARGS);

	if (n == 0 || strcmp(words[0], "help") == 0) {
		help(ctl, out);
		return 0;
	}
	for (const struct ctl_command *c = ctl->table; c->name; c++) {
		int used = match_name(c->name, words, n);
		if (used)
			return c->fn(ctl->arg, n - used, words + used, out);
	}
	buf_printf(out, "unknown command '%s'; try 'help'\n", words[0]);
	return 1;
}

static void client_free(void *arg)
{
	struct ctl_client *cl = arg;
	free(cl);
}

static void client_close(struct ctl_client *cl)
{
	timer_cancel(&cl->timeout);
	loop_fd_del(cl->ctl->loop, cl->fd);
	close(cl->fd);
	loop_defer(cl->ctl->loop, client_free, cl);
}

static void write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

static void client_run(struct ctl_client *cl)
{
	struct buf out;
	buf_init(&out, 0);
	cl->line[cl->len] = '\0';
	int rc = ctl_execute(cl->ctl, cl->line, &out);
	char status[4];
	snprintf(status, sizeof(status), "%d\n", rc ? 1 : 0);
	/* the reply is small and the socket blocking-on-write is fine: the peer is local */
	int fl = fcntl(cl->fd, F_GETFL);
	fcntl(cl->fd, F_SETFL, fl & ~O_NONBLOCK);
	write_all(cl->fd, status, strlen(status));
	write_all(cl->fd, out.data ? out.data : "", out.len);
	buf_free(&out);
	client_close(cl);
}

static void on_client(int fd, unsigned events, void *arg)
{
	struct ctl_client *cl = arg;
	ssize_t r = read(fd, cl->line + cl->len, sizeof(cl->line) - 1 - cl->len);

	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (r <= 0) {
		client_close(cl);
		return;
	}
	cl->len += (size_t)r;
	if (memchr(cl->line, '\n', cl->len) || cl->len == sizeof(cl->line) - 1)
		client_run(cl);
}

static void on_client_timeout(void *arg)
{
	client_close(arg);
}

static void on_accept(int fd, unsigned events, void *arg)
{
	struct ctl *ctl = arg;
	int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (cfd < 0)
		return;
	struct ctl_client *cl = xcalloc(1, sizeof(*cl));
	cl->ctl = ctl;
	cl->fd = cfd;
	timer_init(&cl->timeout);
	loop_timer_start(ctl->loop, &cl->timeout, 10000, on_client_timeout, cl);
	if (loop_fd_add(ctl->loop, cfd, LOOP_READ, on_client, cl)) {
		close(cfd);
		free(cl);
	}
}

int ctl_open(struct ctl **cp, struct loop *loop, const char *path, const struct ctl_command *table,
	     void *arg)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct ctl *ctl;
	int fd, err;

	if (strlen(path) >= sizeof(sun.sun_path))
		return ENAMETOOLONG;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	unlink(path);
	mode_t old = umask(0077); /* the socket is as powerful as root on the server */
	err = bind(fd, (struct sockaddr *)&sun, sizeof(sun)) || listen(fd, 16) ? errno : 0;
	umask(old);
	ctl = xcalloc(1, sizeof(*ctl));
	ctl->loop = loop;
	ctl->fd = fd;
	ctl->path = xstrdup(path);
	ctl->table = table;
	ctl->arg = arg;
	if (!err)
		err = loop_fd_add(loop, fd, LOOP_READ, on_accept, ctl);
	if (err) {
		close(fd);
		free(ctl->path);
		free(ctl);
		return err;
	}
	*cp = ctl;
	return 0;
}

void ctl_close(struct ctl *ctl)
{
	if (!ctl)
		return;
	loop_fd_del(ctl->loop, ctl->fd);
	close(ctl->fd);
	unlink(ctl->path);
	free(ctl->path);
	free(ctl);
}
