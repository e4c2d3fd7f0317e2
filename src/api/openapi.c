/* The OpenAPI 3 document, src/api/openapi.json compiled in, served as written. */
#include <string.h>

#include "api/api_int.h"

extern const char api_openapi_json[];

void api_openapi_route(struct http_req *r, void *arg)
{
	http_reply(r, 200, "application/json", api_openapi_json, strlen(api_openapi_json));
}
