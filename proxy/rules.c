/*
 * rules.c: building, freeing and hashing the nftables objects of rules.h.
 *
 * Everything here is plain allocation and bookkeeping; rules_render.c
 * writes the objects as nft text.  Arrays grow by reallocation, so
 * pointers returned by the rules_add_*() calls stay valid only until the
 * next addition to the same array; callers finish one object before
 * starting the next.  A full sync compiles a few objects per endpoint,
 * most of them chains of two or three short rules, so rule and statement
 * arrays start at one slot rather than xgrow()'s four.
 */
#include <stdlib.h>
#include <string.h>

#include "proxy/rules.h"

/* Room for want elements, growing from one slot. */
static void grow_tight(void **p, size_t *cap, size_t want, size_t sz)
{
	if (want <= *cap)
		return;
	size_t c = *cap ? *cap * 2 : 1;
	while (c < want)
		c *= 2;
	*p = xrealloc(*p, c * sz);
	*cap = c;
}

static void stmt_free(struct nft_stmt *s)
{
	free(s->addrs);
	free(s->name);
	if (s->targets) {
		for (uint32_t i = 0; i < s->value; i++)
			free(s->targets[i]);
		free(s->targets);
	}
}

static void chain_free(struct nft_chain *c)
{
	for (size_t i = 0; i < c->n_rules; i++) {
		struct nft_rule *r = &c->rules[i];
		for (size_t j = 0; j < r->n; j++)
			stmt_free(&r->st[j]);
		free(r->st);
	}
	free(c->rules);
	free(c->name);
}

void rules_objs_free(struct nft_objs *o)
{
	if (!o)
		return;
	for (size_t i = 0; i < o->n_sets; i++) {
		free(o->sets[i].name);
		free(o->sets[i].comment);
	}
	for (size_t i = 0; i < o->n_chains; i++)
		chain_free(&o->chains[i]);
	for (size_t i = 0; i < o->n_elems; i++) {
		free(o->elems[i].set);
		free(o->elems[i].verdict.chain);
	}
	free(o->sets);
	free(o->chains);
	free(o->elems);
	memset(o, 0, sizeof(*o));
}

size_t rules_objs_rule_count(const struct nft_objs *o)
{
	size_t n = 0;
	for (size_t i = 0; i < o->n_chains; i++)
		n += o->chains[i].n_rules;
	return n;
}

/* ---- building ---- */

struct nft_chain *rules_add_chain(struct nft_objs *o, char *name, int rank)
{
	xgrow((void **)&o->chains, &o->cap_chains, o->n_chains + 1,
	      sizeof(*o->chains));
	struct nft_chain *c = &o->chains[o->n_chains++];
	memset(c, 0, sizeof(*c));
	c->name = name;
	c->rank = rank;
	return c;
}

struct nft_chain *rules_add_base_chain(struct nft_objs *o, const char *name,
				       enum nft_chain_type type,
				       enum nft_hook hook, int prio, int rank)
{
	struct nft_chain *c = rules_add_chain(o, xstrdup(name), rank);
	c->base = true;
	c->type = type;
	c->hook = hook;
	c->prio = prio;
	return c;
}

struct nft_rule *rules_add_rule(struct nft_chain *c)
{
	grow_tight((void **)&c->rules, &c->cap_rules, c->n_rules + 1,
		   sizeof(*c->rules));
	struct nft_rule *r = &c->rules[c->n_rules++];
	memset(r, 0, sizeof(*r));
	return r;
}

struct nft_stmt *rules_add_stmt(struct nft_rule *r, enum nft_stmt_kind kind)
{
	grow_tight((void **)&r->st, &r->cap, r->n + 1, sizeof(*r->st));
	struct nft_stmt *s = &r->st[r->n++];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	return s;
}

void rules_match_addr(struct nft_rule *r, bool src, bool neg,
		      const struct ipaddr *addrs, size_t n)
{
	struct nft_stmt *s = rules_add_stmt(r, NFT_ST_ADDR);
	s->family = addrs[0].family;
	s->src = src;
	s->neg = neg;
	s->addrs = xmalloc(n * sizeof(*addrs));
	memcpy(s->addrs, addrs, n * sizeof(*addrs));
	s->n_addrs = n;
}

