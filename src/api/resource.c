/*
 * The generic engine behind table-backed resources: rows to JSON, bodies
 * checked field by field, and every statement confined to the caller's tenant
 * by the one WHERE term built here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/resource.h"
#include "core/mem.h"
#include "core/time.h"
#include "core/workers.h"

static bool field_shown(const struct api_field *f)
{
	return !(f->flags & (FF_SECRET | FF_INTERNAL | FF_WRITEONLY));
}

static bool field_column(const struct api_field *f)
{
	return !(f->flags & FF_SECRET);
}

static const struct api_field *field_find(const struct api_resource *res, const char *name)
{
	for (const struct api_field *f = res->fields; f->name; f++)
		if (!strcmp(f->name, name))
			return f;
	return NULL;
}

/* "a, b, c" of the columns a client may see. */
static void select_cols(const struct api_resource *res, struct buf *sql)
{
	bool first = true;
	for (const struct api_field *f = res->fields; f->name; f++) {
		if (!field_shown(f))
			continue;
		buf_printf(sql, "%s%s", first ? "" : ", ", f->name);
		first = false;
	}
}

struct rows_ctx {
	const struct api_resource *res;
	json_t *out; /* array, or the object of the one row */
	bool one;
};

static json_t *value_json(const struct api_field *f, const struct db_value *v)
{
	if (v->type == DB_NULL)
		return json_null();
	if (f->type == FT_BOOL)
		return json_boolean(v->i != 0);
	if (f->type == FT_INT)
		return json_integer(v->i);
	if (f->type == FT_REAL)
		return v->type == DB_INT ? json_real((double)v->i) : json_real(strtod(v->s, NULL));
	json_t *s = json_stringn(v->s ? v->s : "", v->len);
	if (!s) { /* not UTF-8 (a phone's display name): shown with U+FFFD */
		struct buf b;
		buf_init(&b, 0);
		api_utf8_clean(&b, v->s, v->len);
		s = json_stringn(b.data ? b.data : "", b.len);
		buf_free(&b);
	}
	return s;
}

static int row_json(const struct db_row *row, void *arg)
{
	struct rows_ctx *rc = arg;
	json_t *o = json_object();
	size_t i = 0;

	for (const struct api_field *f = rc->res->fields; f->name && i < row->ncols; f++)
		if (field_shown(f))
			json_object_set_new(o, f->name, value_json(f, &row->cols[i++]));
	if (rc->one) {
		rc->out = o;
		return 1;
	}
	json_array_append_new(rc->out, o);
	return 0;
}

int api_res_rows(struct db *db, const struct api_resource *res, const char *sql,
		 const struct db_value *p, size_t np, json_t *array)
{
	struct rows_ctx rc = { .res = res, .out = array };
	return db_query(db, sql, p, np, row_json, &rc);
}

json_t *api_res_load(struct db *db, const struct api_resource *res, int64_t id, int64_t scope)
{
	struct buf sql;
	struct db_value p[3] = { DBV_INT(id), DBV_INT(scope), DBV_INT(scope) };
	struct rows_ctx rc = { .res = res, .one = true };

	buf_init(&sql, 0);
	buf_puts(&sql, "SELECT ");
	select_cols(res, &sql);
	buf_printf(&sql, " FROM %s WHERE id = ? AND (? = 0 OR %s = ?)", res->table, res->tenant_col);
	db_query(db, sql.data, p, 3, row_json, &rc);
	buf_free(&sql);
	return rc.out;
}

/* ---- body checks ---- */

static bool check_int(struct api_ctx *c, const struct api_field *f, json_t *v)
{
	if (!json_is_integer(v)) {
		api_fail(c, 400, "invalid", "field '%s' must be an integer", f->name);
		return false;
	}
	if (json_integer_value(v) < f->min || json_integer_value(v) > f->max) {
		api_fail(c, 400, "invalid", "field '%s' must be from %lld to %lld", f->name,
			 (long long)f->min, (long long)f->max);
		return false;
	}
	return true;
}

static bool check_text(struct api_ctx *c, const struct api_field *f, json_t *v)
{
	const char *s = json_string_value(v);

	if (!json_is_string(v)) {
		api_fail(c, 400, "invalid", "field '%s' must be a string", f->name);
		return false;
	}
	if ((int64_t)json_string_length(v) > f->max || strlen(s) != json_string_length(v)) {
		api_fail(c, 400, "invalid", "field '%s' is longer than %lld characters", f->name,
			 (long long)f->max);
		return false;
	}
	if ((f->min > 0 && !*s) || (f->check && *s && !f->check(s))) {
		api_fail(c, 400, "invalid", "field '%s': %s", f->name,
			 f->hint ? f->hint : "not a valid value");
		return false;
	}
	return true;
}

