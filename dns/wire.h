/*
 * wire.h: the DNS message format (RFC 1035, 3596, 2782, 6891), as a
 * library with no knowledge of the server.
 *
 * It is on the answering hot path, so nothing here allocates: a query is
 * parsed into a caller's struct dns_query with fixed limits, a response is
 * built into a caller's buffer by a struct dns_builder on the stack.
 *
 * Names are passed around in uncompressed wire form ("\3web\7default...\0"),
 * at most DNS_NAME_MAX bytes including the final root label.  Functions
 * that take a wire name trust it to be well formed (made by this library);
 * every byte that comes from the network goes through the reader, which
 * checks bounds, compression pointers (backwards only, never into the
 * header, never looping), label and name lengths.
 *
 * Parsing a query gives one of three results:
 *   DNS_OK       answer it;
 *   DNS_DROP     send nothing: shorter than a header, longer than 65535
 *                bytes, or a response (QR=1) that would echo into a loop;
 *   DNS_FORMERR  malformed, but the header (id, flags) was read: answer
 *                FORMERR, with the question echoed when has_question.
 * The header fields are valid for DNS_OK and DNS_FORMERR, so a server may
 * answer NOTIMP for an opcode it does not serve before looking further.
 */
#ifndef SVCD_DNS_WIRE_H
#define SVCD_DNS_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/addr.h"

#define DNS_HDR_LEN 12
#define DNS_NAME_MAX 255       /* wire form, root label included */
#define DNS_LABEL_MAX 63
#define DNS_NAME_TEXT_MAX 1024 /* dns_name_to_text output, NUL included */
#define DNS_UDP_MIN 512        /* what every client accepts */
#define DNS_MSG_MAX 65535      /* TCP */
#define DNS_OPT_LEN 11         /* an OPT RR with no options */
#define DNS_COMP_MAX 64        /* names a builder remembers for compression */

enum dns_type {
	DNS_T_A = 1,
	DNS_T_NS = 2,
	DNS_T_CNAME = 5,
	DNS_T_SOA = 6,
	DNS_T_PTR = 12,
	DNS_T_MX = 15,
	DNS_T_TXT = 16,
	DNS_T_AAAA = 28,
	DNS_T_SRV = 33,
	DNS_T_OPT = 41,
	DNS_T_IXFR = 251,
	DNS_T_AXFR = 252,
	DNS_T_ANY = 255,
};

enum dns_class {
	DNS_C_IN = 1,
	DNS_C_CH = 3,
	DNS_C_NONE = 254,
	DNS_C_ANY = 255,
};

/* Response codes; above 15 they need EDNS (the high 8 bits go in OPT). */
enum dns_rcode {
	DNS_R_NOERROR = 0,
	DNS_R_FORMERR = 1,
	DNS_R_SERVFAIL = 2,
	DNS_R_NXDOMAIN = 3,
	DNS_R_NOTIMP = 4,
	DNS_R_REFUSED = 5,
	DNS_R_BADVERS = 16,
};

enum dns_opcode {
	DNS_OP_QUERY = 0,
	DNS_OP_NOTIFY = 4,
	DNS_OP_UPDATE = 5,
};

/* Header flag bits, in the second 16-bit word of the header. */
#define DNS_F_QR 0x8000
#define DNS_F_AA 0x0400
#define DNS_F_TC 0x0200
#define DNS_F_RD 0x0100
#define DNS_F_RA 0x0080
#define DNS_F_AD 0x0020
#define DNS_F_CD 0x0010
#define DNS_OPCODE(flags) (((flags) >> 11) & 0xf)
#define DNS_RCODE(flags) ((flags)&0xf)
/* The DO bit, in the TTL field of OPT. */
#define DNS_EDNS_DO 0x8000

enum dns_section {
	DNS_SEC_QUESTION,
	DNS_SEC_ANSWER,
	DNS_SEC_AUTHORITY,
	DNS_SEC_ADDITIONAL,
};

enum dns_status {
	DNS_OK = 0,
	DNS_DROP,
	DNS_FORMERR,
};

/* Builder errors (negative, so a caller can test `< 0`). */
enum dns_build_err {
	DNS_E_FULL = -1,  /* did not fit; nothing more is added */
	DNS_E_ORDER = -2, /* section before one already written, or finished */
	DNS_E_INVAL = -3, /* argument out of range (TXT string > 255, ...) */
};

struct dns_header {
	uint16_t id, flags;
	uint16_t qdcount, ancount, nscount, arcount;
};

struct dns_question {
	uint8_t name[DNS_NAME_MAX]; /* lower case: the lookup key */
	uint8_t orig[DNS_NAME_MAX]; /* as the client wrote it: for the echo */
	uint8_t name_len;           /* of both, root label included */
	uint16_t qtype, qclass;
};

