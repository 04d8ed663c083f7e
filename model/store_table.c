/*
 * store_table.c: the store's objects by kind, namespace and name.
 *
 * A hash table whose chains run through the sentries themselves
 * (sentry->hnext), so an object costs no map entry and no key string:
 * the kind, namespace and name it is found by are the object's own.  The
 * table doubles when it is three quarters full and never shrinks, like
 * lib/map.h; each sentry keeps the low bits of its hash so that growing
 * and most failed comparisons need no string work.
 *
 * Keys in text form ("Kind/namespace/name", and "namespace/name" for a
 * Service) are split in place: namespaces and names never contain '/'.
 */
#include <stdlib.h>
#include <string.h>

#include "model/store_internal.h"

#define TABLE_MIN_SLOTS 64

static uint32_t key_hash(enum k8s_kind kind, const char *ns, size_t ns_len,
			 const char *name, size_t name_len)
{
	unsigned char k = (unsigned char)kind;
	uint64_t h = hash_bytes(&k, 1, HASH_SEED);
	h = hash_bytes(ns, ns_len, h);
	h = hash_bytes("/", 1, h);
	return (uint32_t)hash_bytes(name, name_len, h);
}

static uint32_t entry_hash(const struct sentry *e)
{
	const struct k8s_meta *m = &e->pub.obj->meta;
	return key_hash(e->pub.obj->kind, m->namespace, strlen(m->namespace),
			m->name, strlen(m->name));
}

static bool same(const char *s, const char *t, size_t t_len)
{
	return strncmp(s, t, t_len) == 0 && s[t_len] == '\0';
}

static struct sentry *lookup(const struct store *st, enum k8s_kind kind,
			     const char *ns, size_t ns_len, const char *name,
			     size_t name_len)
{
	if (!st->nslots)
		return NULL;
	uint32_t h = key_hash(kind, ns, ns_len, name, name_len);
	struct sentry *e = st->slots[h & (st->nslots - 1)];
	for (; e; e = e->hnext) {
		const struct k8s_object *o = e->pub.obj;
		if (e->hash == h && o->kind == kind &&
		    same(o->meta.name, name, name_len) &&
		    same(o->meta.namespace, ns, ns_len))
			return e;
	}
	return NULL;
}

static void grow(struct store *st)
{
	size_t n = st->nslots ? st->nslots * 2 : TABLE_MIN_SLOTS;
	struct sentry **slots = xcalloc(n, sizeof(*slots));

	for (size_t i = 0; i < st->nslots; i++) {
		struct sentry *e = st->slots[i], *next;
		for (; e; e = next) {
			next = e->hnext;
			e->hnext = slots[e->hash & (n - 1)];
			slots[e->hash & (n - 1)] = e;
		}
	}
	free(st->slots);
	st->slots = slots;
	st->nslots = n;
}

void store_table_add(struct store *st, struct sentry *e)
{
	if (st->n_objects + 1 > st->nslots / 4 * 3)
		grow(st);
	e->hash = entry_hash(e);
	struct sentry **slot = &st->slots[e->hash & (st->nslots - 1)];
	e->hnext = *slot;
	*slot = e;
	st->n_objects++;
}

void store_table_del(struct store *st, struct sentry *e)
{
	struct sentry **pp = &st->slots[e->hash & (st->nslots - 1)];
	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	e->hnext = NULL;
	st->n_objects--;
}

/* Frees every sentry (not its object) and the table. */
void store_table_free(struct store *st, void (*each)(struct sentry *))
{
	for (size_t i = 0; i < st->nslots; i++) {
		struct sentry *e = st->slots[i], *next;
		for (; e; e = next) {
			next = e->hnext;
			each(e);
		}
	}
	free(st->slots);
	st->slots = NULL;
	st->nslots = st->n_objects = 0;
}

struct sentry *store_find(const struct store *st, enum k8s_kind kind,
			  const char *ns, const char *name)
{
	return lookup(st, kind, ns, strlen(ns), name, strlen(name));
}

struct sentry *store_find_service(const struct store *st, const char *svc_key)
{
	const char *slash = strchr(svc_key, '/');
	if (!slash)
		return NULL;
	return lookup(st, KIND_SERVICE, svc_key, (size_t)(slash - svc_key),
		      slash + 1, strlen(slash + 1));
}

struct sentry *store_find_key(const struct store *st, const char *key)
{
	const char *slash = strchr(key, '/');
	if (!slash)
		return NULL;
	for (int k = 0; k < KIND_COUNT; k++) {
		const char *kn = kind_name((enum k8s_kind)k);
		if (same(kn, key, (size_t)(slash - key))) {
			const char *ns = slash + 1;
			const char *s2 = strchr(ns, '/');
			if (!s2)
				return NULL;
			return lookup(st, (enum k8s_kind)k, ns,
				      (size_t)(s2 - ns), s2 + 1,
				      strlen(s2 + 1));
		}
	}
	return NULL;
}
