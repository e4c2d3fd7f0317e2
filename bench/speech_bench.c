/*
 * Speech benchmark driver (bench/speech.sh builds and runs it): TTS characters per second
 * and real-time factor per engine and voice, pocketsphinx real-time factor in grammar and
 * free mode on a clip spoken by espeak, and extractive summary throughput on generated
 * Russian and English texts. Times are this thread's CPU time: one core, whatever else
 * the machine runs. Prints one "key value..." line per measurement for the script.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "speech/asr.h"
#include "speech/summary.h"
#include "speech/tts.h"

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static size_t code_points(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static const char *const en_text =
	"Thank you for calling. Your order number 4512 was shipped on March 3rd and will "
	"arrive on Friday between nine and eleven in the morning. If you would like to change "
	"the delivery address, press one. To speak with an agent, press two, or stay on the line.";
static const char *const ru_text =
	"Спасибо за звонок. Ваш заказ номер 4512 отправлен третьего марта и будет доставлен "
	"в пятницу с девяти до одиннадцати утра. Чтобы изменить адрес доставки, нажмите один. "
	"Чтобы поговорить с оператором, нажмите два или оставайтесь на линии.";

/* Synthesises text with v until at least min_cpu seconds of CPU went into it. */
static int bench_tts(const char *label, const char *text, const struct tts_voice *v,
		     unsigned rate, double min_cpu)
{
	double audio = 0, t0 = cpu_now(), cpu = 0;
	size_t chars = 0, runs = 0;
	char err[256];

	while (cpu < min_cpu || runs < 2) {
		struct audio a;
		if (tts_synth(text, v, rate, &a, err, sizeof(err))) {
			fprintf(stderr, "speech_bench: %s: %s\n", label, err);
			return 1;
		}
		audio += audio_seconds(&a);
		chars += code_points(text);
		audio_free(&a);
		runs++;
		cpu = cpu_now() - t0;
	}
	printf("tts %s %u %.0f %.4f %zu\n", label, rate, chars / cpu, cpu / audio, runs);
	return 0;
}

static int bench_asr(const struct audio *clip, double min_cpu)
{
	struct asr_grammar digits = { NULL, 0, 10 };
	struct asr_result r;
	char err[256];

	for (int mode = 0; mode < 2; mode++) {
		double t0 = cpu_now(), cpu = 0, audio = 0;
		size_t runs = 0;
		while (cpu < min_cpu || runs < 2) {
			int rc = mode ? asr_transcribe(clip, NULL, &r, err, sizeof(err))
				      : asr_recognize(clip, &digits, NULL, &r, err, sizeof(err));
			if (rc) {
				fprintf(stderr, "speech_bench: asr: %s\n", err);
				return 1;
			}
			if (!runs)
				printf("heard %s %s\n", mode ? "free" : "grammar",
				       r.text ? r.text : "");
			asr_result_free(&r);
			audio += audio_seconds(clip);
			runs++;
			cpu = cpu_now() - t0;
		}
		printf("asr %s %.2f %.4f %zu\n", mode ? "free" : "grammar", audio_seconds(clip),
		       cpu / audio, runs);
	}
	return 0;
}

/* Sentences made from word pools with a fixed generator: varied enough for TF-IDF and
 * TextRank to do their real work, the same on every run. */
static char *make_text(bool ru, size_t sentences)
{
	static const char *const en[4][6] = {
		{ "The customer", "Our agent", "The manager", "A courier", "The supplier", "The client" },
		{ "asked about", "confirmed", "cancelled", "paid for", "complained about", "moved" },
		{ "the invoice", "the delivery", "the refund", "the contract", "the warehouse order",
		  "the new tariff" },
		{ "yesterday.", "on Monday.", "after the call.", "this morning.", "twice.",
		  "without a reason." } };
	static const char *const rus[4][6] = {
		{ "Клиент", "Наш оператор", "Менеджер", "Курьер", "Поставщик", "Покупатель" },
		{ "спросил про", "подтвердил", "отменил", "оплатил", "пожаловался на", "перенёс" },
		{ "счёт", "доставку", "возврат", "договор", "заказ со склада", "новый тариф" },
		{ "вчера.", "в понедельник.", "после звонка.", "сегодня утром.", "дважды.",
		  "без объяснений." } };
	const char *const (*w)[6] = ru ? rus : en;
	unsigned long seed = 12345;
	size_t cap = sentences * 96 + 1, len = 0;
	char *out = malloc(cap);

	if (!out)
		abort();
	for (size_t i = 0; i < sentences; i++)
		for (int k = 0; k < 4; k++) {
			seed = seed * 6364136223846793005UL + 1442695040888963407UL;
			len += (size_t)snprintf(out + len, cap - len, "%s%s", w[k][(seed >> 33) % 6],
						k == 3 ? " " : " ");
		}
	out[len ? len - 1 : 0] = '\0';
	return out;
}

static int bench_summary(bool ru, size_t sentences, double min_cpu)
{
	char *text = make_text(ru, sentences);
	struct summary_opts o = { .sentences = 3 };
	double t0 = cpu_now(), cpu = 0;
	size_t runs = 0, bytes = strlen(text);

	while (cpu < min_cpu || runs < 2) {
		struct summary s;
		if (summary_text(text, &o, &s)) {
			fprintf(stderr, "speech_bench: summary failed\n");
			free(text);
			return 1;
		}
		summary_free(&s);
		runs++;
		cpu = cpu_now() - t0;
	}
	printf("summary %s %zu %zu %.1f %.0f\n", ru ? "ru" : "en", sentences, bytes, runs / cpu,
	       bytes * runs / cpu);
	free(text);
	return 0;
}

int main(int argc, char **argv)
{
	double min_cpu = argc > 1 ? atof(argv[1]) : 2.0;
	struct tts_voice es_en = { "en-us", true, 0, 0, NULL, NULL };
	struct tts_voice es_ru = { "ru", true, 0, 0, NULL, NULL };
	struct tts_voice fl_slt = { "en-us", true, 0, 0, "flite", "slt" };
	struct tts_voice fl_kal = { "en-us", false, 0, 0, "flite", "kal" };
	struct tts_voice clip_voice = { "en-us", true, 0, 0, "flite", "slt" };
	struct audio clip;
	char err[256];
	int rc = 0;

	rc |= bench_tts("espeak/en-us+f3", en_text, &es_en, 8000, min_cpu);
	rc |= bench_tts("espeak/ru+f3", ru_text, &es_ru, 8000, min_cpu);
	rc |= bench_tts("flite/slt", en_text, &fl_slt, 8000, min_cpu);
	rc |= bench_tts("flite/kal", en_text, &fl_kal, 8000, min_cpu);
	rc |= bench_tts("flite/slt", en_text, &fl_slt, 16000, min_cpu);
	/* the clip: an account number as a caller would say it, 8 kHz telephone audio (slt:
	 * the voice this model hears best) */
	if (tts_synth("four five one two seven seven three nine", &clip_voice, 8000, &clip,
		      err, sizeof(err))) {
		fprintf(stderr, "speech_bench: clip: %s\n", err);
		return 1;
	}
	rc |= bench_asr(&clip, min_cpu);
	audio_free(&clip);
	rc |= bench_summary(false, 50, min_cpu);
	rc |= bench_summary(false, 500, min_cpu);
	rc |= bench_summary(true, 50, min_cpu);
	rc |= bench_summary(true, 500, min_cpu);
	return rc;
}
