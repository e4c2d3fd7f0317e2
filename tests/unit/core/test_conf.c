/* Configuration: defaults, file parsing, errors naming file:line and key, -o pairs, bounds. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/conf.h"

struct cfg {
	char *name;
	char *greeting;
	int port;
	int offset;
	bool verbose;
};

static const struct conf_def table[] = {
    {"name", CONF_STR, offsetof(struct cfg, name), "zvonar", 0, 0, "node name"},
    {"greeting", CONF_STR, offsetof(struct cfg, greeting), NULL, 0, 0, "banner"},
    {"port", CONF_INT, offsetof(struct cfg, port), "5060", 1, 65535, "SIP port"},
    {"offset", CONF_INT, offsetof(struct cfg, offset), "-5", -10, 10, "signed"},
    {"verbose", CONF_BOOL, offsetof(struct cfg, verbose), "no", 0, 0, "chatty"},
    {NULL, 0, 0, NULL, 0, 0, NULL},
};

static char path[64];

static void write_file(const char *text)
{
	snprintf(path, sizeof(path), "/tmp/zvonar-test-conf-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void test_defaults(void **state)
{
	struct cfg c;

	conf_defaults(table, &c);
	assert_string_equal(c.name, "zvonar");
	assert_null(c.greeting);
	assert_int_equal(c.port, 5060);
	assert_int_equal(c.offset, -5);
	assert_false(c.verbose);
	conf_free(table, &c);
	assert_null(c.name);
}

static void test_file(void **state)
{
	struct cfg c;
	char err[256] = "";

	write_file("# a comment\n\n  name   edge one  \r\nport 5070\nverbose on\n"
		   "   # indented comment\ngreeting\noffset -10\n");
	conf_defaults(table, &c);
	assert_int_equal(conf_load_file(table, &c, path, err, sizeof(err)), 0);
	unlink(path);
	assert_string_equal(c.name, "edge one");
	assert_string_equal(c.greeting, "");
	assert_int_equal(c.port, 5070);
	assert_int_equal(c.offset, -10);
	assert_true(c.verbose);

	char *out = NULL;
	size_t outlen = 0;
	FILE *f = open_memstream(&out, &outlen);
	conf_dump(table, &c, f);
	fclose(f);
	assert_string_equal(out, "name edge one\ngreeting\nport 5070\noffset -10\nverbose yes\n");
	free(out);
	conf_free(table, &c);
}

static void test_file_errors(void **state)
{
	struct cfg c;
	char err[256];
	char want[128];

	conf_defaults(table, &c);
	write_file("port 5080\n# fine\nport 70000\n");
	assert_int_equal(conf_load_file(table, &c, path, err, sizeof(err)), EINVAL);
	snprintf(want, sizeof(want), "%s:3: port", path);
	assert_non_null(strstr(err, want));
	assert_int_equal(c.port, 5080);
	unlink(path);

	write_file("name x\nnosuchkey 1\n");
	assert_int_equal(conf_load_file(table, &c, path, err, sizeof(err)), ENOENT);
	snprintf(want, sizeof(want), "%s:2:", path);
	assert_non_null(strstr(err, want));
	assert_non_null(strstr(err, "nosuchkey"));
	unlink(path);

	write_file("verbose maybe\n");
	assert_int_equal(conf_load_file(table, &c, path, err, sizeof(err)), EINVAL);
	assert_non_null(strstr(err, ":1: verbose"));
	unlink(path);

	assert_int_equal(conf_load_file(table, &c, "/nonexistent/zvonar.conf", err, sizeof(err)),
			 ENOENT);
	assert_non_null(strstr(err, "/nonexistent/zvonar.conf"));
	conf_free(table, &c);
}

static void test_pairs_and_bounds(void **state)
{
	struct cfg c;
	char err[256];

	conf_defaults(table, &c);
	assert_int_equal(conf_set_pair(table, &c, "port=1", err, sizeof(err)), 0);
	assert_int_equal(c.port, 1);
	assert_int_equal(conf_set_pair(table, &c, "port = 65535", err, sizeof(err)), 0);
	assert_int_equal(c.port, 65535);
	assert_int_equal(conf_set_pair(table, &c, "port=0", err, sizeof(err)), EINVAL);
	assert_int_equal(conf_set_pair(table, &c, "port=65536", err, sizeof(err)), EINVAL);
	assert_int_equal(conf_set_pair(table, &c, "port=99999999999999999999", err, sizeof(err)),
			 EINVAL);
	assert_int_equal(conf_set_pair(table, &c, "port=12x", err, sizeof(err)), EINVAL);
	assert_int_equal(conf_set_pair(table, &c, "port=", err, sizeof(err)), EINVAL);
	assert_int_equal(c.port, 65535);
	assert_int_equal(conf_set_pair(table, &c, "offset=-11", err, sizeof(err)), EINVAL);
	assert_int_equal(conf_set_pair(table, &c, "name=a=b", err, sizeof(err)), 0);
	assert_string_equal(c.name, "a=b");
	assert_int_equal(conf_set_pair(table, &c, "name", err, sizeof(err)), EINVAL);
	assert_int_equal(conf_set_pair(table, &c, "bogus=1", err, sizeof(err)), ENOENT);
	for (const char *const *v = (const char *const[]){"yes", "TRUE", "on", "1", NULL}; *v;
	     v++) {
		assert_int_equal(conf_set(table, &c, "verbose", "no", err, sizeof(err)), 0);
		assert_int_equal(conf_set(table, &c, "verbose", *v, err, sizeof(err)), 0);
		assert_true(c.verbose);
	}
	assert_int_equal(conf_set(table, &c, "verbose", "off", err, sizeof(err)), 0);
	assert_false(c.verbose);
	assert_int_equal(conf_set(table, &c, "verbose", "0", err, sizeof(err)), 0);
	assert_false(c.verbose);
	conf_free(table, &c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_file),
	    cmocka_unit_test(test_file_errors),
	    cmocka_unit_test(test_pairs_and_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
