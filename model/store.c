/*
 * store.c: the object store: sources, updates, changesets (see store.h).
 *
 * Invariants:
 *  - every object key is held by exactly one source; the table and the
 *    sources' lists hold the same sentries;
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
	map_init(&st->sources);
	map_init(&st->svc_by_label);
	map_init(&st->pods_by_label);
	map_init(&st->slices_by_svc);
	map_init(&st->claims);
	map_init(&st->contested);
	view_init(&st->view);
	return st;
}

static void sentry_free(struct sentry *e)
{
	object_free(e->pub.obj);
	free(e);
}

void store_free(struct store *st)
{
	if (!st)
		return;
	/* The view borrows from the objects: it goes first. */
	view_free(&st->view);
	store_claims_free(st);
	store_index_free(st);

	store_table_free(st, sentry_free);
	struct map_iter it;
	struct map_entry *me;
	map_iter_init(&st->sources, &it);
	while ((me = map_iter_next(&st->sources, &it)))
		free(me->value);
	map_clear(&st->sources);
	free(st);
}

const struct map *store_group(const struct map *mm, const char *key)
{
	return map_get(mm, key);
}

const struct sentry *store_list(const struct map *idx, const char *key)
{
	return map_get(idx, key);
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
	const struct sentry *s = store_find_service(st, key);
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
	if (!src || src->n)
		return;
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
				   struct k8s_object *obj)
{
	struct sentry *e = xcalloc(1, sizeof(*e));
	e->pub.obj = obj;
	store_table_add(st, e);
	e->src = src;
	e->next = src->first;
	if (src->first)
		src->first->prev = e;
	src->first = e;
	src->n++;
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
	if (e->prev)
		e->prev->next = e->next;
	else
		e->src->first = e->next;
	if (e->next)
		e->next->prev = e->prev;
	e->src->n--;
	store_table_del(st, e);
	free(e);
}

/* Takes obj into src.  A store_replace() call (`replace`) marks the keys
 * it has seen, so a key given twice is caught and the keys it did not
 * see can be dropped. */
static bool take(struct store *st, struct source *src, struct k8s_object *obj,
		 bool replace, struct strvec *errors)
{
	struct sentry *e = store_find(st, obj->kind, obj->meta.namespace,
				      obj->meta.name);
	const char *why = NULL;

	if (e && e->src != src)
		why = e->src->name;
	else if (e && replace && e->seen)
		why = "an earlier object of the same source";
	if (why) {
		if (errors)
			strvec_addf(errors, "%s: %s %s/%s: already defined in %s",
				    src->name, kind_name(obj->kind),
				    obj->meta.namespace, obj->meta.name, why);
		object_free(obj);
		return false;
	}
	if (!e)
		e = entry_insert(st, src, obj);
	else if (e->pub.obj->digest == obj->digest)
		object_free(obj);
	else
		entry_modify(st, e, obj);
	e->seen = replace;
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
	size_t rejected = 0;

	st->up.src = src;
	for (size_t i = 0; i < n; i++) {
		struct k8s_object *obj = objs[i];
		objs[i] = NULL;
		if (obj && !take(st, src, obj, true, errors))
			rejected++;
	}
	for (size_t i = 0; keep && i < keep->n; i++) {
		struct sentry *e = store_find_key(st, keep->v[i]);
		if (e && e->src == src)
			e->seen = true;
	}

	for (struct sentry *e = src->first, *next; e; e = next) {
		next = e->next;
		if (!e->seen)
			entry_remove(st, e);
		else
			e->seen = false;
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
	return src ? src->n : 0;
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
