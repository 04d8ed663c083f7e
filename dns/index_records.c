/*
 * index_records.c: the records one Service contributes to the cluster
 * zone, following the Kubernetes DNS specification 1.1.0 and, where the
 * specification leaves room, what CoreDNS's kubernetes plugin answers.
 *
 * ClusterIP Service (spec 2.3.1, 2.3.2, 2.3.3):
 *  - A/AAAA for every ClusterIP at <svc>.<ns>.svc.<zone>;
 *  - SRV 0 <w> <port> <svc>.<ns>.svc.<zone>. at _<port>._<proto>.<svc>...
 *    for every named port (spec), and at <svc>.<ns>.svc.<zone> itself for
 *    every port, named or not: CoreDNS parses a bare service name with
 *    empty port and protocol, which match every port (parseRequest,
 *    findServices), so `dig SRV svc.ns.svc.cluster.local` lists them all;
 *  - PTR for every ClusterIP, to the service name.
 * Headless Service (spec 2.4): the endpoints taken are the ready ones,
 * or all when publishNotReadyAddresses is set (as CoreDNS does):
 *  - A/AAAA of each at the service name and at <ep>.<svc>.<ns>.svc.<zone>,
 *    where <ep> is the endpoint's hostname, else its address with '.' or
 *    ':' replaced by '-' (CoreDNS endpointHostname());
 *  - SRV per endpoint and port to <ep>.<svc>..., port = the endpoint's
 *    port, at the named-port name (spec) and at the service name (CoreDNS,
 *    as above);
 *  - PTR for endpoints with a hostname, to <hostname>.<svc>... (spec
 *    2.4.3; CoreDNS reverse.go serviceRecordForIP: "only return reverse
 *    records that match the IP AND have a non-empty hostname").
 * Endpoints of a ClusterIP Service also get <ep>.<svc>... A/AAAA and the
 * hostname PTR, not in the spec but answered by CoreDNS (findServices
 * takes the endpoint path for "svc.Headless() || r.endpoint != \"\"",
 * and its reverse index covers every Service's endpoints).  The Service
 * name itself keeps only the ClusterIPs.
 * ExternalName (spec 2.5): CNAME to spec.externalName.
 * SRV weights (100 / records at the name, priority 0, as CoreDNS) are set
 * when the index is frozen, in index.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/index_internal.h"
#include "lib/util.h"

const uint8_t *idx_name(struct idx_builder *b, const char *text)
{
	uint8_t wire[DNS_NAME_MAX];
	int n = dns_name_from_text(text, wire);

	if (n < 0) {
		log_debug("dns index: skipping name %s: not a valid DNS name",
			  text);
		return NULL;
	}
	dns_name_lower(wire);
	uint8_t *p = xmalloc((size_t)n);
	memcpy(p, wire, (size_t)n);
	xgrow((void **)&b->pool, &b->cap_pool, b->n_pool + 1,
	      sizeof(*b->pool));
	b->pool[b->n_pool++] = p;
	return p;
}

void idx_add(struct idx_builder *b, const uint8_t *owner,
	     const struct dns_idx_rr *rr)
{
	xgrow((void **)&b->pend, &b->cap_pend, b->n_pend + 1,
	      sizeof(*b->pend));
	struct idx_pend *p = &b->pend[b->n_pend];
	p->name = owner;
	p->seq = (uint32_t)b->n_pend++;
	p->rr = *rr;
}

static void add_addr(struct idx_builder *b, const uint8_t *owner,
		     const struct ipaddr *a)
{
	struct dns_idx_rr rr = {0};

	rr.type = a->family == AF_INET ? DNS_T_A : DNS_T_AAAA;
	memcpy(rr.addr, a->b, a->family == AF_INET ? 4 : 16);
	idx_add(b, owner, &rr);
}

static void add_ptr(struct idx_builder *b, const struct ipaddr *a,
		    const uint8_t *target)
{
	uint8_t wire[DNS_NAME_MAX];
	char text[DNS_NAME_TEXT_MAX];

	if (dns_ptr_name(a, wire) < 0 ||
	    dns_name_to_text(wire, text, sizeof(text)) < 0)
		return;
	const uint8_t *owner = idx_name(b, text);
	if (!owner)
		return;
	struct dns_idx_rr rr = {.type = DNS_T_PTR, .target = target};
	idx_add(b, owner, &rr);
}

static void add_srv(struct idx_builder *b, const uint8_t *owner,
		    uint16_t port, const uint8_t *target)
{
	struct dns_idx_rr rr = {.type = DNS_T_SRV, .port = port,
				.target = target};
	idx_add(b, owner, &rr);
}

/* _<port>._<proto>.<svcname>, or NULL for an unnamed port. */
static const uint8_t *port_name(struct idx_builder *b,
				const struct svc_port *p, const char *svcname)
{
	if (!p->name || !*p->name)
		return NULL;
	char *text = xasprintf("_%s._%s.%s", p->name, proto_name(p->proto),
			       svcname);
	const uint8_t *n = idx_name(b, text); /* lower-cases "TCP" */
	free(text);
	return n;
}

