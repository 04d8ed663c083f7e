/*
 * view_build.c: one Service joined with its endpoints (rules in view.h).
 *
 * Endpoints are gathered from the Service's slices, else its Endpoints
 * object, else the Pods its selector picks (through the store's indexes,
 * never a scan), then sorted by address (IPv4 before IPv6) and merged
 * where an address repeats, so an entry does not depend on the order in
 * which maps are walked.  The entry, its endpoints and their port arrays
 * share one allocation, which view_service_free() releases.
 *
 * Pod endpoints follow the EndpointSlice controller: serving is the Ready
 * condition, ready is serving and not terminating (or any pod when the
 * Service publishes not-ready addresses), and the hostname is set only
 * when the Pod's subdomain names the Service, as DNS expects.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/map.h"
#include "model/store_internal.h"

/* Endpoints being gathered; ports holds np slots per endpoint. */
struct eplist {
	struct view_endpoint *v;
	size_t n, cap;
	uint16_t *ports;
	size_t ports_cap;
	size_t np;
};

static struct view_endpoint *eplist_push(struct eplist *l, uint16_t **ports)
{
	xgrow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v));
	if (l->np)
		xgrow((void **)&l->ports, &l->ports_cap, (l->n + 1) * l->np,
		      sizeof(*l->ports));
	*ports = l->np ? l->ports + l->n * l->np : NULL;
	struct view_endpoint *ve = &l->v[l->n++];
	memset(ve, 0, sizeof(*ve));
	return ve;
}

static bool family_ok(const struct k8s_service *s, int family)
{
	if (!s->n_ip_families)
		return true;
	for (size_t i = 0; i < s->n_ip_families; i++)
		if (s->ip_families[i] == family)
			return true;
	return false;
}

