/*
 * plan_compile.c: the nftables objects of one Service (the table's fixed
 * part is plan_skeleton.c).
 *
 * Each Service port, in each address family of the Service, gets what
 * kube-proxy's nftables mode gives it (per-family chains are "service6-"
 * and so on, where kube-proxy has one table per family):
 *   service-H-ns/name/proto/port   Cluster-policy endpoints: masquerade
 *        ClusterIP traffic from outside --cluster-cidr, affinity checks,
 *        then numgen inc|random mod N over the endpoint chains;
 *   local-H-...      the same over local endpoints only (a Local policy);
 *   external-H-...   node ports, externalIPs and LB IPs: masquerade and
 *        go to service- (policy Cluster), or short-circuit pod and host
 *        traffic to service- and send the rest to local- (policy Local);
 *   endpoint-H-...__addr/port   hairpin masquerade, affinity update, DNAT;
 *   affinity-H-...   dynamic set of client addresses with a timeout;
 * and elements: its ClusterIP in @cluster-ips, each destination in
 * @service-ips / @service-nodeports, or, without usable endpoints, in
 * @no-endpoint-services / -nodeports: "goto reject-chain" (TCP reset,
 * ICMP port unreachable) when the Service has none at all, "drop" when a
 * Local policy finds none on this node.
 *
 * Names: prefix + 8 base32 characters of a hash + the readable part,
 * truncated to RULES_NAME_MAX like kube-proxy's; the affinity timeout is
 * hashed into affinity set names so a set never changes declaration.
 */
#include <stdlib.h>
#include <string.h>

#include "proxy/plan_internal.h"

/* Deletion ranks: referrers before the chains they jump to. */
enum { RANK_EXTERNAL, RANK_POLICY, RANK_ENDPOINT };

/* ---- names ---- */

/* prefix + HASH8 + "-" + readable, the part after the prefix cut to
 * what leaves the whole within RULES_NAME_MAX. */
static char *obj_name(const char *prefix, const char *readable,
		      uint32_t salt)
{
	static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	uint64_t h = hash_bytes(readable, strlen(readable), HASH_SEED);
	if (salt)
		h = hash_bytes(&salt, sizeof(salt), h);
	char tag[9];
	for (int i = 0; i < 8; i++)
		tag[i] = b32[(h >> (5 * i)) & 31];
	tag[8] = '\0';
	char *name = xasprintf("%s%s-%s", prefix, tag, readable);
	size_t max = RULES_NAME_MAX;
	if (strlen(name) > max)
		strcpy(name + max - 3, "...");
	return name;
}

/* "ns/name/tcp/http", plus "__10.1.0.5/8080" for an endpoint (an IPv6
 * address with '.' for ':', which names may not hold). */
static char *readable(const struct plan_svc *s, size_t port,
		      const struct ipaddr *ep, uint16_t tport)
{
	const struct plan_port *p = &s->ports[port];
	struct buf b = { 0 };
	buf_printf(&b, "%s/%s/%s/%s", s->ns, s->name,
		   rules_proto_name(p->proto), p->label);
	if (ep) {
		char a[ADDR_STRLEN];
		addr_format(ep, a);
		for (char *c = a; *c; c++)
			if (*c == ':')
				*c = '.';
		buf_printf(&b, "__%s/%u", a, tport);
	}
	return buf_take(&b);
}

/* ---- one Service port in one address family ---- */

struct port_plan {
	const struct plan_cfg *cfg;
	const struct plan_svc *s;
	size_t port;
	int family;
	const struct ipaddr *cip;
	struct ipaddr *cidrs;     /* --cluster-cidr ranges of the family */
	size_t n_cidrs;
	bool ext_ok;              /* reachable by node port, external or
				   * LoadBalancer IP in this family */
	bool etp_local, itp_local;
	size_t *cluster, n_cluster; /* endpoint indexes per policy */
	size_t *local, n_local;
	bool has_any;             /* usable endpoints anywhere */
	char *svc_chain, *local_chain, *ext_chain;
	char **ep_chain;          /* per endpoint; NULL: unused */
	char **aff_set;           /* per endpoint, with affinity */
};

static uint16_t target_port(const struct port_plan *pp, size_t e)
{
	return pp->s->ep_ports[e * pp->s->n_ports + pp->port];
}

