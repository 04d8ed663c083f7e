/*
 * index_lookup.c: answering one question from a frozen index, on the query
 * threads: no locks, no allocation, nothing written but the caller's
 * result.  The rules (index.h, index.c): a name in the table answers its
 * records of the type (NODATA when none); a CNAME answers any other type
 * (the server chases it); a missing name in the zone is NXDOMAIN unless it
 * is a pod name the pods mode serves; anything else is not ours.
 */
#include <string.h>

#include "dns/index_internal.h"

static void negative(const struct dns_index *idx, struct dns_idx_result *res,
		     bool exists)
{
	res->status = DNS_IDX_ANSWER;
	res->exists = exists;
	res->rcode = exists ? DNS_R_NOERROR : DNS_R_NXDOMAIN;
	res->soa_in_authority = true;
	res->an = NULL;
	res->n_an = 0;
}

static void answer_node(const struct dns_index *idx, const struct idx_node *n,
			uint16_t qtype, struct dns_idx_result *res)
{
	const struct dns_idx_rr *rr = idx->rrs + n->rr_off;
	size_t i = 0, k;

	if (qtype == DNS_T_ANY) {
		k = n->n_rr;
	} else {
		while (i < n->n_rr && rr[i].type != qtype)
			i++;
		if (i == n->n_rr && qtype != DNS_T_CNAME)
			for (i = 0; i < n->n_rr && rr[i].type != DNS_T_CNAME;)
				i++;
		for (k = i; k < n->n_rr && rr[k].type == rr[i].type;)
			k++;
	}
	negative(idx, res, true);
	if (k > i) {
		res->an = rr + i;
		res->n_an = k - i;
		res->soa_in_authority = false;
		if (rr[i].type == DNS_T_SRV || rr[i].type == DNS_T_NS ||
		    qtype == DNS_T_ANY) {
			res->add = idx->adds + n->add_off;
			res->n_add = n->n_add;
		}
	}
}

/* a-b-c-d (or IPv6 with '-' for ':') into an address, as CoreDNS reads
 * it: exactly three dashes and no "--" is IPv4. */
static bool pod_addr(const uint8_t *label, struct ipaddr *a)
{
	char text[DNS_LABEL_MAX + 1];
	size_t len = label[0], dashes = 0;
	bool dd = false;

	for (size_t i = 0; i < len; i++) {
		dashes += label[1 + i] == '-';
		dd |= i && label[i] == '-' && label[1 + i] == '-';
	}
	char sep = dashes == 3 && !dd ? '.' : ':';
	for (size_t i = 0; i < len; i++)
		text[i] = label[1 + i] == '-' ? sep : (char)label[1 + i];
	text[len] = 0;
	memset(a, 0, sizeof(*a));
	return addr_parse(text, a);
}

/* <ip>.<ns>.pod.<zone> in insecure mode; false when not such a name. */
static bool answer_pod(const struct dns_index *idx, const uint8_t *qname,
		       uint16_t qtype, struct dns_idx_result *res)
{
	const uint8_t *ns = qname + 1 + qname[0];
	struct ipaddr a;

	if (idx->pods != DNS_PODS_INSECURE || !qname[0] || !ns[0] ||
	    dns_name_len(ns + 1 + ns[0]) != dns_name_len(idx->pod) ||
	    memcmp(ns + 1 + ns[0], idx->pod, dns_name_len(idx->pod)) ||
	    !pod_addr(qname, &a))
		return false;
	negative(idx, res, true);
	uint16_t t = a.family == AF_INET ? DNS_T_A : DNS_T_AAAA;
	if (qtype != t && qtype != DNS_T_ANY)
		return true;
	memset(&res->pod_rr, 0, sizeof(res->pod_rr));
	res->pod_rr.type = t;
	memcpy(res->pod_rr.addr, a.b, t == DNS_T_A ? 4 : 16);
	res->an = &res->pod_rr;
	res->n_an = 1;
	res->soa_in_authority = false;
	return true;
}

void dns_index_lookup(const struct dns_index *idx, const uint8_t *qname,
		      uint16_t qtype, struct dns_idx_result *res)
{
	long f = idx_find(idx, qname);

	memset(res, 0, sizeof(*res));
	res->ttl = idx->ttl;
	res->soa = &idx->soa;
	res->apex = idx->zone;
	if (dns_name_in_zone(qname, idx->zone) < 0) {
		if (dns_name_in_zone(qname, idx->in_addr) >= 0)
			res->apex = idx->in_addr;
		else if (dns_name_in_zone(qname, idx->ip6) >= 0)
			res->apex = idx->ip6;
		if (f >= 0)
			answer_node(idx, &idx->nodes[f], qtype, res);
		return;
	}
	if (f >= 0)
		answer_node(idx, &idx->nodes[f], qtype, res);
	else if (!answer_pod(idx, qname, qtype, res))
		negative(idx, res, false);
}
