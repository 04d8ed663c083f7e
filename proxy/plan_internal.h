/*
 * plan_internal.h: what plan.c, plan_compile.c and plan_diff.c share.
 *
 * A plan holds its configuration (owned copies) and, per Service, a
 * plan_svc: the owned, compact copy of the Service and endpoint fields
 * the rules depend on, with the content hash and object counts of its
 * compiled fragment.  plan_compile_*() turn that copy into nftables
 * objects on demand.
 */
#ifndef SVCD_PLAN_INTERNAL_H
#define SVCD_PLAN_INTERNAL_H

#include "lib/map.h"
#include "proxy/plan.h"

struct plan_cfg {
	char *table;
	char *node_name;          /* NULL: no endpoint is local */
	struct ipaddr *node_ips;  /* loopback addresses already dropped */
	size_t n_node_ips;
	bool node_ips_given[2];   /* [0] IPv4, [1] IPv6: any configured */
	struct ipaddr *cidrs;
	size_t n_cidrs;
	enum plan_balance balance;
	uint32_t mark;
};

#define PEP_READY       0x1
#define PEP_SERVING     0x2
#define PEP_TERMINATING 0x4
#define PEP_LOCAL       0x8

struct plan_ep {
	struct ipaddr addr;
	uint8_t flags;            /* PEP_* */
};

struct plan_port {
	char *label;              /* port name, else its number */
	enum l4proto proto;
	uint16_t port, node_port;
};

/* One block (plan.c): the pointers below point into it. */
struct plan_svc {
	char *key;                /* "namespace/name" */
	char *ns, *name;
	struct ipaddr cluster_ips[2];
	size_t n_cluster_ips;
	struct ipaddr *ext_ips;   /* externalIPs, then LoadBalancer IPs */
	size_t n_ext_ips;
	struct plan_port *ports;
	size_t n_ports;
	struct plan_ep *eps;
	size_t n_eps;
	uint16_t *ep_ports;       /* [e * n_ports + i]: target port of
				   * endpoint e for port i; 0: not served */
	bool affinity;
	uint32_t affinity_timeout;
	bool etp_local, itp_local;
	/* of the compiled fragment: */
	uint64_t digest;
	size_t n_chains, n_rules, n_sets, n_elems;
};

struct plan {
	struct plan_cfg cfg;
	struct map svcs;          /* key -> struct plan_svc (owned) */
	struct plan_stats totals; /* fragments only; the skeleton is added
				   * by plan_stats() */
};

/* plan_skeleton.c */
/* The shared sets and maps, each in an IPv4 and an IPv6 variant. */
enum plan_set {
	PLAN_CLUSTER_IPS,
	PLAN_NODEPORT_IPS,
	PLAN_SERVICE_IPS,
	PLAN_SERVICE_NODEPORTS,
	PLAN_NOEP_SERVICES,
	PLAN_NOEP_NODEPORTS,
	PLAN_SET_COUNT
};
#define PLAN_CH_REJECT "reject-chain"
#define PLAN_CH_MARK_MASQ "mark-for-masquerade"
const char *plan_set_name(enum plan_set s, int family);
enum nft_key_type plan_set_key(enum plan_set s);
void plan_compile_skeleton(const struct plan_cfg *cfg, struct nft_objs *o);

/* plan_compile.c */
void plan_compile_service(const struct plan_cfg *cfg,
			  const struct plan_svc *s, struct nft_objs *o);
/* Hash of a compiled fragment: equal hashes, equal fragments. */
uint64_t plan_objs_digest(const struct nft_objs *o);

/* plan.c */
/* Every fragment, sorted by Service key; caller frees the array. */
const struct plan_svc **plan_sorted(const struct plan *p, size_t *n);

/* plan_diff.c */
/* Starts a batch of operations on table. */
void plan_ops_begin(struct plan_ops *ops, const char *table);
/* Appends PLAN_OP_ADD_TABLE. */
void plan_ops_add_table(struct plan_ops *ops);
/* Appends the operations turning fragment `from` into `to` (svc NULL:
 * the skeleton) to ops, which takes ownership of both. */
void plan_diff_objs(struct plan_ops *ops, const char *svc,
		    struct nft_objs *from, struct nft_objs *to);
/* Sorts the batch into transaction order and merges it into the ops. */
void plan_ops_finish(struct plan_ops *ops);

#endif
