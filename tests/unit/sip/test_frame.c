/* Stream framing: keep-alives, partial input, Content-Length rules and limits. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sip/msg.h"

#define HEAD                                          \
	"MESSAGE sip:b@example.com SIP/2.0\r\n"       \
	"Via: SIP/2.0/TCP h;branch=z9hG4bKf\r\n"      \
	"From: <sip:a@example.com>;tag=1\r\n"         \
	"To: <sip:b@example.com>\r\n"                 \
	"Call-ID: frame@h\r\n"                        \
	"CSeq: 1 MESSAGE\r\n"

static int frame(const char *s, size_t *skip, size_t *len)
{
	return sip_msg_frame(s, strlen(s), skip, len);
}

static void test_complete_and_pipelined(void **state)
{
	const char *one = HEAD "Content-Length: 5\r\n\r\nhello";
	char two[1024];
	size_t skip, len;

	assert_int_equal(frame(one, &skip, &len), 0);
	assert_int_equal(skip, 0);
	assert_int_equal(len, strlen(one));
	snprintf(two, sizeof(two), "\r\n\r\n%s%s", one, one);
	assert_int_equal(frame(two, &skip, &len), 0);
	assert_int_equal(skip, 4);
	assert_int_equal(len, strlen(one));

	/* the framed bytes parse as a stream message */
	struct sip_msg *msg = NULL;
	assert_int_equal(sip_msg_parse(&msg, two + skip, len, true, NULL), 0);
	assert_true(str_eq_cstr(msg->body, "hello"));
	sip_msg_free(msg);
}

static void test_partial_input(void **state)
{
	const char *one = HEAD "l: 5\r\n\r\nhello";
	size_t skip, len, n = strlen(one);

	for (size_t cut = 1; cut < n; cut++) {
		assert_int_equal(sip_msg_frame(one, cut, &skip, &len), EAGAIN);
		assert_int_equal(skip, 0);
	}
	assert_int_equal(sip_msg_frame(one, n, &skip, &len), 0);
	assert_int_equal(len, n);
}

static void test_keepalives(void **state)
{
	size_t skip, len;

	assert_int_equal(frame("\r\n\r\n", &skip, &len), EAGAIN);
	assert_int_equal(skip, 4);
	assert_int_equal(frame("\r\n\r\nOPT", &skip, &len), EAGAIN);
	assert_int_equal(skip, 4);
	assert_int_equal(frame("", &skip, &len), EAGAIN);
	assert_int_equal(skip, 0);
}

static void test_content_length_rules(void **state)
{
	size_t skip, len;

	assert_int_equal(frame(HEAD "\r\n", &skip, &len), EBADMSG);
	assert_int_equal(frame(HEAD "Content-Length: abc\r\n\r\n", &skip, &len), EBADMSG);
	assert_int_equal(frame(HEAD "Content-Length: 1 2\r\n\r\nxyz", &skip, &len), EBADMSG);
	assert_int_equal(frame(HEAD "Content-Length: 0\r\nl: 0\r\n\r\n", &skip, &len), EBADMSG);
	assert_int_equal(frame(HEAD "Content-Length: 99999999999\r\n\r\n", &skip, &len), EOVERFLOW);
	assert_int_equal(frame(HEAD "Content-Length: 65535\r\n\r\n", &skip, &len), EOVERFLOW);
	/* folded value, bare LF line ends, space before the colon */
	assert_int_equal(frame(HEAD "Content-Length  :\r\n  3\r\n\r\nabc", &skip, &len), 0);
	assert_int_equal(len, strlen(HEAD "Content-Length  :\r\n  3\r\n\r\nabc"));
	assert_int_equal(frame("OPTIONS sip:h SIP/2.0\nContent-Length: 2\n\nokNEXT", &skip, &len), 0);
	assert_int_equal(len, strlen("OPTIONS sip:h SIP/2.0\nContent-Length: 2\n\nok"));
	/* a header merely ending in the name is not a Content-Length */
	assert_int_equal(frame(HEAD "X-Content-Length: 4\r\n\r\n", &skip, &len), EBADMSG);
}

static void test_oversize_headers(void **state)
{
	size_t n = SIP_MAX_MSG + 10, skip, len;
	char *big = malloc(n);

	memset(big, 'a', n);
	memcpy(big, "INVITE sip:h SIP/2.0\r\nX: ", 25);
	assert_int_equal(sip_msg_frame(big, n, &skip, &len), EOVERFLOW);
	assert_int_equal(sip_msg_frame(big, 1000, &skip, &len), EAGAIN);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_complete_and_pipelined),
		cmocka_unit_test(test_partial_input),
		cmocka_unit_test(test_keepalives),
		cmocka_unit_test(test_content_length_rules),
		cmocka_unit_test(test_oversize_headers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
