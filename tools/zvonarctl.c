/* zvonarctl: sends one command to a running zvonar over its control socket. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static void usage(void)
{
	fprintf(stderr, "usage: zvonarctl [-s SOCKET] COMMAND [ARGS...]\n"
			"       zvonarctl help     (lists the server's commands)\n"
			"SOCKET defaults to $ZVONAR_CTL or ./var/zvonar.ctl\n");
	exit(2);
}

static int connect_ctl(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "zvonarctl: socket path too long\n");
		exit(1);
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		fprintf(stderr, "zvonarctl: cannot reach zvonar at %s: %s\n", path, strerror(errno));
		exit(1);
	}
	return fd;
}

static void send_line(int fd, int argc, char **argv)
{
	char line[4096];
	size_t len = 0;

	for (int i = 0; i < argc; i++) {
		int n = snprintf(line + len, sizeof(line) - len, "%s%s", i ? " " : "", argv[i]);
		if (n < 0 || (size_t)n >= sizeof(line) - len - 1) {
			fprintf(stderr, "zvonarctl: command too long\n");
			exit(1);
		}
		len += (size_t)n;
	}
	line[len++] = '\n';
	if (write(fd, line, len) != (ssize_t)len) {
		fprintf(stderr, "zvonarctl: write: %s\n", strerror(errno));
		exit(1);
	}
}

/* Reply: status line "0" or "1", then text to stdout (ok) or stderr (failure). */
static int read_reply(int fd)
{
	char buf[8192];
	int status = -1;
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		char *p = buf;
		if (status < 0) {
			status = buf[0] == '0' ? 0 : 1;
			p = memchr(buf, '\n', (size_t)n);
			p = p ? p + 1 : buf + n;
		}
		fwrite(p, 1, (size_t)(buf + n - p), status ? stderr : stdout);
	}
	if (status < 0) {
		fprintf(stderr, "zvonarctl: no reply from zvonar\n");
		return 1;
	}
	return status;
}

int main(int argc, char **argv)
{
	const char *path = getenv("ZVONAR_CTL");
	int i = 1;

	if (!path || !*path)
		path = "./var/zvonar.ctl";
	if (i < argc && strcmp(argv[i], "-s") == 0) {
		if (i + 1 >= argc)
			usage();
		path = argv[i + 1];
		i += 2;
	}
	if (i >= argc || strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
		usage();
	int fd = connect_ctl(path);
	send_line(fd, argc - i, argv + i);
	shutdown(fd, SHUT_WR);
	int rc = read_reply(fd);
	close(fd);
	return rc;
}
