/*
 * index.c: freezing the pending records into the immutable name index,
 * and the lock-free lookup (see index.h).
 *
 * Layout: nodes[] (one per name, its records a slice of rrs[] sorted by
 * type, its additional records a slice of adds[]) and an open-addressing
 * table of node indices keyed by the wire name's hash.  Every ancestor of
 * a name in the zone down to the apex is a node too (an empty non-terminal
 * with no records), so NODATA vs NXDOMAIN is one table probe.  Ancestor
 * names are suffixes of their child's name: no copies.
 *
 * Negative answers (RFC 2308): NXDOMAIN for a name not in the table, NODATA
 * (NOERROR, no answer) for a name in it without the type; both ask for the
 * SOA in authority.  Apex: SOA ns.dns.<zone> hostmaster.<zone> serial 7200
 * 1800 86400 <ttl>, and NS ns.dns.<zone>: the values CoreDNS's kubernetes
 * plugin uses.  dns-version.<zone> TXT "1.1.0" (spec 2.2).
 * Pods (spec: optional; CoreDNS "pods insecure"): a-b-c-d.<ns>.pod.<zone>
 * (IPv6 with '-' for ':') answers the address it spells for any namespace;
 * "verified" (only existing pods) is not done yet and answers as disabled.
 */
#include <stdlib.h>
#include <string.h>

#include "dns/index_internal.h"
#include "lib/util.h"

static uint64_t name_hash(const uint8_t *name, size_t len)
{
	return hash_bytes(name, len, HASH_SEED);
}

long idx_find(const struct dns_index *idx, const uint8_t *name)
{
	size_t len = dns_name_len(name);
	size_t i = name_hash(name, len) & idx->mask;

	for (; idx->slots[i]; i = (i + 1) & idx->mask) {
		const struct idx_node *n = &idx->nodes[idx->slots[i] - 1];
		if (n->name[0] == name[0] && dns_name_len(n->name) == len &&
		    !memcmp(n->name, name, len))
			return (long)idx->slots[i] - 1;
	}
	return -1;
}

static void rehash(struct dns_index *idx, size_t want)
{
	size_t size = 16;

	while (size < want * 2)
		size *= 2;
	free(idx->slots);
	idx->slots = xcalloc(size, sizeof(*idx->slots));
	idx->mask = size - 1;
	for (size_t k = 0; k < idx->n_nodes; k++) {
		const uint8_t *nm = idx->nodes[k].name;
		size_t i = name_hash(nm, dns_name_len(nm)) & idx->mask;
		while (idx->slots[i])
			i = (i + 1) & idx->mask;
		idx->slots[i] = (uint32_t)k + 1;
	}
}

/* Adds a node for name if missing; returns its index. */
static size_t node_get(struct dns_index *idx, const uint8_t *name)
{
	long f = idx_find(idx, name);

	if (f >= 0)
		return (size_t)f;
	xgrow((void **)&idx->nodes, &idx->cap_nodes, idx->n_nodes + 1,
	      sizeof(*idx->nodes));
	struct idx_node *n = &idx->nodes[idx->n_nodes++];
	memset(n, 0, sizeof(*n));
	n->name = name;
	if (idx->n_nodes * 2 > idx->mask + 1) {
		rehash(idx, idx->n_nodes);
	} else {
		size_t i = name_hash(name, dns_name_len(name)) & idx->mask;
		while (idx->slots[i])
			i = (i + 1) & idx->mask;
		idx->slots[i] = (uint32_t)idx->n_nodes;
	}
	return idx->n_nodes - 1;
}

static bool same_name(const uint8_t *a, const uint8_t *b)
{
	size_t la = dns_name_len(a);

	return la == dns_name_len(b) && !memcmp(a, b, la);
}

