/*
 * arena.h: a bump allocator for short-lived trees of small objects.
 *
 * Allocations come from chunks that are only ever released together, by
 * arena_release(): parsing a manifest into a JSON tree makes hundreds of
 * small allocations that all die together a moment later, and serving
 * them from one arena costs a pointer bump each instead of a malloc and
 * a free.  The first chunk is the caller's (usually on its stack), so a
 * small tree allocates nothing at all.
 *
 * Under AddressSanitizer every allocation is followed by a poisoned gap
 * and released memory is poisoned, so overflows and uses after release
 * are still caught.
 */
#ifndef SVCD_ARENA_H
#define SVCD_ARENA_H

#include <stdbool.h>
#include <stddef.h>

struct arena_chunk;

struct arena {
	char *next, *end;          /* free space of the current chunk */
	struct arena_chunk *heap;  /* chunks beyond the first (owned) */
	char *first;               /* the caller's first chunk */
	size_t first_size;
	size_t grow;               /* size of the next heap chunk */
};

/* Starts an arena whose first chunk is buf[0..size) (may be NULL, 0). */
void arena_init(struct arena *a, void *buf, size_t size);
/* n bytes aligned for any type; never NULL (aborts when out of memory). */
void *arena_alloc(struct arena *a, size_t n);
/* True when p was handed out by arena_alloc(a, ...). */
bool arena_owns(const struct arena *a, const void *p);
/* Releases every allocation and hands the first chunk back; the arena
 * needs arena_init() before it is used again. */
void arena_release(struct arena *a);

#endif
