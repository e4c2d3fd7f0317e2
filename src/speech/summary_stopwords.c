/* Russian and English stop words: function words that say nothing about a text's topic. */
#include <stdlib.h>
#include <string.h>

#include "speech/summary.h"

/* Sorted for bsearch (byte order of UTF-8 = code point order). */
static const char *const stop[] = {
    "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any",
    "are", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both",
    "but", "by", "can", "could", "did", "do", "does", "doing", "done", "down", "during", "each",
    "even", "few", "for", "from", "further", "get", "got", "had", "has", "have", "having", "he",
    "her", "here", "hers", "herself", "him", "himself", "his", "how", "i", "if", "in", "into",
    "is", "it", "its", "itself", "just", "let", "like", "may", "me", "might", "more", "most",
    "much", "must", "my", "myself", "no", "nor", "not", "now", "of", "off", "ok", "okay", "on",
    "once", "one", "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own",
    "please", "same", "shall", "she", "should", "so", "some", "such", "than", "that", "the",
    "their", "theirs", "them", "themselves", "then", "there", "these", "they", "this", "those",
    "through", "to", "too", "under", "until", "up", "us", "very", "was", "we", "well", "were",
    "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would",
    "yes", "yet", "you", "your", "yours", "yourself", "yourselves",
    "а", "без", "более", "бы", "был", "была", "были", "было", "быть", "в", "вам", "вас", "вот",
    "все", "всего", "всё", "вы", "где", "да", "даже", "для", "до", "его", "ее", "если", "есть",
    "еще", "ещё", "её", "ж", "же", "за", "здесь", "и", "из", "или", "им", "их", "к", "как",
    "когда", "кто", "ли", "либо", "мне", "может", "мы", "на", "над", "надо", "наш", "не", "него",
    "нее", "нет", "ни", "них", "но", "ну", "о", "об", "он", "она", "они", "оно", "от", "очень",
    "по", "под", "после", "потом", "при", "про", "с", "со", "так", "также", "там", "те", "тем",
    "то", "тогда", "того", "тоже", "только", "том", "тот", "ту", "тут", "ты", "у", "уже", "чем",
    "что", "чтобы", "эта", "эти", "это", "этого", "этой", "этот", "я",
};

static int cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

bool summary_stopword(const char *w)
{
	return bsearch(&w, stop, sizeof(stop) / sizeof(*stop), sizeof(*stop), cmp) != NULL;
}
