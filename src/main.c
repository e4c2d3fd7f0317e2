/* zvonar: the server binary. Options, then the node's life: open, run, close. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "node/node.h"
#include "scenario/scenario.h"
#include "speech/speech_cli.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: zvonar [-c FILE] [-o key=value]... [-t] [-S] [-h]\n"
		   "  -c FILE       settings file (without one: embedded defaults)\n"
		   "  -o key=value  override one setting (repeatable; after the file)\n"
		   "  -t            check the settings and exit\n"
		   "  -S            print the commented sample settings file and exit\n"
		   "  -h            this help\n"
		   "       zvonar scenario check|simulate ...  (call scenarios, no server)\n"
		   "       zvonar speech say|recognize|transcribe|summarize|chat-import ...\n");
}

int main(int argc, char **argv)
{
	static struct node n;
	char err[512];
	bool check = false;
	int opt;

	if (argc >= 2 && strcmp(argv[1], "scenario") == 0)
		return scenario_cli_main(argc - 1, argv + 1);
	if (speech_cli_wants(argc, argv))
		return speech_cli_main(argc - 1, argv + 1);
	n.overrides = calloc((size_t)argc + 1, sizeof(char *));
	while ((opt = getopt(argc, argv, "c:o:tSh")) != -1) {
		switch (opt) {
		case 'c':
			n.conf_path = optarg;
			break;
		case 'o':
			n.overrides[n.noverrides++] = optarg;
			break;
		case 't':
			check = true;
			break;
		case 'S':
			conf_write_sample(settings_table, "zvonar settings", stdout);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return 2;
	}
	if (node_settings_read(&n.set, n.conf_path, n.overrides, n.noverrides, err, sizeof(err))) {
		fprintf(stderr, "zvonar: %s\n", err);
		return 1;
	}
	if (check) {
		printf("zvonar: settings ok\n");
		settings_free(&n.set);
		return 0;
	}
	int status = node_open(&n) ? 1 : node_run(&n);
	node_close(&n);
	free(n.overrides);
	return status;
}