void rules_match_set(struct nft_rule *r, int family, bool src, bool neg,
		     const char *set)
{
	struct nft_stmt *s = rules_add_stmt(r, NFT_ST_ADDR_SET);
	s->family = family;
	s->src = src;
	s->neg = neg;
	s->name = xstrdup(set);
}

void rules_match_l4proto(struct nft_rule *r, enum l4proto proto)
{
	rules_add_stmt(r, NFT_ST_L4PROTO)->proto = proto;
}

void rules_match_dport(struct nft_rule *r, enum l4proto proto, uint16_t port)
{
	struct nft_stmt *s = rules_add_stmt(r, NFT_ST_DPORT);
	s->proto = proto;
	s->port = port;
}

void rules_match_fib_local(struct nft_rule *r, bool src)
{
	rules_add_stmt(r, NFT_ST_FIB_LOCAL)->src = src;
}

void rules_match_ct_new(struct nft_rule *r)
{
	rules_add_stmt(r, NFT_ST_CT_NEW);
}

void rules_match_mark(struct nft_rule *r, uint32_t mask, uint32_t value)
{
	struct nft_stmt *s = rules_add_stmt(r, NFT_ST_MARK_MATCH);
	s->mask = mask;
	s->value = value;
}

void rules_mark_set(struct nft_rule *r, enum nft_mark_op op, uint32_t bit)
{
	struct nft_stmt *s = rules_add_stmt(r, NFT_ST_MARK_SET);
	s->op = op;
	s->value = bit;
}

void rules_vmap(struct nft_rule *r, int family, const char *map)
{
	struct nft_stmt *s = rules_add_stmt(r, NFT_ST_VMAP);
	s->family = family;
	s->name = xstrdup(map);
}

void rules_numgen(struct nft_rule *r, enum nft_numgen_mode mode,
		  char **targets, size_t n)
{
	struct nft_stmt *s = rules_add_stmt(r, NFT_ST_NUMGEN);
	s->op = mode;
	s->value = n;
	s->targets = targets;
}

void rules_update_saddr(struct nft_rule *r, int family, const char *set)
{
	struct nft_stmt *s = rules_add_stmt(r, NFT_ST_UPDATE);
	s->family = family;
	s->src = true;
	s->name = xstrdup(set);
}

void rules_counter(struct nft_rule *r)
{
	rules_add_stmt(r, NFT_ST_COUNTER);
}

void rules_dnat(struct nft_rule *r, const struct ipaddr *addr, uint16_t port)
{
	struct nft_stmt *s = rules_add_stmt(r, NFT_ST_DNAT);
	s->family = addr->family;
	s->addrs = xmalloc(sizeof(*addr));
	s->addrs[0] = *addr;
	s->n_addrs = 1;
	s->port = port;
}

void rules_masquerade(struct nft_rule *r)
{
	rules_add_stmt(r, NFT_ST_MASQUERADE);
}

void rules_reject(struct nft_rule *r, enum nft_reject_kind kind)
{
	rules_add_stmt(r, NFT_ST_REJECT)->op = kind;
}

void rules_verdict(struct nft_rule *r, enum nft_verdict_code code,
		   const char *chain)
{
	struct nft_stmt *s = rules_add_stmt(r, NFT_ST_VERDICT);
	s->op = code;
	if (code == VERDICT_JUMP || code == VERDICT_GOTO)
		s->name = xstrdup(chain);
}

struct nft_set *rules_add_set(struct nft_objs *o, const char *name,
			      enum nft_key_type key, int family, bool map,
			      unsigned flags, uint32_t timeout,
			      const char *comment)
{
	xgrow((void **)&o->sets, &o->cap_sets, o->n_sets + 1,
	      sizeof(*o->sets));
	struct nft_set *s = &o->sets[o->n_sets++];
	memset(s, 0, sizeof(*s));
	s->name = xstrdup(name);
	s->key = key;
	s->family = key == NFT_KEY_PROTO_PORT ? 0 : family;
	s->map = map;
	s->flags = flags;
	s->timeout = timeout;
	s->comment = comment ? xstrdup(comment) : NULL;
	return s;
}

static bool key_equal(enum nft_key_type t, const struct nft_key *a,
		      const struct nft_key *b)
{
	if (t != NFT_KEY_PROTO_PORT && !(addr_equal(&a->addr, &b->addr) &&
					 a->addr.len == b->addr.len))
		return false;
	if (t != NFT_KEY_ADDR && (a->proto != b->proto || a->port != b->port))
		return false;
	return true;
}

