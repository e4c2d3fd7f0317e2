/* "zvonar speech say|recognize|transcribe|summarize|chat-import": the library behind a CLI. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/mem.h"
#include "speech/speech.h"
#include "speech/speech_cli.h"

#define MAX_INPUT (64u << 20)

struct cli {
	struct speech_config cfg;
	const struct speech_backend *backend;
	struct tts_voice voice;
	unsigned rate;
	const char *out, *grammar;
	struct summary_opts sum;
	bool summary, json;
};

static void help(FILE *f)
{
	fprintf(f,
		"usage: zvonar speech COMMAND [options] ARGS\n"
		"  say -o OUT.wav [-l ru|en|en-us] [-f|-m] [-r 8000|16000] [-w WPM] [-C CACHE] TEXT...\n"
		"      [-e espeak|flite] [-v kal|kal16|slt|rms|awb] (flite: English voices)\n"
		"  recognize [-g yesno|digits[:N]|PHRASE,PHRASE|ALT,...] FILE.wav\n"
		"  transcribe FILE.wav\n"
		"  summarize [-n SENTENCES] [-k KEYWORDS] FILE|-\n"
		"  chat-import [-s] [-n SENTENCES] EXPORT.txt|result.json\n"
		"common: -b offline|openai|yandex, -B BASE_URL, -M MODEL, -L LANG, -T TIMEOUT_MS,\n"
		"        -R RETRIES, -F FOLDER_ID and -V VOICE (yandex)\n"
		"        (the API key comes from $ZVONAR_SPEECH_API_KEY)\n"
		"results are JSON on stdout, each with the operation's usage record\n");
}

bool speech_cli_wants(int argc, char **argv)
{
	return argc > 1 && !strcmp(argv[1], "speech");
}

/* Prints the reason; 1 for a failed operation (callers add 1 for a usage error). */
static int fail(const char *what, int rc)
{
	fprintf(stderr, "zvonar speech: %s%s\n", what, rc == ETIMEDOUT ? " (timed out)" : "");
	return 1;
}

static char *read_all(const char *path, size_t *len, char *err, size_t errlen)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	struct buf b;
	char chunk[65536];
	size_t n;
	bool big = false;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	buf_init(&b, MAX_INPUT);
	while (!big && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		big = buf_append(&b, chunk, n) != 0;
	if (f != stdin)
		fclose(f);
	if (big) {
		snprintf(err, errlen, "%s: larger than %u bytes", path, MAX_INPUT);
		buf_free(&b);
		return NULL;
	}
	*len = b.len;
	return b.data ? b.data : xstrdup("");
}

static json_t *usage_json(const struct speech_usage *u)
{
	struct buf b;
	buf_init(&b, 0);
	speech_usage_json(u, &b);
	json_t *j = json_loads(b.data, 0, NULL);
	buf_free(&b);
	return j;
}

static int emit(json_t *j)
{
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_REAL_PRECISION(6));
	puts(s ? s : "null");
	free(s);
	json_decref(j);
	return 0;
}

static json_t *result_json(const struct asr_result *r, const struct speech_usage *u)
{
	json_t *words = json_array();
	for (size_t i = 0; i < r->nwords; i++)
		json_array_append_new(words, json_pack("{s:s,s:f,s:f,s:f}", "word", r->words[i].word,
						       "start", r->words[i].start, "end",
						       r->words[i].end, "confidence",
						       r->words[i].confidence));
	json_t *j = json_pack("{s:s,s:f,s:f,s:o,s:o}", "text", r->text ? r->text : "", "confidence",
			      r->confidence, "seconds", r->seconds, "words", words, "usage",
			      usage_json(u));
	if (r->intent >= 0)
		json_object_set_new(j, "intent", json_integer(r->intent));
	else
		json_object_set_new(j, "intent", json_null());
	if (r->digits[0])
		json_object_set_new(j, "digits", json_string(r->digits));
	return j;
}

static int cmd_say(struct cli *c, int argc, char **argv)
{
	struct buf text;
	struct speech_usage u;
	char err[512] = "";

	if (!c->out || argc < 1)
		return fail("say needs -o OUT.wav and a text", EINVAL) + 1;
	buf_init(&text, 0);
	for (int i = 0; i < argc; i++)
		buf_printf(&text, "%s%s", i ? " " : "", argv[i]);
	struct speech_tts_req req = {text.data, c->voice, c->rate, c->out};
	int rc = speech_synthesize(c->backend, &c->cfg, &req, &u, err, sizeof(err));
	buf_free(&text);
	if (rc)
		return fail(err, rc);
	return emit(json_pack("{s:s,s:i,s:o}", "file", c->out, "rate", (int)c->rate, "usage", usage_json(&u)));
}

