/*
 * decode_endpoints.c: EndpointSlice (discovery.k8s.io/v1) and legacy
 * Endpoints (v1) to endpoint groups.
 *
 * Both become the same struct endpoint_group: a slice is one group, each
 * subset of an Endpoints object another.  Slice conditions are defaulted
 * as the API documents them (unknown readiness counts as ready, unknown
 * serving follows ready); legacy addresses are ready and serving, legacy
 * notReadyAddresses neither.  FQDN slices are kept with their endpoints
 * but no addresses: svcd cannot route to names.  Every address of a
 * slice endpoint is validated; the first is kept (object.h).
 *
 * The names of a group's endpoints (hostname, node, zone, pod) are
 * offsets into one block, g->names (object.h), which grows as names are
 * added (offsets survive a move) and is shrunk to fit at the end.  Node
 * names and zones repeat from endpoint to endpoint: one equal to a name
 * among the last few stored is stored once.
 */
#include "model/decode_internal.h"

#include <stdlib.h>
#include <string.h>

#define NAMES_RECENT 8
/* A first guess at the bytes of names per endpoint. */
#define NAMES_PER_ENDPOINT 32

/* The names block of the group being decoded. */
struct names {
	char *block;
	size_t used, cap;
	uint32_t recent[NAMES_RECENT]; /* offsets of recent shared names */
	unsigned next_recent;
};

/* Offset 0 means "no name": the block starts with a byte no name uses. */
static void names_begin(struct names *nb, size_t endpoints)
{
	memset(nb, 0, sizeof(*nb));
	nb->cap = 1 + endpoints * NAMES_PER_ENDPOINT;
	nb->block = xmalloc(nb->cap);
	nb->block[0] = '\0';
	nb->used = 1;
}

static void names_end(struct names *nb, struct endpoint_group *g)
{
	if (nb->used == 1) {
		free(nb->block);
		nb->block = NULL;
	} else {
		nb->block = xrealloc(nb->block, nb->used);
	}
	g->names = nb->block;
}

static uint32_t names_add(struct names *nb, const char *s)
{
	size_t n = strlen(s) + 1;
	size_t off = nb->used;

	/* A block past 4 GiB cannot come from a file of at most 64 MiB. */
	if (nb->cap - off < n) {
		while (nb->cap - off < n)
			nb->cap *= 2;
		nb->block = xrealloc(nb->block, nb->cap);
	}
	memcpy(nb->block + off, s, n);
	nb->used += n;
	return (uint32_t)off;
}

/* A name that repeats across endpoints (node, zone). */
static uint32_t names_shared(struct names *nb, const char *s)
{
	for (unsigned i = 0; i < NAMES_RECENT; i++)
		if (nb->recent[i] && !strcmp(nb->block + nb->recent[i], s))
			return nb->recent[i];
	uint32_t off = names_add(nb, s);
	nb->recent[nb->next_recent++ % NAMES_RECENT] = off;
	return off;
}

static bool target_ref(struct dctx *c, const json_t *v, const struct fpath *p,
		       struct endpoint *e, struct names *nb)
{
	const struct fpath *rp = FIELD(p, "targetRef");
	const char *kind, *name;
	json_t *ref;

	if (!dc_object(c, v, p, "targetRef", false, &ref) ||
	    !dc_string(c, ref, rp, "kind", false, &kind) ||
	    !dc_string(c, ref, rp, "name", false, &name))
		return false;
	if (kind && name && *name && strcmp(kind, "Pod") == 0)
		e->pod_name = names_add(nb, name);
	return true;
}

/* nodeName, hostname and targetRef, common to both kinds. */
static bool endpoint_names(struct dctx *c, const json_t *v,
			   const struct fpath *p, struct endpoint *e,
			   struct names *nb)
{
	const char *node, *host;

	if (!dc_dns_label(c, v, p, "hostname", &host) ||
	    !dc_string(c, v, p, "nodeName", false, &node))
		return false;
	e->hostname = host ? names_add(nb, host) : 0;
	e->node_name = node && *node ? names_shared(nb, node) : 0;
	return target_ref(c, v, p, e, nb);
}

