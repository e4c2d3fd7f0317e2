/* Russian TTS normaliser: cardinals with gender and noun agreement, money, dates, times, phones. */
#include <stdio.h>
#include <string.h>

#include "core/mem.h"
#include "speech/normalize.h"

static const char *const units_m[] = {"ноль", "один", "два", "три", "четыре", "пять", "шесть",
				      "семь", "восемь", "девять"};
static const char *const teens[] = {"десять", "одиннадцать", "двенадцать", "тринадцать",
				    "четырнадцать", "пятнадцать", "шестнадцать", "семнадцать",
				    "восемнадцать", "девятнадцать"};
static const char *const tens[] = {"", "", "двадцать", "тридцать", "сорок", "пятьдесят",
				   "шестьдесят", "семьдесят", "восемьдесят", "девяносто"};
static const char *const hundreds[] = {"", "сто", "двести", "триста", "четыреста", "пятьсот",
				       "шестьсот", "семьсот", "восемьсот", "девятьсот"};

/* A noun's three forms after numbers: 1, 2-4, 5+ (one, few, many). */
struct ru_noun {
	const char *form[3];
	enum ru_gender g;
};

static const struct ru_noun thousand = {{"тысяча", "тысячи", "тысяч"}, RU_FEM};
static const struct ru_noun million = {{"миллион", "миллиона", "миллионов"}, RU_MASC};
static const struct ru_noun billion = {{"миллиард", "миллиарда", "миллиардов"}, RU_MASC};
static const struct ru_noun rouble = {{"рубль", "рубля", "рублей"}, RU_MASC};
static const struct ru_noun kopeck = {{"копейка", "копейки", "копеек"}, RU_FEM};
static const struct ru_noun dollar = {{"доллар", "доллара", "долларов"}, RU_MASC};
static const struct ru_noun cent = {{"цент", "цента", "центов"}, RU_MASC};
static const struct ru_noun euro = {{"евро", "евро", "евро"}, RU_NEUT};
static const struct ru_noun hour = {{"час", "часа", "часов"}, RU_MASC};
static const struct ru_noun minute = {{"минута", "минуты", "минут"}, RU_FEM};

int normalize_ru_plural(uint64_t n)
{
	if (n % 100 >= 11 && n % 100 <= 14)
		return 2;
	if (n % 10 == 1)
		return 0;
	return n % 10 >= 2 && n % 10 <= 4 ? 1 : 2;
}

static void word(struct buf *b, const char *w)
{
	if (b->len && b->data[b->len - 1] != ' ')
		buf_puts(b, " ");
	buf_puts(b, w);
}

static void triple(struct buf *b, unsigned n, enum ru_gender g)
{
	if (n >= 100)
		word(b, hundreds[n / 100]);
	n %= 100;
	if (n >= 10 && n < 20) {
		word(b, teens[n - 10]);
		return;
	}
	if (n >= 20)
		word(b, tens[n / 10]);
	n %= 10;
	if (!n)
		return;
	if (n == 1 && g != RU_MASC)
		word(b, g == RU_FEM ? "одна" : "одно");
	else if (n == 2 && g == RU_FEM)
		word(b, "две");
	else
		word(b, units_m[n]);
}

void normalize_ru_number(struct buf *b, uint64_t n, enum ru_gender g)
{
	static const struct ru_noun *const scale[] = {&billion, &million, &thousand};
	static const uint64_t div[] = {1000000000ULL, 1000000ULL, 1000ULL};

	if (n == 0) {
		word(b, "ноль");
		return;
	}
	for (int i = 0; i < 3; i++) {
		unsigned part = (unsigned)(n / div[i] % 1000);
		if (!part)
			continue;
		triple(b, part, scale[i]->g);
		word(b, scale[i]->form[normalize_ru_plural(part)]);
	}
	if (n % 1000)
		triple(b, (unsigned)(n % 1000), g);
}

static void digits_each(struct buf *b, const char *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (d[i] >= '0' && d[i] <= '9')
			word(b, units_m[d[i] - '0']);
}

