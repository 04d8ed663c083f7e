/*
 * index_internal.h: shared between the index builder (index.c) and the
 * record producers (index_records.c); not for other modules.
 *
 * Building collects (owner, record) pairs into a pending list; index.c
 * then sorts them by name and type and freezes them into nodes.  Every
 * name is a lower-case wire name copied into the builder's pool, which
 * the finished index takes over, so records may point at names freely.
 */
#ifndef SVCD_DNS_INDEX_INTERNAL_H
#define SVCD_DNS_INDEX_INTERNAL_H

#include "dns/index.h"

struct idx_node {
	const uint8_t *name;
	uint32_t rr_off, n_rr;
	uint32_t add_off, n_add;
};

struct dns_index {
	struct idx_node *nodes;
	size_t n_nodes, cap_nodes;
	uint32_t *slots; /* node index + 1; 0 empty */
	size_t mask;
	struct dns_idx_rr *rrs, *adds;
	size_t n_rrs, n_adds;
	uint8_t **pool;
	size_t n_pool;
	const uint8_t *zone, *pod, *in_addr, *ip6;
	struct dns_soa soa;
	uint32_t ttl;
	enum dns_pods_mode pods;
};

/* Node index of name, or -1. */
long idx_find(const struct dns_index *idx, const uint8_t *name);

struct idx_pend {
	const uint8_t *name; /* pooled */
	uint32_t seq;        /* insertion order: ties keep it */
	struct dns_idx_rr rr;
};

struct idx_builder {
	struct idx_pend *pend;
	size_t n_pend, cap_pend;
	uint8_t **pool;
	size_t n_pool, cap_pool;
	const uint8_t *zone; /* pooled */
	enum dns_pods_mode pods;
};

/* text ("a.b.c", no escapes needed) to a pooled lower-case wire name;
 * NULL (logged) when it is not a valid name. */
const uint8_t *idx_name(struct idx_builder *b, const char *text);
/* Appends one record at owner. */
void idx_add(struct idx_builder *b, const uint8_t *owner,
	     const struct dns_idx_rr *rr);
/* Every record of one Service (spec §2.3-2.5). */
void idx_add_service(struct idx_builder *b, const struct view_service *vs,
		     const char *zone);

#endif
