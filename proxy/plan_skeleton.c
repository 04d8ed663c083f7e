/*
 * plan_skeleton.c: the part of the table that depends only on the
 * configuration: base chains, dispatch and check chains, the shared sets
 * and maps (one per address family), and the masquerade and reject
 * helpers.  The layout is kube-proxy's nftables mode (pkg/proxy/nftables)
 * in one inet table:
 *
 *   filter-input    hook input   dstnat-10  ct new: nodeport-endpoints-
 *                                           check, service-endpoints-check
 *   filter-forward  hook forward dstnat-10  ct new: service-endpoints-
 *                                           check, cluster-ips-check
 *   filter-output   hook output  dstnat-10  ct new: service-endpoints-check
 *   filter-output-post-dnat  output dstnat+10  ct new: cluster-ips-check
 *   nat-prerouting, nat-output   dstnat     jump services
 *   nat-postrouting              srcnat     jump masquerading
 *
 * services dispatches in constant time: "daddr . l4proto . dport" in
 * @service-ips (ClusterIPs, externalIPs, LoadBalancer IPs), then
 * "l4proto . dport" in @service-nodeports for local destinations (or
 * @nodeport-ips when --node-ip is given), never loopback ones.  The
 * endpoints-check chains look new connections up in @no-endpoint-* and
 * reject or drop them; they hang off input, forward and output because
 * kernels before 5.9 allow reject nowhere else.
 * cluster-ips-check rejects what is left for a ClusterIP after DNAT: a
 * port no Service defines.  Masquerading is mark-based: rules jump to
 * mark-for-masquerade, and masquerading acts on the mark at srcnat.
 */
#include "proxy/plan_internal.h"

static const struct {
	const char *name[2]; /* IPv4, IPv6 */
	enum nft_key_type key;
	bool map;
	const char *comment;
} shared[PLAN_SET_COUNT] = {
	[PLAN_CLUSTER_IPS] = { { "cluster-ips", "cluster-ips6" },
			       NFT_KEY_ADDR, false, "active ClusterIPs" },
	[PLAN_NODEPORT_IPS] = { { "nodeport-ips", "nodeport-ips6" },
				NFT_KEY_ADDR, false,
				"IPs that accept NodePort traffic" },
	[PLAN_SERVICE_IPS] = { { "service-ips", "service-ips6" },
			       NFT_KEY_ADDR_PROTO_PORT, true,
			       "ClusterIP, ExternalIP and LoadBalancer IP "
			       "traffic" },
	[PLAN_SERVICE_NODEPORTS] = { { "service-nodeports",
				       "service-nodeports6" },
				     NFT_KEY_PROTO_PORT, true,
				     "NodePort traffic" },
	[PLAN_NOEP_SERVICES] = { { "no-endpoint-services",
				   "no-endpoint-services6" },
				 NFT_KEY_ADDR_PROTO_PORT, true,
				 "services with no usable endpoints" },
	[PLAN_NOEP_NODEPORTS] = { { "no-endpoint-nodeports",
				    "no-endpoint-nodeports6" },
				  NFT_KEY_PROTO_PORT, true,
				  "nodeports with no usable endpoints" },
};

#define CH_SERVICES "services"
#define CH_SVC_EP_CHECK "service-endpoints-check"
#define CH_NP_EP_CHECK "nodeport-endpoints-check"
#define CH_CIP_CHECK "cluster-ips-check"
#define CH_MASQUERADING "masquerading"

/* Deletion ranks: referrers before the chains they jump to. */
enum { RANK_BASE, RANK_DISPATCH, RANK_LEAF };

static const int families[2] = { AF_INET, AF_INET6 };

const char *plan_set_name(enum plan_set s, int family)
{
	return shared[s].name[family == AF_INET6];
}

enum nft_key_type plan_set_key(enum plan_set s)
{
	return shared[s].key;
}

static void jump_rule(struct nft_chain *c, bool ct_new, const char *to)
{
	struct nft_rule *r = rules_add_rule(c);
	if (ct_new)
		rules_match_ct_new(r);
	rules_verdict(r, VERDICT_JUMP, to);
}

static void base_chains(struct nft_objs *o)
{
	const int pre = RULES_PRIO_DSTNAT - 10, post = RULES_PRIO_DSTNAT + 10;
	struct nft_chain *c;

	c = rules_add_base_chain(o, "filter-input", NFT_CHAIN_FILTER,
				 NFT_HOOK_INPUT, pre, RANK_BASE);
	jump_rule(c, true, CH_NP_EP_CHECK);
	jump_rule(c, true, CH_SVC_EP_CHECK);
	c = rules_add_base_chain(o, "filter-forward", NFT_CHAIN_FILTER,
				 NFT_HOOK_FORWARD, pre, RANK_BASE);
	jump_rule(c, true, CH_SVC_EP_CHECK);
	jump_rule(c, true, CH_CIP_CHECK);
	c = rules_add_base_chain(o, "filter-output", NFT_CHAIN_FILTER,
				 NFT_HOOK_OUTPUT, pre, RANK_BASE);
	jump_rule(c, true, CH_SVC_EP_CHECK);
	/* After DNAT, only ClusterIP traffic nothing matched is left. */
	c = rules_add_base_chain(o, "filter-output-post-dnat",
				 NFT_CHAIN_FILTER, NFT_HOOK_OUTPUT, post,
				 RANK_BASE);
	jump_rule(c, true, CH_CIP_CHECK);
	c = rules_add_base_chain(o, "nat-prerouting", NFT_CHAIN_NAT,
				 NFT_HOOK_PREROUTING, RULES_PRIO_DSTNAT,
				 RANK_BASE);
	jump_rule(c, false, CH_SERVICES);
	c = rules_add_base_chain(o, "nat-output", NFT_CHAIN_NAT,
				 NFT_HOOK_OUTPUT, RULES_PRIO_DSTNAT,
				 RANK_BASE);
	jump_rule(c, false, CH_SERVICES);
	c = rules_add_base_chain(o, "nat-postrouting", NFT_CHAIN_NAT,
				 NFT_HOOK_POSTROUTING, RULES_PRIO_SRCNAT,
				 RANK_BASE);
	jump_rule(c, false, CH_MASQUERADING);
}

