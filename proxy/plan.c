/*
 * plan.c: the plan as a whole: its configuration, one compact copy per
 * Service, and the entry points that build, update, diff and render it.
 *
 * Invariants: every plan_svc in p->svcs compiles to a non-empty fragment
 * whose content hash is svc->digest and whose object counts are summed
 * in p->totals; Services that produce no rule (headless, ExternalName,
 * no ClusterIP or no port) have no entry.  Nothing here borrows from the
 * view once a call returns.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proxy/plan_internal.h"

/* Addresses compare and hash on all their bytes: keep unused ones 0. */
static struct ipaddr norm(const struct ipaddr *a)
{
	struct ipaddr n;
	memset(&n, 0, sizeof(n));
	n.family = a->family;
	unsigned full = a->family == AF_INET6 ? 128 : 32;
	n.len = a->len && a->len < full ? a->len : full;
	memcpy(n.b, a->b, a->family == AF_INET6 ? 16 : 4);
	return n;
}

void plan_config_from(struct plan_config *pc, const struct svcd_config *cfg,
		      enum plan_balance balance)
{
	memset(pc, 0, sizeof(*pc));
	pc->table = cfg->nft_table;
	pc->node_name = cfg->node_name;
	pc->node_ips = cfg->node_ips;
	pc->n_node_ips = cfg->n_node_ips;
	pc->cluster_cidrs = cfg->cluster_cidrs;
	pc->n_cluster_cidrs = cfg->n_cluster_cidrs;
	pc->balance = balance;
}

/* NodePorts are never opened on loopback addresses (CVE-2020-8558), so
 * those are dropped here; the family still counts as configured. */
static void cfg_copy(struct plan_cfg *c, const struct plan_config *in)
{
	memset(c, 0, sizeof(*c));
	c->table = xstrdup(in->table ? in->table : "svcd");
	c->node_name = in->node_name ? xstrdup(in->node_name) : NULL;
	c->node_ips = xcalloc(in->n_node_ips + 1, sizeof(*c->node_ips));
	for (size_t i = 0; i < in->n_node_ips; i++) {
		const struct ipaddr *a = &in->node_ips[i];
		c->node_ips_given[a->family == AF_INET6] = true;
		if (!addr_is_loopback(a))
			c->node_ips[c->n_node_ips++] = norm(a);
	}
	c->cidrs = xcalloc(in->n_cluster_cidrs + 1, sizeof(*c->cidrs));
	for (size_t i = 0; i < in->n_cluster_cidrs; i++)
		c->cidrs[c->n_cidrs++] = norm(&in->cluster_cidrs[i]);
	c->balance = in->balance;
	c->mark = in->masq_mark ? in->masq_mark : PLAN_MASQ_MARK;
}

static void cfg_free(struct plan_cfg *c)
{
	free(c->table);
	free(c->node_name);
	free(c->node_ips);
	free(c->cidrs);
}

/* ---- one Service ---- */

/* A Service's copy is one block: the struct, then its arrays, then its
 * strings, so a plan costs one allocation per Service.  place() hands
 * out the block's pieces in order. */
struct block {
	char *p;
	size_t off;
};

static void *place(struct block *b, size_t n, size_t align)
{
	b->off = (b->off + align - 1) / align * align;
	void *at = b->p + b->off;
	b->off += n;
	return at;
}

static char *place_str(struct block *b, const char *str)
{
	size_t n = strlen(str) + 1;
	return memcpy(place(b, n, 1), str, n);
}

static void svc_free(struct plan_svc *s)
{
	free(s);
}

static bool svc_has_rules(const struct k8s_service *ks)
{
	return ks->type != SVC_EXTERNAL_NAME && !ks->headless &&
	       ks->n_cluster_ips && ks->n_ports;
}

/* A port's part of chain names: its name, else its number. */
static const char *port_label(const struct svc_port *p, char buf[8])
{
	if (p->name && *p->name)
		return p->name;
	snprintf(buf, 8, "%u", p->port);
	return buf;
}

static size_t svc_size(const struct view_service *vs, size_t n_ext)
{
	const struct k8s_service *ks = &vs->obj->u.svc;
	size_t np = ks->n_ports, ne = vs->n_eps;
	size_t n = sizeof(struct plan_svc) + 8 + np * sizeof(struct plan_port) +
		   ne * np * sizeof(uint16_t) + 2 +
		   n_ext * sizeof(struct ipaddr) +
		   ne * sizeof(struct plan_ep);
	n += strlen(vs->key) + strlen(vs->obj->meta.namespace) +
	     strlen(vs->obj->meta.name) + 3;
	char buf[8];
	for (size_t i = 0; i < np; i++)
		n += strlen(port_label(&ks->ports[i], buf)) + 1;
	return n;
}

