/* The tenants resource: business accounts; created and deleted by the platform operator. */
#include "api/res_fields.h"
#include "api/resource.h"

static const struct api_field tenant_fields[] = {
	F_ID,
	{ .name = "name", .type = FT_TEXT, .flags = FF_REQUIRED | FF_FILTER | FF_SORT, .min = 1, .max = 63, .check = api_check_name, .hint = NAME_HINT },
	{ .name = "domain", .type = FT_TEXT, .flags = FF_REQUIRED | FF_FILTER, .min = 1, .max = 255, .check = api_check_domain, .hint = "a DNS name" },
	F_CREATED,
	F_END,
};

const struct api_resource api_res_tenants = {
	.name = "tenants", .table = "tenants", .object = "tenant", .tenant_col = "id",
	.fields = tenant_fields, .ops = ACT_LIST | ACT_GET | ACT_CREATE | ACT_UPDATE | ACT_DELETE,
	.changes = API_CHANGED_DIRECTORY, .stamps_in_s = true,
};
