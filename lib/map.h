/*
 * map.h: a hash map from strings to pointers.
 *
 * The map owns a copy of every key; it never owns the values.  Lookups,
 * inserts and deletes are O(1) on average; the table starts small and
 * doubles when it is three quarters full.  Iteration order is
 * unspecified.  Deleting the entry an iterator stands on is allowed.
 */
#ifndef SVCD_MAP_H
#define SVCD_MAP_H

#include <stddef.h>
#include <stdint.h>

struct map_entry {
	struct map_entry *next;
	uint64_t hash;
	void *value;
	char key[];
};

struct map {
	struct map_entry **slots;
	size_t nslots, count;
};

struct map_iter {
	size_t slot;
	struct map_entry *next;
};

void map_init(struct map *m);
/* Frees the table and keys; values are the caller's. */
void map_clear(struct map *m);
void *map_get(const struct map *m, const char *key);
/* Stores value under key; returns the value it replaces, or NULL. */
void *map_put(struct map *m, const char *key, void *value);
/* Removes key; returns its value, or NULL when absent. */
void *map_del(struct map *m, const char *key);
/* The stored copy of key, or NULL: lets values borrow the key. */
const char *map_key(const struct map *m, const char *key);
/* The entry of key, or NULL; its value may be changed in place. */
struct map_entry *map_find(const struct map *m, const char *key);

void map_iter_init(const struct map *m, struct map_iter *it);
/* Next entry, or NULL at the end. */
struct map_entry *map_iter_next(const struct map *m, struct map_iter *it);

#endif
