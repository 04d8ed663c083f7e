/*
 * objects.h: Kubernetes objects built by hand for the store and view
 * tests, without the decoder.
 *
 * Every builder allocates with object_new/xcalloc/xstrdup/intern, and
 * lays out label sets and endpoint names, exactly as the decoder does and
 * object_free() releases.  Objects carry no digest until obj_digest()
 * hashes their fields; load() does that for every object it hands to the
 * store, so two objects built the same way compare equal and any field
 * change makes them differ, as the decoder's digest of the source JSON
 * would.
 */
#ifndef SVCD_TEST_OBJECTS_H
#define SVCD_TEST_OBJECTS_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/addr.h"
#include "lib/util.h"
#include "model/object.h"
#include "model/store.h"

#define GROW(arr, n) \
	((arr) = xrealloc((arr), ((n) + 1) * sizeof(*(arr))), \
	 memset(&(arr)[(n)], 0, sizeof(*(arr))), &(arr)[(n)++])

static inline struct ipaddr ip(const char *s)
{
	struct ipaddr a;
	memset(&a, 0, sizeof(a));
	if (!addr_parse(s, &a)) {
		fprintf(stderr, "objects.h: bad address %s\n", s);
		abort();
	}
	return a;
}

static inline char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static inline struct k8s_object *obj_new(enum k8s_kind kind, const char *ns,
					 const char *name)
{
	struct k8s_object *o = object_new(kind, name);
	o->meta.namespace = intern(ns);
	return o;
}

/* Rebuilds a label set with label i's value set to v, or with a label
 * k=v added when i == l->n.  As the decoder does, the array and the
 * values share one block. */
static inline void labels_rebuild(struct labels *l, size_t i, const char *k,
				  const char *v)
{
	size_t n = i == l->n ? l->n + 1 : l->n;
	size_t size = n * sizeof(*l->v);
	for (size_t j = 0; j < n; j++)
		size += strlen(j == i ? v : l->v[j].value) + 1;
	struct label *nv = xmalloc(size);
	char *p = (char *)(nv + n);
	for (size_t j = 0; j < n; j++) {
		const char *s = j == i ? v : l->v[j].value;
		nv[j].key = j < l->n ? l->v[j].key : intern(k);
		nv[j].value = memcpy(p, s, strlen(s) + 1);
		p += strlen(s) + 1;
	}
	free(l->v);
	l->v = nv;
	l->n = n;
}

static inline void labels_add(struct labels *l, const char *k, const char *v)
{
	labels_rebuild(l, l->n, k, v);
}

static inline void label_set(struct labels *l, size_t i, const char *v)
{
	labels_rebuild(l, i, NULL, v);
}

static inline void obj_label(struct k8s_object *o, const char *k,
			     const char *v)
{
	labels_add(&o->meta.labels, k, v);
}

/* A ClusterIP Service; cluster_ip NULL makes it headless (no families). */
static inline struct k8s_object *svc_new(const char *ns, const char *name,
					 const char *cluster_ip)
{
	struct k8s_object *o = obj_new(KIND_SERVICE, ns, name);
	struct k8s_service *s = &o->u.svc;
	s->type = SVC_CLUSTER_IP;
	s->affinity_timeout = 10800;
	if (!cluster_ip) {
		s->headless = true;
		return o;
	}
	s->cluster_ips[0] = ip(cluster_ip);
	s->n_cluster_ips = 1;
	s->ip_families[0] = s->cluster_ips[0].family;
	s->n_ip_families = 1;
	return o;
}

/* Adds a second ClusterIP and its family (dual-stack). */
static inline void svc_add_ip(struct k8s_object *o, const char *addr)
{
	struct k8s_service *s = &o->u.svc;
	s->cluster_ips[s->n_cluster_ips++] = ip(addr);
	s->ip_families[s->n_ip_families++] = ip(addr).family;
}

static inline struct svc_port *svc_port(struct k8s_object *o,
					const char *name, enum l4proto proto,
					uint16_t port, uint16_t target,
					const char *target_name)
{
	struct k8s_service *s = &o->u.svc;
	struct svc_port *p = GROW(s->ports, s->n_ports);
	p->name = intern(name);
	p->proto = proto;
	p->port = port;
	p->target_port = target_name ? 0 : target;
	p->target_port_name = dup_or_null(target_name);
	return p;
}

static inline void svc_select(struct k8s_object *o, const char *k,
			      const char *v)
{
	labels_add(&o->u.svc.selector, k, v);
}