static bool same_name(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

static uint16_t group_port(const struct endpoint_group *g,
			   const struct svc_port *sp)
{
	for (size_t i = 0; i < g->n_ports; i++)
		if (g->ports[i].proto == sp->proto &&
		    same_name(g->ports[i].name, sp->name))
			return g->ports[i].port;
	return 0;
}

/* An endpoint's first address is the one used: the API calls the others
 * fungible, and kube-proxy uses only the first. */
static void add_group(struct eplist *l, const struct k8s_service *s,
		      const struct endpoint_group *g)
{
	uint16_t *pm = xcalloc(l->np, sizeof(*pm));
	for (size_t i = 0; i < l->np; i++)
		pm[i] = group_port(g, &s->ports[i]);
	for (size_t i = 0; i < g->n_endpoints; i++) {
		const struct endpoint *e = &g->endpoints[i];
		if (!e->addr.family || !family_ok(s, e->addr.family))
			continue;
		uint16_t *ports;
		struct view_endpoint *ve = eplist_push(l, &ports);
		ve->addr = e->addr;
		ve->ready = e->ready;
		ve->serving = e->serving;
		ve->terminating = e->terminating;
		ve->hostname = endpoint_name(g, e->hostname);
		ve->node_name = endpoint_name(g, e->node_name);
		ve->zone = endpoint_name(g, e->zone);
		ve->pod_name = endpoint_name(g, e->pod_name);
		if (l->np)
			memcpy(ports, pm, l->np * sizeof(*pm));
	}
	free(pm);
}

static uint16_t pod_port(const struct k8s_pod *p, const struct svc_port *sp)
{
	if (!sp->target_port_name)
		return sp->target_port;
	for (size_t i = 0; i < p->n_ports; i++)
		if (p->ports[i].proto == sp->proto && p->ports[i].name &&
		    strcmp(p->ports[i].name, sp->target_port_name) == 0)
			return p->ports[i].port;
	return 0;
}

static void add_pod(struct eplist *l, const struct k8s_object *svc,
		    const struct k8s_object *pod)
{
	const struct k8s_service *s = &svc->u.svc;
	const struct k8s_pod *p = &pod->u.pod;
	if (p->finished || !p->n_ips)
		return;
	bool serving = p->ready;
	bool terminating = pod->meta.deleting;
	bool ready = s->publish_not_ready || (serving && !terminating);
	const char *hostname = p->hostname && p->subdomain &&
			       strcmp(p->subdomain, svc->meta.name) == 0 ?
			       p->hostname : NULL;

	for (size_t i = 0; i < p->n_ips; i++) {
		if (!family_ok(s, p->ips[i].family))
			continue;
		uint16_t *ports;
		struct view_endpoint *ve = eplist_push(l, &ports);
		ve->addr = p->ips[i];
		ve->ready = ready;
		ve->serving = serving;
		ve->terminating = terminating;
		ve->hostname = hostname;
		ve->node_name = p->node_name;
		ve->pod_name = pod->meta.name;
		for (size_t j = 0; j < l->np; j++)
			ports[j] = pod_port(p, &s->ports[j]);
	}
}

/* Walks the smallest of the groups of Pods carrying one selector label. */
static void add_pods(const struct store *st, const struct k8s_object *svc,
		     struct eplist *l)
{
	const struct labels *sel = &svc->u.svc.selector;
	const struct map *best = NULL;
	for (size_t i = 0; i < sel->n; i++) {
		char *key = xasprintf("%s/%s=%s", svc->meta.namespace,
				      sel->v[i].key, sel->v[i].value);
		const struct map *g = store_group(&st->pods_by_label, key);
		free(key);
		if (!g)
			return;
		if (!best || g->count < best->count)
			best = g;
	}
	struct map_iter it;
	struct map_entry *me;
	map_iter_init(best, &it);
	while ((me = map_iter_next(best, &it))) {
		const struct sentry *e = me->value;
		if (labels_match(sel, &e->pub.obj->meta.labels))
			add_pod(l, svc, e->pub.obj);
	}
}

static bool add_slices(const struct store *st, const struct k8s_object *svc,
		       struct eplist *l)
{
	char *key = svc_key(svc->meta.namespace, svc->meta.name);
	const struct sentry *e = store_list(&st->slices_by_svc, key);
	free(key);
	bool any = false;
	for (; e; e = e->grp_next) {
		const struct k8s_endpoint_slice *sl = &e->pub.obj->u.slice;
		if (!sl->address_type)
			continue; /* FQDN slices carry no addresses to use */
		any = true;
		add_group(l, &svc->u.svc, &sl->group);
	}
	return any;
}

static enum ep_origin gather(const struct store *st,
			     const struct k8s_object *svc, struct eplist *l)
{
	const struct k8s_service *s = &svc->u.svc;
	if (s->type == SVC_EXTERNAL_NAME)
		return EP_NONE;
	if (add_slices(st, svc, l))
		return EP_SLICES;
	const struct sentry *e = store_find(st, KIND_ENDPOINTS,
					    svc->meta.namespace,
					    svc->meta.name);
	if (e) {
		const struct k8s_endpoints *eps = &e->pub.obj->u.eps;
		for (size_t i = 0; i < eps->n_subsets; i++)
			add_group(l, s, &eps->subsets[i]);
		return EP_ENDPOINTS;
	}
	if (s->selector.n) {
		add_pods(st, svc, l);
		return EP_PODS;
	}
	return EP_NONE;
}

static int cmp_nullable(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int addr_cmp(const struct ipaddr *x, const struct ipaddr *y)
{
	if (x->family != y->family)
		return x->family == AF_INET ? -1 : 1;
	return memcmp(x->b, y->b, x->family == AF_INET ? 4 : 16);
}

/* By address, then the copy to keep first (ready, serving), then names,
 * so equal addresses always merge the same way. */
static int cmp_ep(const void *a, const void *b)
{
	const struct view_endpoint *x = a, *y = b;
	int c = addr_cmp(&x->addr, &y->addr);
	if (c)
		return c;
	if (x->ready != y->ready)
		return x->ready ? -1 : 1;
	if (x->serving != y->serving)
		return x->serving ? -1 : 1;
	c = cmp_nullable(x->pod_name, y->pod_name);
	return c ? c : cmp_nullable(x->hostname, y->hostname);
}

static void merge(struct view_endpoint *a, const struct view_endpoint *b,
		  size_t np)
{
	a->ready |= b->ready;
	a->serving |= b->serving;
	a->terminating = a->terminating && b->terminating;
	if (!a->hostname)
		a->hostname = b->hostname;
	if (!a->node_name)
		a->node_name = b->node_name;
	if (!a->zone)
		a->zone = b->zone;
	if (!a->pod_name)
		a->pod_name = b->pod_name;
	for (size_t i = 0; i < np; i++)
		if (!a->ports[i])
			a->ports[i] = b->ports[i];
}

/* Sorts and merges repeated addresses, then packs the entry, the
 * endpoints and their ports into one allocation. */
static struct view_service *finish(struct eplist *l)
{
	struct view_service *vs;

	for (size_t i = 0; i < l->n; i++)
		l->v[i].ports = l->np ? l->ports + i * l->np : NULL;
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), cmp_ep);
	size_t n = 0;
	for (size_t i = 0; i < l->n; i++) {
		if (n && addr_equal(&l->v[n - 1].addr, &l->v[i].addr))
			merge(&l->v[n - 1], &l->v[i], l->np);
		else
			l->v[n++] = l->v[i];
	}
	_Static_assert(sizeof(*vs) % _Alignof(struct view_endpoint) == 0,
		       "endpoints follow the entry in its allocation");
	size_t eps_sz = n * sizeof(*vs->eps);
	vs = xcalloc(1, sizeof(*vs) + eps_sz + n * l->np * sizeof(uint16_t));
	if (n) {
		vs->eps = (struct view_endpoint *)(vs + 1);
		uint16_t *ports = (uint16_t *)((char *)vs->eps + eps_sz);
		for (size_t i = 0; i < n; i++) {
			vs->eps[i] = l->v[i];
			vs->eps[i].ports = l->np ? ports + i * l->np : NULL;
			if (l->np)
				memcpy(vs->eps[i].ports, l->v[i].ports,
				       l->np * sizeof(uint16_t));
			vs->n_ready += l->v[i].ready;
		}
	}
	vs->n_eps = n;
	free(l->v);
	free(l->ports);
	return vs;
}

