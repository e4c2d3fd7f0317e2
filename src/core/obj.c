/* Refcounted objects: a small header with an atomic count sits just before the object. */
#include <stdalign.h>
#include <stdatomic.h>
#include <stdint.h>

#include "core/mem.h"
#include "core/obj.h"

struct obj_hdr {
	atomic_uint refs;
	obj_destroy_fn *destroy;
	/* Keeps the object that follows aligned for any type. */
	alignas(max_align_t) unsigned char data[];
};

static struct obj_hdr *obj_hdr(const void *obj)
{
	return (struct obj_hdr *)((char *)(uintptr_t)obj - offsetof(struct obj_hdr, data));
}

void *obj_new(size_t size, obj_destroy_fn *destroy)
{
	struct obj_hdr *h;

	if (size > SIZE_MAX - sizeof(*h))
		mem_oom(size);
	h = xcalloc(1, sizeof(*h) + size);
	atomic_init(&h->refs, 1);
	h->destroy = destroy;
	return h->data;
}

void *obj_ref(void *obj)
{
	if (obj)
		atomic_fetch_add_explicit(&obj_hdr(obj)->refs, 1, memory_order_relaxed);
	return obj;
}

void *obj_unref(void *obj)
{
	if (!obj)
		return NULL;
	struct obj_hdr *h = obj_hdr(obj);
	/* Release our writes; the last owner acquires everyone's before destroying. */
	if (atomic_fetch_sub_explicit(&h->refs, 1, memory_order_acq_rel) != 1)
		return NULL;
	if (h->destroy)
		h->destroy(obj);
	free(h);
	return NULL;
}

unsigned obj_refs(const void *obj)
{
	return obj ? atomic_load(&obj_hdr(obj)->refs) : 0;
}
