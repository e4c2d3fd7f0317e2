/* The demo tenant of a first start: domain demo.zvonar, extensions 100-102, passwords shown once. */
#include <stdio.h>

#include "core/log.h"
#include "core/rand.h"
#include "node/directory.h"
#include "node/node.h"
#include "api/api.h"

int node_demo_create(struct node *n)
{
	char err[256], password[17];
	int rc;

	bool created = false;

	if (n->api && !api_bootstrap_operator(n->api, password, sizeof(password), &created) &&
	    created) {
		printf("zvonar: first start: platform operator login admin  password %s "
		       "(shown only now)\n", password);
		fflush(stdout);
	}
	if (!n->set.demo || directory_tenant_count(n->dir) > 0)
		return 0;
	rc = node_tenant_add(n, "demo", "demo.zvonar", NULL, err, sizeof(err));
	if (rc) {
		log_error("node", "demo tenant: %s", err);
		return rc;
	}
	printf("zvonar: first start: created tenant demo (SIP domain demo.zvonar).\n"
	       "zvonar: these passwords are shown only now:\n");
	for (int ext = 100; ext <= 102; ext++) {
		char number[12];
		snprintf(number, sizeof(number), "%d", ext);
		rand_token(password, 16);
		rc = node_extension_add(n, "demo", number, password, err, sizeof(err));
		if (rc) {
			log_error("node", "demo extension %s: %s", number, err);
			return rc;
		}
		printf("zvonar:   extension %s  password %s\n", number, password);
	}
	const struct dir_tenant *t = directory_tenant_by_name(n->dir, "demo");
	if (n->api && t && !api_bootstrap_owner(n->api, t->row.id, "owner@demo", password,
						sizeof(password)))
		printf("zvonar:   web/API login owner@demo  password %s\n", password);
	fflush(stdout);
	return 0;
}
