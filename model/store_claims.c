/*
 * store_claims.c: ClusterIPs and node ports, one owner each.
 *
 * A Service claims "ip:<addr>" for each of its ClusterIPs and
 * "nodeport:<proto>:<port>" for each node port.  A claim's claimants are
 * kept sorted by sequence number; the first wins, every other one loses,
 * and a sentry's `lost` counts the claims it loses.  A Service is in the
 * view only while lost == 0.
 *
 * When a claim changes hands (a new winner with a lower sequence, or the
 * winner leaving), the Services whose lost count crossed zero are queued
 * in st->up.flips; the commit keeps those whose view membership really
 * changed, so a Service that loses and wins back a claim within one
 * update is not reported.
 *
 * st->contested lists the claims with two or more claimants, so listing
 * conflicts costs the conflicts, not the store.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/map.h"
#include "model/store_internal.h"

struct claimant {
	struct sentry *e;
	unsigned index; /* which ClusterIP or port of the Service */
};

/* Nearly every claim has one claimant: the array is part of the claim,
 * which grows (and moves) when a second comes. */
struct claim {
	uint32_t n, cap;
	struct claimant v[]; /* sorted by seq; v[0] wins */
};

#define CLAIM_KEYLEN (ADDR_STRLEN + 16)

static void adjust_lost(struct store *st, struct sentry *e, bool more)
{
	bool was = e->lost > 0;
	e->lost = more ? e->lost + 1 : e->lost - 1;
	if (was == (e->lost > 0))
		return;
	if (was)
		st->held_out--;
	else
		st->held_out++;
	const struct k8s_object *o = e->pub.obj;
	strvec_push(&st->up.flips, svc_key(o->meta.namespace, o->meta.name));
}

static void claim_add(struct store *st, struct sentry *e, const char *key,
		      unsigned index)
{
	struct claim *c = map_get(&st->claims, key);
	size_t n = c ? c->n : 0, pos = n;
	for (size_t i = 0; i < n; i++) {
		if (c->v[i].e == e)
			return; /* the same Service names it twice */
		if (pos == n && c->v[i].e->pub.seq > e->pub.seq)
			pos = i;
	}
	if (!c || c->n == c->cap) {
		uint32_t cap = c ? c->cap * 2 : 1;
		c = xrealloc(c, sizeof(*c) + cap * sizeof(c->v[0]));
		if (cap == 1)
			c->n = 0;
		c->cap = cap;
		map_put(&st->claims, key, c);
		if (c->n >= 2)
			map_put(&st->contested, key, c);
	}
	memmove(&c->v[pos + 1], &c->v[pos], (c->n - pos) * sizeof(*c->v));
	c->v[pos] = (struct claimant){ .e = e, .index = index };
	c->n++;
	if (c->n == 1)
		return;
	if (c->n == 2)
		map_put(&st->contested, key, c);
	adjust_lost(st, pos == 0 ? c->v[1].e : e, true);
}

static void claim_del(struct store *st, struct sentry *e, const char *key,
		      unsigned index)
{
	struct claim *c = map_get(&st->claims, key);
	size_t pos = 0;
	while (c && pos < c->n && !(c->v[pos].e == e && c->v[pos].index == index))
		pos++;
	if (!c || pos == c->n)
		return;
	memmove(&c->v[pos], &c->v[pos + 1], (c->n - pos - 1) * sizeof(*c->v));
	c->n--;
	if (c->n)
		adjust_lost(st, pos == 0 ? c->v[0].e : e, false);
	if (c->n == 1)
		map_del(&st->contested, key);
	if (!c->n) {
		map_del(&st->claims, key);
		free(c);
	}
}

typedef void (*claim_fn)(struct store *st, struct sentry *e, const char *key,
			 unsigned index);

static void each_claim(struct store *st, struct sentry *e, claim_fn fn)
{
	const struct k8s_service *s = &e->pub.obj->u.svc;
	char key[CLAIM_KEYLEN], abuf[ADDR_STRLEN];

	for (size_t i = 0; i < s->n_cluster_ips; i++) {
		snprintf(key, sizeof(key), "ip:%s",
			 addr_format(&s->cluster_ips[i], abuf));
		fn(st, e, key, (unsigned)i);
	}
	for (size_t i = 0; i < s->n_ports; i++) {
		if (!s->ports[i].node_port)
			continue;
		snprintf(key, sizeof(key), "nodeport:%s:%u",
			 proto_name(s->ports[i].proto), s->ports[i].node_port);
		fn(st, e, key, (unsigned)i);
	}
}

void store_claims_add(struct store *st, struct sentry *e)
{
	each_claim(st, e, claim_add);
}

void store_claims_del(struct store *st, struct sentry *e)
{
	each_claim(st, e, claim_del);
}

void store_claims_free(struct store *st)
{
	struct map_iter it;
	struct map_entry *me;
	map_iter_init(&st->claims, &it);
	while ((me = map_iter_next(&st->claims, &it))) {
		free(me->value);
	}
	map_clear(&st->claims);
	map_clear(&st->contested);
}

/* "spec.clusterIP: 10.96.0.10" or "spec.ports[0].nodePort: 30080/TCP". */
static char *claim_field(const char *key, const struct claimant *l)
{
	const struct k8s_service *s = &l->e->pub.obj->u.svc;
	char abuf[ADDR_STRLEN];

	if (strncmp(key, "ip:", 3) == 0) {
		const char *a = addr_format(&s->cluster_ips[l->index], abuf);
		if (l->index == 0)
			return xasprintf("spec.clusterIP: %s", a);
		return xasprintf("spec.clusterIPs[%u]: %s", l->index, a);
	}
	const struct svc_port *p = &s->ports[l->index];
	return xasprintf("spec.ports[%u].nodePort: %u/%s", l->index,
			 p->node_port, proto_name(p->proto));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void store_conflicts(const struct store *st, struct strvec *out)
{
	struct strvec msgs = { 0 };
	struct map_iter it;
	struct map_entry *me;

	map_iter_init(&st->contested, &it);
	while ((me = map_iter_next(&st->contested, &it))) {
		const struct claim *c = me->value;
		const struct k8s_meta *w = &c->v[0].e->pub.obj->meta;
		for (size_t i = 1; i < c->n; i++) {
			const struct sentry *l = c->v[i].e;
			const struct k8s_meta *m = &l->pub.obj->meta;
			char *field = claim_field(me->key, &c->v[i]);
			strvec_addf(&msgs, "%s: Service %s/%s: %s is already allocated to Service %s/%s",
				    l->pub.source, m->namespace, m->name, field,
				    w->namespace, w->name);
			free(field);
		}
	}
	if (msgs.n > 1)
		qsort(msgs.v, msgs.n, sizeof(*msgs.v), cmp_str);
	strvec_move(out, &msgs);
}
