/* The table of step types: adding a step is one file with a descriptor plus one line here. */
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

const char *scenario_step_types(void)
{
	static char list[256];

	if (!list[0])
		for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
			if (i)
				strcat(list, ", ");
			strcat(list, steps[i]->type);
		}
	return list;
}
