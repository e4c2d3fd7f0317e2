/*
 * Table-backed REST resources: one descriptor per resource (fields, flags,
 * hooks) and one generic engine for list/get/create/update/delete. Tenant
 * scoping, field validation, references, audit and pagination happen here,
 * once, never in a resource's own file.
 */
#ifndef API_RESOURCE_H
#define API_RESOURCE_H

#include "api/api_int.h"
#include "store/db.h"

enum api_ftype { FT_INT, FT_TEXT, FT_BOOL, FT_REAL /* read-only: SQLite REAL */ };

enum {
	FF_RO = 1u << 0,          /* returned, never written by a client (id, created_at) */
	FF_REQUIRED = 1u << 1,    /* must be given on create */
	FF_SECRET = 1u << 2,      /* write-only and not a column: consumed by prepare */
	FF_FILTER = 1u << 3,      /* ?name=value filters lists (exact match) */
	FF_SORT = 1u << 4,        /* ?sort=name or -name */
	FF_CREATE_ONLY = 1u << 5, /* given on create, read-only afterwards */
	FF_INTERNAL = 1u << 6,    /* a column never shown nor written by clients */
	FF_WRITEONLY = 1u << 7,   /* a column clients write but never read back */
};

typedef bool(api_check_fn)(const char *s);

struct api_field {
	const char *name; /* JSON key and SQL column */
	enum api_ftype type;
	unsigned flags;
	int64_t min, max;   /* FT_INT: value range; FT_TEXT: max = longest length */
	api_check_fn *check; /* FT_TEXT: extra rule */
	const char *hint;    /* what check wants, for the error message */
	const char *ref;     /* FT_INT: id of a row of this table in the same tenant */
};

struct api_resource {
	const char *name;       /* URL segment and permission name: "trunks" */
	const char *table;
	const char *object;     /* singular, for audit entries: "trunk" */
	const char *tenant_col; /* column holding the tenant ("id" for tenants) */
	const struct api_field *fields; /* NULL-name terminated; "id" first */
	unsigned ops;           /* enum api_action bits */
	const char *sort_default; /* "id" or "-start_at" */
	/* Store thread, before a write: derive columns, check more rules; false after api_fail. */
	bool (*prepare)(struct db *db, struct api_ctx *c, json_t *row, bool create);
	/* Store thread, list only: more WHERE terms from the query (after api_fail: false). */
	bool (*list_where)(struct api_ctx *c, struct buf *where, struct db_value *p, size_t *np,
			   char *texts, size_t textlen);
	const char *const *list_params; /* query parameters list_where understands */
	int changes;            /* enum api_change to announce after writes, or -1 */
	const char *key_col;    /* column naming a written row to host.extension_changed */
	const char *create_secret; /* a generated secret returned once by create, or NULL */
	bool stamps_in_s;       /* created_at/updated_at in Unix seconds (older tables), else ms */
	const char *argon2_secret; /* body field hashed on a worker first (hash in c->extra) */
};

extern const struct api_resource *const api_resources[];
const struct api_resource *api_resource_find(const char *name);

/* resource_list.c: the list of c->res (store thread); the tenant term of a WHERE. */
void api_scope_where(const struct api_ctx *c, const char *col, struct buf *where,
		     struct db_value *p, size_t *np);
void api_res_list_run(struct db *db, struct api_ctx *c);

/* The generic routes: /api/v1/{res} and /api/v1/{res}/{id}. */
void api_res_list(struct http_req *r, void *arg);
void api_res_get(struct http_req *r, void *arg);
void api_res_create(struct http_req *r, void *arg);
void api_res_update(struct http_req *r, void *arg);
void api_res_delete(struct http_req *r, void *arg);

/* Store thread: the row of res with this id inside scope (0 = any), as JSON; NULL if none. */
json_t *api_res_load(struct db *db, const struct api_resource *res, int64_t id, int64_t scope);

/* c->body checked against c->res: the row to write, or NULL after api_fail. Without db the
 * references to other rows are not looked up (the fuzzer). */
json_t *api_res_body_row(struct db *db, struct api_ctx *c, bool create, int64_t tenant);

/* Store thread: rows of a SELECT of res's shown columns appended to array. */
int api_res_rows(struct db *db, const struct api_resource *res, const char *sql,
		 const struct db_value *p, size_t np, json_t *array);

/* ?from= and ?to= (Unix ms) as WHERE terms on col (audit, CDRs). */
bool api_time_range(struct api_ctx *c, const char *col, struct buf *where, struct db_value *p,
		    size_t *np);

/* json_text.c: rows as JSON text ({...},{...}) appended to out; a row beyond keep is dropped
 * and reported in more. api_json_escape: a JSON string of s (invalid UTF-8 -> U+FFFD). */
int api_res_rows_text(struct db *db, const struct api_resource *res, const char *sql,
		      const struct db_value *p, size_t np, size_t keep, struct buf *out,
		      bool *more);
void api_json_escape(struct buf *b, const char *s, size_t len);
void api_utf8_clean(struct buf *b, const char *s, size_t len); /* NUL and bad bytes -> U+FFFD */

/* Text rules shared by descriptors. */
bool api_check_name(const char *s);   /* 1-63 of A-Z a-z 0-9 - _ . + */
bool api_check_number(const char *s); /* digits with an optional leading + */
bool api_check_hostport(const char *s);
bool api_check_domain(const char *s);
bool api_check_url(const char *s);
bool api_check_login(const char *s);  /* 3-63 of A-Z a-z 0-9 - _ . + @ */
bool api_check_digits(const char *s); /* digits only, may be empty */
bool api_check_transport(const char *s);

extern const struct api_resource api_res_tenants, api_res_users, api_res_extensions,
	api_res_trunks, api_res_numbers, api_res_routes, api_res_cdrs, api_res_tokens,
	api_res_webhooks, api_res_audit, api_res_scenarios, api_res_jobs,
	api_res_lists, api_res_list_entries, api_res_recordings, api_res_recording_rules,
	api_res_mailboxes;

#endif
