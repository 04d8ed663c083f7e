/*
 * fuzz_dns_wire.c: libFuzzer target for the DNS wire format.
 *
 * The input is one packet.  Three things are checked besides the
 * sanitizers, each with abort() when it fails:
 *
 * 1. As a query: when dns_parse_query accepts it, the parsed question
 *    agrees with itself (lower-case copy, text round trip, reverse-name
 *    round trip), and responses with a mix of records built into buffers
 *    of several sizes read back with the strict reader: within the size,
 *    the question echoed byte for byte, counts consistent, OPT present
 *    iff the query had EDNS, and every record the builder accepted found
 *    again with the same owner, type and target names.
 * 2. As any message: when the reader accepts it, copying it record by
 *    record through the builder (recompressing every name) gives a
 *    message with the same text, up to case.
 * 3. Nothing else: dns_msg_to_text never fails on what the reader took.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dns/wire.h"
#include "lib/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ADDED 128

struct added {
	uint8_t sec;
	uint16_t type;
	const uint8_t *owner, *target;
};

struct names {
	uint8_t n[8][DNS_NAME_MAX];
};

static void check(bool ok)
{
	if (!ok)
		abort();
}

/* Names for the records: the question's, its parent, a child, and some
 * cluster names that share suffixes with it or not. */
static void make_names(struct names *nm, const struct dns_question *q)
{
	static const char *fixed[] = { "web.default.svc.cluster.local",
				       "ns.dns.cluster.local",
				       "_http._tcp.web.default.svc.cluster.local",
				       "Example.COM" };

	memcpy(nm->n[0], q->name, q->name_len);
	memcpy(nm->n[1], q->orig, q->name_len);
	if (q->name_len > 1)
		memcpy(nm->n[2], q->orig + q->orig[0] + 1,
		       q->name_len - q->orig[0] - 1u);
	else
		nm->n[2][0] = 0;
	if (q->name_len + 2 <= DNS_NAME_MAX) {
		memcpy(nm->n[3], "\1X", 2);
		memcpy(nm->n[3] + 2, q->name, q->name_len);
	} else {
		nm->n[3][0] = 0;
	}
	for (int i = 0; i < 4; i++)
		check(dns_name_from_text(fixed[i], nm->n[4 + i]) > 0);
}

/* Adds the k-th record of a plan drawn from seed; remembers it if taken. */
static int add_one(struct dns_builder *b, int sec, unsigned k, unsigned seed,
		   struct names *nm, struct added *a)
{
	static const uint8_t ip6[16] = { 0xfd, [15] = 1 };
	static const char *txt[] = { "1.1.0", "" };
	const uint8_t *owner = nm->n[(k + seed) % 8];
	const uint8_t *target = nm->n[(k * 3 + seed / 8) % 8];
	uint8_t ip[4] = { 10, 96, (uint8_t)k, (uint8_t)seed };
	struct dns_soa soa = { nm->n[5], target, k, 1, 2, 3, 4 };
	uint16_t types[] = { DNS_T_A,   DNS_T_AAAA, DNS_T_CNAME, DNS_T_SRV,
			     DNS_T_PTR, DNS_T_TXT,  DNS_T_NS,    DNS_T_SOA };
	uint16_t type = types[(k + seed / 64) % ARRAY_LEN(types)];
	int rc;

	switch (type) {
	case DNS_T_A:
		rc = dns_add_a(b, sec, owner, k, ip);
		break;
	case DNS_T_AAAA:
		rc = dns_add_aaaa(b, sec, owner, k, ip6);
		break;
	case DNS_T_SRV:
		rc = dns_add_srv(b, sec, owner, k, 0, 100, 80, target);
		break;
	case DNS_T_TXT:
		rc = dns_add_txt(b, sec, owner, k, txt, 1 + k % 2);
		break;
	case DNS_T_SOA:
		rc = dns_add_soa(b, sec, owner, k, &soa);
		break;
	default:
		rc = dns_add_name_rr(b, sec, owner, type, k, target);
	}
	a->sec = (uint8_t)sec;
	a->type = type;
	a->owner = owner;
	a->target = type == DNS_T_SOA ? nm->n[5] : target;
	return rc;
}

/* The first name in RDATA, for the types that have one. */
static bool rdata_target(const uint8_t *pkt, size_t len,
			 const struct dns_rr *rr, uint8_t *out)
{
	size_t off = rr->rdoff + (rr->type == DNS_T_SRV ? 6 : 0);

	switch (rr->type) {
	case DNS_T_CNAME:
	case DNS_T_PTR:
	case DNS_T_NS:
	case DNS_T_SRV:
	case DNS_T_SOA:
		return dns_read_name(pkt, len, &off, out, NULL) > 0;
	}
	return false;
}