static bool port_entry(struct dctx *c, const json_t *v, const struct fpath *p,
		       bool port_required, struct endpoint_port *ep)
{
	const char *name, *why;
	long long port;

	if (!dc_want(c, v, p, JSON_OBJECT) ||
	    !dc_string(c, v, p, "name", false, &name) ||
	    !dc_int(c, v, p, "port", port_required, 1, 65535, &port) ||
	    !dc_proto(c, v, p, &ep->proto))
		return false;
	if (name && *name) {
		if ((why = dc_dns1123_label_err(name)))
			return dc_fail(c, FIELD(p, "name"), "%s is not a valid "
				       "DNS-1123 label: %s", dc_quote(name),
				       why);
		ep->name = intern(name);
	}
	ep->port = (uint16_t)port;
	return true;
}

bool decode_endpoint_ports(struct dctx *c, const json_t *parent,
			   const struct fpath *p, bool port_required,
			   struct endpoint_group *g)
{
	const struct fpath *lp = FIELD(p, "ports");
	json_t *list;

	if (!dc_array(c, parent, p, "ports", false, &list))
		return false;
	size_t n = json_array_size(list);
	if (!n)
		return true;
	g->ports = xcalloc(n, sizeof(*g->ports));
	g->n_ports = n;
	for (size_t i = 0; i < n; i++) {
		const struct fpath *ip = INDEX(lp, i);
		struct endpoint_port *ep = &g->ports[i];
		if (!port_entry(c, json_array_get(list, i), ip, port_required,
				ep))
			return false;
		/* Names tell the ports apart, so even "" may appear once. */
		const char *name = ep->name ? ep->name : "";
		for (size_t j = 0; j < i; j++) {
			const char *o = g->ports[j].name;
			if (!strcmp(name, o ? o : ""))
				return dc_fail(c, FIELD(ip, "name"), "%s is "
					       "already used by ports[%zu] "
					       "(port names must be unique)",
					       dc_quote(name), j);
		}
	}
	return true;
}

static bool slice_addresses(struct dctx *c, const json_t *v,
			    const struct fpath *p, int family,
			    struct endpoint *e)
{
	const struct fpath *ap = FIELD(p, "addresses");
	json_t *list;
	const char *s;

	if (!dc_array(c, v, p, "addresses", true, &list))
		return false;
	size_t n = json_array_size(list);
	if (n < 1 || n > 100)
		return dc_fail(c, ap, "must have 1-100 entries, got %zu", n);
	if (!family) {
		for (size_t i = 0; i < n; i++)
			if (!dc_str_value(c, json_array_get(list, i),
					  INDEX(ap, i), &s))
				return false;
		return true;
	}
	for (size_t i = 0; i < n; i++) {
		json_t *a = json_array_get(list, i);
		struct ipaddr addr;
		if (!dc_ip(c, a, INDEX(ap, i), &addr))
			return false;
		if (i == 0)
			e->addr = addr;
		if (addr.family != family)
			return dc_fail(c, INDEX(ap, i), "%s is not an %s "
				       "address (addressType is %s)",
				       dc_quote(json_string_value(a)),
				       family == AF_INET ? "IPv4" : "IPv6",
				       family == AF_INET ? "IPv4" : "IPv6");
	}
	return true;
}

static bool slice_endpoint(struct dctx *c, const json_t *v,
			   const struct fpath *p, int family,
			   struct endpoint *e, struct names *nb)
{
	const struct fpath *cp = FIELD(p, "conditions");
	const char *zone;
	int ready, serving, terminating;
	json_t *cond;

	if (!dc_want(c, v, p, JSON_OBJECT) ||
	    !slice_addresses(c, v, p, family, e) ||
	    !dc_object(c, v, p, "conditions", false, &cond) ||
	    !dc_bool(c, cond, cp, "ready", &ready) ||
	    !dc_bool(c, cond, cp, "serving", &serving) ||
	    !dc_bool(c, cond, cp, "terminating", &terminating) ||
	    !dc_string(c, v, p, "zone", false, &zone))
		return false;
	e->ready = ready != 0;
	e->serving = serving < 0 ? e->ready : serving == 1;
	e->terminating = terminating == 1;
	e->zone = zone && *zone ? names_shared(nb, zone) : 0;
	return endpoint_names(c, v, p, e, nb);
}