static int pend_cmp(const void *a, const void *b)
{
	const struct idx_pend *x = a, *y = b;
	size_t lx = dns_name_len(x->name), ly = dns_name_len(y->name);
	int c = memcmp(x->name, y->name, lx < ly ? lx : ly);

	if (c)
		return c;
	if (lx != ly)
		return lx < ly ? -1 : 1;
	if (x->rr.type != y->rr.type)
		return x->rr.type < y->rr.type ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Groups the sorted pending records into nodes; SRV weights per name. */
static void freeze_records(struct dns_index *idx, struct idx_builder *b)
{
	qsort(b->pend, b->n_pend, sizeof(*b->pend), pend_cmp);
	idx->rrs = xcalloc(b->n_pend + 1, sizeof(*idx->rrs));
	for (size_t i = 0; i < b->n_pend;) {
		size_t j = i, nsrv = 0;
		size_t k = node_get(idx, b->pend[i].name); /* may move nodes */
		struct idx_node *n = &idx->nodes[k];
		n->rr_off = (uint32_t)idx->n_rrs;
		const uint8_t *name = b->pend[i].name;
		for (; j < b->n_pend && same_name(name, b->pend[j].name); j++) {
			if (!b->pend[j].rr.type)
				continue;
			nsrv += b->pend[j].rr.type == DNS_T_SRV;
			idx->rrs[idx->n_rrs++] = b->pend[j].rr;
		}
		n->n_rr = (uint32_t)idx->n_rrs - n->rr_off;
		for (size_t r = n->rr_off; r < idx->n_rrs; r++)
			if (idx->rrs[r].type == DNS_T_SRV)
				idx->rrs[r].weight = (uint16_t)(100 / nsrv);
		i = j;
	}
}

/* Every ancestor of a name in the zone, down to the apex, is a node. */
static void add_parents(struct dns_index *idx)
{
	size_t n = idx->n_nodes;

	for (size_t k = 0; k < n; k++) {
		const uint8_t *nm = idx->nodes[k].name;
		int off = dns_name_in_zone(nm, idx->zone);
		if (off <= 0)
			continue;
		for (const uint8_t *p = nm + 1 + nm[0]; p <= nm + off;
		     p += 1 + p[0])
			node_get(idx, p);
	}
}

static bool has_add(const struct dns_index *idx, size_t from,
		    const uint8_t *owner)
{
	for (size_t i = from; i < idx->n_adds; i++)
		if (idx->adds[i].owner == owner)
			return true;
	return false;
}

/* Additional section of SRV and NS answers: the targets' addresses.  A
 * node holds SRV or NS, never both, so one slice serves either. */
static void link_additional(struct dns_index *idx)
{
	size_t cap = 0;

	for (size_t k = 0; k < idx->n_nodes; k++) {
		struct idx_node *n = &idx->nodes[k];
		n->add_off = (uint32_t)idx->n_adds;
		for (size_t r = n->rr_off; r < n->rr_off + n->n_rr; r++) {
			const struct dns_idx_rr *rr = &idx->rrs[r];
			if (rr->type != DNS_T_SRV && rr->type != DNS_T_NS)
				continue;
			long t = idx_find(idx, rr->target);
			if (t < 0)
				continue;
			const struct idx_node *tn = &idx->nodes[t];
			if (has_add(idx, n->add_off, tn->name))
				continue;
			for (size_t a = tn->rr_off; a < tn->rr_off + tn->n_rr;
			     a++) {
				uint16_t ty = idx->rrs[a].type;
				if (ty != DNS_T_A && ty != DNS_T_AAAA)
					continue;
				xgrow((void **)&idx->adds, &cap,
				      idx->n_adds + 1, sizeof(*idx->adds));
				idx->adds[idx->n_adds] = idx->rrs[a];
				idx->adds[idx->n_adds++].owner = tn->name;
			}
		}
		n->n_add = (uint32_t)idx->n_adds - n->add_off;
	}
}

static void add_apex(struct dns_index *idx, struct idx_builder *b,
		     const struct dns_index_opts *o, const char *zone)
{
	char *t;
	const uint8_t *ns;

	t = xasprintf("ns.dns.%s", zone);
	ns = idx_name(b, t);
	free(t);
	t = xasprintf("hostmaster.%s", zone);
	idx->soa.rname = idx_name(b, t);
	free(t);
	t = xasprintf("dns-version.%s", zone);
	const uint8_t *ver = idx_name(b, t);
	free(t);
	t = xasprintf("pod.%s", zone);
	idx->pod = idx_name(b, t);
	free(t);
	t = xasprintf("svc.%s", zone);
	const uint8_t *svc = idx_name(b, t);
	free(t);
	idx->in_addr = idx_name(b, "in-addr.arpa");
	idx->ip6 = idx_name(b, "ip6.arpa");

	idx->soa.mname = ns;
	idx->soa.serial = o->serial;
	idx->soa.refresh = 7200;
	idx->soa.retry = 1800;
	idx->soa.expire = 86400;
	idx->soa.minimum = idx->ttl;
	struct dns_idx_rr soa = {.type = DNS_T_SOA};
	idx_add(b, idx->zone, &soa);
	struct dns_idx_rr nsr = {.type = DNS_T_NS, .target = ns};
	idx_add(b, idx->zone, &nsr);
	for (size_t i = 0; i < o->n_ns_addrs; i++) {
		const struct ipaddr *a = &o->ns_addrs[i];
		struct dns_idx_rr rr = {0};
		if (a->family != AF_INET && a->family != AF_INET6)
			continue;
		rr.type = a->family == AF_INET ? DNS_T_A : DNS_T_AAAA;
		memcpy(rr.addr, a->b, rr.type == DNS_T_A ? 4 : 16);
		idx_add(b, ns, &rr);
	}
	struct dns_idx_rr txt = {.type = DNS_T_TXT, .txt = "1.1.0"};
	idx_add(b, ver, &txt);
	struct dns_idx_rr ent = {0};
	idx_add(b, svc, &ent); /* CoreDNS: svc.<zone> is NODATA */
	if (idx->pods == DNS_PODS_INSECURE)
		idx_add(b, idx->pod, &ent);
}

struct dns_index *dns_index_build(const struct view_service *const *svcs,
				  size_t n, const struct dns_index_opts *o)
{
	struct dns_index *idx = xcalloc(1, sizeof(*idx));
	struct idx_builder b = {0};
	const char *zone = o->zone && *o->zone ? o->zone : "cluster.local";

	idx->ttl = o->ttl;
	/* "verified" needs the Pods of each namespace: not done yet. */
	idx->pods = o->pods == DNS_PODS_INSECURE ? DNS_PODS_INSECURE :
						   DNS_PODS_DISABLED;
	idx->zone = idx_name(&b, zone);
	if (!idx->zone)
		idx->zone = idx_name(&b, "cluster.local");
	b.zone = idx->zone;
	add_apex(idx, &b, o, zone);
	for (size_t i = 0; i < n; i++)
		if (svcs[i]->obj && svcs[i]->obj->kind == KIND_SERVICE)
			idx_add_service(&b, svcs[i], zone);
	rehash(idx, b.n_pend + 16);
	freeze_records(idx, &b);
	add_parents(idx);
	link_additional(idx);
	rehash(idx, idx->n_nodes); /* sized for records, shrink to names */
	free(b.pend);
	idx->pool = b.pool;
	idx->n_pool = b.n_pool;
	return idx;
}

void dns_index_free(struct dns_index *idx)
{
	if (!idx)
		return;
	for (size_t i = 0; i < idx->n_pool; i++)
		free(idx->pool[i]);
	free(idx->pool);
	free(idx->nodes);
	free(idx->slots);
	free(idx->rrs);
	free(idx->adds);
	free(idx);
}

const uint8_t *dns_index_zone(const struct dns_index *idx)
{
	return idx->zone;
}

size_t dns_index_names(const struct dns_index *idx)
{
	return idx->n_nodes;
}
