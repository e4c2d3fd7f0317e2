/* TTS normalisers: Russian agreement, money, dates, times, phones; English equivalents. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "speech/normalize.h"

static void check(const char *lang, const char *in, const char *want)
{
	char *got = normalize_text(lang, in);
	assert_string_equal(got, want);
	free(got);
}

static void test_ru_numbers(void **state)
{
	check("ru", "1 рубль, 2 рубля, 5 рублей", "один рубль, два рубля, пять рублей");
	check("ru", "21 копейка, 22 копейки, 11 копеек", "двадцать одна копейка, двадцать две копейки, одиннадцать копеек");
	check("ru", "Итого 1 250,50 ₽", "Итого одна тысяча двести пятьдесят рублей пятьдесят копеек");
	check("ru", "100 руб.", "сто рублей");
	check("ru", "3 тыс. руб. и 2 млн руб.", "три тысячи рублей и два миллиона рублей");
	check("ru", "$12.50 или 5 €", "двенадцать долларов пятьдесят центов или пять евро");
	check("ru", "101 USD", "сто один доллар");
	check("ru", "-4", "минус четыре");
	check("ru", "2 минуты", "две минуты");
	check("ru", "1000000", "один миллион");
	check("ru", "1234567890123456", "один два три четыре пять шесть семь восемь девять ноль один два три четыре пять шесть");
}

static void test_ru_other(void **state)
{
	check("ru", "Скидка 5% и 3,5%", "Скидка пять процентов и три целых пять десятых процента");
	check("ru", "до 31.12.2023 г.", "до тридцать первое декабря две тысячи двадцать третьего года");
	check("ru", "01.01.2000, 22.06.1941", "первое января двухтысячного года, двадцать второе июня одна тысяча девятьсот сорок первого года");
	check("ru", "в 14:30 и в 9:00", "в четырнадцать часов тридцать минут и в девять часов");
	check("ru", "в 21:01", "в двадцать один час одна минута");
	check("ru", "+7 (912) 345-67-89", "плюс семь, девятьсот двенадцать, триста сорок пять, шестьдесят семь, восемьдесят девять");
	check("ru", "8 800 555-35-35", "восемь, восемьсот, пятьсот пятьдесят пять, тридцать пять, тридцать пять");
	check("ru", "+79123456789", "плюс семь, девятьсот двенадцать, триста сорок пять, шестьдесят семь, восемьдесят девять");
	check("ru", "ул. Ленина, д. 5, кв. 12, т.е. там", "улица Ленина, дом пять, квартира двенадцать, то есть там");
	check("ru", "код 012-345-67-89", "код ноль один два, триста сорок пять, шестьдесят семь, восемьдесят девять");
}

static void test_en(void **state)
{
	check("en", "Pay $12.50 by 12/31/2023 at 9:05.",
	      "Pay twelve dollars and fifty cents by December thirty-first, twenty twenty-three at nine oh five.");
	check("en", "Call +1 555-123-4567", "Call plus one, five five five, one two three, four five six seven");
	check("en", "5% off 1,250 USD", "five percent off one thousand two hundred fifty dollars");
	check("en", "Dr. Smith, No. 7, 3.14", "doctor Smith, number seven, three point one four");
	check("en", "2005-06-01 and $1 and 10:00", "June first, two thousand five and one dollar and ten o'clock");
	check("en", "1999 or 1908", "one thousand nine hundred ninety-nine or one thousand nine hundred eight");
	check("en", "e.g. 21", "for example twenty-one");
	check("xx", "5 $", "5 $");
}

static void test_plural(void **state)
{
	assert_int_equal(normalize_ru_plural(1), 0);
	assert_int_equal(normalize_ru_plural(3), 1);
	assert_int_equal(normalize_ru_plural(11), 2);
	assert_int_equal(normalize_ru_plural(111), 2);
	assert_int_equal(normalize_ru_plural(101), 0);
	assert_int_equal(normalize_ru_plural(1000), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ru_numbers), cmocka_unit_test(test_ru_other),
	    cmocka_unit_test(test_en), cmocka_unit_test(test_plural),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
