/*
 * rules.h: nftables objects as plain data, and their `nft` text form.
 *
 * This is the intermediate form between the planner (proxy/plan) and the
 * kernel: netlink/ translates it to libnftnl objects, and rules_render.c
 * writes the same objects as `nft -f` syntax for tests, golden files and
 * `svcctl get`.  It knows nothing of Services; it only models the
 * part of nftables svcd uses: one table of family inet, base and regular
 * chains, named sets and verdict maps, their elements, and rules made of
 * a short list of typed statements.
 *
 * Ownership: a struct nft_objs owns every set, chain, rule, statement,
 * element and string it holds; rules_objs_free() releases all of it.
 * Names of chains and sets are nft identifiers (letters, digits, "/-_."),
 * at most RULES_NAME_MAX bytes.
 *
 * Identity: a chain is identified by its name, a set by its name, an
 * element by its set and key.  A set's declaration never changes under a
 * given name (the planner puts whatever shapes a declaration, such as an
 * affinity timeout, into the name), so a set is only ever added or
 * deleted, never altered.
 */
#ifndef SVCD_RULES_H
#define SVCD_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/addr.h"
#include "lib/util.h"
#include "model/object.h"

/* Longest chain or set name nft accepts (the kernel's NFT_NAME_MAXLEN - 1). */
#define RULES_NAME_MAX 255

/* Standard priorities of the nat hooks. */
#define RULES_PRIO_DSTNAT (-100)
#define RULES_PRIO_SRCNAT 100

enum nft_chain_type { NFT_CHAIN_FILTER, NFT_CHAIN_NAT };

enum nft_hook {
	NFT_HOOK_PREROUTING,
	NFT_HOOK_INPUT,
	NFT_HOOK_FORWARD,
	NFT_HOOK_OUTPUT,
	NFT_HOOK_POSTROUTING
};

enum nft_verdict_code {
	VERDICT_ACCEPT,
	VERDICT_DROP,
	VERDICT_RETURN,
	VERDICT_JUMP,
	VERDICT_GOTO
};

struct nft_verdict {
	enum nft_verdict_code code;
	char *chain; /* JUMP and GOTO only; owned */
};

enum nft_stmt_kind {
	NFT_ST_ADDR,      /* ip|ip6 saddr|daddr [!=] A   or   { A, B/16 } */
	NFT_ST_ADDR_SET,  /* ip|ip6 saddr|daddr [!=] @set */
	NFT_ST_L4PROTO,   /* meta l4proto tcp */
	NFT_ST_DPORT,     /* tcp|udp|sctp dport 80 */
	NFT_ST_FIB_LOCAL, /* fib saddr|daddr type local */
	NFT_ST_CT_NEW,    /* ct state new */
	NFT_ST_MARK_MATCH,/* meta mark & MASK == VALUE */
	NFT_ST_MARK_SET,  /* meta mark set meta mark | VALUE  (or ^ VALUE) */
	NFT_ST_VMAP,      /* [ip daddr .] meta l4proto . th dport vmap @map */
	NFT_ST_NUMGEN,    /* numgen inc|random mod N vmap { 0 : goto c0, .. } */
	NFT_ST_UPDATE,    /* update @set { ip saddr } */
	NFT_ST_COUNTER,   /* counter */
	NFT_ST_DNAT,      /* dnat ip to A:P   /   dnat ip6 to [A]:P */
	NFT_ST_MASQUERADE,/* masquerade fully-random */
	NFT_ST_REJECT,    /* reject with tcp reset | icmpx port-unreachable */
	NFT_ST_VERDICT    /* accept, drop, return, jump C, goto C */
};

enum nft_mark_op { NFT_MARK_OR, NFT_MARK_XOR };
enum nft_numgen_mode { NFT_NUMGEN_INC, NFT_NUMGEN_RANDOM };
enum nft_reject_kind { NFT_REJECT_TCP_RESET, NFT_REJECT_PORT_UNREACH };