static void add_cluster_ip(struct idx_builder *b, const struct k8s_service *s,
			   const uint8_t *svc, const char *svcname)
{
	for (size_t i = 0; i < s->n_cluster_ips; i++) {
		add_addr(b, svc, &s->cluster_ips[i]);
		add_ptr(b, &s->cluster_ips[i], svc);
	}
	for (size_t i = 0; i < s->n_ports; i++) {
		const struct svc_port *p = &s->ports[i];
		const uint8_t *pn = port_name(b, p, svcname);
		add_srv(b, svc, p->port, svc);
		if (pn)
			add_srv(b, pn, p->port, svc);
	}
}

/* The endpoint's label: hostname, else the dashed address. */
static void ep_label(const struct view_endpoint *e, char *out, size_t size)
{
	if (e->hostname && *e->hostname) {
		snprintf(out, size, "%s", e->hostname);
		return;
	}
	char text[ADDR_STRLEN];
	addr_format(&e->addr, text);
	for (char *c = text; *c; c++)
		if (*c == '.' || *c == ':')
			*c = '-';
	snprintf(out, size, "%s", text);
}

static void add_endpoint(struct idx_builder *b, const struct view_service *vs,
			 const struct view_endpoint *e, const uint8_t *svc,
			 const uint8_t *const *pnames, const char *svcname)
{
	const struct k8s_service *s = &vs->obj->u.svc;
	char label[ADDR_STRLEN + 64];

	ep_label(e, label, sizeof(label));
	char *text = xasprintf("%s.%s", label, svcname);
	const uint8_t *ep = idx_name(b, text);
	free(text);
	if (s->headless)
		add_addr(b, svc, &e->addr);
	if (!ep)
		return;
	add_addr(b, ep, &e->addr);
	if (e->hostname && *e->hostname)
		add_ptr(b, &e->addr, ep);
	for (size_t i = 0; s->headless && i < s->n_ports; i++) {
		if (!e->ports || !e->ports[i])
			continue;
		add_srv(b, svc, e->ports[i], ep);
		if (pnames[i])
			add_srv(b, pnames[i], e->ports[i], ep);
	}
}

/* Per-endpoint names: all records of a headless Service; for a ClusterIP
 * one only the endpoint's A/AAAA and PTR. */
static void add_endpoints(struct idx_builder *b, const struct view_service *vs,
			  const uint8_t *svc, const char *svcname)
{
	const struct k8s_service *s = &vs->obj->u.svc;
	const uint8_t **pnames = xcalloc(s->n_ports + 1, sizeof(*pnames));

	for (size_t i = 0; i < s->n_ports; i++)
		pnames[i] = port_name(b, &s->ports[i], svcname);
	for (size_t i = 0; i < vs->n_eps; i++) {
		const struct view_endpoint *e = &vs->eps[i];
		if (!e->addr.family || (!e->ready && !s->publish_not_ready))
			continue;
		add_endpoint(b, vs, e, svc, pnames, svcname);
	}
	free(pnames);
}

void idx_add_service(struct idx_builder *b, const struct view_service *vs,
		     const char *zone)
{
	const struct k8s_object *o = vs->obj;
	const struct k8s_service *s = &o->u.svc;
	char *svcname = xasprintf("%s.%s.svc.%s", o->meta.name,
				  o->meta.namespace, zone);
	const uint8_t *svc = idx_name(b, svcname);

	if (!svc)
		goto out;
	if (s->type == SVC_EXTERNAL_NAME) {
		const uint8_t *t = s->external_name ?
			idx_name(b, s->external_name) : NULL;
		struct dns_idx_rr rr = {.type = DNS_T_CNAME, .target = t};
		if (t)
			idx_add(b, svc, &rr);
	} else {
		if (!s->headless)
			add_cluster_ip(b, s, svc, svcname);
		add_endpoints(b, vs, svc, svcname);
	}
	/* A namespace with a Service exists (NODATA, not NXDOMAIN) even when
	 * the Service has no record, as CoreDNS answers for <ns>.svc.<zone>
	 * (namespaceExposed).  A headless Service with no endpoint to show
	 * gets no name of its own: CoreDNS's findServices() answers
	 * NXDOMAIN there. */
	struct dns_idx_rr ent = {0};
	idx_add(b, svc + 1 + svc[0], &ent);
out:
	free(svcname);
}
