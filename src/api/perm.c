/*
 * Roles and what each may do, in one table: resource x role -> actions. The
 * platform operator may do everything; a tenant's roles only inside their tenant
 * (that part is enforced by the scope in api.c, not here).
 */
#include <string.h>

#include "api/api_int.h"

#define L ACT_LIST
#define G ACT_GET
#define C ACT_CREATE
#define U ACT_UPDATE
#define D ACT_DELETE
#define ALL (L | G | C | U | D)

struct perm_row {
	const char *resource;
	unsigned by_role[ROLE_OPERATOR]; /* readonly, agent, supervisor, admin, owner */
};

static const struct perm_row perms[] = {
	/*                 readonly  agent   supervisor  admin    owner */
	{ "tenants",      { L | G,   L | G,  L | G,      L | G,   L | G | U } },
	{ "users",        { L | G,   0,      L | G,      L|G|C|U, L|G|C|U } },
	{ "extensions",   { L | G,   0,      L | G,      ALL,     ALL } },
	{ "trunks",       { L | G,   0,      L | G,      ALL,     ALL } },
	{ "numbers",      { L | G,   0,      L | G,      ALL,     ALL } },
	{ "routes",       { L | G,   0,      L | G,      ALL,     ALL } },
	{ "cdrs",         { L | G,   0,      L | G,      L | G,   L | G } },
	{ "calls",        { L,       C,      L | C | D,  L|C|D,   L | C | D } },
	{ "registrations", { L,      0,      L,          L,       L } },
	{ "audit",        { 0,       0,      0,          L | G,   L | G } },
	{ "webhooks",     { 0,       0,      0,          ALL,     ALL } },
	{ "scenarios",    { L | G,   0,      L | G,      ALL,     ALL } },
	{ "prompts",      { L | G,   0,      L | G,      ALL,     ALL } },
	{ "lists",        { L | G,   0,      L | G,      ALL,     ALL } },
	{ "list_entries", { L | G,   0,      L|G|C|D,    ALL,     ALL } },
	{ "tokens",       { L|C|D,   L|C|D,  L | C | D,  L|C|D,   L | C | D } },
	{ "events",       { L,       L,      L,          L,       L } },
	{ "me",           { G | U,   G | U,  G | U,      G | U,   G | U } },
	{ "jobs",         { L | G,   L|G|C,  L|G|C|D,    L|G|C|D, L | G | C | D } },
	{ "usage",        { 0,       0,      L,          L,       L } },
	{ "speech_settings", { 0,    0,      G,          G | U,   G | U } },
	{ "recordings",   { 0,       0,      L | G,      L|G|U|D, L | G | U | D } },
	{ "recording_rules", { L | G, 0,     L | G,      ALL,     ALL } },
	{ "recording_settings", { G, 0,      G,          G | U,   G | U } },
	{ "mailboxes",    { L | G,   0,      L | G,      ALL,     ALL } },
	{ NULL, { 0 } },
};

static const char *const role_names[] = { "", "readonly", "agent", "supervisor", "admin",
					  "owner", "operator" };

bool api_allowed(const struct api_principal *who, const char *resource, enum api_action act)
{
	if (who->role == ROLE_OPERATOR)
		return true;
	if (who->role <= ROLE_NONE || who->role > ROLE_OWNER)
		return false;
	for (const struct perm_row *p = perms; p->resource; p++)
		if (!strcmp(p->resource, resource))
			return p->by_role[who->role - 1] & act;
	return false;
}

enum api_role api_role_parse(const char *s)
{
	for (int i = ROLE_READONLY; i <= ROLE_OPERATOR; i++)
		if (s && !strcmp(s, role_names[i]))
			return (enum api_role)i;
	return ROLE_NONE;
}

const char *api_role_name(enum api_role r)
{
	return r >= ROLE_NONE && r <= ROLE_OPERATOR ? role_names[r] : "";
}