static bool check_ref(struct db *db, struct api_ctx *c, const struct api_field *f, json_t *v,
		      int64_t tenant)
{
	char sql[160];
	struct db_value p[2] = { DBV_INT(json_integer_value(v)), DBV_INT(tenant) };
	int64_t one;

	if (!f->ref || json_is_null(v) || !db)
		return true;
	snprintf(sql, sizeof(sql), "SELECT 1 FROM %s WHERE id = ? AND tenant_id = ?", f->ref);
	if (db_query_int(db, sql, p, 2, &one) == 0)
		return true;
	api_fail(c, 400, "invalid", "field '%s': no such object %lld in this tenant", f->name,
		 (long long)json_integer_value(v));
	return false;
}

static bool check_field(struct db *db, struct api_ctx *c, const struct api_field *f, json_t *v,
			int64_t tenant)
{
	if (json_is_null(v) && f->ref)
		return true;
	if (f->type == FT_BOOL && !json_is_boolean(v)) {
		api_fail(c, 400, "invalid", "field '%s' must be true or false", f->name);
		return false;
	}
	if (f->type == FT_INT && (!check_int(c, f, v) || !check_ref(db, c, f, v, tenant)))
		return false;
	return f->type != FT_TEXT || check_text(c, f, v);
}

/* The body as a row to write: known, writable, well-typed fields only. */
json_t *api_res_body_row(struct db *db, struct api_ctx *c, bool create, int64_t tenant)
{
	const char *key;
	json_t *v, *row = json_object();

	json_object_foreach(c->body, key, v) {
		const struct api_field *f = field_find(c->res, key);
		if (!f || (f->flags & FF_INTERNAL)) {
			api_fail(c, 400, "unknown_field", "unknown field '%.64s'", key);
			goto bad;
		}
		if ((f->flags & FF_RO) || (!create && (f->flags & FF_CREATE_ONLY))) {
			api_fail(c, 400, "read_only", "field '%s' cannot be written", key);
			goto bad;
		}
		if (!check_field(db, c, f, v, tenant))
			goto bad;
		json_object_set(row, key, v);
	}
	for (const struct api_field *f = c->res->fields; create && f->name; f++)
		if ((f->flags & FF_REQUIRED) && !json_object_get(row, f->name)) {
			api_fail(c, 400, "missing_field", "field '%s' is required", f->name);
			goto bad;
		}
	return row;
bad:
	json_decref(row);
	return NULL;
}

static struct db_value json_param(const struct api_field *f, json_t *v)
{
	if (json_is_null(v))
		return DBV_NULL;
	if (f->type == FT_TEXT)
		return DBV_TEXT(json_string_value(v));
	return DBV_INT(f->type == FT_BOOL ? json_is_true(v) : json_integer_value(v));
}

/* ---- statements ---- */

static int insert_row(struct db *db, const struct api_resource *res, json_t *row, int64_t tenant,
		      int64_t *id)
{
	struct db_value p[DB_MAX_PARAMS];
	size_t n = 0;
	struct buf sql, vals;
	int64_t now = (int64_t)time_wall_ms() / (res->stamps_in_s ? 1000 : 1);
	int rc;
	bool own_id = !strcmp(res->tenant_col, "id"); /* the tenants table itself */

	buf_init(&sql, 0);
	buf_init(&vals, 0);
	buf_printf(&sql, "INSERT INTO %s (%s", res->table, own_id ? "id" : res->tenant_col);
	buf_puts(&vals, "?");
	p[n++] = own_id ? DBV_NULL : DBV_INT(tenant);
	for (const struct api_field *f = res->fields; f->name && n < DB_MAX_PARAMS; f++) {
		json_t *v = json_object_get(row, f->name);
		bool stamp = !strcmp(f->name, "created_at") || !strcmp(f->name, "updated_at");
		if (!field_column(f) || (!v && !stamp) || !strcmp(f->name, res->tenant_col))
			continue;
		buf_printf(&sql, ", %s", f->name);
		buf_puts(&vals, ", ?");
		p[n++] = stamp ? DBV_INT(now) : json_param(f, v);
	}
	buf_printf(&sql, ") VALUES (%s)", vals.data);
	rc = db_exec(db, sql.data, p, n);
	*id = rc ? 0 : db_last_insert_id(db);
	buf_free(&sql);
	buf_free(&vals);
	return rc;
}