/*
 * One statement.  Which fields mean something depends on kind:
 *   family  ADDR, ADDR_SET, UPDATE, DNAT; VMAP (0: key has no address)
 *   src     ADDR, ADDR_SET, FIB_LOCAL, UPDATE: source, not destination
 *   neg     ADDR, ADDR_SET: "!="
 *   proto   L4PROTO, DPORT
 *   port    DPORT, DNAT
 *   mask    MARK_MATCH; value: MARK_MATCH, MARK_SET; NUMGEN: modulus
 *   op      MARK_SET (nft_mark_op), NUMGEN (nft_numgen_mode),
 *           REJECT (nft_reject_kind), VERDICT (nft_verdict_code)
 *   addrs   ADDR: one or more addresses or prefixes; DNAT: the target
 *   name    ADDR_SET, VMAP, UPDATE: the set; VERDICT: jump/goto chain
 *   targets NUMGEN: `value` chain names, one per result
 */
struct nft_stmt {
	enum nft_stmt_kind kind;
	uint8_t family;
	bool src, neg;
	uint8_t op;
	enum l4proto proto;
	uint16_t port;
	uint32_t mask, value;
	struct ipaddr *addrs; /* owned */
	size_t n_addrs;
	char *name;           /* owned */
	char **targets;       /* owned, `value` of them */
};

struct nft_rule {
	struct nft_stmt *st; /* owned */
	size_t n, cap;
};

struct nft_chain {
	char *name;           /* owned */
	bool base;            /* hooked: type, hook and prio are set */
	enum nft_chain_type type;
	enum nft_hook hook;
	int prio;
	int rank;             /* deletion order: lower ranks go first, so a
			       * chain goes before the chains it jumps to */
	struct nft_rule *rules; /* owned */
	size_t n_rules, cap_rules;
};

/* What a set's elements are made of. */
enum nft_key_type {
	NFT_KEY_ADDR,            /* ipv4_addr / ipv6_addr */
	NFT_KEY_ADDR_PROTO_PORT, /* ipvX_addr . inet_proto . inet_service */
	NFT_KEY_PROTO_PORT       /* inet_proto . inet_service */
};

#define SET_F_INTERVAL 0x1u
#define SET_F_TIMEOUT  0x2u
#define SET_F_DYNAMIC  0x4u

struct nft_set {
	char *name;          /* owned */
	enum nft_key_type key;
	uint8_t family;      /* of the address part; 0 for PROTO_PORT */
	bool map;            /* a verdict map: elements carry a verdict */
	unsigned flags;      /* NFT_SET_* */
	uint32_t timeout;    /* seconds, with SET_F_TIMEOUT */
	char *comment;       /* owned; NULL when none */
};

struct nft_key {
	struct ipaddr addr;  /* NFT_KEY_ADDR*: the address (a prefix in an
			      * interval set) */
	enum l4proto proto;  /* *_PROTO_PORT */
	uint16_t port;       /* *_PROTO_PORT */
};

struct nft_elem {
	char *set;           /* owned: name of the set or map it goes in */
	enum nft_key_type key_type;
	struct nft_key key;
	bool has_verdict;    /* in a map */
	struct nft_verdict verdict;
};

/* A bag of objects: the table skeleton, or what one Service needs. */
struct nft_objs {
	struct nft_set *sets;
	size_t n_sets, cap_sets;
	struct nft_chain *chains;
	size_t n_chains, cap_chains;
	struct nft_elem *elems;
	size_t n_elems, cap_elems;
};

void rules_objs_free(struct nft_objs *o);
size_t rules_objs_rule_count(const struct nft_objs *o);

/* ---- building ---- */

/* Adds a regular chain; takes the name.  The pointer stays valid until
 * the next chain is added. */
struct nft_chain *rules_add_chain(struct nft_objs *o, char *name, int rank);
struct nft_chain *rules_add_base_chain(struct nft_objs *o, const char *name,
				       enum nft_chain_type type,
				       enum nft_hook hook, int prio, int rank);