static void check_response(const uint8_t *pkt, size_t len, size_t max,
			   const struct dns_query *q, const struct added *a,
			   int n, bool want_tc)
{
	struct dns_header h;
	struct dns_reader r;
	struct dns_rr rr;
	uint8_t target[DNS_NAME_MAX];
	int i = 0, rc;
	bool opt = false;

	check(len <= max);
	check(dns_reader_init(&r, pkt, len, &h) == DNS_OK);
	check(h.id == q->hdr.id && (h.flags & DNS_F_QR));
	check(!!(h.flags & DNS_F_TC) == want_tc);
	check(h.qdcount == 1 && h.ancount + h.nscount + h.arcount ==
					  n + q->edns.present);
	check(!memcmp(pkt + DNS_HDR_LEN, q->q.orig, q->q.name_len));
	while ((rc = dns_reader_rr(&r, &rr)) == 1) {
		if (rr.type == DNS_T_OPT) {
			opt = true;
			continue;
		}
		check(i < n && rr.section == a[i].sec &&
		      rr.type == a[i].type &&
		      dns_name_equal(rr.name, a[i].owner));
		if (rdata_target(pkt, len, &rr, target))
			check(dns_name_equal(target, a[i].target));
		i++;
	}
	check(rc == 0 && i == n && opt == q->edns.present);
}

/* Answers q into a buffer of max bytes with a plan drawn from seed. */
static void respond(const struct dns_query *q, size_t max, unsigned seed)
{
	static uint8_t buf[DNS_MSG_MAX];
	struct added a[MAX_ADDED];
	struct dns_builder b;
	struct names nm;
	unsigned counts[3] = { seed % 48, seed / 48 % 4, seed / 192 % 40 };
	int n = 0;
	bool tc = false;
	size_t len;

	if (dns_build_response(&b, buf, max, q, 1232) != 0) {
		check(max < DNS_UDP_MIN);
		return;
	}
	make_names(&nm, &q->q);
	for (int sec = DNS_SEC_ANSWER; sec <= DNS_SEC_ADDITIONAL; sec++)
		for (unsigned k = 0; k < counts[sec - 1]; k++) {
			int rc = add_one(&b, sec, k, seed, &nm, &a[n]);

			check(rc == 0 || rc == DNS_E_FULL);
			if (rc == 0)
				n++;
			else if (sec != DNS_SEC_ADDITIONAL)
				tc = true;
		}
	dns_build_set_rcode(&b, seed % 24);
	len = dns_build_finish(&b);
	check_response(buf, len, max, q, a, n, tc);
}

static void check_query(const uint8_t *data, size_t size)
{
	struct dns_query q;
	uint8_t name[DNS_NAME_MAX];
	char text[DNS_NAME_TEXT_MAX];
	struct ipaddr addr;
	unsigned seed = size ? data[size - 1] * 257u + data[0] : 0;
	size_t sizes[] = { 12 + seed % 600, DNS_UDP_MIN, 1232, DNS_MSG_MAX, 0 };
	int rc = dns_parse_query(data, size, &q);

	check(rc == DNS_OK || rc == DNS_FORMERR || rc == DNS_DROP);
	if (rc != DNS_OK)
		return;
	check(q.has_question && q.q.name_len == dns_name_len(q.q.orig) &&
	      q.q.name_len == dns_name_len(q.q.name) &&
	      dns_name_equal(q.q.name, q.q.orig));
	memcpy(name, q.q.orig, q.q.name_len);
	dns_name_lower(name);
	check(!memcmp(name, q.q.name, q.q.name_len));
	check(dns_name_to_text(q.q.orig, text, sizeof(text)) > 0);
	check(dns_name_from_text(text, name) == q.q.name_len &&
	      !memcmp(name, q.q.orig, q.q.name_len));
	if (dns_ptr_name_addr(q.q.name, &addr))
		check(dns_ptr_name(&addr, name) == q.q.name_len &&
		      !memcmp(name, q.q.name, q.q.name_len));
	check(dns_name_in_zone(q.q.name, q.q.orig) == 0);

	sizes[4] = dns_query_udp_max(&q, 4096);
	for (size_t i = 0; i < ARRAY_LEN(sizes); i++)
		respond(&q, sizes[i], seed + (unsigned)i * 7919);
}