static int update_row(struct db *db, const struct api_resource *res, json_t *row, int64_t id,
		      int64_t scope)
{
	struct db_value p[DB_MAX_PARAMS];
	size_t n = 0;
	struct buf sql;
	int rc;

	buf_init(&sql, 0);
	buf_printf(&sql, "UPDATE %s SET id = id", res->table);
	for (const struct api_field *f = res->fields; f->name && n < DB_MAX_PARAMS - 3; f++) {
		json_t *v = json_object_get(row, f->name);
		if (!strcmp(f->name, "updated_at")) {
			buf_puts(&sql, ", updated_at = ?");
			p[n++] = DBV_INT((int64_t)time_wall_ms() / (res->stamps_in_s ? 1000 : 1));
		} else if (v && field_column(f)) {
			buf_printf(&sql, ", %s = ?", f->name);
			p[n++] = json_param(f, v);
		}
	}
	buf_printf(&sql, " WHERE id = ? AND (? = 0 OR %s = ?)", res->tenant_col);
	p[n++] = DBV_INT(id);
	p[n++] = DBV_INT(scope);
	p[n++] = DBV_INT(scope);
	rc = db_exec(db, sql.data, p, n);
	buf_free(&sql);
	return rc;
}

static void write_failed(struct api_ctx *c, int rc, struct db *db)
{
	if (rc == EEXIST)
		api_fail(c, 409, "conflict", "a %s with these values exists already", c->res->object);
	else if (rc == ENOENT)
		api_fail(c, 404, "not_found", "no such %s", c->res->object);
	else
		api_fail(c, 500, "internal", "cannot store the %s: %s", c->res->object,
			 db_errmsg(db));
}

static const char *id_text(int64_t id)
{
	static _Thread_local char s[24];
	snprintf(s, sizeof(s), "%lld", (long long)id);
	return s;
}

static void note_change(struct api_ctx *c, int64_t tenant, json_t *row)
{
	if (c->res->changes < 0)
		return;
	if (c->res->key_col)
		snprintf(c->changed_key, sizeof(c->changed_key), "%s",
			 json_string_value(json_object_get(row, c->res->key_col)) ?: "");
	c->changed = (enum api_change)c->res->changes;
	c->changed_set = true;
	c->changed_tenant = tenant;
}

/* The tenant a new row goes to: the caller's, or for the operator ?tenant_id= (required). */
static int64_t create_tenant(struct api_ctx *c)
{
	if (!strcmp(c->res->tenant_col, "id"))
		return 0;
	if (c->scope)
		return c->scope;
	api_fail(c, 400, "missing_tenant", "the platform operator names the tenant: ?tenant_id=");
	return -1;
}

static void db_create(struct db *db, struct api_ctx *c)
{
	int64_t tenant = create_tenant(c), id = 0;
	json_t *row, *after;
	int rc;

	if (tenant < 0 || !(row = api_res_body_row(db, c, true, tenant)))
		return;
	if (c->res->prepare && !c->res->prepare(db, c, row, true)) {
		json_decref(row);
		return;
	}
	rc = insert_row(db, c->res, row, tenant, &id);
	json_decref(row);
	if (rc) {
		write_failed(c, rc, db);
		return;
	}
	if (!strcmp(c->res->tenant_col, "id"))
		tenant = id;
	after = api_res_load(db, c->res, id, 0);
	api_audit(db, c, tenant, "create", c->res->object, id_text(id), NULL, after);
	c->status = 201;
	c->result = after;
	if (c->res->create_secret && c->extra)
		json_object_set_new(after, c->res->create_secret, json_string(c->extra));
	note_change(c, tenant, after);
}

static int64_t row_tenant(const struct api_resource *res, json_t *row)
{
	json_t *t = json_object_get(row, res->tenant_col);
	if (!t && !strcmp(res->tenant_col, "id"))
		t = json_object_get(row, "id");
	return json_integer_value(t);
}

static void db_update(struct db *db, struct api_ctx *c)
{
	json_t *before = api_res_load(db, c->res, c->id, c->scope), *row, *after;
	int rc;

	if (!before) {
		api_fail(c, 404, "not_found", "no %s %lld", c->res->object, (long long)c->id);
		return;
	}
	if (!(row = api_res_body_row(db, c, false, row_tenant(c->res, before))) ||
	    (c->res->prepare && !c->res->prepare(db, c, row, false))) {
		json_decref(row);
		json_decref(before);
		return;
	}
	rc = update_row(db, c->res, row, c->id, c->scope);
	json_decref(row);
	if (rc) {
		write_failed(c, rc, db);
		json_decref(before);
		return;
	}
	after = api_res_load(db, c->res, c->id, c->scope);
	api_audit(db, c, row_tenant(c->res, before), "update", c->res->object, id_text(c->id),
		  before, after);
	note_change(c, row_tenant(c->res, before), after);
	json_decref(before);
	c->status = 200;
	c->result = after;
}

