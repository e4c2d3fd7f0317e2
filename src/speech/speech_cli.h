/* "zvonar speech ...": the speech library from the command line, for manual and integration tests. */
#ifndef SPEECH_SPEECH_CLI_H
#define SPEECH_SPEECH_CLI_H

#include <stdbool.h>

/* argv[1] is "speech". */
bool speech_cli_wants(int argc, char **argv);
/* argv[0] is "speech"; returns the exit status (0, 1 failure, 2 usage). */
int speech_cli_main(int argc, char **argv);

#endif
