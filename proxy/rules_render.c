/*
 * rules_render.c: the objects of rules.h written in `nft -f` syntax.
 *
 * The text is what `nft list table` prints, near enough that a reader
 * who knows nftables recognises every rule, and exact enough that
 * `nft -f` accepts it: the golden file of the planner's tests is checked
 * against the kernel.  Two choices are forced by nft 1.0: the symbolic
 * priorities "dstnat" and "srcnat" are only accepted on the prerouting
 * and postrouting hooks, so other hooks get numbers; and an inet-family
 * DNAT must name its address family ("dnat ip to").
 */
#include <stdio.h>
#include <string.h>

#include "proxy/rules.h"

static const char *const hook_names[] = {
	[NFT_HOOK_PREROUTING] = "prerouting",
	[NFT_HOOK_INPUT] = "input",
	[NFT_HOOK_FORWARD] = "forward",
	[NFT_HOOK_OUTPUT] = "output",
	[NFT_HOOK_POSTROUTING] = "postrouting",
};

const char *rules_proto_name(enum l4proto proto)
{
	switch (proto) {
	case PROTO_TCP:
		return "tcp";
	case PROTO_UDP:
		return "udp";
	case PROTO_SCTP:
		return "sctp";
	}
	return "tcp";
}

static const char *ipx(int family)
{
	return family == AF_INET6 ? "ip6" : "ip";
}

/* An address, with its prefix length when it is a proper prefix. */
static void put_addr(struct buf *b, const struct ipaddr *a)
{
	char s[ADDR_STRLEN];
	unsigned full = a->family == AF_INET6 ? 128 : 32;
	buf_puts(b, addr_format(a, s));
	if (a->len && a->len < full)
		buf_printf(b, "/%u", a->len);
}

void rules_render_verdict(struct buf *b, const struct nft_verdict *v)
{
	switch (v->code) {
	case VERDICT_ACCEPT:
		buf_puts(b, "accept");
		break;
	case VERDICT_DROP:
		buf_puts(b, "drop");
		break;
	case VERDICT_RETURN:
		buf_puts(b, "return");
		break;
	case VERDICT_JUMP:
		buf_printf(b, "jump %s", v->chain);
		break;
	case VERDICT_GOTO:
		buf_printf(b, "goto %s", v->chain);
		break;
	}
}

static void put_addr_match(struct buf *b, const struct nft_stmt *s)
{
	buf_printf(b, "%s %s %s", ipx(s->family), s->src ? "saddr" : "daddr",
		   s->neg ? "!= " : "");
	if (s->kind == NFT_ST_ADDR_SET) {
		buf_printf(b, "@%s", s->name);
		return;
	}
	if (s->n_addrs == 1) {
		put_addr(b, &s->addrs[0]);
		return;
	}
	buf_puts(b, "{ ");
	for (size_t i = 0; i < s->n_addrs; i++) {
		if (i)
			buf_puts(b, ", ");
		put_addr(b, &s->addrs[i]);
	}
	buf_puts(b, " }");
}

static void put_numgen(struct buf *b, const struct nft_stmt *s)
{
	buf_printf(b, "numgen %s mod %u vmap { ",
		   s->op == NFT_NUMGEN_RANDOM ? "random" : "inc", s->value);
	for (uint32_t i = 0; i < s->value; i++)
		buf_printf(b, "%s%u : goto %s", i ? ", " : "", i,
			   s->targets[i]);
	buf_puts(b, " }");
}

static void put_dnat(struct buf *b, const struct nft_stmt *s)
{
	char a[ADDR_STRLEN];
	addr_format(&s->addrs[0], a);
	if (s->family == AF_INET6)
		buf_printf(b, "dnat ip6 to [%s]:%u", a, s->port);
	else
		buf_printf(b, "dnat ip to %s:%u", a, s->port);
}

static void put_stmt(struct buf *b, const struct nft_stmt *s)
{
	struct nft_verdict v;
	switch (s->kind) {
	case NFT_ST_ADDR:
	case NFT_ST_ADDR_SET:
		put_addr_match(b, s);
		break;
	case NFT_ST_L4PROTO:
		buf_printf(b, "meta l4proto %s", rules_proto_name(s->proto));
		break;
	case NFT_ST_DPORT:
		buf_printf(b, "%s dport %u", rules_proto_name(s->proto),
			   s->port);
		break;
	case NFT_ST_FIB_LOCAL:
		buf_printf(b, "fib %s type local", s->src ? "saddr" : "daddr");
		break;
	case NFT_ST_CT_NEW:
		buf_puts(b, "ct state new");
		break;
	case NFT_ST_MARK_MATCH:
		buf_printf(b, "meta mark & 0x%08x == 0x%08x", s->mask,
			   s->value);
		break;
	case NFT_ST_MARK_SET:
		buf_printf(b, "meta mark set meta mark %c 0x%08x",
			   s->op == NFT_MARK_XOR ? '^' : '|', s->value);
		break;
	case NFT_ST_VMAP:
		if (s->family)
			buf_printf(b, "%s daddr . ", ipx(s->family));
		buf_printf(b, "meta l4proto . th dport vmap @%s", s->name);
		break;
	case NFT_ST_NUMGEN:
		put_numgen(b, s);
		break;
	case NFT_ST_UPDATE:
		buf_printf(b, "update @%s { %s saddr }", s->name,
			   ipx(s->family));
		break;
	case NFT_ST_COUNTER:
		buf_puts(b, "counter");
		break;
	case NFT_ST_DNAT:
		put_dnat(b, s);
		break;
	case NFT_ST_MASQUERADE:
		buf_puts(b, "masquerade fully-random");
		break;
	case NFT_ST_REJECT:
		buf_puts(b, s->op == NFT_REJECT_TCP_RESET ?
				    "reject with tcp reset" :
				    "reject with icmpx port-unreachable");
		break;
	case NFT_ST_VERDICT:
		v.code = s->op;
		v.chain = s->name;
		rules_render_verdict(b, &v);
		break;
	}
}