/* "fib daddr type local ip daddr != 127.0.0.0/8", or "ip daddr
 * @nodeport-ips" when node IPs of the family are configured. */
static struct nft_rule *nodeport_rule(const struct plan_cfg *cfg,
				      struct nft_chain *c, int family,
				      bool fib)
{
	struct nft_rule *r = rules_add_rule(c);
	if (cfg->node_ips_given[family == AF_INET6]) {
		rules_match_set(r, family, false, false,
				plan_set_name(PLAN_NODEPORT_IPS, family));
		return r;
	}
	struct ipaddr lo;
	if (family == AF_INET6)
		addr_parse("::1", &lo);
	else
		cidr_parse("127.0.0.0/8", &lo);
	if (fib)
		rules_match_fib_local(r, false);
	rules_match_addr(r, false, true, &lo, 1);
	return r;
}

static void dispatch_chains(const struct plan_cfg *cfg, struct nft_objs *o)
{
	struct nft_chain *svc, *sep, *nep, *cip;
	svc = rules_add_chain(o, xstrdup(CH_SERVICES), RANK_DISPATCH);
	for (int i = 0; i < 2; i++)
		rules_vmap(rules_add_rule(svc), families[i],
			   plan_set_name(PLAN_SERVICE_IPS, families[i]));
	for (int i = 0; i < 2; i++)
		rules_vmap(nodeport_rule(cfg, svc, families[i], true), 0,
			   plan_set_name(PLAN_SERVICE_NODEPORTS, families[i]));
	sep = rules_add_chain(o, xstrdup(CH_SVC_EP_CHECK), RANK_DISPATCH);
	for (int i = 0; i < 2; i++)
		rules_vmap(rules_add_rule(sep), families[i],
			   plan_set_name(PLAN_NOEP_SERVICES, families[i]));
	/* Jumped to from input only: the destination is local already. */
	nep = rules_add_chain(o, xstrdup(CH_NP_EP_CHECK), RANK_DISPATCH);
	for (int i = 0; i < 2; i++)
		rules_vmap(nodeport_rule(cfg, nep, families[i], false), 0,
			   plan_set_name(PLAN_NOEP_NODEPORTS, families[i]));
	cip = rules_add_chain(o, xstrdup(CH_CIP_CHECK), RANK_DISPATCH);
	for (int i = 0; i < 2; i++) {
		struct nft_rule *r = rules_add_rule(cip);
		rules_match_set(r, families[i], false, false,
				plan_set_name(PLAN_CLUSTER_IPS, families[i]));
		rules_verdict(r, VERDICT_GOTO, PLAN_CH_REJECT);
	}
}

static void leaf_chains(const struct plan_cfg *cfg, struct nft_objs *o)
{
	struct nft_chain *c;
	struct nft_rule *r;

	c = rules_add_chain(o, xstrdup(PLAN_CH_REJECT), RANK_LEAF);
	r = rules_add_rule(c);
	rules_match_l4proto(r, PROTO_TCP);
	rules_reject(r, NFT_REJECT_TCP_RESET);
	rules_reject(rules_add_rule(c), NFT_REJECT_PORT_UNREACH);

	c = rules_add_chain(o, xstrdup(PLAN_CH_MARK_MASQ), RANK_LEAF);
	rules_mark_set(rules_add_rule(c), NFT_MARK_OR, cfg->mark);

	c = rules_add_chain(o, xstrdup(CH_MASQUERADING), RANK_LEAF);
	r = rules_add_rule(c);
	rules_match_mark(r, cfg->mark, 0);
	rules_verdict(r, VERDICT_RETURN, NULL);
	/* Clear the bit so a packet that loops back is judged afresh. */
	rules_mark_set(rules_add_rule(c), NFT_MARK_XOR, cfg->mark);
	rules_masquerade(rules_add_rule(c));
}

void plan_compile_skeleton(const struct plan_cfg *cfg, struct nft_objs *o)
{
	for (int s = 0; s < PLAN_SET_COUNT; s++)
		for (int i = 0; i < 2; i++)
			rules_add_set(o, shared[s].name[i], shared[s].key,
				      families[i], shared[s].map, 0, 0,
				      shared[s].comment);
	for (size_t i = 0; i < cfg->n_node_ips; i++) {
		struct nft_key k = { .addr = cfg->node_ips[i] };
		const char *set = plan_set_name(PLAN_NODEPORT_IPS,
						k.addr.family);
		rules_add_elem(o, set, NFT_KEY_ADDR, &k, NULL);
	}
	base_chains(o);
	dispatch_chains(cfg, o);
	leaf_chains(cfg, o);
}
