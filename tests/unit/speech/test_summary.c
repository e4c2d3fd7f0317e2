/* Extractive summaries: sentence splitting, stems, central sentences and keywords, chats. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "speech/summary.h"

static const char ru_text[] =
    "Здравствуйте, меня зовут Ольга, я звоню по поводу доставки холодильника. "
    "Доставку холодильника обещали во вторник, но курьер так и не приехал. "
    "Погода сегодня, кстати, отличная. "
    "Я ждала курьера с доставкой весь день и отпросилась с работы. "
    "Оператор извинился и перенёс доставку холодильника на четверг. "
    "За задержку доставки магазин вернёт 500 руб. на карту. "
    "Спасибо, до свидания.";

static const char en_text[] =
    "Good morning, this is Daniel from the billing team. "
    "Your invoice for March shows a double charge for the cloud storage plan. "
    "My cat likes to sleep on the keyboard. "
    "We checked the invoice and the storage charge was applied twice by mistake. "
    "The refund for the storage charge will appear on your next invoice. "
    "Is there anything else I can help with today?";

static void test_split(void **state)
{
	static const char t[] = "Цена выросла на 3.5 процента, т.е. заметно. Встреча в 10 ч. утра! "
				"Mr. Smith paid $2.50 today. See J. Brown. Really?! Yes… Done";
	struct summary_span *sp;
	size_t n = summary_split(t, strlen(t), &sp);
	char got[8][128];

	assert_int_equal(n, 7);
	for (size_t i = 0; i < n; i++)
		snprintf(got[i], sizeof(got[i]), "%.*s", (int)sp[i].len, t + sp[i].off);
	assert_string_equal(got[0], "Цена выросла на 3.5 процента, т.е. заметно.");
	assert_string_equal(got[1], "Встреча в 10 ч. утра!");
	assert_string_equal(got[2], "Mr. Smith paid $2.50 today.");
	assert_string_equal(got[3], "See J. Brown.");
	assert_string_equal(got[4], "Really?!");
	assert_string_equal(got[5], "Yes…");
	assert_string_equal(got[6], "Done");
	free(sp);
}

static void test_words(void **state)
{
	static const char t[] = "ЁЛКА и Don't-stop 42 шаг-за-шагом";
	const char *p = t, *end = t + strlen(t);
	struct buf w;

	buf_init(&w, 0);
	assert_int_equal(summary_next_word(&p, end, &w), SCRIPT_CYRILLIC);
	assert_string_equal(w.data, "ёлка");
	assert_int_equal(summary_next_word(&p, end, &w), SCRIPT_CYRILLIC);
	assert_string_equal(w.data, "и");
	assert_int_equal(summary_next_word(&p, end, &w), SCRIPT_LATIN);
	assert_string_equal(w.data, "don't-stop");
	assert_int_equal(summary_next_word(&p, end, &w), SCRIPT_CYRILLIC);
	assert_string_equal(w.data, "шаг-за-шагом");
	assert_int_equal(summary_next_word(&p, end, &w), SCRIPT_NONE);
	buf_free(&w);
	assert_true(summary_stopword("что"));
	assert_true(summary_stopword("the"));
	assert_false(summary_stopword("холодильник"));
}

static bool has_keyword(const struct summary *s, const char *stem)
{
	for (size_t i = 0; i < s->nkeyword; i++)
		if (!strcmp(s->keyword[i].stem, stem))
			return true;
	return false;
}

static void test_russian(void **state)
{
	struct summary s;
	struct summary_opts o = {.sentences = 2, .keywords = 3};

	assert_int_equal(summary_text(ru_text, &o, &s), 0);
	assert_string_equal(s.lang, "ru");
	assert_int_equal(s.total_sentences, 7);
	assert_int_equal(s.nsentence, 2);
	/* the two sentences sharing the most with the rest, in text order */
	assert_string_equal(s.sentence[0],
			    "Доставку холодильника обещали во вторник, но курьер так и не приехал.");
	assert_string_equal(s.sentence[1], "Оператор извинился и перенёс доставку холодильника на четверг.");
	assert_int_equal(s.nkeyword, 3);
	assert_string_equal(s.keyword[0].stem, "доставк");
	assert_true(has_keyword(&s, "холодильник"));
	assert_true(has_keyword(&s, "курьер"));
	summary_free(&s);
}