struct view_service *view_build(const struct store *st,
				const struct sentry *svc)
{
	const struct k8s_object *o = svc->pub.obj;
	struct eplist l = { .np = o->u.svc.n_ports };
	enum ep_origin origin = gather(st, o, &l);
	struct view_service *vs = finish(&l);

	vs->obj = o;
	vs->source = svc->pub.source;
	vs->created = o->meta.created ? o->meta.created : svc->pub.first_seen;
	vs->origin = origin;
	return vs;
}

void view_service_free(struct view_service *vs)
{
	free(vs);
}

static bool same_ep(const struct view_endpoint *a,
		    const struct view_endpoint *b, size_t np)
{
	return addr_equal(&a->addr, &b->addr) && a->ready == b->ready &&
	       a->serving == b->serving && a->terminating == b->terminating &&
	       !cmp_nullable(a->hostname, b->hostname) &&
	       !cmp_nullable(a->node_name, b->node_name) &&
	       !cmp_nullable(a->zone, b->zone) &&
	       !cmp_nullable(a->pod_name, b->pod_name) &&
	       (!np || !memcmp(a->ports, b->ports, np * sizeof(uint16_t)));
}

bool view_service_same(const struct view_service *a,
		       const struct view_service *b)
{
	if (a->obj->digest != b->obj->digest || a->created != b->created ||
	    a->origin != b->origin || a->n_eps != b->n_eps ||
	    a->n_ready != b->n_ready || strcmp(a->source, b->source) != 0)
		return false;
	size_t np = b->obj->u.svc.n_ports;
	if (a->obj->u.svc.n_ports != np)
		return false;
	for (size_t i = 0; i < a->n_eps; i++)
		if (!same_ep(&a->eps[i], &b->eps[i], np))
			return false;
	return true;
}
