/* English TTS normaliser: cardinals, money, dates, times, phones, percentages, abbreviations. */
#include <string.h>

#include "core/mem.h"
#include "speech/normalize.h"

static const char *const ones[] = {"zero", "one", "two", "three", "four", "five", "six", "seven",
				   "eight", "nine", "ten", "eleven", "twelve", "thirteen",
				   "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
				   "nineteen"};
static const char *const tens[] = {"", "", "twenty", "thirty", "forty", "fifty", "sixty",
				   "seventy", "eighty", "ninety"};

static void word(struct buf *b, const char *w)
{
	if (b->len && b->data[b->len - 1] != ' ' && b->data[b->len - 1] != '-')
		buf_puts(b, " ");
	buf_puts(b, w);
}

static void below_hundred(struct buf *b, unsigned n)
{
	if (n < 20) {
		word(b, ones[n]);
		return;
	}
	word(b, tens[n / 10]);
	if (n % 10) {
		buf_puts(b, "-");
		buf_puts(b, ones[n % 10]);
	}
}

static void triple(struct buf *b, unsigned n)
{
	if (n >= 100) {
		word(b, ones[n / 100]);
		word(b, "hundred");
	}
	if (n % 100)
		below_hundred(b, n % 100);
}

void normalize_en_number(struct buf *b, uint64_t n)
{
	static const char *const scale[] = {"billion", "million", "thousand"};
	static const uint64_t div[] = {1000000000ULL, 1000000ULL, 1000ULL};

	if (n == 0) {
		word(b, "zero");
		return;
	}
	for (int i = 0; i < 3; i++) {
		unsigned part = (unsigned)(n / div[i] % 1000);
		if (part) {
			triple(b, part);
			word(b, scale[i]);
		}
	}
	if (n % 1000)
		triple(b, (unsigned)(n % 1000));
}

static void digits_each(struct buf *b, const char *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (d[i] >= '0' && d[i] <= '9')
			word(b, ones[d[i] - '0']);
}

static void decimal(struct buf *b, const struct norm_num *n)
{
	normalize_en_number(b, n->ip);
	if (n->frac[0]) {
		word(b, "point");
		digits_each(b, n->frac, strlen(n->frac));
	}
}

/* "twenty-first", "thirtieth", "twelfth" */
static void ordinal(struct buf *b, unsigned n)
{
	static const char *const ord[] = {"", "first", "second", "third", "fourth", "fifth", "sixth",
					  "seventh", "eighth", "ninth", "tenth", "eleventh",
					  "twelfth", "thirteenth", "fourteenth", "fifteenth",
					  "sixteenth", "seventeenth", "eighteenth", "nineteenth"};
	static const char *const ord_tens[] = {"", "", "twentieth", "thirtieth"};

	if (n < 20) {
		word(b, ord[n]);
	} else if (n % 10 == 0) {
		word(b, ord_tens[n / 10]);
	} else {
		word(b, tens[n / 10]);
		buf_puts(b, "-");
		buf_puts(b, ord[n % 10]);
	}
}

/* 2023 "twenty twenty-three", 2005 "two thousand five", 1900 "nineteen hundred". */
static void year(struct buf *b, unsigned y)
{
	if ((y >= 2000 && y < 2010) || y % 1000 == 0) {
		normalize_en_number(b, y);
		return;
	}
	below_hundred(b, y / 100);
	if (y % 100 == 0)
		word(b, "hundred");
	else if (y % 100 < 10) {
		word(b, "oh");
		word(b, ones[y % 100]);
	} else
		below_hundred(b, y % 100);
}

static const char *const months[] = {"January", "February", "March", "April", "May", "June",
				     "July", "August", "September", "October", "November",
				     "December"};

struct en_money {
	const char *sym;
	bool before;
	const char *one, *many, *sub_one, *sub_many;
};

static const struct en_money money[] = {
    {"$", true, "dollar", "dollars", "cent", "cents"},
    {"€", true, "euro", "euros", "cent", "cents"},
    {"£", true, "pound", "pounds", "penny", "pence"},
    {"₽", true, "ruble", "rubles", "kopeck", "kopecks"},
    {"USD", false, "dollar", "dollars", "cent", "cents"},
    {"EUR", false, "euro", "euros", "cent", "cents"},
    {"RUB", false, "ruble", "rubles", "kopeck", "kopecks"},
    {"₽", false, "ruble", "rubles", "kopeck", "kopecks"},
    {"€", false, "euro", "euros", "cent", "cents"},
};

static void say_amount(struct buf *b, const struct norm_num *n, const struct en_money *m)
{
	size_t k = strlen(n->frac);
	normalize_en_number(b, n->ip);
	word(b, n->ip == 1 ? m->one : m->many);
	if (k && k <= 2) {
		unsigned c = (unsigned)(n->frac[0] - '0') * 10 + (k == 2 ? (unsigned)(n->frac[1] - '0') : 0);
		if (c) {
			word(b, "and");
			normalize_en_number(b, c);
			word(b, c == 1 ? m->sub_one : m->sub_many);
		}
	}
}