static void copy_ports(struct plan_svc *s, struct block *b,
		       const struct k8s_service *ks)
{
	char buf[8];
	for (size_t i = 0; i < s->n_ports; i++) {
		const struct svc_port *p = &ks->ports[i];
		s->ports[i].label = place_str(b, port_label(p, buf));
		s->ports[i].proto = p->proto;
		s->ports[i].port = p->port;
		s->ports[i].node_port = p->node_port;
	}
}

static void copy_endpoints(struct plan_svc *s, const struct plan_cfg *cfg,
			   const struct view_service *vs)
{
	for (size_t e = 0; e < s->n_eps; e++) {
		const struct view_endpoint *ve = &vs->eps[e];
		struct plan_ep *ep = &s->eps[e];
		ep->addr = norm(&ve->addr);
		ep->flags = (ve->ready ? PEP_READY : 0) |
			    (ve->serving ? PEP_SERVING : 0) |
			    (ve->terminating ? PEP_TERMINATING : 0);
		if (cfg->node_name && ve->node_name &&
		    strcmp(cfg->node_name, ve->node_name) == 0)
			ep->flags |= PEP_LOCAL;
		if (ve->ports)
			memcpy(&s->ep_ports[e * s->n_ports], ve->ports,
			       s->n_ports * sizeof(uint16_t));
	}
}

static struct plan_svc *svc_copy(const struct plan_cfg *cfg,
				 const struct view_service *vs)
{
	const struct k8s_service *ks = &vs->obj->u.svc;
	if (vs->obj->kind != KIND_SERVICE || !svc_has_rules(ks))
		return NULL;
	size_t n_lb = ks->type == SVC_LOAD_BALANCER ? ks->n_lb_ips : 0;
	size_t n_ext = ks->n_external_ips + n_lb;
	struct block b = { xcalloc(1, svc_size(vs, n_ext)), 0 };
	struct plan_svc *s = place(&b, sizeof(*s), 8);
	s->n_ports = ks->n_ports;
	s->n_eps = vs->n_eps;
	s->ports = place(&b, s->n_ports * sizeof(*s->ports), 8);
	s->ep_ports = place(&b, s->n_eps * s->n_ports * sizeof(uint16_t), 2);
	s->ext_ips = place(&b, n_ext * sizeof(*s->ext_ips), 1);
	s->eps = place(&b, s->n_eps * sizeof(*s->eps), 1);
	s->key = place_str(&b, vs->key);
	s->ns = place_str(&b, vs->obj->meta.namespace);
	s->name = place_str(&b, vs->obj->meta.name);
	s->n_cluster_ips = ks->n_cluster_ips < 2 ? ks->n_cluster_ips : 2;
	for (size_t i = 0; i < s->n_cluster_ips; i++)
		s->cluster_ips[i] = norm(&ks->cluster_ips[i]);
	for (size_t i = 0; i < ks->n_external_ips; i++)
		s->ext_ips[s->n_ext_ips++] = norm(&ks->external_ips[i]);
	for (size_t i = 0; i < n_lb; i++)
		s->ext_ips[s->n_ext_ips++] = norm(&ks->lb_ips[i]);
	copy_ports(s, &b, ks);
	copy_endpoints(s, cfg, vs);
	s->affinity = ks->affinity_client_ip;
	s->affinity_timeout = ks->affinity_timeout ? ks->affinity_timeout :
						     10800;
	s->etp_local = ks->external_policy == POLICY_LOCAL;
	s->itp_local = ks->internal_policy == POLICY_LOCAL;
	return s;
}

/* The Service's copy, its digest and counts filled, or NULL when it has
 * no rule.  *objs (optional) receives the compiled fragment. */
static struct plan_svc *svc_make(const struct plan_cfg *cfg,
				 const struct view_service *vs,
				 struct nft_objs **objs)
{
	struct plan_svc *s = vs ? svc_copy(cfg, vs) : NULL;
	if (!s)
		return NULL;
	struct nft_objs *o = xcalloc(1, sizeof(*o));
	plan_compile_service(cfg, s, o);
	s->digest = plan_objs_digest(o);
	s->n_chains = o->n_chains;
	s->n_rules = rules_objs_rule_count(o);
	s->n_sets = o->n_sets;
	s->n_elems = o->n_elems;
	if (objs) {
		*objs = o;
	} else {
		rules_objs_free(o);
		free(o);
	}
	return s;
}

static void totals_add(struct plan *p, const struct plan_svc *s)
{
	struct plan_stats *t = &p->totals;
	t->services++;
	t->chains += s->n_chains;
	t->rules += s->n_rules;
	t->sets += s->n_sets;
	t->elements += s->n_elems;
}

static void totals_sub(struct plan *p, const struct plan_svc *s)
{
	struct plan_stats *t = &p->totals;
	t->services--;
	t->chains -= s->n_chains;
	t->rules -= s->n_rules;
	t->sets -= s->n_sets;
	t->elements -= s->n_elems;
}

