/* zvonarctl commands for trunks, numbers and routes: written to the store, then reloaded. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "node/directory.h"
#include "node/node.h"
#include "node/trunks.h"
#include "store/store.h"

static int fail(struct buf *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct buf *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(out, fmt, ap);
	va_end(ap);
	buf_puts(out, "\n");
	return 1;
}

static const struct dir_tenant *tenant(struct node *n, const char *name, struct buf *out)
{
	const struct dir_tenant *t = directory_tenant_by_name(n->dir, name);
	if (!t)
		fail(out, "no tenant named '%s'", name);
	return t;
}

static bool set(char *dst, size_t size, const char *v)
{
	if (strlen(v) >= size || strpbrk(v, "\r\n\"<> ;,"))
		return false;
	memcpy(dst, v, strlen(v) + 1);
	return true;
}

/* key=value options of `trunk add`; false (out says why) on an unknown key or bad value. */
static bool trunk_option(struct store_trunk_row *r, const char *kv, struct buf *out)
{
	const char *eq = strchr(kv, '=');
	char key[32];
	bool ok;

	if (!eq || (size_t)(eq - kv) >= sizeof(key))
		return !fail(out, "expected key=value, got '%s'", kv);
	memcpy(key, kv, (size_t)(eq - kv));
	key[eq - kv] = '\0';
	const char *v = eq + 1;
	if (!strcmp(key, "user"))
		ok = set(r->username, sizeof(r->username), v);
	else if (!strcmp(key, "password"))
		ok = strlen(v) < sizeof(r->password) && !strpbrk(v, "\r\n") &&
		     (memcpy(r->password, v, strlen(v) + 1), true);
	else if (!strcmp(key, "domain"))
		ok = set(r->domain, sizeof(r->domain), v);
	else if (!strcmp(key, "callerid"))
		ok = set(r->caller_id, sizeof(r->caller_id), v);
	else if (!strcmp(key, "transport"))
		ok = (!strcmp(v, "udp") || !strcmp(v, "tcp")) && set(r->transport, sizeof(r->transport), v);
	else if (!strcmp(key, "register"))
		ok = (r->do_register = !strcmp(v, "yes")) || !strcmp(v, "no");
	else if (!strcmp(key, "expires"))
		ok = (r->expires = atoi(v)) >= 60 && r->expires <= 86400;
	else
		return !fail(out, "unknown trunk option '%s'", key);
	if (!ok)
		fail(out, "bad value in '%s'", kv);
	return ok;
}

struct job {
	union {
		struct store_trunk_row trunk;
		struct store_number_row number;
		struct store_route_row route;
	} u;
	const char *key;
	int err;
};

static void trunk_add_op(struct db *db, void *arg)
{
	struct job *j = arg;
	j->err = store_trunk_add(db, &j->u.trunk);
}

static int finish(struct node *n, struct job *j, store_op_fn *op, struct buf *out, const char *what)
{
	int rc = store_run_sync(n->store, op, j);
	if (!rc)
		rc = j->err;
	if (rc == EEXIST)
		return fail(out, "%s already exists", what);
	if (rc == ENOENT)
		return fail(out, "no such %s (or its tenant/trunk)", what);
	if (rc)
		return fail(out, "cannot store the %s", what);
	node_trunks_load(n);
	buf_puts(out, "ok\n");
	return 0;
}

int node_cmd_trunk_add(void *arg, int argc, char **argv, struct buf *out)
{
	struct node *n = arg;
	struct job j = { 0 };
	const struct dir_tenant *t;
	struct sa sa;

	if (argc < 3)
		return fail(out, "usage: trunk add <tenant> <name> <ip:port> [user= password= domain= "
				 "register=yes|no expires= callerid= transport=udp|tcp]");
	if (!(t = tenant(n, argv[0], out)))
		return 1;
	if (sa_parse(&sa, argv[2]))
		return fail(out, "host '%s' must be a numeric ip:port", argv[2]);
	j.u.trunk.tenant_id = t->row.id;
	j.u.trunk.expires = 600;
	snprintf(j.u.trunk.transport, sizeof(j.u.trunk.transport), "udp");
	if (!set(j.u.trunk.name, sizeof(j.u.trunk.name), argv[1]) ||
	    !set(j.u.trunk.host, sizeof(j.u.trunk.host), argv[2]))
		return fail(out, "bad trunk name or host");
	for (int i = 3; i < argc; i++)
		if (!trunk_option(&j.u.trunk, argv[i], out))
			return 1;
	if (j.u.trunk.do_register && (!j.u.trunk.username[0] || !j.u.trunk.password[0]))
		return fail(out, "register=yes needs user= and password=");
	return finish(n, &j, trunk_add_op, out, "trunk");
}

static void trunk_del_op(struct db *db, void *arg)
{
	struct job *j = arg;
	j->err = store_trunk_del(db, j->u.trunk.tenant_id, j->key);
}