static size_t money_before(struct buf *b, const char *p, const char *end)
{
	struct norm_num n;

	for (size_t i = 0; i < sizeof(money) / sizeof(*money); i++) {
		size_t k = strlen(money[i].sym);
		if (!money[i].before || (size_t)(end - p) < k || strncmp(p, money[i].sym, k))
			continue;
		if (!norm_scan_number(p + k, end, false, &n) || n.too_big)
			return 0;
		say_amount(b, &n, &money[i]);
		return k + n.len;
	}
	return 0;
}

static const struct en_money *money_after(const char *p, const char *end, size_t *used)
{
	size_t sp = norm_spaces(p, end), k;
	for (size_t i = 0; i < sizeof(money) / sizeof(*money); i++)
		if (!money[i].before && (k = norm_match_word(p + sp, end, money[i].sym))) {
			*used = sp + k;
			return &money[i];
		}
	return NULL;
}

struct en_abbr {
	const char *text, *say;
};

static const struct en_abbr abbrs[] = {
    {"Mr.", "mister"},  {"Mrs.", "missus"},      {"Ms.", "miz"},       {"Dr.", "doctor"},
    {"St.", "street"},  {"Ave.", "avenue"},      {"e.g.", "for example"}, {"i.e.", "that is"},
    {"etc.", "et cetera"}, {"No.", "number"},    {"approx.", "approximately"}, {"vs.", "versus"},
    {"Jr.", "junior"},  {"Inc.", "incorporated"}, {"Ltd.", "limited"},  {"#", "number"},
};

static size_t say_abbr(struct buf *b, const char *p, const char *end)
{
	for (size_t i = 0; i < sizeof(abbrs) / sizeof(*abbrs); i++) {
		size_t n = norm_match_word(p, end, abbrs[i].text);
		if (n && !(abbrs[i].text[0] == '#' && (p + 1 >= end || p[1] < '0' || p[1] > '9'))) {
			word(b, abbrs[i].say);
			return n;
		}
	}
	return 0;
}

static void say_time(struct buf *b, int h, int m)
{
	normalize_en_number(b, (uint64_t)h);
	if (m == 0)
		word(b, "o'clock");
	else if (m < 10) {
		word(b, "oh");
		word(b, ones[m]);
	} else
		below_hundred(b, (unsigned)m);
}

static size_t say_number(struct buf *b, const char *p, const char *end, const struct norm_num *n)
{
	size_t used = 0, sp = norm_spaces(p + n->len, end), k;
	const struct en_money *m = money_after(p + n->len, end, &used);

	if (n->too_big) {
		digits_each(b, p, n->len);
		return n->len;
	}
	if (m) {
		say_amount(b, n, m);
		return n->len + used;
	}
	decimal(b, n);
	if ((k = norm_match_word(p + n->len, end, "%")) || (sp && (k = norm_match_word(p + n->len + sp, end, "%")))) {
		word(b, "percent");
		return n->len + (k && p[n->len] == '%' ? k : sp + k);
	}
	return n->len;
}

static size_t en_token(struct buf *b, const char *p, const char *end)
{
	struct norm_phone ph;
	struct norm_num n;
	int y, m, d;
	size_t len, k;

	if ((*p == '+' || (*p >= '0' && *p <= '9')) && norm_scan_phone(p, end, false, &ph)) {
		if (ph.plus)
			word(b, "plus");
		for (size_t i = 0; i < ph.ngroups; i++) {
			if (i)
				buf_puts(b, ",");
			digits_each(b, ph.group[i], strlen(ph.group[i]));
		}
		return ph.len;
	}
	if (norm_scan_date(p, end, false, &y, &m, &d, &len)) {
		word(b, months[m - 1]);
		ordinal(b, (unsigned)d);
		buf_puts(b, ",");
		year(b, (unsigned)y);
		return len;
	}
	if (norm_scan_time(p, end, &y, &m, &len)) {
		say_time(b, y, m);
		return len;
	}
	if (*p == '-' && p + 1 < end && p[1] >= '0' && p[1] <= '9' && norm_scan_number(p + 1, end, false, &n)) {
		word(b, "minus");
		return 1 + say_number(b, p + 1, end, &n);
	}
	if (norm_scan_number(p, end, false, &n))
		return say_number(b, p, end, &n);
	if ((k = money_before(b, p, end)))
		return k;
	return say_abbr(b, p, end);
}

char *normalize_en(const char *text)
{
	const char *p = text, *end = text + strlen(text);
	struct buf b;
	size_t k;

	buf_init(&b, 0);
	while (p < end) {
		if (norm_starts_token(text, p) && (k = en_token(&b, p, end))) {
			p += k;
			if (p < end && norm_word_char((unsigned char)*p))
				buf_puts(&b, " ");
			continue;
		}
		buf_append(&b, p, 1);
		p++;
	}
	return b.data ? b.data : xstrdup("");
}