/* "yesno", "digits", "digits:4", or comma-separated phrases with '|' alternatives. */
static int parse_grammar(const char *spec, struct asr_grammar *g, char ***owned)
{
	memset(g, 0, sizeof(*g));
	*owned = NULL;
	if (!spec || !strcmp(spec, "yesno")) {
		*g = asr_yes_no;
		return 0;
	}
	if (!strncmp(spec, "digits", 6)) {
		g->max_digits = spec[6] == ':' ? (unsigned)atoi(spec + 7) : 10;
		return g->max_digits ? 0 : EINVAL;
	}
	char **ph = xcalloc(ASR_MAX_PHRASES + 1, sizeof(char *));
	size_t n = 0;
	for (const char *p = spec; *p && n < ASR_MAX_PHRASES + 1;) {
		size_t k = strcspn(p, ",");
		ph[n++] = xstrndup(p, k);
		p += k + (p[k] == ',');
	}
	g->phrases = (const char *const *)ph;
	g->nphrases = n;
	*owned = ph;
	return 0;
}

static int cmd_listen(struct cli *c, int argc, char **argv, bool grammar)
{
	struct asr_result r;
	struct speech_usage u;
	struct asr_grammar g;
	char err[512] = "", **owned = NULL;
	int rc;

	if (argc != 1)
		return fail("one audio file expected", EINVAL) + 1;
	if (grammar && parse_grammar(c->grammar, &g, &owned))
		return fail("bad grammar", EINVAL) + 1;
	rc = grammar ? speech_recognize(c->backend, &c->cfg, argv[0], &g, &r, &u, err, sizeof(err))
		     : speech_transcribe_file(c->backend, &c->cfg, argv[0], &r, &u, err, sizeof(err));
	for (size_t i = 0; owned && owned[i]; i++)
		free(owned[i]);
	free(owned);
	if (rc)
		return fail(err, rc);
	emit(result_json(&r, &u));
	asr_result_free(&r);
	return 0;
}

static int cmd_summarize(struct cli *c, int argc, char **argv)
{
	struct speech_usage u;
	char err[512] = "", *text, *out;
	size_t len;
	int rc;

	if (argc != 1)
		return fail("one file (or -) expected", EINVAL) + 1;
	if (!(text = read_all(argv[0], &len, err, sizeof(err))))
		return fail(err, EIO);
	if (strlen(text) != len) {
		free(text);
		return fail("the text contains NUL bytes", EINVAL);
	}
	rc = speech_summarize(c->backend, &c->cfg, text, &c->sum, &out, &u, err, sizeof(err));
	free(text);
	if (rc)
		return fail(err, rc);
	emit(json_pack("{s:s,s:o}", "summary", out, "usage", usage_json(&u)));
	free(out);
	return 0;
}

static json_t *message_json(const struct chat_msg *m)
{
	json_t *j = json_pack("{s:s?,s:I,s:s,s:s}", "author", m->author, "time", (json_int_t)m->time,
			      "kind", chat_kind_name(m->kind), "text", m->text);
	if (m->has_offset)
		json_object_set_new(j, "offset_min", json_integer(m->offset_min));
	return j;
}

static json_t *summary_json(const struct summary *s)
{
	json_t *sent = json_array(), *kw = json_array();
	for (size_t i = 0; i < s->nsentence; i++)
		json_array_append_new(sent, json_string(s->sentence[i]));
	for (size_t i = 0; i < s->nkeyword; i++)
		json_array_append_new(kw, json_pack("{s:s,s:s}", "stem", s->keyword[i].stem, "word",
						    s->keyword[i].word));
	return json_pack("{s:o,s:o,s:s}", "sentences", sent, "keywords", kw, "lang", s->lang);
}

static json_t *chat_summary_json(const struct chat *ch, const struct summary_opts *o)
{
	struct summary_chat sc;
	json_t *convs = json_array();

	summary_chat(ch, o, &sc);
	for (size_t i = 0; i < sc.n; i++) {
		const struct summary_conv *cv = &sc.conv[i];
		json_array_append_new(convs, json_pack("{s:I,s:I,s:i,s:s,s:o}", "start", (json_int_t)cv->start,
						       "end", (json_int_t)cv->end, "messages",
						       (int)cv->nmessages, "authors", cv->authors,
						       "summary", summary_json(&cv->sum)));
	}
	struct speech_usage u = {.backend = "offline", .op = "summarize", .summaries = (unsigned)sc.n};
	summary_chat_free(&sc);
	return json_pack("{s:o,s:o}", "conversations", convs, "usage", usage_json(&u));
}

