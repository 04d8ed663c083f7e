/*
 * plan_diff.c: the operations that turn one set of nftables objects into
 * another, and their text form.
 *
 * Two compiled fragments are compared object by object: chains by name
 * and content hash, sets by name, elements by set and key, then verdict.
 * Only what differs becomes an operation, so a Service whose endpoint
 * list changed gets its policy chain's rules replaced, one endpoint chain
 * added or deleted, and nothing else.
 *
 * Order: operations are kept sorted by kind (the order of enum
 * plan_op_kind is the transaction order), chain deletions by rank, and
 * otherwise in the order they were made.  Each batch (one plan_diff()
 * or plan_update()) is sorted on its own and merged into what the ops
 * already hold, so the list is valid after every call.
 */
#include <stdlib.h>
#include <string.h>

#include "proxy/plan_internal.h"

static void push_op(struct plan_ops *ops, enum plan_op_kind kind,
		    const char *svc, const struct nft_chain *c,
		    const struct nft_set *s, const struct nft_elem *e)
{
	xgrow((void **)&ops->v, &ops->cap, ops->n + 1, sizeof(*ops->v));
	ops->v[ops->n++] = (struct plan_op){ kind, svc, c, s, e };
}

static void hold(struct plan_ops *ops, struct nft_objs *o)
{
	xgrow((void **)&ops->held, &ops->cap_held, ops->n_held + 1,
	      sizeof(*ops->held));
	ops->held[ops->n_held++] = o;
}

void plan_ops_begin(struct plan_ops *ops, const char *table)
{
	if (!ops->table)
		ops->table = xstrdup(table);
	ops->ordered = ops->n;
}

void plan_ops_add_table(struct plan_ops *ops)
{
	push_op(ops, PLAN_OP_ADD_TABLE, NULL, NULL, NULL, NULL);
}

void plan_ops_free(struct plan_ops *ops)
{
	for (size_t i = 0; i < ops->n_held; i++) {
		rules_objs_free(ops->held[i]);
		free(ops->held[i]);
	}
	free(ops->held);
	free(ops->v);
	free(ops->table);
	strvec_free(&ops->names);
	memset(ops, 0, sizeof(*ops));
}

/* ---- comparing two bags of objects ---- */

static int cmp_chain(const void *a, const void *b)
{
	const struct nft_chain *x = *(const struct nft_chain *const *)a;
	const struct nft_chain *y = *(const struct nft_chain *const *)b;
	return strcmp(x->name, y->name);
}

static int cmp_set(const void *a, const void *b)
{
	const struct nft_set *x = *(const struct nft_set *const *)a;
	const struct nft_set *y = *(const struct nft_set *const *)b;
	return strcmp(x->name, y->name);
}

static int cmp_elem(const void *a, const void *b)
{
	return rules_elem_cmp_key(*(const struct nft_elem *const *)a,
				  *(const struct nft_elem *const *)b);
}

/* Pointers to the n objects of size sz at base, sorted by cmp. */
static const void **sorted(const void *base, size_t n, size_t sz,
			   int (*cmp)(const void *, const void *))
{
	const void **v = xcalloc(n + 1, sizeof(*v));
	for (size_t i = 0; i < n; i++)
		v[i] = (const char *)base + i * sz;
	qsort(v, n, sizeof(*v), cmp);
	return v;
}

static void diff_chains(struct plan_ops *ops, const char *svc,
			const struct nft_objs *from, const struct nft_objs *to)
{
	const void **a = sorted(from->chains, from->n_chains,
				sizeof(struct nft_chain), cmp_chain);
	const void **b = sorted(to->chains, to->n_chains,
				sizeof(struct nft_chain), cmp_chain);
	size_t i = 0, j = 0;
	while (i < from->n_chains || j < to->n_chains) {
		int c = i == from->n_chains ? 1 :
			j == to->n_chains   ? -1 :
					      cmp_chain(&a[i], &b[j]);
		const struct nft_chain *x = c <= 0 ? a[i] : NULL;
		const struct nft_chain *y = c >= 0 ? b[j] : NULL;
		if (!y) {
			push_op(ops, PLAN_OP_DEL_CHAIN, svc, x, NULL, NULL);
		} else if (!x) {
			push_op(ops, PLAN_OP_ADD_CHAIN, svc, y, NULL, NULL);
			if (y->n_rules)
				push_op(ops, PLAN_OP_ADD_RULES, svc, y, NULL,
					NULL);
		} else if (rules_chain_hash(x) != rules_chain_hash(y)) {
			push_op(ops, PLAN_OP_REPLACE_RULES, svc, y, NULL,
				NULL);
		}
		i += c <= 0;
		j += c >= 0;
	}
	free(a);
	free(b);
}

