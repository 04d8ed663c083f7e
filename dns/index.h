/*
 * index.h: the cluster zone as an immutable name index (DESIGN §6).
 *
 * dns_index_build() turns the service view into one hash table from
 * lower-case wire name to a node holding that name's records, sorted by
 * type so an answer is one contiguous slice.  After the build nothing is
 * written, so any number of reader threads may call dns_index_lookup()
 * without locks; publishing a new index (pointer swap, deferred free) is
 * the server's job.  A lookup never allocates: the result points into the
 * index (and, for computed pod records, into the result itself).
 *
 * The index is rebuilt whole from the view for now; incremental rebuilds
 * per changed Service are future work (records are produced per Service by
 * one function, so replacing a Service's set later is local).
 *
 * Names the index answers for: the zone and everything under it, plus the
 * reverse names (in-addr.arpa, ip6.arpa) of addresses it knows.  For any
 * other name, including unknown reverse names, the result is
 * DNS_IDX_OUTSIDE and the server forwards it (CoreDNS' default Corefile
 * has "fallthrough in-addr.arpa ip6.arpa").
 */
#ifndef SVCD_DNS_INDEX_H
#define SVCD_DNS_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/wire.h"
#include "lib/addr.h"
#include "model/view.h"

enum dns_pods_mode { DNS_PODS_DISABLED, DNS_PODS_INSECURE, DNS_PODS_VERIFIED };

struct dns_index_opts {
	const char *zone;         /* NULL: "cluster.local" */
	uint32_t ttl;             /* answers and the SOA negative TTL */
	enum dns_pods_mode pods;  /* VERIFIED is answered as DISABLED (todo) */
	uint32_t serial;          /* SOA serial, e.g. the store generation */
	/* Addresses of ns.dns.<zone> (svcd's own service), optional. */
	const struct ipaddr *ns_addrs;
	size_t n_ns_addrs;
};

/*
 * One record's data, ready for the dns/wire builders.  In an answer the
 * owner is the query name (owner is NULL); in the additional section it is
 * the SRV target and is set.  An SOA record (only in ANY answers at the
 * apex) carries no data here: it is the result's soa.
 */
struct dns_idx_rr {
	uint16_t type;            /* DNS_T_* */
	uint16_t prio, weight, port; /* SRV */
	uint8_t addr[16];         /* A: first 4 bytes; AAAA */
	const uint8_t *target;    /* CNAME, PTR, NS, SRV: wire name */
	const char *txt;          /* TXT: one string */
	const uint8_t *owner;     /* additional records only */
};

enum dns_idx_status {
	DNS_IDX_OUTSIDE,  /* not ours: forward */
	DNS_IDX_ANSWER,   /* answer with rcode and the sections below */
};

struct dns_idx_result {
	enum dns_idx_status status;
	uint16_t rcode;           /* DNS_R_NOERROR or DNS_R_NXDOMAIN */
	bool exists;              /* the name exists (NOERROR) */
	bool soa_in_authority;    /* NXDOMAIN or NODATA */
	uint32_t ttl;
	const struct dns_idx_rr *an;   /* answer records, owner = qname */
	size_t n_an;
	const struct dns_idx_rr *add;  /* additional (A/AAAA of SRV targets) */
	size_t n_add;
	const uint8_t *apex;      /* owner of the SOA (the zone) */
	const struct dns_soa *soa;
	struct dns_idx_rr pod_rr; /* storage for a computed pod record */
};

struct dns_index;

/* Builds the index; never fails (names that do not fit DNS are skipped
 * with a debug log).  svcs may be NULL when n is 0. */
struct dns_index *dns_index_build(const struct view_service *const *svcs,
				  size_t n, const struct dns_index_opts *o);
void dns_index_free(struct dns_index *idx);
/* qname: lower-case wire name (struct dns_question.name).  res is filled
 * in every case; res->an may point into res itself (pod records), so do
 * not copy it and use the copy's pointers. */
void dns_index_lookup(const struct dns_index *idx, const uint8_t *qname,
		      uint16_t qtype, struct dns_idx_result *res);
/* The zone in wire form, and the number of names in the index. */
const uint8_t *dns_index_zone(const struct dns_index *idx);
size_t dns_index_names(const struct dns_index *idx);

#endif
