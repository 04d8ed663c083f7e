/*
 * view.h: each Service joined with its endpoints, ready for consumers.
 *
 * Endpoints come from the first of these that exists for the Service:
 *  1. EndpointSlices labelled kubernetes.io/service-name=<name> in its
 *     namespace (FQDN slices ignored);
 *  2. the legacy Endpoints object of the same namespace/name;
 *  3. when the Service has a selector: the Pods of its namespace whose
 *     labels match every selector label and that have an IP and are not
 *     finished; ready = Ready condition and not deleting; named target
 *     ports resolved against the Pods' containerPorts.
 * Endpoints are deduplicated by address (ready beats not ready).  For each
 * endpoint, ports[i] is the target port serving the Service's port i (0
 * when the endpoint does not serve it): slice and Endpoints ports match a
 * Service port by name and protocol.  Only addresses of the Service's IP
 * families are kept (all of them when it names none).
 *
 * Pointers in a view entry borrow from the store's objects; they stay
 * valid until the next store update.  Services held out by a conflict
 * have no entry; ExternalName Services have one, with no endpoints, so
 * DNS can find them.
 */
#ifndef SVCD_VIEW_H
#define SVCD_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include "model/object.h"

struct view;

struct view_endpoint {
	struct ipaddr addr;
	bool ready, serving, terminating;
	const char *hostname;  /* borrowed; NULL when absent */
	const char *node_name; /* borrowed; NULL when absent */
	const char *zone;      /* borrowed; NULL when absent */
	const char *pod_name;  /* borrowed; NULL when absent */
	uint16_t *ports;       /* owned; one per Service port */
};

enum ep_origin { EP_NONE, EP_SLICES, EP_ENDPOINTS, EP_PODS };

struct view_service {
	const char *key;                /* "namespace/name" */
	const struct k8s_object *obj;   /* the Service (borrowed) */
	const char *source;             /* where the Service came from */
	int64_t created;                /* creationTimestamp, else first seen */
	struct view_endpoint *eps;      /* owned */
	size_t n_eps;
	size_t n_ready;
	enum ep_origin origin;
	uint64_t generation;            /* store generation of last change */
};

const struct view_service *view_lookup(const struct view *v,
				       const char *svc_key);
size_t view_count(const struct view *v);
/* Every entry, sorted by namespace then name; caller frees the array. */
const struct view_service **view_sorted(const struct view *v, size_t *n);
const char *ep_origin_name(enum ep_origin origin);

#endif