static void test_english(void **state)
{
	struct summary s;
	struct summary_opts o = {.sentences = 2, .keywords = 3};

	assert_int_equal(summary_text(en_text, &o, &s), 0);
	assert_string_equal(s.lang, "en");
	assert_int_equal(s.nsentence, 2);
	assert_string_equal(s.sentence[0],
			    "We checked the invoice and the storage charge was applied twice by mistake.");
	assert_string_equal(s.sentence[1], "The refund for the storage charge will appear on your next invoice.");
	assert_true(has_keyword(&s, "invoic"));
	assert_true(has_keyword(&s, "charg"));
	assert_true(has_keyword(&s, "storag"));
	for (size_t i = 0; i < s.nsentence; i++)
		assert_null(strstr(s.sentence[i], "cat"));
	summary_free(&s);
}

static void test_deterministic_and_bad(void **state)
{
	struct summary a, b;
	struct buf fa, fb;

	assert_int_equal(summary_text(en_text, NULL, &a), 0);
	assert_int_equal(summary_text(en_text, NULL, &b), 0);
	buf_init(&fa, 0);
	buf_init(&fb, 0);
	summary_format(&a, &fa);
	summary_format(&b, &fb);
	assert_string_equal(fa.data, fb.data);
	assert_int_equal(a.nsentence, 3);
	buf_free(&fa);
	buf_free(&fb);
	summary_free(&a);
	summary_free(&b);
	assert_int_equal(summary_text("bad \xc3\x28 utf", NULL, &a), EINVAL);
	assert_int_equal(summary_text("", NULL, &a), 0);
	assert_int_equal(a.nsentence, 0);
	assert_string_equal(a.lang, "none");
	summary_free(&a);
}

static void test_chat(void **state)
{
	static const char wa[] =
	    "01.03.24, 10:00 - Лена: Привет! Когда привезут новый диван?\n"
	    "01.03.24, 10:02 - Склад: Диван привезут в пятницу, доставка дивана бесплатная.\n"
	    "01.03.24, 10:03 - Лена: Отлично, в пятницу диван ждём дома.\n"
	    "01.03.24, 10:04 - Лена: <Без медиафайлов>\n"
	    "03.03.24, 19:00 - Склад: Напоминаем: оплата дивана при получении.\n";
	struct chat c;
	struct summary_chat sc;
	struct summary_opts o = {.sentences = 1, .keywords = 2};
	char err[128];

	assert_int_equal(chat_parse_whatsapp(wa, strlen(wa), &c, err, sizeof(err)), 0);
	assert_int_equal(summary_chat(&c, &o, &sc), 0);
	assert_int_equal(sc.n, 2); /* two days apart: two conversations */
	assert_int_equal(sc.conv[0].nmessages, 3);
	assert_string_equal(sc.conv[0].authors, "Лена, Склад");
	assert_string_equal(sc.conv[0].sum.sentence[0],
			    "Склад: Диван привезут в пятницу, доставка дивана бесплатная.");
	assert_string_equal(sc.conv[0].sum.keyword[0].stem, "дива");
	assert_int_equal(sc.conv[1].nmessages, 1);
	assert_string_equal(sc.conv[1].authors, "Склад");
	summary_chat_free(&sc);
	chat_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_split),   cmocka_unit_test(test_words),
	    cmocka_unit_test(test_russian), cmocka_unit_test(test_english),
	    cmocka_unit_test(test_deterministic_and_bad), cmocka_unit_test(test_chat),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
