/* Chat import: WhatsApp Android/iOS exports, Telegram JSON, and clear refusals of bad files. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "speech/chat.h"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *d = malloc((size_t)n + 1);
	assert_int_equal(fread(d, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	d[n] = '\0';
	*len = (size_t)n;
	return d;
}

static int parse_file(const char *path, struct chat *c, char *err)
{
	size_t len;
	char *d = slurp(path, &len);
	int rc = chat_parse_auto(d, len, c, err, 256);
	free(d);
	return rc;
}

static int parse_str(const char *s, struct chat *c, char *err)
{
	return chat_parse_whatsapp(s, strlen(s), c, err, 256);
}

/* 2023-12-30 21:06 as if UTC */
#define T_2023_12_30 1703894400

static void test_android_en(void **state)
{
	struct chat c;
	char err[256];

	assert_int_equal(parse_file("tests/data/chat/whatsapp_android_en.txt", &c, err), 0);
	assert_int_equal(c.n, 7);
	assert_int_equal(c.msg[0].kind, CHAT_SYSTEM);
	assert_null(c.msg[0].author);
	assert_int_equal(c.msg[1].kind, CHAT_SYSTEM);
	assert_string_equal(c.msg[2].author, "Olivia Brandt");
	assert_int_equal(c.msg[2].time, T_2023_12_30 + 21 * 3600 + 6 * 60);
	assert_false(c.msg[2].has_offset);
	assert_string_equal(c.msg[3].text,
			    "Great. I will bring the boxes and the tape.\nAlso the blankets for the piano.");
	assert_int_equal(c.msg[4].kind, CHAT_MEDIA);
	assert_string_equal(c.msg[4].text, "");
	assert_int_equal(c.msg[4].time, T_2023_12_30 + 86400 + 23 * 3600 + 59 * 60);
	assert_int_equal(c.msg[5].kind, CHAT_SYSTEM); /* deleted, still attributed */
	assert_string_equal(c.msg[5].author, "Olivia Brandt");
	/* M/D order: 1/2/24 is January 2nd */
	assert_int_equal(c.msg[6].time, T_2023_12_30 + 3 * 86400 + 7 * 3600 + 15 * 60);
	chat_free(&c);
}

static void test_ios_ru(void **state)
{
	struct chat c;
	char err[256];

	assert_int_equal(parse_file("tests/data/chat/whatsapp_ios_ru.txt", &c, err), 0);
	assert_int_equal(c.n, 6);
	assert_int_equal(c.msg[0].kind, CHAT_SYSTEM);
	assert_null(c.msg[0].author);
	assert_string_equal(c.msg[0].text, "Сообщения и звонки защищены сквозным шифрованием.");
	assert_string_equal(c.msg[1].author, "Анна Орлова");
	assert_int_equal(c.msg[1].time, 1705309960);
	assert_int_equal(c.msg[3].kind, CHAT_MEDIA);
	assert_string_equal(c.msg[3].author, "Пётр Орлов");
	assert_string_equal(c.msg[4].text, "Список покупок:\nмолоко\nхлеб\nяблоки");
	assert_int_equal(c.msg[5].kind, CHAT_MEDIA);
	chat_free(&c);
}

static void test_other_locales(void **state)
{
	struct chat c;
	char err[256];

	assert_int_equal(parse_file("tests/data/chat/whatsapp_android_ru.txt", &c, err), 0);
	assert_int_equal(c.n, 4);
	assert_int_equal(c.msg[0].time, 1704067140); /* 2023-12-31 23:59 */
	assert_int_equal(c.msg[1].kind, CHAT_TEXT);
	assert_int_equal(c.msg[2].kind, CHAT_MEDIA);
	assert_int_equal(c.msg[3].kind, CHAT_SYSTEM);
	chat_free(&c);
	assert_int_equal(parse_file("tests/data/chat/whatsapp_iso.txt", &c, err), 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.msg[1].time, 1704067230);
	chat_free(&c);
	/* narrow no-break space before PM, seconds, and D/M decided by a later line */
	assert_int_equal(parse_str("1/2/24, 9:52:10\xe2\x80\xafPM - A: x\n13/2/24, 10:00 - B: y\n", &c, err), 0);
	assert_int_equal(c.msg[0].time, 1706745600 + 21 * 3600 + 52 * 60 + 10); /* 1 Feb */
	chat_free(&c);
	/* a U+200E before the bracket of an iOS attachment line */
	assert_int_equal(parse_str("[1/2/24, 9:52:10 PM] A: x\n\xe2\x80\x8e[1/2/24, 9:53:00 PM] A: \xe2\x80\x8eimage omitted\n", &c, err), 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.msg[1].kind, CHAT_MEDIA);
	chat_free(&c);
	assert_int_equal(parse_str("23.03.22 13:31 - Jan: ahoj\n", &c, err), 0);
	assert_int_equal(c.msg[0].time, 1648042260);
	chat_free(&c);
}

