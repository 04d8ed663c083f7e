/*
 * store.c: the object store: sources, updates, changesets (see store.h).
 *
 * Invariants:
 *  - every object key is held by exactly one source; st->objects and the
 *    sources' key maps list the same sentries;
 *  - a key keeps its sequence number while it stays in the store, so the
 *    first definition of a ClusterIP or nodePort keeps winning after edits;
 *  - an update bumps the generation once, and only when it changed
 *    something; it is applied whole before the view is rebuilt for the
 *    services it touched (store_internal.h explains the three steps);
 *  - nothing here scans the whole store: an update costs what its objects
 *    and the index groups they belong to cost.
 */
#include "model/store.h"

#include <stdlib.h>
#include <string.h>

#include "lib/map.h"
#include "model/store_internal.h"

struct store *store_new(void)
{
	struct store *st = xcalloc(1, sizeof(*st));
	map_init(&st->objects);
	map_init(&st->sources);
	map_init(&st->svc_by_label);
	map_init(&st->pods_by_label);
	map_init(&st->slices_by_svc);
	map_init(&st->claims);
	map_init(&st->contested);
	view_init(&st->view);
	return st;
}

void store_free(struct store *st)
{
	if (!st)
		return;
	/* The view borrows from the objects: it goes first. */
	view_free(&st->view);
	store_claims_free(st);
	store_index_free(st);

	struct map_iter it;
	struct map_entry *me;
	map_iter_init(&st->objects, &it);
	while ((me = map_iter_next(&st->objects, &it))) {
		struct sentry *e = me->value;
		object_free(e->pub.obj);
		free(e);
	}
	map_clear(&st->objects);
	map_iter_init(&st->sources, &it);
	while ((me = map_iter_next(&st->sources, &it))) {
		struct source *src = me->value;
		map_clear(&src->keys);
		free(src);
	}
	map_clear(&st->sources);
	free(st);
}

struct sentry *store_find(const struct store *st, enum k8s_kind kind,
			  const char *ns, const char *name)
{
	char *key = xasprintf("%s/%s/%s", kind_name(kind), ns, name);
	struct sentry *e = map_get(&st->objects, key);
	free(key);
	return e;
}

const struct map *store_group(const struct map *mm, const char *key)
{
	return map_get(mm, key);
}

void store_touch(struct store *st, char *owned_key)
{
	strvec_push(&st->up.keys, owned_key);
}

/* ---- one update ---- */

static void update_begin(struct store *st)
{
	memset(&st->up, 0, sizeof(st->up));
	st->up.gen = st->generation + 1;
}