/* Endpoints of the family serving this port with every flag of need. */
static size_t pick(const struct port_plan *pp, size_t *out, unsigned need)
{
	size_t n = 0;
	for (size_t e = 0; e < pp->s->n_eps; e++) {
		const struct plan_ep *ep = &pp->s->eps[e];
		if (ep->addr.family == pp->family && target_port(pp, e) &&
		    (ep->flags & need) == need)
			out[n++] = e;
	}
	return n;
}

/* kube-proxy's CategorizeEndpoints: ready endpoints, else serving and
 * terminating ones, chosen separately for each traffic policy. */
static void select_endpoints(struct port_plan *pp)
{
	const unsigned st = PEP_SERVING | PEP_TERMINATING;
	bool uses_cluster = !pp->itp_local || pp->ext_ok;
	bool uses_local = pp->itp_local || pp->etp_local;
	pp->cluster = xcalloc(pp->s->n_eps + 1, sizeof(size_t));
	pp->local = xcalloc(pp->s->n_eps + 1, sizeof(size_t));
	if (uses_cluster) {
		pp->n_cluster = pick(pp, pp->cluster, PEP_READY);
		if (!pp->n_cluster)
			pp->n_cluster = pick(pp, pp->cluster, st);
		pp->has_any = pp->n_cluster > 0;
	}
	if (!uses_local)
		return;
	if (pick(pp, pp->local, PEP_READY) || pick(pp, pp->local, st))
		pp->has_any = true;
	pp->n_local = pick(pp, pp->local, PEP_READY | PEP_LOCAL);
	if (!pp->n_local)
		pp->n_local = pick(pp, pp->local, st | PEP_LOCAL);
}

static void name_chains(struct port_plan *pp)
{
	bool v6 = pp->family == AF_INET6;
	char *base = readable(pp->s, pp->port, NULL, 0);
	pp->svc_chain = obj_name(v6 ? "service6-" : "service-", base, 0);
	pp->local_chain = obj_name(v6 ? "local6-" : "local-", base, 0);
	pp->ext_chain = obj_name(v6 ? "external6-" : "external-", base, 0);
	free(base);
	pp->ep_chain = xcalloc(pp->s->n_eps + 1, sizeof(char *));
	pp->aff_set = xcalloc(pp->s->n_eps + 1, sizeof(char *));
	const size_t *lists[2] = { pp->cluster, pp->local };
	size_t counts[2] = { pp->n_cluster, pp->n_local };
	for (int l = 0; l < 2; l++) {
		for (size_t k = 0; k < counts[l]; k++) {
			size_t e = lists[l][k];
			if (pp->ep_chain[e])
				continue;
			char *r = readable(pp->s, pp->port,
					   &pp->s->eps[e].addr,
					   target_port(pp, e));
			pp->ep_chain[e] = obj_name("endpoint-", r, 0);
			if (pp->s->affinity)
				pp->aff_set[e] = obj_name(
					"affinity-", r,
					pp->s->affinity_timeout);
			free(r);
		}
	}
}

static void port_plan_free(struct port_plan *pp)
{
	for (size_t e = 0; e < pp->s->n_eps; e++) {
		free(pp->ep_chain[e]);
		free(pp->aff_set[e]);
	}
	free(pp->ep_chain);
	free(pp->aff_set);
	free(pp->cluster);
	free(pp->local);
	free(pp->cidrs);
	free(pp->svc_chain);
	free(pp->local_chain);
	free(pp->ext_chain);
}

static void add_elem(struct nft_objs *o, enum plan_set set, int family,
		     const struct nft_key *k, const struct nft_verdict *v)
{
	rules_add_elem(o, plan_set_name(set, family), plan_set_key(set), k, v);
}

static void port_elements(const struct port_plan *pp, struct nft_objs *o)
{
	const struct plan_svc *s = pp->s;
	const struct plan_port *p = &s->ports[pp->port];
	int f = pp->family;
	bool has_int = pp->has_any && (!pp->itp_local || pp->n_local);
	bool has_ext = pp->has_any && (!pp->etp_local || pp->n_local);
	struct nft_verdict to_int = {
		VERDICT_GOTO, pp->itp_local ? pp->local_chain : pp->svc_chain
	};
	struct nft_verdict to_ext = { VERDICT_GOTO, pp->ext_chain };
	/* No endpoint at all: reject at once.  None for a Local policy on
	 * this node: drop, as kube-proxy does. */
	struct nft_verdict none = { VERDICT_DROP, NULL };
	if (!pp->has_any)
		none = (struct nft_verdict){ VERDICT_GOTO, PLAN_CH_REJECT };
	struct nft_key k = { .addr = *pp->cip, .proto = p->proto,
			     .port = p->port };

	if (has_int)
		add_elem(o, PLAN_SERVICE_IPS, f, &k, &to_int);
	else
		add_elem(o, PLAN_NOEP_SERVICES, f, &k, &none);
	for (size_t i = 0; i < s->n_ext_ips; i++) {
		if (s->ext_ips[i].family != f)
			continue;
		k.addr = s->ext_ips[i];
		if (pp->has_any)
			add_elem(o, PLAN_SERVICE_IPS, f, &k, &to_ext);
		if (!has_ext)
			add_elem(o, PLAN_NOEP_SERVICES, f, &k, &none);
	}
	if (!p->node_port)
		return;
	k.port = p->node_port;
	if (pp->has_any)
		add_elem(o, PLAN_SERVICE_NODEPORTS, f, &k, &to_ext);
	if (!has_ext)
		add_elem(o, PLAN_NOEP_NODEPORTS, f, &k, &none);
}

