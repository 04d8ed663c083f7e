/*
 * arena.c: the bump allocator (see arena.h).
 *
 * Heap chunks are kept in a list, newest first; each is twice the size of
 * the one before, so a large tree needs only a few.  arena_owns() walks
 * the chunks: there are rarely more than two or three.
 */
#include "lib/arena.h"

#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "lib/util.h"

#if defined(__SANITIZE_ADDRESS__)
#define ARENA_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARENA_ASAN 1
#endif
#endif

#ifdef ARENA_ASAN
#include <sanitizer/asan_interface.h>
#define REDZONE 16
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define REDZONE 0
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define ALIGN alignof(max_align_t)
#define FIRST_HEAP_CHUNK 16384

struct arena_chunk {
	struct arena_chunk *next;
	size_t size;              /* of data[] */
	char data[];
};
_Static_assert(offsetof(struct arena_chunk, data) % ALIGN == 0,
	       "chunk data is aligned as malloc's result is");

static char *align_up(char *p)
{
	return (char *)(((uintptr_t)p + ALIGN - 1) & ~(uintptr_t)(ALIGN - 1));
}

void arena_init(struct arena *a, void *buf, size_t size)
{
	a->heap = NULL;
	a->first = buf;
	a->first_size = buf ? size : 0;
	a->next = a->end = NULL;
	a->grow = FIRST_HEAP_CHUNK;
	if (!buf)
		return;
	a->end = a->first + size;
	a->next = align_up(a->first);
	if (a->next > a->end)
		a->next = a->end;
	POISON(a->first, a->first_size);
}

static void add_chunk(struct arena *a, size_t need)
{
	while (a->grow < need)
		a->grow *= 2;
	struct arena_chunk *c = xmalloc(sizeof(*c) + a->grow);
	c->size = a->grow;
	c->next = a->heap;
	a->heap = c;
	a->next = c->data;
	a->end = c->data + c->size;
	a->grow *= 2;
	POISON(c->data, c->size);
}

void *arena_alloc(struct arena *a, size_t n)
{
	size_t need = (n ? n : 1) + REDZONE;

	if (!a->next || (size_t)(a->end - a->next) < need)
		add_chunk(a, need);
	char *p = a->next;
	a->next = align_up(p + need);
	if (a->next > a->end)
		a->next = a->end;
	UNPOISON(p, n);
	return p;
}

/* As integers: p may point into any object, not only this arena's. */
static bool within(const void *p, const void *start, size_t size)
{
	uintptr_t q = (uintptr_t)p, s = (uintptr_t)start;
	return q >= s && q - s < size;
}

bool arena_owns(const struct arena *a, const void *p)
{
	if (a->first && within(p, a->first, a->first_size))
		return true;
	for (const struct arena_chunk *c = a->heap; c; c = c->next)
		if (within(p, c->data, c->size))
			return true;
	return false;
}

void arena_release(struct arena *a)
{
	while (a->heap) {
		struct arena_chunk *c = a->heap;
		a->heap = c->next;
		UNPOISON(c->data, c->size);
		free(c);
	}
	/* The first chunk is the caller's: hand it back unpoisoned. */
	if (a->first)
		UNPOISON(a->first, a->first_size);
	a->next = a->end = NULL;
	a->first = NULL;
	a->first_size = 0;
}