static inline struct k8s_object *slice_new(const char *ns, const char *name,
					   const char *service, int family)
{
	struct k8s_object *o = obj_new(KIND_ENDPOINT_SLICE, ns, name);
	if (service) {
		obj_label(o, "kubernetes.io/service-name", service);
		o->u.slice.service_name =
			labels_get(&o->meta.labels, "kubernetes.io/service-name");
	}
	o->u.slice.address_type = family;
	return o;
}

static inline void group_port(struct endpoint_group *g, const char *name,
			      enum l4proto proto, uint16_t port)
{
	struct endpoint_port *p = GROW(g->ports, g->n_ports);
	p->name = intern(name);
	p->proto = proto;
	p->port = port;
}

/* A ready, serving endpoint with one address. */
static inline struct endpoint *group_ep(struct endpoint_group *g,
					const char *addr)
{
	struct endpoint *e = GROW(g->endpoints, g->n_endpoints);
	e->addr = ip(addr);
	e->ready = e->serving = true;
	return e;
}

/* Appends s (when not NULL) to a names block; returns its offset. */
static inline uint32_t name_copy(char *block, size_t *used, const char *s)
{
	if (!s)
		return 0;
	uint32_t off = (uint32_t)*used;
	memcpy(block + off, s, strlen(s) + 1);
	*used += strlen(s) + 1;
	return off;
}

/* Sets an endpoint's names (hostname, node, zone, pod; NULL for none).
 * As the decoder does, the names of a group's endpoints are offsets into
 * one block, g->names, rebuilt here with every other endpoint's names. */
static inline void ep_names(struct endpoint_group *g, struct endpoint *e,
			    const char *hostname, const char *node,
			    const char *zone, const char *pod)
{
	size_t size = 1, used = 1;
	const char *v[4];
	for (int pass = 0; pass < 2; pass++) {
		char *block = pass ? xmalloc(size) : NULL;
		for (size_t i = 0; i < g->n_endpoints; i++) {
			struct endpoint *x = &g->endpoints[i];
			v[0] = x == e ? hostname : endpoint_name(g, x->hostname);
			v[1] = x == e ? node : endpoint_name(g, x->node_name);
			v[2] = x == e ? zone : endpoint_name(g, x->zone);
			v[3] = x == e ? pod : endpoint_name(g, x->pod_name);
			for (int k = 0; k < 4 && !pass; k++)
				size += v[k] ? strlen(v[k]) + 1 : 0;
			if (!pass)
				continue;
			/* Offsets point into the old block until it goes. */
			uint32_t off[4];
			for (int k = 0; k < 4; k++)
				off[k] = name_copy(block, &used, v[k]);
			x->hostname = off[0];
			x->node_name = off[1];
			x->zone = off[2];
			x->pod_name = off[3];
		}
		if (pass) {
			block[0] = '\0';
			free(g->names);
			g->names = block;
		}
	}
}

static inline struct k8s_object *eps_new(const char *ns, const char *name)
{
	return obj_new(KIND_ENDPOINTS, ns, name);
}

static inline struct endpoint_group *eps_subset(struct k8s_object *o)
{
	return GROW(o->u.eps.subsets, o->u.eps.n_subsets);
}

/* A running Pod; addr NULL gives it no IP yet. */
static inline struct k8s_object *pod_new(const char *ns, const char *name,
					 const char *addr, bool ready)
{
	struct k8s_object *o = obj_new(KIND_POD, ns, name);
	if (addr) {
		o->u.pod.ips[0] = ip(addr);
		o->u.pod.n_ips = 1;
	}
	o->u.pod.ready = ready;
	return o;
}

static inline void pod_port(struct k8s_object *o, const char *name,
			    enum l4proto proto, uint16_t port)
{
	struct k8s_pod *p = &o->u.pod;
	struct container_port *c = GROW(p->ports, p->n_ports);
	c->name = intern(name);
	c->proto = proto;
	c->port = port;
}

/* ---- digest: every field, in order ---- */

#define H_VAL(h, v) ((h) = hash_bytes(&(v), sizeof(v), (h)))

static inline uint64_t h_str(uint64_t h, const char *s)
{
	return s ? hash_bytes(s, strlen(s) + 1, h) : hash_bytes("\xff", 1, h);
}

static inline uint64_t h_labels(uint64_t h, const struct labels *l)
{
	H_VAL(h, l->n);
	for (size_t i = 0; i < l->n; i++)
		h = h_str(h_str(h, l->v[i].key), l->v[i].value);
	return h;
}

static inline uint64_t h_addrs(uint64_t h, const struct ipaddr *a, size_t n)
{
	H_VAL(h, n);
	return n ? hash_bytes(a, n * sizeof(*a), h) : h;
}