/* ClusterIP traffic from outside the pod ranges may come back through
 * another node; masquerade it so replies return here. */
static void masq_outside(const struct port_plan *pp, struct nft_chain *c)
{
	const struct plan_port *p = &pp->s->ports[pp->port];
	if (!pp->n_cidrs)
		return;
	struct nft_rule *r = rules_add_rule(c);
	rules_match_addr(r, false, false, pp->cip, 1);
	rules_match_dport(r, p->proto, p->port);
	rules_match_addr(r, true, true, pp->cidrs, pp->n_cidrs);
	rules_verdict(r, VERDICT_JUMP, PLAN_CH_MARK_MASQ);
}

/* Affinity first (a known client goes back to its endpoint), then one
 * numgen pick over the endpoint chains. */
static void balance(const struct port_plan *pp, struct nft_chain *c,
		    const size_t *eps, size_t n)
{
	struct nft_rule *r;
	for (size_t k = 0; pp->s->affinity && k < n; k++) {
		r = rules_add_rule(c);
		rules_match_set(r, pp->family, true, false,
				pp->aff_set[eps[k]]);
		rules_verdict(r, VERDICT_GOTO, pp->ep_chain[eps[k]]);
	}
	r = rules_add_rule(c);
	if (n == 1) {
		rules_verdict(r, VERDICT_GOTO, pp->ep_chain[eps[0]]);
		return;
	}
	char **targets = xcalloc(n, sizeof(char *));
	for (size_t k = 0; k < n; k++)
		targets[k] = xstrdup(pp->ep_chain[eps[k]]);
	rules_numgen(r, pp->cfg->balance == PLAN_RANDOM ? NFT_NUMGEN_RANDOM :
							  NFT_NUMGEN_INC,
		     targets, n);
}

static void external_chain(const struct port_plan *pp, struct nft_objs *o)
{
	struct nft_chain *c = rules_add_chain(o, xstrdup(pp->ext_chain),
					      RANK_EXTERNAL);
	struct nft_rule *r;
	if (!pp->etp_local) {
		/* The endpoint may be on another node. */
		rules_verdict(rules_add_rule(c), VERDICT_JUMP, PLAN_CH_MARK_MASQ);
	} else {
		/* Pods and the node itself reach every endpoint, as if
		 * through an outside load balancer. */
		if (pp->n_cidrs) {
			r = rules_add_rule(c);
			rules_match_addr(r, true, false, pp->cidrs,
					 pp->n_cidrs);
			rules_verdict(r, VERDICT_GOTO, pp->svc_chain);
		}
		r = rules_add_rule(c);
		rules_match_fib_local(r, true);
		rules_verdict(r, VERDICT_JUMP, PLAN_CH_MARK_MASQ);
		r = rules_add_rule(c);
		rules_match_fib_local(r, true);
		rules_verdict(r, VERDICT_GOTO, pp->svc_chain);
	}
	if (!pp->etp_local || pp->n_local)
		rules_verdict(rules_add_rule(c), VERDICT_GOTO,
			      pp->etp_local ? pp->local_chain : pp->svc_chain);
}

static void endpoint_chain(const struct port_plan *pp, size_t e,
			   struct nft_objs *o)
{
	const struct plan_ep *ep = &pp->s->eps[e];
	struct nft_chain *c = rules_add_chain(o, xstrdup(pp->ep_chain[e]),
					      RANK_ENDPOINT);
	struct nft_rule *r = rules_add_rule(c);
	/* Hairpin: a pod reaching itself through the Service. */
	rules_match_addr(r, true, false, &ep->addr, 1);
	rules_verdict(r, VERDICT_JUMP, PLAN_CH_MARK_MASQ);
	if (pp->s->affinity)
		rules_update_saddr(rules_add_rule(c), pp->family,
				   pp->aff_set[e]);
	r = rules_add_rule(c);
	rules_match_l4proto(r, pp->s->ports[pp->port].proto);
	rules_dnat(r, &ep->addr, target_port(pp, e));
}