struct dns_edns {
	bool present;
	bool do_bit;
	uint8_t version;
	uint8_t ext_rcode; /* high 8 bits of a 12-bit rcode */
	uint16_t udp_size; /* as sent; see dns_query_udp_max() */
	uint16_t nopts;    /* options seen (walked, not interpreted) */
};

struct dns_query {
	struct dns_header hdr;
	bool has_question; /* q is valid (also after a later FORMERR) */
	struct dns_question q;
	struct dns_edns edns; /* present only when the OPT RR was valid */
};

/* One resource record as read from a message.  The RDATA stays in the
 * packet (rdoff, rdlen); names inside it are read with dns_read_name(). */
struct dns_rr {
	uint8_t name[DNS_NAME_MAX]; /* owner, case as on the wire */
	uint8_t name_len;
	uint8_t section; /* enum dns_section */
	uint16_t type, rclass;
	uint32_t ttl;
	uint16_t rdlen;
	uint32_t rdoff; /* offset of the RDATA in the packet */
};

/* Walks a message from the header to its last RR.  It checks the message
 * as it goes: RDATA of the types above is validated (lengths, names inside
 * it), an OPT RR must be single, in the additional section and owned by the
 * root, and nothing may follow the last RR. */
struct dns_reader {
	const uint8_t *pkt;
	size_t len, off;
	uint16_t left[4]; /* entries still to read, by section */
	uint8_t sec;
	bool seen_opt;
};

/* Network byte order and ASCII case, for every layer that touches bytes. */
static inline uint16_t dns_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t dns_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline void dns_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void dns_put32(uint8_t *p, uint32_t v)
{
	dns_put16(p, (uint16_t)(v >> 16));
	dns_put16(p + 2, (uint16_t)v);
}

/* Only A-Z fold: DNS names compare case-insensitively in ASCII alone. */
static inline uint8_t dns_lower(uint8_t c)
{
	return (uint8_t)((unsigned)(c - 'A') < 26u ? c + 32 : c);
}

/* Parsing (wire_parse.c) */

/* A client's query into q: DNS_OK, DNS_DROP or DNS_FORMERR (see above).
 * Policy stays with the caller: opcode, qclass, and EDNS version > 0
 * (which RFC 6891 6.1.3 answers BADVERS) are reported, not judged. */
int dns_parse_query(const uint8_t *pkt, size_t len, struct dns_query *q);
/* The largest UDP response to send for q: 512 without EDNS, else the
 * client's size raised to 512 and capped at server_max (itself >= 512). */
size_t dns_query_udp_max(const struct dns_query *q, size_t server_max);

/* DNS_OK with the header read, DNS_DROP if len < 12 or > 65535. */
int dns_reader_init(struct dns_reader *r, const uint8_t *pkt, size_t len,
		    struct dns_header *h);
/* Next question: 1 read, 0 no more questions, -1 malformed. */
int dns_reader_question(struct dns_reader *r, struct dns_question *q);
/* Next RR (remaining questions are skipped first): 1 read, 0 end of the
 * message (all counts consumed and no trailing bytes), -1 malformed. */
int dns_reader_rr(struct dns_reader *r, struct dns_rr *rr);
/* Fills e from an OPT RR that dns_reader_rr read from pkt. */
void dns_rr_edns(const uint8_t *pkt, const struct dns_rr *rr,
		 struct dns_edns *e);
/*
 * Reads the possibly compressed name at *off and moves *off past it.
 * Writes the uncompressed name to out and a lower-case copy to lower, each
 * optional (NULL to only check and skip).  Returns its length (1-255), or
 * -1 if it runs out of the packet, has a label over 63 or an unknown label
 * type, grows over 255 bytes, or has a pointer into the header, forward,
 * or not strictly before the labels that led to it (so no loop).
 */
int dns_read_name(const uint8_t *pkt, size_t len, size_t *off, uint8_t *out,
		  uint8_t *lower);

/* Building (wire_build.c) */

struct dns_comp_entry {
	uint16_t off;  /* where a name (or suffix) starts in the message */
	uint8_t len;   /* its uncompressed length */
};

/* Lives on the caller's stack for one message; never allocates. */
struct dns_builder {
	uint8_t *buf;
	size_t max;      /* the message may not grow beyond this */
	size_t limit;    /* where RRs must end: max less a reserved OPT */
	size_t len;      /* bytes written */
	uint16_t id, flags;
	uint16_t rcode;  /* 12 bits; the high 8 go in OPT */
	uint16_t count[4];
	uint8_t sec;     /* last section written */
	bool full;       /* an RR did not fit: later ones are refused */
	bool tc;         /* ... and it was needed (answer or authority) */
	bool finished;
	bool edns, edns_do;
	uint16_t edns_size;
	uint8_t ncomp;
	struct dns_comp_entry comp[DNS_COMP_MAX];
};

/* An empty message (id, flags as given, no question) in buf[0..max).
 * Returns 0, or DNS_E_FULL if max is under a header. */
int dns_build_init(struct dns_builder *b, uint8_t *buf, size_t max,
		   uint16_t id, uint16_t flags);
