/*
 * store_index.c: the store's secondary indexes, and which services an
 * object belongs to.
 *
 * Three indexes (group key -> the objects of the group, see
 * store_internal.h for their two shapes) answer the questions an update
 * and a view rebuild ask, without scanning:
 *
 *  - which EndpointSlices name service ns/svc      slices_by_svc "ns/svc"
 *  - which Pods carry label k=v in namespace ns    pods_by_label "ns/k=v"
 *  - which Services might select a Pod             svc_by_label  "ns/k=v"
 *
 * A Service is filed once, under its first selector label: a Pod can
 * only match it if it carries that label, so looking up the Pod's own
 * labels finds every candidate exactly once, and labels_match() settles
 * the rest.  ExternalName Services are not filed: their selector is
 * ignored, as Kubernetes ignores it.
 *
 * Namespaces cannot contain '/' and label keys cannot contain '=', so the
 * group keys are unambiguous.  An object is filed from its own fields, so
 * unfiling the same object finds the same groups.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/map.h"
#include "model/store_internal.h"

static char *label_group(const char *ns, const struct label *l)
{
	return xasprintf("%s/%s=%s", ns, l->key, l->value);
}

static void mm_add(struct map *mm, char *owned_key, struct sentry *e)
{
	struct map *inner = map_get(mm, owned_key);
	if (!inner) {
		inner = xcalloc(1, sizeof(*inner));
		map_init(inner);
		map_put(mm, owned_key, inner);
	}
	map_put(inner, e->pub.obj->meta.name, e);
	free(owned_key);
}

static void mm_del(struct map *mm, char *owned_key, struct sentry *e)
{
	struct map *inner = map_get(mm, owned_key);
	if (inner && map_get(inner, e->pub.obj->meta.name) == e) {
		map_del(inner, e->pub.obj->meta.name);
		if (!inner->count) {
			map_del(mm, owned_key);
			map_clear(inner);
			free(inner);
		}
	}
	free(owned_key);
}

/* List groups: the map holds the first sentry; the list goes through
 * the sentries themselves. */
static void list_add(struct map *idx, char *owned_key, struct sentry *e)
{
	struct map_entry *me = map_find(idx, owned_key);
	e->grp_next = me ? me->value : NULL;
	if (me)
		me->value = e;
	else
		map_put(idx, owned_key, e);
	free(owned_key);
}

static void list_del(struct map *idx, char *owned_key, struct sentry *e)
{
	struct map_entry *me = map_find(idx, owned_key);
	struct sentry *head = me ? me->value : NULL;

	if (head == e && e->grp_next) {
		me->value = e->grp_next;
	} else if (head == e) {
		map_del(idx, owned_key);
	} else {
		while (head && head->grp_next != e)
			head = head->grp_next;
		if (head)
			head->grp_next = e->grp_next;
	}
	e->grp_next = NULL;
	free(owned_key);
}

static void mm_free(struct map *mm)
{
	struct map_iter it;
	struct map_entry *me;
	map_iter_init(mm, &it);
	while ((me = map_iter_next(mm, &it))) {
		map_clear(me->value);
		free(me->value);
	}
	map_clear(mm);
}

static bool selects_pods(const struct k8s_object *obj)
{
	return obj->u.svc.selector.n && obj->u.svc.type != SVC_EXTERNAL_NAME;
}

/* Files (add) or unfiles (!add) one object. */
static void file_object(struct store *st, struct sentry *e, bool add)
{
	void (*op)(struct map *, char *, struct sentry *) = add ? mm_add : mm_del;
	void (*lop)(struct map *, char *, struct sentry *) =
		add ? list_add : list_del;
	const struct k8s_object *o = e->pub.obj;
	const char *ns = o->meta.namespace;

	switch (o->kind) {
	case KIND_SERVICE:
		if (selects_pods(o))
			lop(&st->svc_by_label,
			    label_group(ns, &o->u.svc.selector.v[0]), e);
		break;
	case KIND_ENDPOINT_SLICE:
		if (o->u.slice.service_name)
			lop(&st->slices_by_svc,
			    svc_key(ns, o->u.slice.service_name), e);
		break;
	case KIND_POD:
		for (size_t i = 0; i < o->meta.labels.n; i++)
			op(&st->pods_by_label,
			   label_group(ns, &o->meta.labels.v[i]), e);
		break;
	case KIND_ENDPOINTS:
	case KIND_COUNT:
		break;
	}
}

void store_index_add(struct store *st, struct sentry *e)
{
	file_object(st, e, true);
}

void store_index_del(struct store *st, struct sentry *e)
{
	file_object(st, e, false);
}

void store_index_free(struct store *st)
{
	map_clear(&st->svc_by_label);
	mm_free(&st->pods_by_label);
	map_clear(&st->slices_by_svc);
}

/* Slices and Endpoints matter only to a Service that exists; when the
 * Service itself comes or goes, it reports its own key. */
static void note_named(struct store *st, const char *ns, const char *name)
{
	if (store_find(st, KIND_SERVICE, ns, name))
		store_touch(st, svc_key(ns, name));
}

static void note_pod(struct store *st, const struct k8s_object *pod)
{
	const char *ns = pod->meta.namespace;
	const struct labels *labels = &pod->meta.labels;

	for (size_t i = 0; i < labels->n; i++) {
		char *gkey = label_group(ns, &labels->v[i]);
		const struct sentry *s = store_list(&st->svc_by_label, gkey);
		free(gkey);
		for (; s; s = s->grp_next) {
			const struct k8s_object *svc = s->pub.obj;
			if (labels_match(&svc->u.svc.selector, labels))
				store_touch(st, svc_key(ns, svc->meta.name));
		}
	}
}

void store_index_note(struct store *st, const struct k8s_object *obj)
{
	const char *ns = obj->meta.namespace;

	switch (obj->kind) {
	case KIND_SERVICE:
		store_touch(st, svc_key(ns, obj->meta.name));
		break;
	case KIND_ENDPOINT_SLICE:
		if (obj->u.slice.service_name)
			note_named(st, ns, obj->u.slice.service_name);
		break;
	case KIND_ENDPOINTS:
		note_named(st, ns, obj->meta.name);
		break;
	case KIND_POD:
		note_pod(st, obj);
		break;
	case KIND_COUNT:
		break;
	}
}
