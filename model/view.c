/*
 * view.c: the service view, one entry per Service in force (see view.h).
 *
 * The view is a map from "namespace/name" to an owned view_service.  The
 * store calls view_refresh() for each service of an update's changeset,
 * after the update is applied and before the objects it replaced are
 * freed: the old entry can still be read, so an entry keeps its
 * generation when a rebuild gives the same result.  n_eps is kept in
 * step with the entries so store_stats() reads it in O(1).
 */
#include <stdlib.h>
#include <string.h>

#include "lib/map.h"
#include "model/store_internal.h"

void view_init(struct view *v)
{
	map_init(&v->entries);
	v->n_eps = 0;
}

void view_free(struct view *v)
{
	struct map_iter it;
	struct map_entry *me;
	map_iter_init(&v->entries, &it);
	while ((me = map_iter_next(&v->entries, &it)))
		view_service_free(me->value);
	map_clear(&v->entries);
	v->n_eps = 0;
}

void view_refresh(struct store *st, const char *key)
{
	struct view *v = &st->view;
	struct view_service *old = map_get(&v->entries, key);
	const struct sentry *s = store_find_service(st, key);

	struct view_service *vs = s && !s->lost ? view_build(st, s) : NULL;
	if (vs) {
		bool same = old && view_service_same(old, vs);
		vs->generation = same ? old->generation : st->generation;
		map_put(&v->entries, key, vs);
		vs->key = map_key(&v->entries, key);
		v->n_eps += vs->n_eps;
	} else if (old) {
		map_del(&v->entries, key);
	}
	if (old) {
		v->n_eps -= old->n_eps;
		view_service_free(old);
	}
}

const struct view_service *view_lookup(const struct view *v,
				       const char *svc_key)
{
	return map_get(&v->entries, svc_key);
}

size_t view_count(const struct view *v)
{
	return v->entries.count;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct k8s_meta *x = &(*(struct view_service *const *)a)->obj->meta;
	const struct k8s_meta *y = &(*(struct view_service *const *)b)->obj->meta;
	int c = strcmp(x->namespace, y->namespace);
	return c ? c : strcmp(x->name, y->name);
}

const struct view_service **view_sorted(const struct view *v, size_t *n)
{
	const struct view_service **out =
		xcalloc(v->entries.count, sizeof(*out));
	struct map_iter it;
	struct map_entry *me;
	size_t i = 0;

	map_iter_init(&v->entries, &it);
	while ((me = map_iter_next(&v->entries, &it)))
		out[i++] = me->value;
	if (i > 1)
		qsort(out, i, sizeof(*out), cmp_entry);
	*n = i;
	return out;
}

const char *ep_origin_name(enum ep_origin origin)
{
	static const char *const names[] = { "none", "EndpointSlices",
					     "Endpoints", "Pods" };
	return origin <= EP_PODS ? names[origin] : "?";
}