static void test_refusals(void **state)
{
	struct chat c;
	char err[256];

	assert_int_equal(parse_str("hello there\n", &c, err), EBADMSG);
	assert_string_equal(err, "line 1: not a WhatsApp message line (no date and time)");
	assert_int_equal(parse_str("31.12.23, 23:59 - A: x\n31.02.23, 10:00 - A: y\n", &c, err), EBADMSG);
	assert_string_equal(err, "line 2: invalid date");
	assert_int_equal(parse_str("13/12/23, 1:00 - A: x\n12/13/23, 1:00 - A: y\n", &c, err), EBADMSG);
	assert_non_null(strstr(err, "order"));
	assert_int_equal(parse_str("1/1/23, 1:00 - A: \xff\n", &c, err), EBADMSG);
	assert_string_equal(err, "line 1: invalid UTF-8");
	assert_int_equal(parse_str("\n\n", &c, err), EBADMSG);
	assert_int_equal(c.n, 0);
}

static void test_telegram(void **state)
{
	struct chat c;
	char err[256];

	assert_int_equal(parse_file("tests/data/chat/telegram_result.json", &c, err), 0);
	assert_string_equal(c.name, "Support desk");
	assert_int_equal(c.n, 5);
	assert_int_equal(c.msg[0].kind, CHAT_SYSTEM);
	assert_string_equal(c.msg[0].text, "Vera Lind: create_group");
	assert_int_equal(c.msg[1].time, 1709280300);
	assert_true(c.msg[1].has_offset);
	assert_int_equal(c.msg[1].offset_min, 120);
	assert_string_equal(c.msg[2].text, "Thanks @vera, see the portal.");
	assert_int_equal(c.msg[3].kind, CHAT_MEDIA);
	assert_string_equal(c.msg[4].author, "");
	assert_string_equal(c.msg[4].text, "bell\a rang");
	chat_free(&c);
}

static int parse_tg(const char *s, struct chat *c, char *err)
{
	return chat_parse_telegram(s, strlen(s), c, err, 256);
}

static void test_telegram_refusals(void **state)
{
	struct chat c;
	char err[256];

	assert_int_equal(parse_tg("{\"messages\": 3}", &c, err), EBADMSG);
	assert_non_null(strstr(err, "messages"));
	assert_int_equal(parse_tg("{\"messages\": [", &c, err), EBADMSG);
	assert_non_null(strstr(err, "invalid JSON"));
	assert_int_equal(parse_tg("{\"messages\": [{\"type\":\"message\",\"date_unixtime\":\"1\",\"text\":\"a\"},"
				  "{\"type\":\"message\",\"text\":\"b\"}]}", &c, err), EBADMSG);
	assert_string_equal(err, "message 1: no valid \"date\" or \"date_unixtime\"");
	assert_int_equal(parse_tg("{\"messages\": [{\"type\":\"message\",\"date_unixtime\":\"1\",\"text\":[1]}]}",
				  &c, err), EBADMSG);
	assert_string_equal(err, "message 0: \"text\" is neither a string nor parts");
	assert_int_equal(c.n, 0);
}

/* The LLM's form: text messages only, one line each, the newest that fit under the cap. */
static void test_lines(void **state)
{
	struct chat c;
	struct buf out;
	char err[256];
	size_t left;

	assert_int_equal(parse_file("tests/data/chat/whatsapp_android_en.txt", &c, err), 0);
	buf_init(&out, 0);
	assert_int_equal(chat_lines(&c, 100000, &out, &left), 3);
	assert_int_equal(left, 0);
	assert_string_equal(out.data,
			    "Olivia Brandt: The van is booked for Saturday at nine in the morning.\n"
			    "Marcus Lee: Great. I will bring the boxes and the tape. Also the blankets for the piano.\n"
			    "Olivia Brandt: Happy new year! The movers need the elevator key before nine.\n");
	/* room for the last two lines only: the oldest is left out */
	buf_reset(&out);
	assert_int_equal(chat_lines(&c, 180, &out, &left), 2);
	assert_int_equal(left, 1);
	assert_true(out.len <= 180);
	assert_non_null(strstr(out.data, "Marcus Lee: Great."));
	assert_null(strstr(out.data, "The van"));
	/* a cap below the newest line: that line cut, whole characters, within the cap */
	buf_reset(&out);
	assert_int_equal(chat_lines(&c, 40, &out, &left), 1);
	assert_int_equal(left, 2);
	assert_string_equal(out.data, "Olivia Brandt: Happy new year! The move\n");
	buf_free(&out);
	chat_free(&c);

	assert_int_equal(parse_str("1/1/24, 10:00 - Аня: Привет, как дела?\n", &c, err), 0);
	buf_init(&out, 0);
	assert_int_equal(chat_lines(&c, 20, &out, &left), 1);
	assert_true(chat_utf8_valid(out.data, out.len) && out.len <= 20);
	buf_free(&out);
	chat_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_android_en),      cmocka_unit_test(test_ios_ru),
	    cmocka_unit_test(test_other_locales),   cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_telegram),        cmocka_unit_test(test_telegram_refusals),
	    cmocka_unit_test(test_lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