static void bury(struct store *st, struct k8s_object *obj)
{
	struct update *up = &st->up;
	xgrow((void **)&up->dead, &up->cap_dead, up->n_dead + 1,
	      sizeof(*up->dead));
	up->dead[up->n_dead++] = obj;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A service whose claims changed hands matters only if that moved it in
 * or out of the view. */
static bool view_membership_flips(const struct store *st, const char *key)
{
	char *okey = xasprintf("Service/%s", key);
	const struct sentry *s = map_get(&st->objects, okey);
	free(okey);
	bool want = s && !s->lost;
	return want != (view_lookup(&st->view, key) != NULL);
}

static void update_keys(struct store *st)
{
	struct update *up = &st->up;
	for (size_t i = 0; i < up->flips.n; i++) {
		if (view_membership_flips(st, up->flips.v[i]))
			strvec_push(&up->keys, up->flips.v[i]);
		else
			free(up->flips.v[i]);
	}
	free(up->flips.v);
	memset(&up->flips, 0, sizeof(up->flips));

	struct strvec *k = &up->keys;
	if (k->n > 1)
		qsort(k->v, k->n, sizeof(*k->v), cmp_str);
	size_t out = 0;
	for (size_t i = 0; i < k->n; i++) {
		if (out && strcmp(k->v[out - 1], k->v[i]) == 0)
			free(k->v[i]);
		else
			k->v[out++] = k->v[i];
	}
	k->n = out;
}

static void drop_source_if_empty(struct store *st, struct source *src)
{
	if (!src || src->keys.count)
		return;
	map_clear(&src->keys);
	char *name = xstrdup(src->name);
	map_del(&st->sources, name);
	free(name);
	free(src);
}

static void update_commit(struct store *st, struct changeset *cs)
{
	struct update *up = &st->up;
	update_keys(st);
	if (up->changed) {
		st->generation = up->gen;
		st->updates++;
	}
	for (size_t i = 0; i < up->keys.n; i++)
		view_refresh(st, up->keys.v[i]);
	for (size_t i = 0; i < up->n_dead; i++)
		object_free(up->dead[i]);
	free(up->dead);
	drop_source_if_empty(st, up->src);
	if (cs) {
		cs->services = up->keys.v;
		cs->n = up->keys.n;
		cs->cap = up->keys.cap;
		cs->generation = st->generation;
	} else {
		strvec_free(&up->keys);
	}
	memset(up, 0, sizeof(*up));
}

/* ---- entries ---- */

static struct source *source_get(struct store *st, const char *name)
{
	struct source *src = map_get(&st->sources, name);
	if (!src) {
		src = xcalloc(1, sizeof(*src));
		map_init(&src->keys);
		map_put(&st->sources, name, src);
		src->name = map_key(&st->sources, name);
	}
	return src;
}

static void entry_attach(struct store *st, struct sentry *e)
{
	store_index_add(st, e);
	if (e->pub.obj->kind == KIND_SERVICE)
		store_claims_add(st, e);
	store_index_note(st, e->pub.obj);
	e->pub.generation = st->up.gen;
	st->up.changed = true;
}

static void entry_detach(struct store *st, struct sentry *e)
{
	store_index_note(st, e->pub.obj);
	if (e->pub.obj->kind == KIND_SERVICE)
		store_claims_del(st, e);
	store_index_del(st, e);
	bury(st, e->pub.obj);
	e->pub.obj = NULL;
	st->up.changed = true;
}

static struct sentry *entry_insert(struct store *st, struct source *src,
				   const char *key, struct k8s_object *obj)
{
	struct sentry *e = xcalloc(1, sizeof(*e));
	map_put(&st->objects, key, e);
	e->key = map_key(&st->objects, key);
	e->src = src;
	map_put(&src->keys, key, e);
	e->pub.obj = obj;
	e->pub.source = src->name;
	e->pub.seq = ++st->next_seq;
	e->pub.first_seen = now_wall_s();
	st->counts[obj->kind]++;
	entry_attach(st, e);
	return e;
}

static void entry_modify(struct store *st, struct sentry *e,
			 struct k8s_object *obj)
{
	entry_detach(st, e);
	e->pub.obj = obj;
	entry_attach(st, e);
}

static void entry_remove(struct store *st, struct sentry *e)
{
	st->counts[e->pub.obj->kind]--;
	entry_detach(st, e);
	map_del(&e->src->keys, e->key);
	map_del(&st->objects, e->key);
	free(e);
}

/* Takes obj into src.  `stamp` (0 for single puts) marks the keys one
 * store_replace() call has seen, so a key given twice is caught. */
static bool take(struct store *st, struct source *src, struct k8s_object *obj,
		 uint64_t stamp, struct strvec *errors)
{
	char *key = object_key(obj);
	struct sentry *e = map_get(&st->objects, key);
	const char *why = NULL;

	if (e && e->src != src)
		why = e->src->name;
	else if (e && stamp && e->stamp == stamp)
		why = "an earlier object of the same source";
	if (why) {
		if (errors)
			strvec_addf(errors, "%s: %s %s/%s: already defined in %s",
				    src->name, kind_name(obj->kind),
				    obj->meta.namespace, obj->meta.name, why);
		object_free(obj);
		free(key);
		return false;
	}
	if (!e)
		e = entry_insert(st, src, key, obj);
	else if (e->pub.obj->digest == obj->digest)
		object_free(obj);
	else
		entry_modify(st, e, obj);
	e->stamp = stamp;
	free(key);
	return true;
}

/* ---- updates ---- */

size_t store_replace_keep(struct store *st, const char *source,
			  struct k8s_object **objs, size_t n,
			  const struct strvec *keep, struct strvec *errors,
			  struct changeset *cs)
{
	update_begin(st);
	struct source *src = source_get(st, source);
	uint64_t stamp = ++st->stamp;
	size_t rejected = 0;

	st->up.src = src;
	for (size_t i = 0; i < n; i++) {
		struct k8s_object *obj = objs[i];
		objs[i] = NULL;
		if (obj && !take(st, src, obj, stamp, errors))
			rejected++;
	}
	for (size_t i = 0; keep && i < keep->n; i++) {
		struct sentry *e = map_get(&src->keys, keep->v[i]);
		if (e)
			e->stamp = stamp;
	}

	/* Deleting the entry an iterator stands on is allowed. */
	struct map_iter it;
	struct map_entry *me;
	map_iter_init(&src->keys, &it);
	while ((me = map_iter_next(&src->keys, &it))) {
		struct sentry *e = me->value;
		if (e->stamp != stamp)
			entry_remove(st, e);
	}
	update_commit(st, cs);
	return rejected;
}

size_t store_replace(struct store *st, const char *source,
		     struct k8s_object **objs, size_t n,
		     struct strvec *errors, struct changeset *cs)
{
	return store_replace_keep(st, source, objs, n, NULL, errors, cs);
}

void store_remove_source(struct store *st, const char *source,
			 struct changeset *cs)
{
	store_replace_keep(st, source, NULL, 0, NULL, NULL, cs);
}

int store_put(struct store *st, const char *source, struct k8s_object *obj,
	      struct strvec *errors, struct changeset *cs)
{
	update_begin(st);
	struct source *src = source_get(st, source);
	st->up.src = src;
	bool ok = take(st, src, obj, 0, errors);
	update_commit(st, cs);
	return ok ? 0 : -1;
}

void store_delete(struct store *st, enum k8s_kind kind, const char *ns,
		  const char *name, struct changeset *cs)
{
	update_begin(st);
	struct sentry *e = store_find(st, kind, ns, name);
	if (e) {
		st->up.src = e->src;
		entry_remove(st, e);
	}
	update_commit(st, cs);
}

/* ---- queries ---- */

const struct store_entry *store_get(const struct store *st,
				    enum k8s_kind kind, const char *ns,
				    const char *name)
{
	const struct sentry *e = store_find(st, kind, ns, name);
	return e ? &e->pub : NULL;
}

size_t store_source_count(const struct store *st, const char *source)
{
	const struct source *src = map_get(&st->sources, source);
	return src ? src->keys.count : 0;
}

void store_stats(const struct store *st, struct store_stats *out)
{
	memset(out, 0, sizeof(*out));
	memcpy(out->objects, st->counts, sizeof(out->objects));
	out->sources = st->sources.count;
	out->services = view_count(&st->view);
	out->endpoints = st->view.n_eps;
	out->conflicts = st->held_out;
	out->generation = st->generation;
	out->updates = st->updates;
}

const struct view *store_view(const struct store *st)
{
	return &st->view;
}

uint64_t store_generation(const struct store *st)
{
	return st->generation;
}

void changeset_free(struct changeset *cs)
{
	if (!cs)
		return;
	for (size_t i = 0; i < cs->n; i++)
		free(cs->services[i]);
	free(cs->services);
	cs->services = NULL;
	cs->n = cs->cap = 0;
}

bool changeset_has(const struct changeset *cs, const char *key)
{
	size_t lo = 0, hi = cs->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(cs->services[mid], key);
		if (!c)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}
