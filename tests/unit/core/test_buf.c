/* Buffers: growth, the hard cap, printf, consume, NUL termination. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/buf.h"

static void test_append_and_cap(void **state)
{
	struct buf b;

	buf_init(&b, 10);
	assert_int_equal(buf_puts(&b, "hello"), 0);
	assert_int_equal(b.len, 5);
	assert_string_equal(b.data, "hello");
	assert_int_equal(buf_append(&b, "world", 5), 0);
	assert_int_equal(b.len, 10);
	/* One byte over the cap fails and leaves the content alone. */
	assert_int_equal(buf_append(&b, "!", 1), EOVERFLOW);
	assert_int_equal(b.len, 10);
	assert_string_equal(b.data, "helloworld");
	assert_int_equal(buf_reserve(&b, SIZE_MAX), EOVERFLOW);
	assert_int_equal(buf_printf(&b, "%d", 1), EOVERFLOW);
	assert_true(b.cap <= 11);
	buf_free(&b);
	assert_null(b.data);
}

static void test_printf_and_grow(void **state)
{
	struct buf b;

	buf_init(&b, 0);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(buf_printf(&b, "%04d,", i), 0);
	assert_int_equal(b.len, 5000);
	assert_int_equal(memcmp(b.data + 4995, "0999,", 5), 0);
	assert_int_equal(b.data[b.len], '\0');
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	assert_int_equal(buf_append(&b, "", 0), 0);
	buf_free(&b);
}

static void test_consume(void **state)
{
	struct buf b;

	buf_init(&b, 64);
	assert_int_equal(buf_puts(&b, "INVITE\r\n\r\nBYE"), 0);
	buf_consume(&b, 10);
	assert_int_equal(b.len, 3);
	assert_string_equal(b.data, "BYE");
	/* A consumed frame frees room under the cap. */
	assert_int_equal(buf_append(&b, "0123456789012345678901234567890123456789", 40), 0);
	buf_consume(&b, 1000);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_append_and_cap),
	    cmocka_unit_test(test_printf_and_grow),
	    cmocka_unit_test(test_consume),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