/* "3,5" → "три целых пять десятых"; the noun after a fraction is genitive singular (form 1). */
static int fraction(struct buf *b, const struct norm_num *n)
{
	static const struct ru_noun whole = {{"целая", "целых", "целых"}, RU_FEM};
	static const struct ru_noun parts[] = {{{"десятая", "десятых", "десятых"}, RU_FEM},
					       {{"сотая", "сотых", "сотых"}, RU_FEM},
					       {{"тысячная", "тысячных", "тысячных"}, RU_FEM}};
	size_t k = strlen(n->frac);
	uint64_t f = 0;

	normalize_ru_number(b, n->ip, RU_FEM);
	word(b, whole.form[normalize_ru_plural(n->ip)]);
	if (k > 3) {
		word(b, "и");
		digits_each(b, n->frac, k);
		return 1;
	}
	for (size_t i = 0; i < k; i++)
		f = f * 10 + (uint64_t)(n->frac[i] - '0');
	normalize_ru_number(b, f, RU_FEM);
	word(b, parts[k - 1].form[normalize_ru_plural(f) ? 1 : 0]);
	return 1;
}

/* A number agreeing with its noun; returns the noun form index used. */
static void counted(struct buf *b, uint64_t n, const struct ru_noun *noun)
{
	normalize_ru_number(b, n, noun->g);
	word(b, noun->form[normalize_ru_plural(n)]);
}

static void amount(struct buf *b, const struct norm_num *n, const struct ru_noun *main,
		   const struct ru_noun *sub)
{
	counted(b, n->ip, main);
	if (n->frac[0] && sub) {
		uint64_t c = (uint64_t)(n->frac[0] - '0') * 10 + (n->frac[1] ? (uint64_t)(n->frac[1] - '0') : 0);
		if (strlen(n->frac) <= 2 && c)
			counted(b, c, sub);
	}
}

static const char *const ord_units[] = {"", "перв", "втор", "трет", "четвёрт", "пят", "шест", "седьм",
					"восьм", "девят"};
static const char *const ord_teens[] = {"десят", "одиннадцат", "двенадцат", "тринадцат",
					"четырнадцат", "пятнадцат", "шестнадцат", "семнадцат",
					"восемнадцат", "девятнадцат"};
static const char *const ord_tens[] = {"", "", "двадцат", "тридцат", "сороков", "пятидесят",
				       "шестидесят", "семидесят", "восьмидесят", "девяност"};
static const char *const ord_hundreds[] = {"", "сот", "двухсот", "трёхсот", "четырёхсот",
					   "пятисот", "шестисот", "семисот", "восьмисот", "девятисот"};
static const char *const gen_prefix[] = {"", "", "двух", "трёх", "четырёх", "пяти", "шести",
					 "семи", "восьми", "девяти"};

static void ord_word(struct buf *b, const char *prefix, const char *stem, bool genitive)
{
	bool soft = !strcmp(stem, "трет");
	word(b, prefix);
	buf_puts(b, stem);
	buf_puts(b, genitive ? (soft ? "ьего" : "ого") : (soft ? "ье" : "ое"));
}

/* Neuter ordinal, nominative ("первое") or genitive ("двадцать третьего"), 1..9999. */
static void ordinal(struct buf *b, unsigned n, bool genitive)
{
	unsigned r = n % 100;

	if (n % 1000 == 0) {
		ord_word(b, gen_prefix[n / 1000 % 10], "тысячн", genitive);
		return;
	}
	if (r == 0) {
		if (n >= 1000)
			normalize_ru_number(b, n / 1000 * 1000, RU_MASC);
		ord_word(b, "", ord_hundreds[n % 1000 / 100], genitive);
		return;
	}
	if (n - r)
		normalize_ru_number(b, n - r, RU_MASC);
	if (r < 10)
		ord_word(b, "", ord_units[r], genitive);
	else if (r < 20)
		ord_word(b, "", ord_teens[r - 10], genitive);
	else if (r % 10 == 0)
		ord_word(b, "", ord_tens[r / 10], genitive);
	else {
		word(b, tens[r / 10]);
		ord_word(b, "", ord_units[r % 10], genitive);
	}
}

static const char *const months_gen[] = {"января", "февраля", "марта", "апреля", "мая", "июня",
					 "июля", "августа", "сентября", "октября", "ноября",
					 "декабря"};