/* The RDATA of rr with its names written whole, into rd; its length, or
 * -1 for a type without names (copied as it is). */
static int flatten(const uint8_t *pkt, size_t len, const struct dns_rr *rr,
		   uint8_t *rd)
{
	size_t off = rr->rdoff, fixed = 0, o;
	int names = 1;

	switch (rr->type) {
	case DNS_T_NS:
	case DNS_T_CNAME:
	case DNS_T_PTR:
		break;
	case DNS_T_MX:
		fixed = 2;
		break;
	case DNS_T_SRV:
		fixed = 6;
		break;
	case DNS_T_SOA:
		names = 2;
		break;
	default:
		return -1;
	}
	memcpy(rd, pkt + off, fixed);
	off += fixed;
	o = fixed;
	while (names-- > 0)
		o += (size_t)dns_read_name(pkt, len, &off, rd + o, NULL);
	if (rr->type == DNS_T_SOA) {
		memcpy(rd + o, pkt + off, 20);
		o += 20;
	}
	return (int)o;
}

/* Copies one RR through the builder: class IN through the typed adders,
 * which compress, anything else with its names written whole. */
static int copy_rr(struct dns_builder *b, const uint8_t *pkt, size_t len,
		   const struct dns_rr *rr)
{
	uint8_t n1[DNS_NAME_MAX], n2[DNS_NAME_MAX], rd[2 * DNS_NAME_MAX + 20];
	const uint8_t *p = pkt + rr->rdoff;
	size_t off = rr->rdoff;
	struct dns_soa soa = { n1, n2, 0, 0, 0, 0, 0 };
	int k;

	if (rr->rclass == DNS_C_IN) {
		switch (rr->type) {
		case DNS_T_NS:
		case DNS_T_CNAME:
		case DNS_T_PTR:
			dns_read_name(pkt, len, &off, n1, NULL);
			return dns_add_name_rr(b, rr->section, rr->name,
					       rr->type, rr->ttl, n1);
		case DNS_T_SRV:
			off += 6;
			dns_read_name(pkt, len, &off, n1, NULL);
			return dns_add_srv(b, rr->section, rr->name, rr->ttl,
					   dns_get16(p), dns_get16(p + 2),
					   dns_get16(p + 4), n1);
		case DNS_T_SOA:
			dns_read_name(pkt, len, &off, n1, NULL);
			dns_read_name(pkt, len, &off, n2, NULL);
			soa.serial = dns_get32(pkt + off);
			soa.refresh = dns_get32(pkt + off + 4);
			soa.retry = dns_get32(pkt + off + 8);
			soa.expire = dns_get32(pkt + off + 12);
			soa.minimum = dns_get32(pkt + off + 16);
			return dns_add_soa(b, rr->section, rr->name, rr->ttl,
					   &soa);
		}
	}
	k = flatten(pkt, len, rr, rd);
	if (k >= 0)
		return dns_add_rr(b, rr->section, rr->name, rr->type,
				  rr->rclass, rr->ttl, rd, (uint16_t)k);
	return dns_add_rr(b, rr->section, rr->name, rr->type, rr->rclass,
			  rr->ttl, p, rr->rdlen);
}

static void check_copy(const uint8_t *data, size_t size)
{
	static uint8_t buf[DNS_MSG_MAX];
	struct dns_builder b;
	struct dns_reader r;
	struct dns_header h;
	struct dns_question q;
	struct dns_rr rr;
	struct buf t1 = { 0 }, t2 = { 0 };
	int rc;
	bool ok = true;

	rc = dns_msg_to_text(data, size, &t1);
	if (rc == 0) {
		dns_reader_init(&r, data, size, &h);
		dns_build_init(&b, buf, sizeof(buf), h.id, h.flags);
		while (ok && dns_reader_question(&r, &q) == 1)
			ok = !dns_build_question(&b, q.orig, q.qtype, q.qclass);
		while (ok && dns_reader_rr(&r, &rr) == 1) {
			rc = copy_rr(&b, data, size, &rr);
			check(rc == 0 || rc == DNS_E_FULL);
			ok = rc == 0;
		}
		if (ok) {
			size_t len = dns_build_finish(&b);

			check(dns_msg_to_text(buf, len, &t2) == 0);
			check(!strcasecmp(t1.p, t2.p));
		}
	}
	buf_free(&t1);
	buf_free(&t2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_query(data, size);
	check_copy(data, size);
	return 0;
}
