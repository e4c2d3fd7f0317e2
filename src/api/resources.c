/* The table of table-backed resources: one line per resource (see resource.h). */
#include "api/resource.h"

const struct api_resource *const api_resources[] = {
	&api_res_tenants, &api_res_users,  &api_res_extensions, &api_res_trunks,
	&api_res_numbers, &api_res_routes, &api_res_cdrs,       &api_res_tokens,
	&api_res_webhooks, &api_res_audit, &api_res_scenarios, &api_res_jobs,
	&api_res_lists, &api_res_list_entries, &api_res_recordings, &api_res_recording_rules,
	&api_res_mailboxes, NULL,
};