/* A set's name fixes its declaration (rules.h), so sets are only ever
 * added or deleted. */
static void diff_sets(struct plan_ops *ops, const char *svc,
		      const struct nft_objs *from, const struct nft_objs *to)
{
	const void **a = sorted(from->sets, from->n_sets,
				sizeof(struct nft_set), cmp_set);
	const void **b = sorted(to->sets, to->n_sets, sizeof(struct nft_set),
				cmp_set);
	size_t i = 0, j = 0;
	while (i < from->n_sets || j < to->n_sets) {
		int c = i == from->n_sets ? 1 :
			j == to->n_sets   ? -1 :
					    cmp_set(&a[i], &b[j]);
		if (c < 0)
			push_op(ops, PLAN_OP_DEL_SET, svc, NULL, a[i], NULL);
		else if (c > 0)
			push_op(ops, PLAN_OP_ADD_SET, svc, NULL, b[j], NULL);
		i += c <= 0;
		j += c >= 0;
	}
	free(a);
	free(b);
}

static const struct nft_set *find_set(const struct nft_objs *o,
				      const char *name)
{
	for (size_t i = 0; o && i < o->n_sets; i++)
		if (strcmp(o->sets[i].name, name) == 0)
			return &o->sets[i];
	return NULL;
}

/* The declaration of the set an element goes in: a shared one of the
 * skeleton, or one the fragment itself declares. */
static const struct nft_set *elem_set(const struct plan_ops *ops,
				      const struct nft_objs *own,
				      const struct nft_elem *e)
{
	const struct nft_set *s = find_set(ops->skeleton, e->set);
	return s ? s : find_set(own, e->set);
}

static void diff_elems(struct plan_ops *ops, const char *svc,
		       const struct nft_objs *from, const struct nft_objs *to)
{
	const void **a = sorted(from->elems, from->n_elems,
				sizeof(struct nft_elem), cmp_elem);
	const void **b = sorted(to->elems, to->n_elems,
				sizeof(struct nft_elem), cmp_elem);
	size_t i = 0, j = 0;
	while (i < from->n_elems || j < to->n_elems) {
		int c = i == from->n_elems ? 1 :
			j == to->n_elems   ? -1 :
					     cmp_elem(&a[i], &b[j]);
		const struct nft_elem *x = c <= 0 ? a[i] : NULL;
		const struct nft_elem *y = c >= 0 ? b[j] : NULL;
		bool changed = x && y &&
			       rules_elem_hash(x) != rules_elem_hash(y);
		if (x && (!y || changed))
			push_op(ops, PLAN_OP_DEL_ELEM, svc, NULL,
				elem_set(ops, from, x), x);
		if (y && (!x || changed))
			push_op(ops, PLAN_OP_ADD_ELEM, svc, NULL,
				elem_set(ops, to, y), y);
		i += c <= 0;
		j += c >= 0;
	}
	free(a);
	free(b);
}

void plan_diff_objs(struct plan_ops *ops, const char *svc,
		    struct nft_objs *from, struct nft_objs *to)
{
	const char *name = NULL;
	if (svc) {
		strvec_push(&ops->names, xstrdup(svc));
		name = ops->names.v[ops->names.n - 1];
	}
	hold(ops, from);
	hold(ops, to);
	size_t before = ops->n;
	diff_sets(ops, name, from, to);
	diff_chains(ops, name, from, to);
	diff_elems(ops, name, from, to);
	if (svc && ops->n > before)
		ops->services++;
}

/* ---- ordering ---- */

