/*
 * map.c: chained hash table keyed by strings (see map.h).
 */
#include "lib/map.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

/* Many maps (an index group, a small set) hold one or two entries: a
 * small first table saves more memory than the early growth costs. */
#define MAP_MIN_SLOTS 4

void map_init(struct map *m)
{
	m->slots = NULL;
	m->nslots = m->count = 0;
}

void map_clear(struct map *m)
{
	for (size_t i = 0; i < m->nslots; i++) {
		struct map_entry *e = m->slots[i];
		while (e) {
			struct map_entry *next = e->next;
			free(e);
			e = next;
		}
	}
	free(m->slots);
	map_init(m);
}

static uint64_t key_hash(const char *key)
{
	return hash_bytes(key, strlen(key), HASH_SEED);
}

static struct map_entry **find(const struct map *m, const char *key,
			       uint64_t h)
{
	if (!m->nslots)
		return NULL;
	struct map_entry **pp = &m->slots[h & (m->nslots - 1)];
	for (; *pp; pp = &(*pp)->next)
		if ((*pp)->hash == h && strcmp((*pp)->key, key) == 0)
			return pp;
	return pp;
}

static void resize(struct map *m, size_t nslots)
{
	struct map_entry **slots = xcalloc(nslots, sizeof(*slots));
	for (size_t i = 0; i < m->nslots; i++) {
		struct map_entry *e = m->slots[i];
		while (e) {
			struct map_entry *next = e->next;
			size_t s = e->hash & (nslots - 1);
			e->next = slots[s];
			slots[s] = e;
			e = next;
		}
	}
	free(m->slots);
	m->slots = slots;
	m->nslots = nslots;
}

void *map_get(const struct map *m, const char *key)
{
	struct map_entry **pp = find(m, key, key_hash(key));
	return pp && *pp ? (*pp)->value : NULL;
}

const char *map_key(const struct map *m, const char *key)
{
	struct map_entry *e = map_find(m, key);
	return e ? e->key : NULL;
}

struct map_entry *map_find(const struct map *m, const char *key)
{
	struct map_entry **pp = find(m, key, key_hash(key));
	return pp ? *pp : NULL;
}

void *map_put(struct map *m, const char *key, void *value)
{
	uint64_t h = key_hash(key);
	if (m->count + 1 > m->nslots / 4 * 3)
		resize(m, m->nslots ? m->nslots * 2 : MAP_MIN_SLOTS);
	struct map_entry **pp = find(m, key, h);
	if (*pp) {
		void *old = (*pp)->value;
		(*pp)->value = value;
		return old;
	}
	size_t klen = strlen(key);
	struct map_entry *e = xmalloc(sizeof(*e) + klen + 1);
	memcpy(e->key, key, klen + 1);
	e->hash = h;
	e->value = value;
	e->next = NULL;
	*pp = e;
	m->count++;
	return NULL;
}

void *map_del(struct map *m, const char *key)
{
	struct map_entry **pp = find(m, key, key_hash(key));
	if (!pp || !*pp)
		return NULL;
	struct map_entry *e = *pp;
	void *value = e->value;
	*pp = e->next;
	free(e);
	m->count--;
	return value;
}

void map_iter_init(const struct map *m, struct map_iter *it)
{
	it->slot = 0;
	it->next = m->nslots ? m->slots[0] : NULL;
}

struct map_entry *map_iter_next(const struct map *m, struct map_iter *it)
{
	while (!it->next) {
		if (++it->slot >= m->nslots)
			return NULL;
		it->next = m->slots[it->slot];
	}
	struct map_entry *e = it->next;
	it->next = e->next;
	return e;
}