/* Puts s (or nothing) under key; frees what was there. */
static void svc_put(struct plan *p, const char *key, struct plan_svc *s)
{
	struct plan_svc *old = s ? map_put(&p->svcs, key, s) :
				   map_del(&p->svcs, key);
	if (old)
		totals_sub(p, old);
	if (s)
		totals_add(p, s);
	svc_free(old);
}

/* ---- the plan ---- */

struct plan *plan_new(const struct plan_config *cfg)
{
	struct plan *p = xcalloc(1, sizeof(*p));
	cfg_copy(&p->cfg, cfg);
	map_init(&p->svcs);
	return p;
}

struct plan *plan_build(const struct plan_config *cfg,
			const struct view_service *const *svcs, size_t n)
{
	struct plan *p = plan_new(cfg);
	for (size_t i = 0; i < n; i++) {
		struct plan_svc *s = svc_make(&p->cfg, svcs[i], NULL);
		if (s)
			svc_put(p, s->key, s);
	}
	return p;
}

void plan_free(struct plan *p)
{
	if (!p)
		return;
	struct map_iter it;
	struct map_entry *e;
	map_iter_init(&p->svcs, &it);
	while ((e = map_iter_next(&p->svcs, &it)))
		svc_free(e->value);
	map_clear(&p->svcs);
	cfg_free(&p->cfg);
	free(p);
}

const char *plan_table(const struct plan *p)
{
	return p->cfg.table;
}

static int cmp_svc(const void *a, const void *b)
{
	const struct plan_svc *x = *(const struct plan_svc *const *)a;
	const struct plan_svc *y = *(const struct plan_svc *const *)b;
	return strcmp(x->key, y->key);
}

const struct plan_svc **plan_sorted(const struct plan *p, size_t *n)
{
	const struct plan_svc **v = xcalloc(p->svcs.count + 1, sizeof(*v));
	struct map_iter it;
	struct map_entry *e;
	size_t k = 0;
	map_iter_init(&p->svcs, &it);
	while ((e = map_iter_next(&p->svcs, &it)))
		v[k++] = e->value;
	qsort(v, k, sizeof(*v), cmp_svc);
	*n = k;
	return v;
}

static struct nft_objs *compile(const struct plan *p,
				const struct plan_svc *s)
{
	struct nft_objs *o = xcalloc(1, sizeof(*o));
	if (!s)
		plan_compile_skeleton(&p->cfg, o);
	else
		plan_compile_service(&p->cfg, s, o);
	return o;
}

/* The skeleton's set declarations, which element operations name. */
static void ops_skeleton(struct plan_ops *ops, const struct plan *p)
{
	if (ops->skeleton)
		return;
	ops->skeleton = compile(p, NULL);
	xgrow((void **)&ops->held, &ops->cap_held, ops->n_held + 1,
	      sizeof(*ops->held));
	ops->held[ops->n_held++] = ops->skeleton;
}

static struct nft_objs *empty(void)
{
	return xcalloc(1, sizeof(struct nft_objs));
}

void plan_diff_iter_init(struct plan_diff_iter *it, const struct plan *old,
			 const struct plan *new)
{
	memset(it, 0, sizeof(*it));
	it->old = old;
	it->new = new;
	if (old)
		it->a = plan_sorted(old, &it->na);
	it->b = plan_sorted(new, &it->nb);
}

void plan_diff_iter_free(struct plan_diff_iter *it)
{
	free(it->a);
	free(it->b);
	memset(it, 0, sizeof(*it));
}

/* The first piece carries the table and the skeleton. */
static void diff_skeleton(struct plan_diff_iter *it, struct plan_ops *ops)
{
	if (!it->old)
		plan_ops_add_table(ops);
	plan_diff_objs(ops, NULL, it->old ? compile(it->old, NULL) : empty(),
		       compile(it->new, NULL));
	it->started = true;
}

bool plan_diff_iter_next(struct plan_diff_iter *it, size_t max_services,
			 struct plan_ops *ops)
{
	size_t before = ops->n, done = 0;
	plan_ops_begin(ops, it->new->cfg.table);
	ops_skeleton(ops, it->new);
	if (!it->started)
		diff_skeleton(it, ops);
	while ((it->i < it->na || it->j < it->nb) && done < max_services) {
		const struct plan_svc *x = NULL, *y = NULL;
		int c = it->i == it->na ? 1 :
			it->j == it->nb ? -1 :
					  cmp_svc(&it->a[it->i], &it->b[it->j]);
		if (c <= 0)
			x = it->a[it->i++];
		if (c >= 0)
			y = it->b[it->j++];
		/* The digest covers every object: equal means nothing to
		 * do, even across a configuration change. */
		if (x && y && x->digest == y->digest)
			continue;
		plan_diff_objs(ops, x ? x->key : y->key,
			       x ? compile(it->old, x) : empty(),
			       y ? compile(it->new, y) : empty());
		done++;
	}
	plan_ops_finish(ops);
	return ops->n > before;
}