int node_cmd_trunk_del(void *arg, int argc, char **argv, struct buf *out)
{
	struct node *n = arg;
	struct job j = { 0 };
	const struct dir_tenant *t;

	if (argc != 2)
		return fail(out, "usage: trunk del <tenant> <name>");
	if (!(t = tenant(n, argv[0], out)))
		return 1;
	j.u.trunk.tenant_id = t->row.id;
	j.key = argv[1];
	return finish(n, &j, trunk_del_op, out, "trunk");
}

static void number_add_op(struct db *db, void *arg)
{
	struct job *j = arg;
	j->err = store_number_add(db, &j->u.number);
}

int node_cmd_number_add(void *arg, int argc, char **argv, struct buf *out)
{
	struct node *n = arg;
	struct job j = { 0 };
	const struct dir_tenant *t;
	const struct node_trunk *tr = NULL;

	if (argc < 3 || argc > 4)
		return fail(out, "usage: number add <tenant> <number> <extension> [<trunk>]");
	if (!(t = tenant(n, argv[0], out)))
		return 1;
	if (argc == 4 && !(tr = node_trunk_by_name(n, t->row.id, argv[3])))
		return fail(out, "no trunk '%s' in that tenant", argv[3]);
	j.u.number.tenant_id = t->row.id;
	j.u.number.trunk_id = tr ? tr->row.id : 0;
	if (!set(j.u.number.number, sizeof(j.u.number.number), argv[1]) ||
	    !set(j.u.number.extension, sizeof(j.u.number.extension), argv[2]))
		return fail(out, "bad number or extension");
	return finish(n, &j, number_add_op, out, "number");
}

static void number_del_op(struct db *db, void *arg)
{
	struct job *j = arg;
	j->err = store_number_del(db, j->key);
}

int node_cmd_number_del(void *arg, int argc, char **argv, struct buf *out)
{
	struct job j = { .key = argc == 1 ? argv[0] : NULL };
	if (argc != 1)
		return fail(out, "usage: number del <number>");
	return finish(arg, &j, number_del_op, out, "number");
}

static void route_add_op(struct db *db, void *arg)
{
	struct job *j = arg;
	j->err = store_route_add(db, &j->u.route);
}

int node_cmd_route_add(void *arg, int argc, char **argv, struct buf *out)
{
	struct node *n = arg;
	struct job j = { 0 };
	const struct dir_tenant *t;
	const struct node_trunk *tr;
	struct store_route_row *r = &j.u.route;

	if (argc < 3)
		return fail(out, "usage: route add <tenant> <prefix> <trunk> [strip=N] [prepend=P] "
				 "[callerid=N]");
	if (!(t = tenant(n, argv[0], out)))
		return 1;
	if (!(tr = node_trunk_by_name(n, t->row.id, argv[2])))
		return fail(out, "no trunk '%s' in that tenant", argv[2]);
	r->tenant_id = t->row.id;
	r->trunk_id = tr->row.id;
	if (!set(r->prefix, sizeof(r->prefix), argv[1]))
		return fail(out, "bad prefix '%s'", argv[1]);
	for (int i = 3; i < argc; i++) {
		if (!strncmp(argv[i], "strip=", 6) && (r->strip = atoi(argv[i] + 6)) >= 0 && r->strip < 32)
			continue;
		if (!strncmp(argv[i], "prepend=", 8) && set(r->prepend, sizeof(r->prepend), argv[i] + 8))
			continue;
		if (!strncmp(argv[i], "callerid=", 9) &&
		    set(r->caller_id, sizeof(r->caller_id), argv[i] + 9))
			continue;
		return fail(out, "bad route option '%s'", argv[i]);
	}
	return finish(n, &j, route_add_op, out, "route");
}

static void route_del_op(struct db *db, void *arg)
{
	struct job *j = arg;
	j->err = store_route_del(db, j->u.route.tenant_id, j->key);
}

int node_cmd_route_del(void *arg, int argc, char **argv, struct buf *out)
{
	struct node *n = arg;
	struct job j = { 0 };
	const struct dir_tenant *t;

	if (argc != 2)
		return fail(out, "usage: route del <tenant> <prefix>");
	if (!(t = tenant(n, argv[0], out)))
		return 1;
	j.u.route.tenant_id = t->row.id;
	j.key = argv[1];
	return finish(n, &j, route_del_op, out, "route");
}

int node_cmd_trunk_list(void *arg, int argc, char **argv, struct buf *out)
{
	node_trunks_list(arg, out);
	return 0;
}

int node_cmd_number_list(void *arg, int argc, char **argv, struct buf *out)
{
	node_numbers_list(arg, out);
	return 0;
}

int node_cmd_route_list(void *arg, int argc, char **argv, struct buf *out)
{
	node_routes_list(arg, out);
	return 0;
}