static void port_chains(const struct port_plan *pp, struct nft_objs *o)
{
	bool has_int = pp->has_any && (!pp->itp_local || pp->n_local);
	bool uses_cluster = !pp->itp_local || pp->ext_ok;
	bool uses_local = pp->itp_local || pp->etp_local;
	struct nft_chain *c;

	if (pp->has_any && pp->ext_ok)
		external_chain(pp, o);
	if (uses_cluster && pp->n_cluster) {
		c = rules_add_chain(o, xstrdup(pp->svc_chain), RANK_POLICY);
		if (has_int && !pp->itp_local)
			masq_outside(pp, c);
		balance(pp, c, pp->cluster, pp->n_cluster);
	}
	if (uses_local && pp->n_local) {
		c = rules_add_chain(o, xstrdup(pp->local_chain), RANK_POLICY);
		if (has_int && pp->itp_local)
			masq_outside(pp, c);
		balance(pp, c, pp->local, pp->n_local);
	}
	for (size_t e = 0; e < pp->s->n_eps; e++) {
		if (!pp->ep_chain[e])
			continue;
		if (pp->s->affinity)
			rules_add_set(o, pp->aff_set[e], NFT_KEY_ADDR,
				      pp->family, false,
				      SET_F_DYNAMIC | SET_F_TIMEOUT,
				      pp->s->affinity_timeout, NULL);
		endpoint_chain(pp, e, o);
	}
}

static void compile_port(const struct plan_cfg *cfg, const struct plan_svc *s,
			 size_t port, const struct ipaddr *cip,
			 struct nft_objs *o)
{
	struct port_plan pp = {
		.cfg = cfg, .s = s, .port = port, .family = cip->family,
		.cip = cip, .etp_local = s->etp_local,
		.itp_local = s->itp_local,
	};
	pp.cidrs = xcalloc(cfg->n_cidrs + 1, sizeof(*pp.cidrs));
	for (size_t i = 0; i < cfg->n_cidrs; i++)
		if (cfg->cidrs[i].family == pp.family)
			pp.cidrs[pp.n_cidrs++] = cfg->cidrs[i];
	pp.ext_ok = s->ports[port].node_port != 0;
	for (size_t i = 0; i < s->n_ext_ips; i++)
		if (s->ext_ips[i].family == pp.family)
			pp.ext_ok = true;
	/* externalTrafficPolicy only means something when reachable. */
	pp.etp_local = pp.etp_local && pp.ext_ok;
	select_endpoints(&pp);
	name_chains(&pp);
	port_elements(&pp, o);
	port_chains(&pp, o);
	port_plan_free(&pp);
}

void plan_compile_service(const struct plan_cfg *cfg,
			  const struct plan_svc *s, struct nft_objs *o)
{
	bool seen[2] = { false, false };
	for (size_t j = 0; j < s->n_cluster_ips; j++) {
		const struct ipaddr *cip = &s->cluster_ips[j];
		int fi = cip->family == AF_INET6;
		if (seen[fi])
			continue;
		seen[fi] = true;
		struct nft_key k = { .addr = *cip };
		rules_add_elem(o, plan_set_name(PLAN_CLUSTER_IPS, cip->family),
			       NFT_KEY_ADDR, &k, NULL);
		for (size_t i = 0; i < s->n_ports; i++)
			compile_port(cfg, s, i, cip, o);
	}
}

uint64_t plan_objs_digest(const struct nft_objs *o)
{
	uint64_t h = HASH_SEED, v;
	for (size_t i = 0; i < o->n_sets; i++) {
		v = rules_set_hash(&o->sets[i]);
		h = hash_bytes(&v, sizeof(v), h);
	}
	for (size_t i = 0; i < o->n_chains; i++) {
		v = rules_chain_hash(&o->chains[i]);
		h = hash_bytes(&v, sizeof(v), h);
	}
	for (size_t i = 0; i < o->n_elems; i++) {
		v = rules_elem_hash(&o->elems[i]);
		h = hash_bytes(&v, sizeof(v), h);
	}
	return h;
}
