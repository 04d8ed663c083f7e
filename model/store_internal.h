/*
 * store_internal.h: the store's data structures, shared by the store
 * (store.c), its indexes and conflict claims (store_index.c,
 * store_claims.c) and the service view (view.c, view_build.c).
 *
 * Every object lives in one `struct sentry`, owned by the store's table
 * (store_table.c: by kind, namespace and name) and listed (borrowed) in
 * its source's list and in the indexes below.  The indexes map a group
 * key to the objects of that group, so that an update touches only the
 * groups its objects belong to:
 *
 *   svc_by_label   "ns/key=value" of a Service's first selector label
 *   slices_by_svc  "ns/service-name" of an EndpointSlice
 *   pods_by_label  "ns/key=value" for every label of a Pod
 *
 * A Service or a slice is in one group at most: those two indexes map
 * the key to the first sentry of a list linked through the sentries
 * (grp_next), which costs nothing per object; such groups are small (the
 * slices of one Service), so unlinking walks the list.  A Pod is in as
 * many groups as it has labels, and a group may hold thousands of Pods:
 * pods_by_label is a "multimap", an outer map from the group key to an
 * inner map from Pod name to sentry.
 *
 * An update runs in three steps: objects are added, replaced and removed
 * while st->up collects the services they touch; the view is rebuilt for
 * those services; then the replaced objects are freed.  Freeing last
 * lets the view compare an old entry (whose strings borrow from the old
 * objects) with the new one, so an entry's generation moves only when
 * its content did.
 */
#ifndef SVCD_STORE_INTERNAL_H
#define SVCD_STORE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/map.h"
#include "lib/util.h"
#include "model/object.h"
#include "model/store.h"
#include "model/view.h"

/* Most sources (state-dir files) hold one or two objects: a list costs
 * less than a map per source. */
struct source {
	const char *name;      /* the stored key of st->sources */
	struct sentry *first;  /* the source's objects (borrowed) */
	size_t n;
};

/* Two per Service at scale (its own, its slice's): kept within 88 bytes,
 * one 96-byte malloc chunk. */
struct sentry {
	struct store_entry pub; /* first: store_get() hands out &pub */
	struct source *src;
	struct sentry *prev, *next; /* in src's list */
	struct sentry *grp_next; /* in a list index group */
	struct sentry *hnext;   /* in the table's chain */
	uint32_t hash;          /* of kind, namespace and name */
	uint32_t lost : 31;     /* conflict claims this Service loses */
	uint32_t seen : 1;      /* the store_replace() under way saw it */
};

struct view {
	struct map entries; /* "ns/name" -> struct view_service (owned) */
	size_t n_eps;       /* sum of n_eps over the entries */
};

/* The update in progress. */
struct update {
	uint64_t gen;           /* the generation, if anything changes */
	bool changed;
	struct strvec keys;     /* services the changes touch */
	struct strvec flips;    /* services whose claims changed hands */
	struct k8s_object **dead; /* replaced objects, freed at the end */
	size_t n_dead, cap_dead;
	struct source *src;     /* dropped at the end if it holds nothing */
};

struct store {
	struct sentry **slots;    /* the table of objects (owned sentries) */
	size_t nslots, n_objects;
	struct map sources;       /* name -> struct source (owned) */
	struct map svc_by_label;  /* group key -> first sentry, see above */
	struct map slices_by_svc; /* group key -> first sentry */
	struct map pods_by_label; /* multimap */
	struct map claims;        /* claim -> struct claim (owned) */
	struct map contested;     /* claims with two or more claimants */
	struct view view;
	size_t counts[KIND_COUNT];
	size_t held_out;          /* Services losing at least one claim */
	uint64_t next_seq, generation, updates;
	struct update up;
};

/* Multimap lookups: the inner map of a group, or NULL when empty. */
const struct map *store_group(const struct map *mm, const char *key);
/* List index lookups: the first sentry of a group (follow grp_next), or
 * NULL when empty. */
const struct sentry *store_list(const struct map *idx, const char *key);

/* store_table.c: the sentry of an object, or NULL; by kind, namespace
 * and name, by "Kind/namespace/name", or a Service by "namespace/name". */
struct sentry *store_find(const struct store *st, enum k8s_kind kind,
			  const char *ns, const char *name);
struct sentry *store_find_key(const struct store *st, const char *key);
struct sentry *store_find_service(const struct store *st, const char *svc_key);
/* The sentry's object must be set; it is filed under its names. */
void store_table_add(struct store *st, struct sentry *e);
void store_table_del(struct store *st, struct sentry *e);
/* Calls each() on every sentry (which may free it), then frees the
 * table. */
void store_table_free(struct store *st, void (*each)(struct sentry *));

/* Adds a service key ("ns/name") to the update's changeset. */
void store_touch(struct store *st, char *owned_key);

/* store_index.c: keep the indexes in step with an object, and record in
 * st->up the services it belongs to. */
void store_index_add(struct store *st, struct sentry *e);
void store_index_del(struct store *st, struct sentry *e);
void store_index_note(struct store *st, const struct k8s_object *obj);
void store_index_free(struct store *st);

/* store_claims.c: ClusterIP and nodePort claims of Services. */
void store_claims_add(struct store *st, struct sentry *e);
void store_claims_del(struct store *st, struct sentry *e);
void store_claims_free(struct store *st);

/* view.c */
void view_init(struct view *v);
void view_free(struct view *v);
/* Rebuilds the entry of one service key from the store. */
void view_refresh(struct store *st, const char *svc_key);

/* view_build.c: a fresh entry for a Service in the view (key unset). */
struct view_service *view_build(const struct store *st,
				const struct sentry *svc);
void view_service_free(struct view_service *vs);
/* True when the two entries would look the same to a consumer. */
bool view_service_same(const struct view_service *a,
		       const struct view_service *b);

#endif