struct nft_rule *rules_add_rule(struct nft_chain *c);
/* A zeroed statement of that kind, appended to r. */
struct nft_stmt *rules_add_stmt(struct nft_rule *r, enum nft_stmt_kind kind);

/* Statement shorthands, each appending one statement to r. */
void rules_match_addr(struct nft_rule *r, bool src, bool neg,
		      const struct ipaddr *addrs, size_t n);
void rules_match_set(struct nft_rule *r, int family, bool src, bool neg,
		     const char *set);
void rules_match_l4proto(struct nft_rule *r, enum l4proto proto);
void rules_match_dport(struct nft_rule *r, enum l4proto proto,
		       uint16_t port);
void rules_match_fib_local(struct nft_rule *r, bool src);
void rules_match_ct_new(struct nft_rule *r);
void rules_match_mark(struct nft_rule *r, uint32_t mask, uint32_t value);
void rules_mark_set(struct nft_rule *r, enum nft_mark_op op, uint32_t bit);
/* family 0: key "meta l4proto . th dport"; else "ip daddr . ..." */
void rules_vmap(struct nft_rule *r, int family, const char *map);
/* Takes the n target names (each owned) and the array. */
void rules_numgen(struct nft_rule *r, enum nft_numgen_mode mode,
		  char **targets, size_t n);
void rules_update_saddr(struct nft_rule *r, int family, const char *set);
void rules_counter(struct nft_rule *r);
void rules_dnat(struct nft_rule *r, const struct ipaddr *addr,
		uint16_t port);
void rules_masquerade(struct nft_rule *r);
void rules_reject(struct nft_rule *r, enum nft_reject_kind kind);
/* chain: JUMP and GOTO only (copied). */
void rules_verdict(struct nft_rule *r, enum nft_verdict_code code,
		   const char *chain);

struct nft_set *rules_add_set(struct nft_objs *o, const char *name,
			      enum nft_key_type key, int family, bool map,
			      unsigned flags, uint32_t timeout,
			      const char *comment);
/* Adds an element unless one with the same set and key is already in o
 * (a Service may name one address twice); returns it, or NULL when it
 * was there.  v (copied) is the verdict of a map element, NULL in a set. */
struct nft_elem *rules_add_elem(struct nft_objs *o, const char *set,
				enum nft_key_type type,
				const struct nft_key *key,
				const struct nft_verdict *v);

/* ---- comparing ---- */

/* Content hashes: equal objects hash alike; a chain's hash covers its
 * declaration and every rule, an element's its key and verdict. */
uint64_t rules_chain_hash(const struct nft_chain *c);
uint64_t rules_set_hash(const struct nft_set *s);
uint64_t rules_elem_hash(const struct nft_elem *e);
/* Orders elements by set name, then key; 0 when they are the same
 * element (whatever their verdicts). */
int rules_elem_cmp_key(const struct nft_elem *a, const struct nft_elem *b);

/* ---- rendering, nft syntax ---- */

const char *rules_proto_name(enum l4proto proto); /* "tcp", "udp", "sctp" */
void rules_render_rule(struct buf *b, const struct nft_rule *r);
/* "type filter hook input priority -110; policy accept;" */
void rules_render_chain_decl(struct buf *b, const struct nft_chain *c);
/* A chain block, one tab deep, as inside "table inet NAME { }". */
void rules_render_chain(struct buf *b, const struct nft_chain *c);
/* "type ipv4_addr . inet_proto . inet_service : verdict; flags ...;" */
void rules_render_set_decl(struct buf *b, const struct nft_set *s);
/* A set or map block with the given elements, one tab deep. */
void rules_render_set(struct buf *b, const struct nft_set *s,
		      const struct nft_elem *const *elems, size_t n);
/* "10.0.0.1 . tcp . 80 : goto service-..." */
void rules_render_elem(struct buf *b, const struct nft_elem *e);
void rules_render_verdict(struct buf *b, const struct nft_verdict *v);

#endif