void plan_diff(const struct plan *old, const struct plan *new,
	       struct plan_ops *ops)
{
	struct plan_diff_iter it;
	plan_diff_iter_init(&it, old, new);
	plan_diff_iter_next(&it, SIZE_MAX, ops);
	plan_diff_iter_free(&it);
}

bool plan_update(struct plan *p, const char *svc_key,
		 const struct view_service *vs, struct plan_ops *ops)
{
	struct plan_svc *old = map_get(&p->svcs, svc_key);
	struct nft_objs *to = NULL;
	struct plan_svc *s = svc_make(&p->cfg, vs, &to);
	if ((!old && !s) || (old && s && old->digest == s->digest)) {
		svc_free(s);
		rules_objs_free(to);
		free(to);
		return false;
	}
	plan_ops_begin(ops, p->cfg.table);
	ops_skeleton(ops, p);
	plan_diff_objs(ops, svc_key, old ? compile(p, old) : empty(),
		       to ? to : empty());
	plan_ops_finish(ops);
	svc_put(p, svc_key, s);
	return true;
}

/* ---- rendering ---- */

/* Appends the elements of o that go in set `name` to v. */
static void collect(const struct nft_objs *o, const char *name,
		    const struct nft_elem ***v, size_t *n, size_t *cap)
{
	for (size_t i = 0; i < o->n_elems; i++) {
		if (strcmp(o->elems[i].set, name) != 0)
			continue;
		xgrow((void **)v, cap, *n + 1, sizeof(**v));
		(*v)[(*n)++] = &o->elems[i];
	}
}

/* A table block: the skeleton's sets (all of them when `full`, else
 * those holding an element of frags), the fragments' own sets, then the
 * skeleton's chains (when `full`) and the fragments' chains. */
static char *render(const struct plan *p, struct nft_objs **frags,
		    size_t n, bool full)
{
	struct nft_objs *sk = compile(p, NULL);
	struct buf b = { 0 };
	buf_printf(&b, "table inet %s {\n", p->cfg.table);
	const struct nft_elem **v = NULL;
	size_t nv, cap = 0;
	for (size_t i = 0; i < sk->n_sets; i++) {
		nv = 0;
		if (full)
			collect(sk, sk->sets[i].name, &v, &nv, &cap);
		for (size_t f = 0; f < n; f++)
			collect(frags[f], sk->sets[i].name, &v, &nv, &cap);
		if (full || nv)
			rules_render_set(&b, &sk->sets[i], v, nv);
	}
	free(v);
	for (size_t f = 0; f < n; f++)
		for (size_t i = 0; i < frags[f]->n_sets; i++)
			rules_render_set(&b, &frags[f]->sets[i], NULL, 0);
	for (size_t i = 0; full && i < sk->n_chains; i++)
		rules_render_chain(&b, &sk->chains[i]);
	for (size_t f = 0; f < n; f++)
		for (size_t i = 0; i < frags[f]->n_chains; i++)
			rules_render_chain(&b, &frags[f]->chains[i]);
	buf_puts(&b, "}\n");
	rules_objs_free(sk);
	free(sk);
	return buf_take(&b);
}

static void free_frags(struct nft_objs **frags, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		rules_objs_free(frags[i]);
		free(frags[i]);
	}
	free(frags);
}

char *plan_render(const struct plan *p)
{
	size_t n;
	const struct plan_svc **svcs = plan_sorted(p, &n);
	struct nft_objs **frags = xcalloc(n + 1, sizeof(*frags));
	for (size_t i = 0; i < n; i++)
		frags[i] = compile(p, svcs[i]);
	free(svcs);
	char *text = render(p, frags, n, true);
	free_frags(frags, n);
	return text;
}

char *plan_render_service(const struct plan *p, const char *svc_key)
{
	const struct plan_svc *s = map_get(&p->svcs, svc_key);
	if (!s)
		return NULL;
	struct nft_objs **frags = xcalloc(1, sizeof(*frags));
	frags[0] = compile(p, s);
	char *text = render(p, frags, 1, false);
	free_frags(frags, 1);
	return text;
}

void plan_stats(const struct plan *p, struct plan_stats *st)
{
	*st = p->totals;
	struct nft_objs *sk = compile(p, NULL);
	st->chains += sk->n_chains;
	st->rules += rules_objs_rule_count(sk);
	st->sets += sk->n_sets;
	st->elements += sk->n_elems;
	rules_objs_free(sk);
	free(sk);
}