/* The noun a number is about, if it is one we agree with (after the number). */
struct ru_suffix {
	const char *text;
	const struct ru_noun *noun; /* NULL: keep the word, only the gender matters */
	enum ru_gender g;
};

static const struct ru_noun percent = {{"процент", "процента", "процентов"}, RU_MASC};
static const struct ru_noun thousands_n = {{"тысяча", "тысячи", "тысяч"}, RU_FEM};
static const struct ru_suffix suffixes[] = {
    {"₽", &rouble, RU_MASC},       {"руб.", &rouble, RU_MASC},    {"руб", &rouble, RU_MASC},
    {"р.", &rouble, RU_MASC},      {"коп.", &kopeck, RU_FEM},     {"%", &percent, RU_MASC},
    {"$", &dollar, RU_MASC},       {"USD", &dollar, RU_MASC},     {"€", &euro, RU_NEUT},
    {"EUR", &euro, RU_NEUT},       {"тыс.", &thousands_n, RU_FEM}, {"млн", &million, RU_MASC},
    {"млрд", &billion, RU_MASC},   {"копе", NULL, RU_FEM},        {"минут", NULL, RU_FEM},
    {"секунд", NULL, RU_FEM},      {"тысяч", NULL, RU_FEM},       {"штук", NULL, RU_FEM},
    {"недел", NULL, RU_FEM},       {"книг", NULL, RU_FEM},        {"задач", NULL, RU_FEM},
};

static const struct ru_suffix *suffix_after(const char *p, const char *end, size_t *used)
{
	size_t sp = norm_spaces(p, end);
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(*suffixes); i++) {
		const struct ru_suffix *s = &suffixes[i];
		size_t n = strlen(s->text), gap = (s->text[0] == '%' ? 0 : sp);
		if (!s->noun && (size_t)(end - p) >= sp + n && !strncmp(p + sp, s->text, n)) {
			*used = 0;
			return s;
		}
		if (s->noun && (n = norm_match_word(p + gap, end, s->text))) {
			*used = gap + n;
			return s;
		}
		if (s->noun && s->text[0] == '%' && sp && (n = norm_match_word(p + sp, end, "%"))) {
			*used = sp + n;
			return s;
		}
	}
	return NULL;
}

static void say_phone(struct buf *b, const struct norm_phone *ph)
{
	if (ph->plus)
		word(b, "плюс");
	for (size_t i = 0; i < ph->ngroups; i++) {
		const char *g = ph->group[i];
		uint64_t v = 0;
		if (i)
			buf_puts(b, ",");
		if (g[0] == '0' || strlen(g) > 3) {
			digits_each(b, g, strlen(g));
			continue;
		}
		for (const char *q = g; *q; q++)
			v = v * 10 + (uint64_t)(*q - '0');
		normalize_ru_number(b, v, RU_MASC);
	}
}

static void say_date(struct buf *b, int y, int m, int d)
{
	ordinal(b, (unsigned)d, false);
	word(b, months_gen[m - 1]);
	ordinal(b, (unsigned)y, true);
	word(b, "года");
}

static void say_time(struct buf *b, int h, int m)
{
	counted(b, (uint64_t)h, &hour);
	if (m)
		counted(b, (uint64_t)m, &minute);
}

/* "1 250,50 ₽", "5%", "3 тыс. руб.", "2 копейки": the number and the noun it agrees with. */
static size_t say_number(struct buf *b, const char *p, const char *end, const struct norm_num *n)
{
	size_t used = 0, used2 = 0;
	const struct ru_suffix *s = suffix_after(p + n->len, end, &used);

	if (n->too_big) {
		digits_each(b, p, n->len);
		return n->len;
	}
	if (s && s->noun == &rouble)
		amount(b, n, &rouble, &kopeck);
	else if (s && (s->noun == &dollar))
		amount(b, n, &dollar, &cent);
	else if (s && s->noun == &euro)
		amount(b, n, &euro, &cent);
	else if (s && s->noun && n->frac[0]) {
		fraction(b, n);
		word(b, s->noun->form[1]);
	} else if (s && s->noun) {
		counted(b, n->ip, s->noun);
		const struct ru_suffix *cur = suffix_after(p + n->len + used, end, &used2);
		if ((s->noun == &thousands_n || s->noun == &million || s->noun == &billion) && cur &&
		    cur->noun && cur->noun != &percent && cur->noun != &thousands_n) {
			word(b, cur->noun->form[2]);
			used += used2;
		}
	} else if (n->frac[0]) {
		fraction(b, n);
	} else {
		normalize_ru_number(b, n->ip, s ? s->g : RU_MASC);
	}
	return n->len + used;
}

