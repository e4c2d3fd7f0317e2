/* Text normalisation for TTS: numbers, money, dates, times, phones, percentages, abbreviations. */
#ifndef SPEECH_NORMALIZE_H
#define SPEECH_NORMALIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

#define NORM_MAX_NUMBER 999999999999ULL /* larger numbers are read digit by digit */
#define NORM_MAX_GROUPS 8

enum ru_gender { RU_MASC, RU_FEM, RU_NEUT };

/* Owned results, UTF-8. The language is "ru", "en" or "en-us"; anything else is copied. */
char *normalize_ru(const char *text);
char *normalize_en(const char *text);
char *normalize_text(const char *lang, const char *text);

void normalize_ru_number(struct buf *b, uint64_t n, enum ru_gender g);
/* 1 → 0 (рубль), 2..4 → 1 (рубля), 5.. → 2 (рублей), with 11..14 → 2. */
int normalize_ru_plural(uint64_t n);
void normalize_en_number(struct buf *b, uint64_t n);

/* Shared scanners (normalize.c) over [p, end). */
struct norm_num {
	uint64_t ip;          /* integer part */
	char frac[8];         /* decimal digits, NUL-terminated ("" when none) */
	size_t len;           /* bytes used */
	bool too_big;
};
/* Digits with thousands groups (ru: spaces, en: commas) and a decimal part. */
bool norm_scan_number(const char *p, const char *end, bool ru, struct norm_num *n);
struct norm_phone {
	char group[NORM_MAX_GROUPS][8];
	size_t ngroups, len;
	bool plus;
};
bool norm_scan_phone(const char *p, const char *end, bool ru, struct norm_phone *ph);
/* dd.mm.yyyy, dd/mm/yyyy (ru) or yyyy-mm-dd; en also mm/dd/yyyy. */
bool norm_scan_date(const char *p, const char *end, bool ru, int *y, int *m, int *d, size_t *len);
/* hh:mm[:ss], hours 0..23 */
bool norm_scan_time(const char *p, const char *end, int *h, int *m, size_t *len);
bool norm_starts_token(const char *start, const char *p);
bool norm_word_char(unsigned char c);
/* Case-insensitive ASCII/UTF-8 prefix that ends at a word boundary; length or 0. */
size_t norm_match_word(const char *p, const char *end, const char *word);
size_t norm_spaces(const char *p, const char *end);

#endif
