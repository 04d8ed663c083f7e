/*
 * plan.h: the nftables ruleset svcd wants, computed from the service view.
 *
 * Pure: no sockets, no kernel.  A plan is the desired content of table
 * `inet <table>`: a fixed skeleton (base chains at the priorities
 * kube-proxy documents, dispatch verdict maps, no-endpoint and
 * masquerade chains) that depends only on the configuration, plus one
 * fragment per Service: its per-port chains, per-endpoint chains,
 * affinity sets and its elements in the shared maps.  The layout follows
 * kube-proxy's nftables mode, in one inet table with a map per address
 * family; plan_skeleton.c and plan_compile.c describe it object by object.
 *
 * Memory: a plan keeps a compact owned copy of what each Service needs
 * (addresses, ports, endpoint conditions; one allocation per Service)
 * and the content hash of its fragment, not the nftables objects
 * themselves; objects are compiled again when a diff or a rendering
 * needs them.  So a plan costs a few hundred bytes per Service and about
 * twenty per endpoint, and an unchanged Service costs one hash compare.
 *
 * Operations: plan_diff() and plan_update() produce the operations that
 * turn one ruleset into the other in a single transaction, ordered so
 * that every object exists before anything refers to it and stops being
 * referred to before it is deleted.  A change to one Service yields
 * operations on that Service's chains, sets and elements only.  The
 * operations own the objects they point to.
 */
#ifndef SVCD_PLAN_H
#define SVCD_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "model/view.h"
#include "proxy/rules.h"

enum plan_balance { PLAN_ROUND_ROBIN, PLAN_RANDOM };

/* Default masquerade mark bit, the one kube-proxy uses (bit 14). */
#define PLAN_MASQ_MARK 0x4000u

/* Borrowed by plan_new()/plan_build(), which copy what they keep. */
struct plan_config {
	const char *table;            /* NULL: "svcd" */
	const char *node_name;        /* endpoints with this nodeName are
				       * local; NULL: none is */
	const struct ipaddr *node_ips; /* NodePort addresses; none of a
					* family: every local address */
	size_t n_node_ips;
	const struct ipaddr *cluster_cidrs; /* pod ranges; none: no
					     * masquerade by source range */
	size_t n_cluster_cidrs;
	enum plan_balance balance;
	uint32_t masq_mark;           /* 0: PLAN_MASQ_MARK */
};

/* Fills pc from the daemon configuration; pc borrows from cfg. */
void plan_config_from(struct plan_config *pc, const struct svcd_config *cfg,
		      enum plan_balance balance);

struct plan;

/* The skeleton only: no Service. */
struct plan *plan_new(const struct plan_config *cfg);
/* Every Service of svcs (any order; the plan sorts). */
struct plan *plan_build(const struct plan_config *cfg,
			const struct view_service *const *svcs, size_t n);
void plan_free(struct plan *p);
const char *plan_table(const struct plan *p);

enum plan_op_kind {
	PLAN_OP_ADD_TABLE,     /* create the table */
	PLAN_OP_ADD_SET,       /* create a set or map, empty */
	PLAN_OP_ADD_CHAIN,     /* create a chain (hooked if base), empty */
	PLAN_OP_DEL_ELEM,      /* delete an element from its set or map */
	PLAN_OP_ADD_RULES,     /* append every rule of a new chain */
	PLAN_OP_REPLACE_RULES, /* flush a chain, then append its rules */
	PLAN_OP_ADD_ELEM,      /* add an element to its set or map */
	PLAN_OP_DEL_CHAIN,     /* delete a chain and its rules */
	PLAN_OP_DEL_SET        /* delete a set or map */
};

/* Operations come in the order above (all additions of sets and chains,
 * then element deletions, ...), which is also a valid transaction order;
 * chain deletions come in rank order, referrers first. */
struct plan_op {
	enum plan_op_kind kind;
	const char *svc;               /* "ns/name"; NULL: the skeleton */
	const struct nft_chain *chain; /* *_CHAIN, *_RULES */
	const struct nft_set *set;     /* *_SET; *_ELEM: the set it is in */
	const struct nft_elem *elem;   /* *_ELEM */
};

struct plan_ops {
	struct plan_op *v;
	size_t n, cap;
	char *table;                   /* owned */
	size_t services;               /* Services whose fragment changed */
	/* Owned storage the ops point into; not for callers. */
	struct nft_objs **held;
	size_t n_held, cap_held;
	struct nft_objs *skeleton;     /* the shared set declarations */
	struct strvec names;           /* Service keys */
	size_t ordered;                /* v[0..ordered) is in order */
};

void plan_ops_free(struct plan_ops *ops);
/* The operations as an `nft -f` script ("add chain inet svcd ...").
 * Caller frees. */
char *plan_ops_render(const struct plan_ops *ops);

/* Appends the operations turning old into new (old NULL: an empty
 * kernel, starting with PLAN_OP_ADD_TABLE) to ops, zeroed or holding
 * earlier operations on the same table; the whole stays in transaction
 * order.  Both plans name the same table.  Identical plans give no
 * operation. */
void plan_diff(const struct plan *old, const struct plan *new,
	       struct plan_ops *ops);

/* plan_diff() in pieces, for a sync too large for one transaction (a
 * first sync of tens of thousands of Services compiles hundreds of
 * megabytes of objects at once otherwise).  Each call appends, in
 * transaction order, the operations of up to max_services more changed
 * Services, the first call also the table and skeleton ones; it returns
 * false once nothing is left.  Every Service is complete within its
 * piece, so pieces of a first sync (old NULL: only additions) are valid
 * transactions on their own.  Between two plans a piece is valid on its
 * own unless an element key moves between Services of different pieces;
 * apply those as one transaction.  Neither plan may change meanwhile. */
struct plan_svc;
struct plan_diff_iter {
	const struct plan *old, *new;
	const struct plan_svc **a, **b; /* owned: the plans' Services, sorted */
	size_t na, nb, i, j;
	bool started;
};
void plan_diff_iter_init(struct plan_diff_iter *it, const struct plan *old,
			 const struct plan *new);
bool plan_diff_iter_next(struct plan_diff_iter *it, size_t max_services,
			 struct plan_ops *ops);
void plan_diff_iter_free(struct plan_diff_iter *it);

/* Incremental: makes the fragment of svc_key match vs (NULL: the Service
 * is gone; else vs->key is svc_key) and appends to ops what that
 * changes, keeping ops in transaction order, so one ops can collect a
 * whole changeset.  Work is in proportion to the Service, not to the
 * plan.  Returns true when anything changed. */
bool plan_update(struct plan *p, const char *svc_key,
		 const struct view_service *vs, struct plan_ops *ops);

/* The whole table as an `nft -f` file.  Caller frees. */
char *plan_render(const struct plan *p);
/* One Service's chains and elements, for `svcctl get`; NULL when the
 * plan has nothing for it (unknown, headless, ExternalName). */
char *plan_render_service(const struct plan *p, const char *svc_key);

struct plan_stats {
	size_t services; /* Services with a fragment */
	size_t chains, rules, sets, elements;
};
void plan_stats(const struct plan *p, struct plan_stats *st);

#endif