struct keyed_op {
	struct plan_op op;
	size_t seq;
};

static int op_rank(const struct plan_op *op)
{
	return op->kind == PLAN_OP_DEL_CHAIN ? op->chain->rank : 0;
}

static int cmp_op(const struct plan_op *x, size_t sx, const struct plan_op *y,
		  size_t sy)
{
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (op_rank(x) != op_rank(y))
		return op_rank(x) < op_rank(y) ? -1 : 1;
	return sx < sy ? -1 : sx > sy;
}

static int cmp_keyed(const void *a, const void *b)
{
	const struct keyed_op *x = a, *y = b;
	return cmp_op(&x->op, x->seq, &y->op, y->seq);
}

void plan_ops_finish(struct plan_ops *ops)
{
	size_t old = ops->ordered, add = ops->n - old;
	if (!add)
		return;
	struct keyed_op *batch = xcalloc(add, sizeof(*batch));
	for (size_t i = 0; i < add; i++)
		batch[i] = (struct keyed_op){ ops->v[old + i], i };
	qsort(batch, add, sizeof(*batch), cmp_keyed);
	/* Merge; on a tie the earlier batch goes first. */
	struct plan_op *v = xcalloc(ops->n, sizeof(*v));
	size_t i = 0, j = 0, k = 0;
	while (i < old || j < add) {
		bool left = j == add ||
			    (i < old &&
			     cmp_op(&ops->v[i], 0, &batch[j].op, 1) < 0);
		v[k++] = left ? ops->v[i++] : batch[j++].op;
	}
	free(batch);
	free(ops->v);
	ops->v = v;
	ops->cap = ops->n;
	ops->ordered = ops->n;
}

/* ---- text ---- */

static void render_op(struct buf *b, const char *t, const struct plan_op *op)
{
	const struct nft_chain *c = op->chain;
	struct nft_elem key;
	switch (op->kind) {
	case PLAN_OP_ADD_TABLE:
		buf_printf(b, "add table inet %s\n", t);
		break;
	case PLAN_OP_ADD_SET:
		buf_printf(b, "add %s inet %s %s { ",
			   op->set->map ? "map" : "set", t, op->set->name);
		rules_render_set_decl(b, op->set);
		buf_puts(b, " }\n");
		break;
	case PLAN_OP_ADD_CHAIN:
		buf_printf(b, "add chain inet %s %s", t, c->name);
		if (c->base) {
			buf_puts(b, " { ");
			rules_render_chain_decl(b, c);
			buf_puts(b, " }");
		}
		buf_puts(b, "\n");
		break;
	case PLAN_OP_REPLACE_RULES:
		buf_printf(b, "flush chain inet %s %s\n", t, c->name);
		/* fall through */
	case PLAN_OP_ADD_RULES:
		for (size_t i = 0; i < c->n_rules; i++) {
			buf_printf(b, "add rule inet %s %s ", t, c->name);
			rules_render_rule(b, &c->rules[i]);
			buf_puts(b, "\n");
		}
		break;
	case PLAN_OP_DEL_ELEM:
		key = *op->elem;
		key.has_verdict = false;
		buf_printf(b, "delete element inet %s %s { ", t, key.set);
		rules_render_elem(b, &key);
		buf_puts(b, " }\n");
		break;
	case PLAN_OP_ADD_ELEM:
		buf_printf(b, "add element inet %s %s { ", t, op->elem->set);
		rules_render_elem(b, op->elem);
		buf_puts(b, " }\n");
		break;
	case PLAN_OP_DEL_CHAIN:
		buf_printf(b, "delete chain inet %s %s\n", t, c->name);
		break;
	case PLAN_OP_DEL_SET:
		buf_printf(b, "delete %s inet %s %s\n",
			   op->set->map ? "map" : "set", t, op->set->name);
		break;
	}
}

char *plan_ops_render(const struct plan_ops *ops)
{
	struct buf b = { 0 };
	buf_puts(&b, "");
	for (size_t i = 0; i < ops->n; i++)
		render_op(&b, ops->table ? ops->table : "svcd", &ops->v[i]);
	return buf_take(&b);
}