/* "$12.50", "€5": a currency sign before the number. */
static size_t say_money_prefix(struct buf *b, const char *p, const char *end)
{
	const struct ru_noun *noun = NULL;
	struct norm_num n;
	size_t k = 0;

	if (*p == '$')
		noun = &dollar, k = 1;
	else if (!strncmp(p, "€", 3) && end - p >= 3)
		noun = &euro, k = 3;
	else if (!strncmp(p, "₽", 3) && end - p >= 3)
		noun = &rouble, k = 3;
	if (!noun || !norm_scan_number(p + k, end, true, &n) || n.too_big)
		return 0;
	amount(b, &n, noun, noun == &rouble ? &kopeck : &cent);
	return k + n.len;
}

struct ru_abbr {
	const char *text, *say;
	bool before_digit; /* only before a number ("д. 5") */
};

static const struct ru_abbr abbrs[] = {
    {"т.е.", "то есть", false},     {"т. е.", "то есть", false},   {"т.д.", "так далее", false},
    {"т. д.", "так далее", false},  {"т.п.", "тому подобное", false}, {"т.к.", "так как", false},
    {"ул.", "улица", false},        {"пр-т", "проспект", false},   {"д.", "дом", true},
    {"кв.", "квартира", true},      {"тел.", "телефон", false},    {"№", "номер", false},
    {"им.", "имени", false},        {"г.", "город", false},        {"см.", "смотрите", false},
    {"др.", "другие", false},       {"руб.", "рублей", false},     {"коп.", "копеек", false},
};

static size_t say_abbr(struct buf *b, const char *p, const char *end)
{
	for (size_t i = 0; i < sizeof(abbrs) / sizeof(*abbrs); i++) {
		size_t n = norm_match_word(p, end, abbrs[i].text);
		if (!n)
			continue;
		if (abbrs[i].before_digit) {
			const char *q = p + n + norm_spaces(p + n, end);
			if (q >= end || *q < '0' || *q > '9')
				continue;
		}
		word(b, abbrs[i].say);
		return n;
	}
	return 0;
}

/* One token at p (a token start): how many bytes were read aloud into b, 0 if none. */
static size_t ru_token(struct buf *b, const char *p, const char *end)
{
	struct norm_phone ph;
	struct norm_num n;
	int y, m, d;
	size_t len, k;

	if ((*p == '+' || (*p >= '0' && *p <= '9')) && norm_scan_phone(p, end, true, &ph)) {
		say_phone(b, &ph);
		return ph.len;
	}
	if (norm_scan_date(p, end, true, &y, &m, &d, &len)) {
		say_date(b, y, m, d);
		const char *q = p + len + norm_spaces(p + len, end);
		if ((k = norm_match_word(q, end, "г.")) || (k = norm_match_word(q, end, "года")))
			len = (size_t)(q + k - p);
		return len;
	}
	if (norm_scan_time(p, end, &y, &m, &len)) {
		say_time(b, y, m);
		return len;
	}
	if (*p == '-' && p + 1 < end && p[1] >= '0' && p[1] <= '9' && norm_scan_number(p + 1, end, true, &n)) {
		word(b, "минус");
		return 1 + say_number(b, p + 1, end, &n);
	}
	if (norm_scan_number(p, end, true, &n))
		return say_number(b, p, end, &n);
	if ((k = say_money_prefix(b, p, end)))
		return k;
	return say_abbr(b, p, end);
}

char *normalize_ru(const char *text)
{
	const char *p = text, *end = text + strlen(text);
	struct buf b;
	size_t k;

	buf_init(&b, 0);
	while (p < end) {
		if (norm_starts_token(text, p) && (k = ru_token(&b, p, end))) {
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