struct nft_elem *rules_add_elem(struct nft_objs *o, const char *set,
				enum nft_key_type type,
				const struct nft_key *key,
				const struct nft_verdict *v)
{
	for (size_t i = 0; i < o->n_elems; i++)
		if (o->elems[i].key_type == type &&
		    key_equal(type, &o->elems[i].key, key) &&
		    strcmp(o->elems[i].set, set) == 0)
			return NULL;
	xgrow((void **)&o->elems, &o->cap_elems, o->n_elems + 1,
	      sizeof(*o->elems));
	struct nft_elem *e = &o->elems[o->n_elems++];
	memset(e, 0, sizeof(*e));
	e->set = xstrdup(set);
	e->key_type = type;
	e->key = *key;
	if (type == NFT_KEY_PROTO_PORT)
		memset(&e->key.addr, 0, sizeof(e->key.addr));
	if (type == NFT_KEY_ADDR) {
		e->key.proto = 0;
		e->key.port = 0;
	}
	if (v) {
		e->has_verdict = true;
		e->verdict.code = v->code;
		if (v->chain)
			e->verdict.chain = xstrdup(v->chain);
	}
	return e;
}

/* ---- hashing and ordering ---- */

#define H(h, v) ((h) = hash_bytes(&(v), sizeof(v), (h)))

static uint64_t h_str(uint64_t h, const char *s)
{
	return s ? hash_bytes(s, strlen(s) + 1, h) : hash_bytes("", 1, h ^ 1);
}

static uint64_t h_stmt(uint64_t h, const struct nft_stmt *s)
{
	uint32_t f[8] = { s->kind, s->family, s->src, s->neg, s->op,
			  s->proto, s->port, s->mask };
	H(h, f);
	H(h, s->value);
	for (size_t i = 0; i < s->n_addrs; i++) {
		const struct ipaddr *a = &s->addrs[i];
		uint8_t pre[2] = { a->family, a->len };
		H(h, pre);
		h = hash_bytes(a->b, sizeof(a->b), h);
	}
	h = h_str(h, s->name);
	if (s->targets)
		for (uint32_t i = 0; i < s->value; i++)
			h = h_str(h, s->targets[i]);
	return h;
}

uint64_t rules_chain_hash(const struct nft_chain *c)
{
	uint64_t h = h_str(HASH_SEED, c->name);
	int decl[4] = { c->base, c->type, c->hook, c->prio };
	H(h, decl);
	for (size_t i = 0; i < c->n_rules; i++) {
		const struct nft_rule *r = &c->rules[i];
		H(h, r->n);
		for (size_t j = 0; j < r->n; j++)
			h = h_stmt(h, &r->st[j]);
	}
	return h;
}

uint64_t rules_set_hash(const struct nft_set *s)
{
	uint64_t h = h_str(HASH_SEED, s->name);
	uint32_t f[5] = { s->key, s->family, s->map, s->flags, s->timeout };
	H(h, f);
	return h_str(h, s->comment);
}

uint64_t rules_elem_hash(const struct nft_elem *e)
{
	uint64_t h = h_str(HASH_SEED, e->set);
	uint32_t f[6] = { e->key_type, e->key.addr.family, e->key.addr.len,
			  e->key.proto, e->key.port, e->has_verdict };
	H(h, f);
	h = hash_bytes(e->key.addr.b, sizeof(e->key.addr.b), h);
	if (e->has_verdict) {
		H(h, e->verdict.code);
		h = h_str(h, e->verdict.chain);
	}
	return h;
}

int rules_elem_cmp_key(const struct nft_elem *a, const struct nft_elem *b)
{
	int c = strcmp(a->set, b->set);
	if (c)
		return c;
	if (a->key_type != b->key_type)
		return a->key_type < b->key_type ? -1 : 1;
	const struct nft_key *x = &a->key, *y = &b->key;
	if (x->addr.family != y->addr.family)
		return x->addr.family < y->addr.family ? -1 : 1;
	c = memcmp(x->addr.b, y->addr.b, sizeof(x->addr.b));
	if (c)
		return c;
	if (x->addr.len != y->addr.len)
		return x->addr.len < y->addr.len ? -1 : 1;
	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	return 0;
}