bool decode_endpoint_slice(struct dctx *c, const json_t *item,
			   struct k8s_object *obj)
{
	static const char *const types[] = { "IPv4", "IPv6", "FQDN" };
	const struct fpath *lp = FIELD(NULL, "endpoints");
	struct k8s_endpoint_slice *sl = &obj->u.slice;
	struct endpoint_group *g = &sl->group;
	struct names nb;
	json_t *list;
	bool ok = true;
	int t;

	if (!dc_enum(c, item, NULL, "addressType", types, 3, -1, &t))
		return false;
	if (t < 0)
		return dc_fail(c, FIELD(NULL, "addressType"), "is required");
	sl->address_type = t == 0 ? AF_INET : t == 1 ? AF_INET6 : 0;
	sl->service_name = labels_get(&obj->meta.labels,
				      "kubernetes.io/service-name");
	if (!dc_array(c, item, NULL, "endpoints", false, &list))
		return false;
	size_t n = json_array_size(list);
	if (n) {
		g->endpoints = xcalloc(n, sizeof(*g->endpoints));
		g->n_endpoints = n;
	}
	names_begin(&nb, n);
	for (size_t i = 0; ok && i < n; i++)
		ok = slice_endpoint(c, json_array_get(list, i), INDEX(lp, i),
				    sl->address_type, &g->endpoints[i], &nb);
	names_end(&nb, g);
	return ok && decode_endpoint_ports(c, item, NULL, false, g);
}

static bool legacy_address(struct dctx *c, const json_t *v,
			   const struct fpath *p, bool ready,
			   struct endpoint *e, struct names *nb)
{
	json_t *ip;

	if (!dc_want(c, v, p, JSON_OBJECT))
		return false;
	if (!(ip = dc_get(v, "ip")))
		return dc_fail(c, FIELD(p, "ip"), "is required");
	if (!dc_ip(c, ip, FIELD(p, "ip"), &e->addr))
		return false;
	e->ready = e->serving = ready;
	return endpoint_names(c, v, p, e, nb);
}

static bool legacy_subset(struct dctx *c, const json_t *v,
			  const struct fpath *p, struct endpoint_group *g)
{
	const struct fpath *ap = FIELD(p, "addresses");
	const struct fpath *np = FIELD(p, "notReadyAddresses");
	json_t *ready, *not_ready;
	size_t k = 0;
	struct names nb;
	bool ok = true;

	if (!dc_want(c, v, p, JSON_OBJECT) ||
	    !dc_array(c, v, p, "addresses", false, &ready) ||
	    !dc_array(c, v, p, "notReadyAddresses", false, &not_ready))
		return false;
	size_t nr = json_array_size(ready), nn = json_array_size(not_ready);
	if (nr + nn) {
		g->endpoints = xcalloc(nr + nn, sizeof(*g->endpoints));
		g->n_endpoints = nr + nn;
	}
	names_begin(&nb, nr + nn);
	for (size_t i = 0; ok && i < nr; i++)
		ok = legacy_address(c, json_array_get(ready, i), INDEX(ap, i),
				    true, &g->endpoints[k++], &nb);
	for (size_t i = 0; ok && i < nn; i++)
		ok = legacy_address(c, json_array_get(not_ready, i),
				    INDEX(np, i), false, &g->endpoints[k++],
				    &nb);
	names_end(&nb, g);
	return ok && decode_endpoint_ports(c, v, p, true, g);
}

bool decode_endpoints(struct dctx *c, const json_t *item,
		      struct k8s_object *obj)
{
	const struct fpath *sp = FIELD(NULL, "subsets");
	struct k8s_endpoints *eps = &obj->u.eps;
	json_t *list;

	if (!dc_array(c, item, NULL, "subsets", false, &list))
		return false;
	size_t n = json_array_size(list);
	if (!n)
		return true;
	eps->subsets = xcalloc(n, sizeof(*eps->subsets));
	eps->n_subsets = n;
	for (size_t i = 0; i < n; i++)
		if (!legacy_subset(c, json_array_get(list, i), INDEX(sp, i),
				   &eps->subsets[i]))
			return false;
	return true;
}
