/* Field definitions shared by the resource descriptors (api/res_*.c). */
#ifndef API_RES_FIELDS_H
#define API_RES_FIELDS_H

#include <stdint.h>

#define BIG INT64_MAX
#define F_ID { .name = "id", .type = FT_INT, .flags = FF_RO | FF_SORT, .max = BIG }
#define F_TENANT { .name = "tenant_id", .type = FT_INT, .flags = FF_RO, .max = BIG }
#define F_CREATED { .name = "created_at", .type = FT_INT, .flags = FF_RO | FF_SORT, .max = BIG }
#define F_END { .name = NULL }
#define NAME_HINT "use 1-63 of A-Z a-z 0-9 - _ . +"
#define NUMBER_HINT "digits with an optional leading +"
#define FORWARD_HINT "an extension, a number, voicemail, or \"\" for none"

#endif