void rules_render_rule(struct buf *b, const struct nft_rule *r)
{
	for (size_t i = 0; i < r->n; i++) {
		if (i)
			buf_puts(b, " ");
		put_stmt(b, &r->st[i]);
	}
}

/* nft 1.0 knows "dstnat" only on prerouting and "srcnat" only on
 * postrouting; elsewhere the number is the only accepted spelling. */
static void put_prio(struct buf *b, const struct nft_chain *c)
{
	const char *name = NULL;
	int base = 0;
	if (c->hook == NFT_HOOK_PREROUTING) {
		name = "dstnat";
		base = RULES_PRIO_DSTNAT;
	} else if (c->hook == NFT_HOOK_POSTROUTING) {
		name = "srcnat";
		base = RULES_PRIO_SRCNAT;
	}
	if (!name) {
		buf_printf(b, "%d", c->prio);
		return;
	}
	int off = c->prio - base;
	if (off)
		buf_printf(b, "%s %c %d", name, off < 0 ? '-' : '+',
			   off < 0 ? -off : off);
	else
		buf_puts(b, name);
}

void rules_render_chain_decl(struct buf *b, const struct nft_chain *c)
{
	buf_printf(b, "type %s hook %s priority ",
		   c->type == NFT_CHAIN_NAT ? "nat" : "filter",
		   hook_names[c->hook]);
	put_prio(b, c);
	buf_puts(b, "; policy accept;");
}

void rules_render_chain(struct buf *b, const struct nft_chain *c)
{
	buf_printf(b, "\tchain %s {\n", c->name);
	if (c->base) {
		buf_puts(b, "\t\t");
		rules_render_chain_decl(b, c);
		buf_puts(b, "\n");
	}
	for (size_t i = 0; i < c->n_rules; i++) {
		buf_puts(b, "\t\t");
		rules_render_rule(b, &c->rules[i]);
		buf_puts(b, "\n");
	}
	buf_puts(b, "\t}\n");
}

static void put_key_type(struct buf *b, const struct nft_set *s)
{
	const char *a = s->family == AF_INET6 ? "ipv6_addr" : "ipv4_addr";
	switch (s->key) {
	case NFT_KEY_ADDR:
		buf_puts(b, a);
		break;
	case NFT_KEY_ADDR_PROTO_PORT:
		buf_printf(b, "%s . inet_proto . inet_service", a);
		break;
	case NFT_KEY_PROTO_PORT:
		buf_puts(b, "inet_proto . inet_service");
		break;
	}
	if (s->map)
		buf_puts(b, " : verdict");
}

static void put_flags(struct buf *b, unsigned flags)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {
		{ SET_F_DYNAMIC, "dynamic" },
		{ SET_F_INTERVAL, "interval" },
		{ SET_F_TIMEOUT, "timeout" },
	};
	const char *sep = "";
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		if (flags & names[i].bit) {
			buf_printf(b, "%s%s", sep, names[i].name);
			sep = ",";
		}
	}
}

void rules_render_set_decl(struct buf *b, const struct nft_set *s)
{
	buf_puts(b, "type ");
	put_key_type(b, s);
	buf_puts(b, ";");
	if (s->flags) {
		buf_puts(b, " flags ");
		put_flags(b, s->flags);
		buf_puts(b, ";");
	}
	if (s->flags & SET_F_TIMEOUT)
		buf_printf(b, " timeout %us;", s->timeout);
	if (s->comment)
		buf_printf(b, " comment \"%s\";", s->comment);
}

void rules_render_elem(struct buf *b, const struct nft_elem *e)
{
	if (e->key_type != NFT_KEY_PROTO_PORT)
		put_addr(b, &e->key.addr);
	if (e->key_type == NFT_KEY_ADDR_PROTO_PORT)
		buf_puts(b, " . ");
	if (e->key_type != NFT_KEY_ADDR)
		buf_printf(b, "%s . %u", rules_proto_name(e->key.proto),
			   e->key.port);
	if (e->has_verdict) {
		buf_puts(b, " : ");
		rules_render_verdict(b, &e->verdict);
	}
}

void rules_render_set(struct buf *b, const struct nft_set *s,
		      const struct nft_elem *const *elems, size_t n)
{
	buf_printf(b, "\t%s %s {\n\t\ttype ", s->map ? "map" : "set", s->name);
	put_key_type(b, s);
	buf_puts(b, "\n");
	if (s->flags) {
		buf_puts(b, "\t\tflags ");
		put_flags(b, s->flags);
		buf_puts(b, "\n");
	}
	if (s->flags & SET_F_TIMEOUT)
		buf_printf(b, "\t\ttimeout %us\n", s->timeout);
	if (s->comment)
		buf_printf(b, "\t\tcomment \"%s\"\n", s->comment);
	if (n) {
		buf_puts(b, "\t\telements = {");
		for (size_t i = 0; i < n; i++) {
			buf_puts(b, i ? ",\n\t\t\t     " : " ");
			rules_render_elem(b, elems[i]);
		}
		buf_puts(b, " }\n");
	}
	buf_puts(b, "\t}\n");
}