static int cmd_chat(struct cli *c, int argc, char **argv)
{
	struct chat ch;
	char err[512] = "", *data;
	size_t len;
	int rc;

	if (argc != 1)
		return fail("one chat export expected", EINVAL) + 1;
	if (!(data = read_all(argv[0], &len, err, sizeof(err))))
		return fail(err, EIO);
	rc = chat_parse_auto(data, len, &ch, err, sizeof(err));
	free(data);
	if (rc) {
		char msg[700];
		snprintf(msg, sizeof(msg), "%s: %s", argv[0], err);
		return fail(msg, rc);
	}
	json_t *j;
	if (c->summary) {
		j = chat_summary_json(&ch, &c->sum);
	} else {
		json_t *msgs = json_array();
		for (size_t i = 0; i < ch.n; i++)
			json_array_append_new(msgs, message_json(&ch.msg[i]));
		j = json_pack("{s:s?,s:i,s:o}", "name", ch.name, "count", (int)ch.n, "messages", msgs);
	}
	chat_free(&ch);
	return emit(j);
}

/* One option letter; false for an unknown one or a bad value. */
static bool option(struct cli *c, int opt, const char *arg)
{
	switch (opt) {
	case 'o': c->out = arg; return true;
	case 'l': c->voice.lang = arg; return true;
	case 'f': c->voice.female = true; return true;
	case 'm': c->voice.female = false; return true;
	case 'r': c->rate = (unsigned)atoi(arg); return c->rate == 8000 || c->rate == 16000;
	case 'w': c->voice.wpm = (unsigned)atoi(arg); return c->voice.wpm >= 80 && c->voice.wpm <= 450;
	case 'C': c->cfg.cache_dir = arg; return true;
	case 'e': c->voice.engine = arg; return !strcmp(arg, "espeak") || !strcmp(arg, "flite");
	case 'v': c->voice.name = arg; return true;
	case 'g': c->grammar = arg; return true;
	case 'n': c->sum.sentences = (unsigned)atoi(arg); return c->sum.sentences > 0;
	case 'k': c->sum.keywords = (unsigned)atoi(arg); return c->sum.keywords > 0;
	case 's': c->summary = true; return true;
	case 'b': return (c->backend = speech_backend_find(arg)) != NULL;
	case 'B': c->cfg.base_url = arg; return true;
	case 'M': c->cfg.asr_model = c->cfg.chat_model = arg; return true;
	case 'L': c->cfg.language = arg; return true;
	case 'T': c->cfg.timeout_ms = atol(arg); return c->cfg.timeout_ms > 0;
	case 'R': c->cfg.retries = (unsigned)atoi(arg); return c->cfg.retries <= 10;
	case 'F': c->cfg.folder_id = arg; return true;
	case 'V': c->cfg.voice = arg; return true;
	}
	return false;
}

int speech_cli_main(int argc, char **argv)
{
	struct cli c = {.backend = &speech_backend_offline, .voice = {"en-us", false, 0, 0, NULL, NULL}, .rate = 8000};
	int opt;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		help(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	const char *cmd = argv[1];
	c.cfg.api_key = getenv("ZVONAR_SPEECH_API_KEY");
	c.cfg.retries = 2;
	optind = 1;
	while ((opt = getopt(argc - 1, argv + 1, "+o:l:fmr:w:C:e:v:g:n:k:sb:B:M:L:T:R:F:V:h")) != -1) {
		if (opt == 'h') {
			help(stdout);
			return 0;
		}
		if (!option(&c, opt, optarg)) {
			help(stderr);
			return 2;
		}
	}
	int n = argc - 1 - optind;
	char **rest = argv + 1 + optind;
	if (!strcmp(cmd, "say"))
		return cmd_say(&c, n, rest);
	if (!strcmp(cmd, "recognize"))
		return cmd_listen(&c, n, rest, true);
	if (!strcmp(cmd, "transcribe"))
		return cmd_listen(&c, n, rest, false);
	if (!strcmp(cmd, "summarize"))
		return cmd_summarize(&c, n, rest);
	if (!strcmp(cmd, "chat-import"))
		return cmd_chat(&c, n, rest);
	fprintf(stderr, "zvonar speech: unknown command %s\n", cmd);
	help(stderr);
	return 2;
}