static void db_delete(struct db *db, struct api_ctx *c)
{
	json_t *before = api_res_load(db, c->res, c->id, c->scope);
	char sql[160];
	struct db_value p[3] = { DBV_INT(c->id), DBV_INT(c->scope), DBV_INT(c->scope) };
	int rc;

	if (!before) {
		api_fail(c, 404, "not_found", "no %s %lld", c->res->object, (long long)c->id);
		return;
	}
	snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE id = ? AND (? = 0 OR %s = ?)",
		 c->res->table, c->res->tenant_col);
	if ((rc = db_exec(db, sql, p, 3))) {
		write_failed(c, rc, db);
		json_decref(before);
		return;
	}
	api_audit(db, c, row_tenant(c->res, before), "delete", c->res->object, id_text(c->id),
		  before, NULL);
	note_change(c, row_tenant(c->res, before), before);
	json_decref(before);
	c->status = 204;
}

static void db_get(struct db *db, struct api_ctx *c)
{
	c->result = api_res_load(db, c->res, c->id, c->scope);
	c->status = 200;
	if (!c->result)
		api_fail(c, 404, "not_found", "no %s %lld", c->res->object, (long long)c->id);
}

/* ---- entry points ---- */

const struct api_resource *api_resource_find(const char *name)
{
	for (size_t i = 0; api_resources[i]; i++)
		if (!strcmp(api_resources[i]->name, name))
			return api_resources[i];
	return NULL;
}


/* A password in the body is hashed on a worker before the store sees the request. */
static void hash_work(void *arg)
{
	struct api_ctx *c = arg;
	const char *pw = json_string_value(json_object_get(c->body, c->res->argon2_secret));

	if (api_password_hash(pw, c->extra))
		((char *)c->extra)[0] = '\0';
}

static void hash_done(void *arg)
{
	struct api_ctx *c = arg;

	if (!((char *)c->extra)[0]) {
		api_fail(c, 500, "internal", "the password could not be hashed");
		api_reply(c);
		return;
	}
	api_run(c);
}

static void hash_then_run(struct api_ctx *c)
{
	const char *pw;

	if (!api_json_str(c, c->body, c->res->argon2_secret, true, 128, &pw) ||
	    !api_password_acceptable(c, pw)) {
		api_reply(c);
		return;
	}
	c->extra = xcalloc(1, 128);
	c->extra_free = free;
	if (workers_submit(c->api->workers, hash_work, hash_done, c)) {
		api_fail(c, 503, "busy", "too many password changes at once; try again");
		api_reply(c);
	}
}

static void res_start(struct http_req *r, void *arg, enum api_action act, api_db_fn *fn)
{
	struct api_ctx *c = api_ctx_new(arg, r);
	const char *name = http_req_param(r, "res");

	if (!c)
		return;
	c->res = name ? api_resource_find(name) : NULL;
	c->act = act;
	c->db_fn = fn;
	if (!c->res) {
		api_fail(c, 404, "not_found", "no such resource: %s", http_req_path(r));
		api_reply(c);
		return;
	}
	if (!(c->res->ops & act)) {
		api_fail(c, 405, "method_not_allowed", "%s does not allow %s", c->res->name,
			 http_req_method(r));
		api_reply(c);
		return;
	}
	if (http_req_param(r, "id") && !(c->id = api_path_id(r))) {
		api_fail(c, 404, "not_found", "no %s %s", c->res->object, http_req_param(r, "id"));
		api_reply(c);
		return;
	}
	if ((act == ACT_CREATE || act == ACT_UPDATE) && !c->body) {
		api_fail(c, 400, "bad_json", "a JSON object body is required");
		api_reply(c);
		return;
	}
	if (c->res->argon2_secret && c->body && json_object_get(c->body, c->res->argon2_secret)) {
		hash_then_run(c);
		return;
	}
	api_run(c);
}

void api_res_list(struct http_req *r, void *arg)
{
	res_start(r, arg, ACT_LIST, api_res_list_run);
}

void api_res_get(struct http_req *r, void *arg)
{
	res_start(r, arg, ACT_GET, db_get);
}

void api_res_create(struct http_req *r, void *arg)
{
	res_start(r, arg, ACT_CREATE, db_create);
}

void api_res_update(struct http_req *r, void *arg)
{
	res_start(r, arg, ACT_UPDATE, db_update);
}

void api_res_delete(struct http_req *r, void *arg)
{
	res_start(r, arg, ACT_DELETE, db_delete);
}