/* Adds a question (name written as given, so in the caller's case). */
int dns_build_question(struct dns_builder *b, const uint8_t *name,
		       uint16_t qtype, uint16_t qclass);
/* Reserves room for the OPT RR written by dns_build_finish(), advertising
 * udp_size and the DO bit.  Call it before the first RR. */
int dns_build_edns(struct dns_builder *b, uint16_t udp_size, bool do_bit);
/*
 * Starts the response to q in buf[0..max): id, opcode, RD and CD copied,
 * QR set, the question echoed in the client's case (if it was parsed), and
 * OPT reserved if the query had EDNS (advertising udp_size, DO echoed).
 * max is the client's limit: 512, dns_query_udp_max() or 65535 for TCP.
 */
int dns_build_response(struct dns_builder *b, uint8_t *buf, size_t max,
		       const struct dns_query *q, uint16_t udp_size);
void dns_build_set_flags(struct dns_builder *b, uint16_t flags);
void dns_build_set_rcode(struct dns_builder *b, uint16_t rcode);
/* Writes the counts, flags (TC if an answer or authority RR was dropped)
 * and the OPT RR; returns the message length.  The builder is then done. */
size_t dns_build_finish(struct dns_builder *b);

/*
 * Adding RRs, class IN unless given.  Sections go in order; owner and
 * RDATA names are compressed against every name already written (the
 * SRV target is written whole, RFC 2782, but later names may point into
 * it).  An RR that does not fit is not written at all: the call returns
 * DNS_E_FULL and every later one too; a drop in the answer or authority
 * section sets TC, one in additional does not (RFC 2181 9).
 */
/* Any type, with RDATA written as given (never compressed). */
int dns_add_rr(struct dns_builder *b, int sec, const uint8_t *owner,
	       uint16_t type, uint16_t rclass, uint32_t ttl,
	       const void *rdata, uint16_t rdlen);
int dns_add_a(struct dns_builder *b, int sec, const uint8_t *owner,
	      uint32_t ttl, const uint8_t addr[4]);
int dns_add_aaaa(struct dns_builder *b, int sec, const uint8_t *owner,
		 uint32_t ttl, const uint8_t addr[16]);
/* CNAME, NS and PTR: one name of RDATA. */
int dns_add_name_rr(struct dns_builder *b, int sec, const uint8_t *owner,
		    uint16_t type, uint32_t ttl, const uint8_t *target);
int dns_add_srv(struct dns_builder *b, int sec, const uint8_t *owner,
		uint32_t ttl, uint16_t prio, uint16_t weight, uint16_t port,
		const uint8_t *target);
/* n strings, each at most 255 bytes. */
int dns_add_txt(struct dns_builder *b, int sec, const uint8_t *owner,
		uint32_t ttl, const char *const *strs, size_t n);

struct dns_soa {
	const uint8_t *mname, *rname;
	uint32_t serial, refresh, retry, expire, minimum;
};
int dns_add_soa(struct dns_builder *b, int sec, const uint8_t *owner,
		uint32_t ttl, const struct dns_soa *soa);

/* Names (wire_name.c) */

/* "web.default.svc.cluster.local" (trailing dot optional, "." the root,
 * \. and \DDD escapes) to wire form; returns its length or -1. */
int dns_name_from_text(const char *text, uint8_t out[DNS_NAME_MAX]);
/* Wire form to text with a trailing dot ("." for the root), escaping what
 * a master file would; returns the text length or -1 if it does not fit. */
int dns_name_to_text(const uint8_t *name, char *out, size_t size);
/* Length of a well-formed uncompressed name, root label included. */
size_t dns_name_len(const uint8_t *name);
/* Case-insensitive equality of two well-formed names. */
bool dns_name_equal(const uint8_t *a, const uint8_t *b);
/* Lower-cases a name in place (only A-Z; other bytes are kept). */
void dns_name_lower(uint8_t *name);
/* If name is zone or below it (case-insensitively), the offset in name
 * where zone starts; else -1. */
int dns_name_in_zone(const uint8_t *name, const uint8_t *zone);
/* 1.0.0.10.in-addr.arpa or the 32-nibble ip6.arpa name of a; returns its
 * length, or -1 if a has no family. */
int dns_ptr_name(const struct ipaddr *a, uint8_t out[DNS_NAME_MAX]);
/* The address a full reverse name stands for (case-insensitive; decimal
 * octets without leading zeros, single hex nibbles).  False for partial
 * names such as 10.in-addr.arpa and for anything else. */
bool dns_ptr_name_addr(const uint8_t *name, struct ipaddr *out);

/* Text (wire_text.c), for tests, svcctl and logs; not the hot path. */

struct buf;
/* Appends the message, one line per header, question and RR (see
 * wire_text.c); 0, or -1 after a last line saying where it is malformed. */
int dns_msg_to_text(const uint8_t *pkt, size_t len, struct buf *out);

#endif
