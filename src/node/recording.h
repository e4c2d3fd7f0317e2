/* Recordings and voicemail on the node (node/recording.c). */
#ifndef NODE_RECORDING_H
#define NODE_RECORDING_H

struct node;

/* Settles the files a stop or crash left unfinished, loads the settings, starts retention. */
int node_recordings_open(struct node *n);
/* The settings, rules and mailboxes again (after an API change). 0 or an errno. */
int node_recordings_load(struct node *n);
/* The call engine asks the node's policy and tells it of files (after node_calls_open). */
void node_recordings_attach(struct node *n);
void node_recordings_close(struct node *n);
/* <data_dir>/recordings, a directory per tenant. */
const char *node_recordings_dir(const struct node *n);

#endif