static inline uint64_t h_group(uint64_t h, const struct endpoint_group *g)
{
	for (size_t i = 0; i < g->n_ports; i++) {
		h = h_str(h, g->ports[i].name);
		H_VAL(h, g->ports[i].proto);
		H_VAL(h, g->ports[i].port);
	}
	for (size_t i = 0; i < g->n_endpoints; i++) {
		const struct endpoint *e = &g->endpoints[i];
		h = h_addrs(h, &e->addr, e->addr.family ? 1 : 0);
		uint8_t f = e->ready | e->serving << 1 | e->terminating << 2;
		H_VAL(h, f);
		h = h_str(h_str(h, endpoint_name(g, e->hostname)),
			  endpoint_name(g, e->node_name));
		h = h_str(h_str(h, endpoint_name(g, e->zone)),
			  endpoint_name(g, e->pod_name));
	}
	return h;
}

static inline uint64_t h_service(uint64_t h, const struct k8s_service *s)
{
	H_VAL(h, s->type);
	H_VAL(h, s->headless);
	h = h_addrs(h, s->cluster_ips, s->n_cluster_ips);
	h = hash_bytes(s->ip_families, sizeof(s->ip_families), h);
	for (size_t i = 0; i < s->n_ports; i++) {
		const struct svc_port *p = &s->ports[i];
		h = h_str(h_str(h, p->name), p->target_port_name);
		uint32_t v[4] = { p->proto, p->port, p->node_port,
				  p->target_port };
		H_VAL(h, v);
	}
	h = h_labels(h, &s->selector);
	h = h_addrs(h, s->external_ips, s->n_external_ips);
	h = h_str(h, s->external_name);
	H_VAL(h, s->publish_not_ready);
	return h;
}

static inline uint64_t h_pod(uint64_t h, const struct k8s_pod *p)
{
	h = h_addrs(h, p->ips, p->n_ips);
	uint8_t f = p->ready | p->finished << 1;
	H_VAL(h, f);
	h = h_str(h_str(h, p->node_name), p->hostname);
	h = h_str(h, p->subdomain);
	for (size_t i = 0; i < p->n_ports; i++) {
		h = h_str(h, p->ports[i].name);
		H_VAL(h, p->ports[i].proto);
		H_VAL(h, p->ports[i].port);
	}
	return h;
}

static inline uint64_t obj_digest(const struct k8s_object *o)
{
	uint64_t h = HASH_SEED;
	H_VAL(h, o->kind);
	h = h_str(h_str(h, o->meta.namespace), o->meta.name);
	H_VAL(h, o->meta.created);
	H_VAL(h, o->meta.deleting);
	h = h_labels(h, &o->meta.labels);
	switch (o->kind) {
	case KIND_SERVICE:
		return h_service(h, &o->u.svc);
	case KIND_ENDPOINT_SLICE:
		H_VAL(h, o->u.slice.address_type);
		return h_group(h_str(h, o->u.slice.service_name),
			       &o->u.slice.group);
	case KIND_ENDPOINTS:
		for (size_t i = 0; i < o->u.eps.n_subsets; i++)
			h = h_group(h, &o->u.eps.subsets[i]);
		return h;
	case KIND_POD:
		return h_pod(h, &o->u.pod);
	case KIND_COUNT:
		break;
	}
	return h;
}

/* ---- driving the store ---- */

/* store_replace() with the NULL-terminated objects that follow, each
 * digested first.  Returns the number rejected. */
static inline size_t load(struct store *st, const char *source,
			  struct strvec *errors, struct changeset *cs, ...)
{
	struct k8s_object *objs[64];
	size_t n = 0;
	va_list ap;
	va_start(ap, cs);
	struct k8s_object *o;
	while ((o = va_arg(ap, struct k8s_object *)) && n < ARRAY_LEN(objs)) {
		o->digest = obj_digest(o);
		objs[n++] = o;
	}
	va_end(ap);
	return store_replace(st, source, objs, n, errors, cs);
}

static inline int put(struct store *st, const char *source,
		      struct k8s_object *o, struct strvec *errors,
		      struct changeset *cs)
{
	o->digest = obj_digest(o);
	return store_put(st, source, o, errors, cs);
}

/* The changeset as "a/b c/d", for exact comparisons. Caller frees. */
static inline char *cs_join(const struct changeset *cs)
{
	struct buf b = { 0 };
	buf_puts(&b, "");
	for (size_t i = 0; i < cs->n; i++) {
		if (i)
			buf_puts(&b, " ");
		buf_puts(&b, cs->services[i]);
	}
	return buf_take(&b);
}

#define CHECK_CS(cs, want)                     \
	do {                                   \
		char *j_ = cs_join(cs);        \
		CHECK_STR(j_, want);           \
		free(j_);                      \
	} while (0)

#endif
