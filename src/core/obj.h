/* Refcounted objects: one destructor per type, freed when the last ref goes. */
#ifndef CORE_OBJ_H
#define CORE_OBJ_H

#include <stddef.h>

typedef void(obj_destroy_fn)(void *obj);

/* Zeroed object of size bytes with refcount 1; never NULL. */
void *obj_new(size_t size, obj_destroy_fn *destroy);
/* Returns obj; NULL-safe. The count is atomic, so refs may cross threads. */
void *obj_ref(void *obj);
/* Drops one ref, runs the destructor and frees at zero; NULL-safe; returns NULL. */
void *obj_unref(void *obj);
unsigned obj_refs(const void *obj);

#endif
