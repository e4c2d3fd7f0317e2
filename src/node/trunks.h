/*
 * Trunks on the node: the trunks, numbers (DIDs) and outbound routes of every tenant,
 * loaded from the store, with an outbound registration per trunk that asks for one.
 * Control thread only.
 */
#ifndef NODE_TRUNKS_H
#define NODE_TRUNKS_H

#include "core/buf.h"
#include "net/addr.h"
#include "sip/transport.h"
#include "store/trunks.h"

struct node;
struct sip_regclient;

struct node_trunk {
	struct store_trunk_row row;
	struct sip_peer peer;	    /* the provider's proxy (no conn) */
	struct sip_regclient *reg; /* owned, when row.do_register */
	uint16_t reg_status;
	unsigned reg_expires;
};

struct node_trunks;

/* Replaces what is loaded with the store's rows, re-registering trunks. 0 or an errno. */
int node_trunks_load(struct node *n);
void node_trunks_close(struct node *n);

/* The trunk whose host:port a request came from (calls from it are the provider's). */
const struct node_trunk *node_trunk_by_source(struct node *n, const struct sa *src);
const struct node_trunk *node_trunk_by_name(struct node *n, int64_t tenant_id, const char *name);
const struct node_trunk *node_trunk_by_id(struct node *n, int64_t id);
const struct store_number_row *node_number_find(struct node *n, struct str number);
/* The tenant's route with the longest prefix of dialed, or NULL. */
const struct store_route_row *node_route_find(struct node *n, int64_t tenant_id, struct str dialed);

void node_trunks_list(struct node *n, struct buf *out);
void node_numbers_list(struct node *n, struct buf *out);
void node_routes_list(struct node *n, struct buf *out);

#endif
