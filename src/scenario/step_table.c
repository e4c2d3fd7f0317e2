/* The table of step types: adding a step is one file with a descriptor plus one line here. */
#include <stdio.h>
#include <string.h>

#include "scenario/scenario_int.h"

extern const struct scenario_step_desc step_play, step_say, step_menu, step_collect, step_dial,
	step_voicemail, step_record, step_condition, step_webhook, step_set, step_goto,
	step_transfer, step_hangup;

static const struct scenario_step_desc *const steps[] = {
	&step_play,	 &step_say,	&step_menu,    &step_collect, &step_dial,
	&step_voicemail, &step_record,	&step_condition, &step_webhook, &step_set,
	&step_goto,	 &step_transfer, &step_hangup,
};

const struct scenario_step_desc *scenario_step_desc_find(const char *type)
{
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (strcmp(steps[i]->type, type) == 0)
			return steps[i];
	return NULL;
}

/* Into the caller's buffer: validation runs on more than one thread (store and control). */
const char *scenario_step_types(char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]) && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? ", " : "", steps[i]->type);
	return buf;
}
