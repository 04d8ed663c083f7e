/*
 * store.h: every object svcd knows, and the service view built from them.
 *
 * Objects are keyed by "Kind/namespace/name" and belong to one source (a
 * state-dir file path, later an API resource).  Sources hand the store
 * complete sets ("this file now holds these objects"), so a file edit, a
 * rename or a relist is one update, with no moment where objects vanish
 * and come back.  An object that is byte-for-byte the same as before
 * (same digest) is not touched.
 *
 * Every update that changes anything bumps the generation by one and
 * reports, in a changeset, the services ("namespace/name") whose view
 * entry may have changed: the services an object belongs to before and
 * after the update (a Service itself; the Service an EndpointSlice or
 * Endpoints names; the Services whose selector matches a Pod's old or new
 * labels).  Consumers (proxy, DNS) rework only those.
 *
 * Conflicts: a key held by another source, and a ClusterIP or a
 * (protocol, nodePort) pair already used by another Service, are settled
 * in favour of the object seen first (lowest sequence number; a modified
 * object keeps its sequence).  The loser stays in the store but out of
 * the view, listed by store_conflicts(); when the winner goes away, the
 * loser takes its place and appears in that update's changeset.
 */
#ifndef SVCD_STORE_H
#define SVCD_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "lib/util.h"
#include "model/object.h"

struct store;
struct view;

struct store_entry {
	struct k8s_object *obj; /* owned by the store */
	const char *source;     /* interned by the store */
	uint64_t seq;           /* order in which the key was first seen */
	int64_t first_seen;     /* wall-clock seconds */
	uint64_t generation;    /* generation of the last change */
};

struct changeset {
	char **services; /* owned "namespace/name" keys, sorted, unique */
	size_t n, cap;
	uint64_t generation; /* store generation after the update */
};
void changeset_free(struct changeset *cs);
bool changeset_has(const struct changeset *cs, const char *svc_key);

struct store_stats {
	size_t objects[KIND_COUNT];
	size_t sources;
	size_t services;   /* services in the view */
	size_t endpoints;  /* endpoints in the view, summed over services */
	size_t conflicts;
	uint64_t generation;
	uint64_t updates;  /* updates that changed something */
};

struct store *store_new(void);
void store_free(struct store *st);

/* Makes `objs` the complete set of objects of `source`.  Takes ownership
 * of every object and of nothing else (objs[i] is set to NULL as it is
 * taken).  An object whose key another source holds is rejected: freed,
 * with a message appended to `errors` ("FILE: Kind ns/name: already
 * defined in OTHER").  Fills `cs` (which the caller frees) when not NULL.
 * Returns the number of rejected objects. */
size_t store_replace(struct store *st, const char *source,
		     struct k8s_object **objs, size_t n,
		     struct strvec *errors, struct changeset *cs);
/* store_replace(), except that the objects of `source` whose keys
 * ("Kind/namespace/name") are listed in `keep` stay as they are (a source
 * uses it for objects it could not decode this time). */
size_t store_replace_keep(struct store *st, const char *source,
			  struct k8s_object **objs, size_t n,
			  const struct strvec *keep, struct strvec *errors,
			  struct changeset *cs);
/* Same as store_replace() with no objects. */
void store_remove_source(struct store *st, const char *source,
			 struct changeset *cs);

/* Single-object updates for watch-style sources.  store_put takes obj. */
int store_put(struct store *st, const char *source, struct k8s_object *obj,
	      struct strvec *errors, struct changeset *cs);
void store_delete(struct store *st, enum k8s_kind kind, const char *ns,
		  const char *name, struct changeset *cs);

const struct store_entry *store_get(const struct store *st,
				    enum k8s_kind kind, const char *ns,
				    const char *name);
/* Number of objects a source holds now (0 for an unknown source). */
size_t store_source_count(const struct store *st, const char *source);

/* Messages for objects held out of the view by a conflict, each naming
 * the source, the object, the field and the winner. Appended to out. */
void store_conflicts(const struct store *st, struct strvec *out);

void store_stats(const struct store *st, struct store_stats *out);
const struct view *store_view(const struct store *st);
uint64_t store_generation(const struct store *st);

#endif
