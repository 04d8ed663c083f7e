/*
 * decode_mem.c: where jansson allocates while a manifest is decoded.
 *
 * Parsing makes a JSON tree of hundreds of small nodes per object (and
 * YAML makes the same tree through yaml.c), all of which die when the
 * document has been decoded.  While decode_buffer() runs, jansson's
 * allocations on that thread come from an arena (lib/arena.h) that is
 * released in one go at the end; everywhere else, and on every other
 * thread, jansson allocates with malloc as before.
 *
 * jansson's allocator is process-wide, so the hooks are installed once,
 * when the program starts (before any thread, and before any JSON value
 * exists), and decide per call: a thread-local pointer names the arena
 * in use.  A block freed during a decode that the arena did not hand out
 * (a value made before it started) goes to free().  Nothing jansson allocates
 * inside the decode may outlive it: decode_buffer() copies what it keeps
 * into the objects it returns, and gives up the tree before it ends.
 */
#include "model/decode_internal.h"

#include <stdlib.h>

static _Thread_local struct arena *current;

static void *json_alloc(size_t n)
{
	return current ? arena_alloc(current, n) : malloc(n);
}

static void json_release(void *p)
{
	if (current && arena_owns(current, p))
		return;
	free(p);
}

__attribute__((constructor)) static void install_hooks(void)
{
	json_set_alloc_funcs(json_alloc, json_release);
}

void dc_mem_begin(struct arena *a, void *buf, size_t size)
{
	arena_init(a, buf, size);
	current = a;
}

void dc_mem_end(struct arena *a)
{
	current = NULL;
	arena_release(a);
}
