/*
 * wire_build.c: writing DNS messages into a caller's buffer.
 *
 * The builder appends RRs in section order and keeps the message well
 * formed after every call: an RR is either written whole and counted, or
 * rolled back (bytes and compression entries) as if never tried.  The OPT
 * RR is written last by dns_build_finish(), but its 11 bytes are taken off
 * the limit as soon as EDNS is on, so a truncated answer still carries it.
 *
 * Compression: every name written literally leaves one entry per label
 * (its offset and the uncompressed length of the suffix from there) in a
 * small fixed table.  A new name looks for its longest suffix among them,
 * comparing only entries of equal length and then the labels themselves,
 * case-insensitively, by walking the message (our own bytes, so trusted).
 * Only offsets below 0x4000 fit a pointer; later ones are not remembered,
 * and neither is anything past DNS_COMP_MAX entries: the message just
 * grows a little.
 */
#include <string.h>

#include "dns/wire.h"

#define PTR_MAX 0x3fff

static bool room(const struct dns_builder *b, size_t n)
{
	return n <= b->limit - b->len;
}

static int put_raw(struct dns_builder *b, const void *p, size_t n)
{
	if (!room(b, n))
		return DNS_E_FULL;
	if (n)
		memcpy(b->buf + b->len, p, n);
	b->len += n;
	return 0;
}

/* Does the name at off in the message equal s (whose length is known to
 * match)?  The message is ours, so pointers are only followed, with a hop
 * bound in case of a bug rather than a hostile packet. */
static bool comp_equal(const struct dns_builder *b, size_t off,
		       const uint8_t *s)
{
	const uint8_t *m = b->buf;

	for (int hops = 0; hops < DNS_NAME_MAX;) {
		uint8_t c = m[off];

		if (c >= 0xc0) {
			off = (size_t)(c & 0x3f) << 8 | m[off + 1];
			hops++;
			continue;
		}
		if (c != *s)
			return false;
		if (!c)
			return true;
		for (uint8_t i = 1; i <= c; i++)
			if (dns_lower(m[off + i]) != dns_lower(s[i]))
				return false;
		off += c + 1u;
		s += c + 1u;
	}
	return false;
}

static int comp_find(const struct dns_builder *b, const uint8_t *s,
		     size_t len)
{
	for (unsigned i = 0; i < b->ncomp; i++)
		if (b->comp[i].len == len && comp_equal(b, b->comp[i].off, s))
			return b->comp[i].off;
	return -1;
}

static void comp_add(struct dns_builder *b, size_t off, size_t len)
{
	if (b->ncomp < DNS_COMP_MAX && off <= PTR_MAX) {
		b->comp[b->ncomp].off = (uint16_t)off;
		b->comp[b->ncomp].len = (uint8_t)len;
		b->ncomp++;
	}
}

/* Writes name, as a pointer to the longest suffix already in the message
 * when compress is set, and remembers its literal labels either way. */
static int put_name(struct dns_builder *b, const uint8_t *name,
		    bool compress)
{
	uint8_t loff[DNS_NAME_MAX / 2 + 1];
	size_t nl = 0, total, lit, need, start = b->len;
	int ptr = -1;

	for (size_t n = 0; name[n]; n += name[n] + 1u)
		loff[nl++] = (uint8_t)n;
	total = nl ? loff[nl - 1] + name[loff[nl - 1]] + 2u : 1;
	lit = total - 1;
	for (size_t i = 0; compress && i < nl && ptr < 0; i++) {
		ptr = comp_find(b, name + loff[i], total - loff[i]);
		if (ptr >= 0)
			lit = loff[i];
	}
	need = lit + (ptr >= 0 ? 2 : 1);
	if (!room(b, need))
		return DNS_E_FULL;
	memcpy(b->buf + start, name, lit);
	if (ptr >= 0)
		dns_put16(b->buf + start + lit, (uint16_t)(0xc000 | ptr));
	else
		b->buf[start + lit] = 0;
	for (size_t i = 0; i < nl && loff[i] < lit; i++)
		comp_add(b, start + loff[i], total - loff[i]);
	b->len += need;
	return 0;
}

int dns_build_init(struct dns_builder *b, uint8_t *buf, size_t max,
		   uint16_t id, uint16_t flags)
{
	if (max < DNS_HDR_LEN)
		return DNS_E_FULL;
	if (max > DNS_MSG_MAX)
		max = DNS_MSG_MAX;
	b->buf = buf;
	b->max = b->limit = max;
	b->len = DNS_HDR_LEN;
	b->id = id;
	b->flags = flags & ~0xf;
	b->rcode = flags & 0xf;
	memset(b->count, 0, sizeof(b->count));
	b->sec = DNS_SEC_QUESTION;
	b->full = b->tc = b->finished = false;
	b->edns = b->edns_do = false;
	b->edns_size = 0;
	b->ncomp = 0;
	return 0;
}

int dns_build_question(struct dns_builder *b, const uint8_t *name,
		       uint16_t qtype, uint16_t qclass)
{
	size_t start = b->len;
	uint8_t ncomp = b->ncomp;
	uint8_t tail[4];

	if (b->finished || b->sec != DNS_SEC_QUESTION)
		return DNS_E_ORDER;
	if (b->full)
		return DNS_E_FULL;
	dns_put16(tail, qtype);
	dns_put16(tail + 2, qclass);
	if (put_name(b, name, true) || put_raw(b, tail, 4)) {
		b->len = start;
		b->ncomp = ncomp;
		b->full = true;
		return DNS_E_FULL;
	}
	b->count[DNS_SEC_QUESTION]++;
	return 0;
}

int dns_build_edns(struct dns_builder *b, uint16_t udp_size, bool do_bit)
{
	if (b->finished || b->edns || b->sec != DNS_SEC_QUESTION)
		return DNS_E_ORDER;
	if (!room(b, DNS_OPT_LEN))
		return DNS_E_FULL;
	b->limit -= DNS_OPT_LEN;
	b->edns = true;
	b->edns_do = do_bit;
	b->edns_size = udp_size;
	return 0;
}

int dns_build_response(struct dns_builder *b, uint8_t *buf, size_t max,
		       const struct dns_query *q, uint16_t udp_size)
{
	uint16_t keep = 0x7800 | DNS_F_RD | DNS_F_CD; /* opcode, RD, CD */
	int rc;

	rc = dns_build_init(b, buf, max, q->hdr.id,
			    DNS_F_QR | (q->hdr.flags & keep));
	if (!rc && q->has_question)
		rc = dns_build_question(b, q->q.orig, q->q.qtype,
					q->q.qclass);
	if (!rc && q->edns.present)
		rc = dns_build_edns(b, udp_size, q->edns.do_bit);
	return rc;
}

void dns_build_set_flags(struct dns_builder *b, uint16_t flags)
{
	b->flags |= flags & ~0xf;
}

void dns_build_set_rcode(struct dns_builder *b, uint16_t rcode)
{
	b->rcode = rcode & 0xfff;
}

size_t dns_build_finish(struct dns_builder *b)
{
	uint8_t *h = b->buf;

	if (b->finished)
		return b->len;
	if (b->edns) {
		uint8_t *o = b->buf + b->len;

		o[0] = 0;
		dns_put16(o + 1, DNS_T_OPT);
		dns_put16(o + 3, b->edns_size);
		dns_put32(o + 5, (uint32_t)(b->rcode >> 4) << 24 |
					 (b->edns_do ? DNS_EDNS_DO : 0));
		dns_put16(o + 9, 0);
		b->len += DNS_OPT_LEN;
		b->count[DNS_SEC_ADDITIONAL]++;
	}
	dns_put16(h, b->id);
	dns_put16(h + 2, (uint16_t)(b->flags | (b->tc ? DNS_F_TC : 0) |
				    (b->rcode & 0xf)));
	for (int i = 0; i < 4; i++)
		dns_put16(h + 4 + 2 * i, b->count[i]);
	b->finished = true;
	return b->len;
}

/* One RR in progress: where it started, for the rollback. */
struct rr_mark {
	bool active;
	int sec;
	size_t start, rdlen_at;
	uint8_t ncomp;
};

static int rr_start(struct dns_builder *b, struct rr_mark *m, int sec,
		    const uint8_t *owner, uint16_t type, uint16_t rclass,
		    uint32_t ttl)
{
	uint8_t fixed[10];
	int rc;

	m->active = false;
	if (b->finished || sec < DNS_SEC_ANSWER || sec > DNS_SEC_ADDITIONAL ||
	    sec < b->sec)
		return DNS_E_ORDER;
	if (b->full)
		return DNS_E_FULL;
	m->active = true;
	m->sec = sec;
	m->start = b->len;
	m->ncomp = b->ncomp;
	dns_put16(fixed, type);
	dns_put16(fixed + 2, rclass);
	dns_put32(fixed + 4, ttl);
	dns_put16(fixed + 8, 0);
	rc = put_name(b, owner, true);
	if (!rc)
		rc = put_raw(b, fixed, sizeof(fixed));
	m->rdlen_at = b->len - 2;
	return rc;
}

/* Ends the RR: counted and its RDATA length set, or undone if rc says
 * something did not fit. */
static int rr_end(struct dns_builder *b, const struct rr_mark *m, int rc)
{
	if (!m->active)
		return rc;
	if (rc) {
		b->len = m->start;
		b->ncomp = m->ncomp;
		b->full = true;
		if (m->sec != DNS_SEC_ADDITIONAL)
			b->tc = true;
		return DNS_E_FULL;
	}
	dns_put16(b->buf + m->rdlen_at, (uint16_t)(b->len - m->rdlen_at - 2));
	b->sec = (uint8_t)m->sec;
	b->count[m->sec]++;
	return 0;
}

int dns_add_rr(struct dns_builder *b, int sec, const uint8_t *owner,
	       uint16_t type, uint16_t rclass, uint32_t ttl,
	       const void *rdata, uint16_t rdlen)
{
	struct rr_mark m;
	int rc = rr_start(b, &m, sec, owner, type, rclass, ttl);

	if (!rc)
		rc = put_raw(b, rdata, rdlen);
	return rr_end(b, &m, rc);
}

int dns_add_a(struct dns_builder *b, int sec, const uint8_t *owner,
	      uint32_t ttl, const uint8_t addr[4])
{
	return dns_add_rr(b, sec, owner, DNS_T_A, DNS_C_IN, ttl, addr, 4);
}

int dns_add_aaaa(struct dns_builder *b, int sec, const uint8_t *owner,
		 uint32_t ttl, const uint8_t addr[16])
{
	return dns_add_rr(b, sec, owner, DNS_T_AAAA, DNS_C_IN, ttl, addr, 16);
}

int dns_add_name_rr(struct dns_builder *b, int sec, const uint8_t *owner,
		    uint16_t type, uint32_t ttl, const uint8_t *target)
{
	struct rr_mark m;
	int rc;

	/* RFC 3597 4: only the RFC 1035 types may be compressed in RDATA. */
	if (type != DNS_T_CNAME && type != DNS_T_NS && type != DNS_T_PTR)
		return DNS_E_INVAL;
	rc = rr_start(b, &m, sec, owner, type, DNS_C_IN, ttl);
	if (!rc)
		rc = put_name(b, target, true);
	return rr_end(b, &m, rc);
}

int dns_add_srv(struct dns_builder *b, int sec, const uint8_t *owner,
		uint32_t ttl, uint16_t prio, uint16_t weight, uint16_t port,
		const uint8_t *target)
{
	struct rr_mark m;
	uint8_t fixed[6];
	int rc;

	dns_put16(fixed, prio);
	dns_put16(fixed + 2, weight);
	dns_put16(fixed + 4, port);
	rc = rr_start(b, &m, sec, owner, DNS_T_SRV, DNS_C_IN, ttl);
	if (!rc)
		rc = put_raw(b, fixed, sizeof(fixed));
	if (!rc)
		rc = put_name(b, target, false);
	return rr_end(b, &m, rc);
}

int dns_add_txt(struct dns_builder *b, int sec, const uint8_t *owner,
		uint32_t ttl, const char *const *strs, size_t n)
{
	struct rr_mark m;
	size_t total = 0;
	int rc;

	for (size_t i = 0; i < n; i++) {
		if (strlen(strs[i]) > 255)
			return DNS_E_INVAL;
		total += 1 + strlen(strs[i]);
	}
	if (!n || total > UINT16_MAX)
		return DNS_E_INVAL;
	rc = rr_start(b, &m, sec, owner, DNS_T_TXT, DNS_C_IN, ttl);
	for (size_t i = 0; !rc && i < n; i++) {
		uint8_t len = (uint8_t)strlen(strs[i]);

		rc = put_raw(b, &len, 1);
		if (!rc)
			rc = put_raw(b, strs[i], len);
	}
	return rr_end(b, &m, rc);
}

int dns_add_soa(struct dns_builder *b, int sec, const uint8_t *owner,
		uint32_t ttl, const struct dns_soa *soa)
{
	struct rr_mark m;
	uint8_t fixed[20];
	int rc;

	dns_put32(fixed, soa->serial);
	dns_put32(fixed + 4, soa->refresh);
	dns_put32(fixed + 8, soa->retry);
	dns_put32(fixed + 12, soa->expire);
	dns_put32(fixed + 16, soa->minimum);
	rc = rr_start(b, &m, sec, owner, DNS_T_SOA, DNS_C_IN, ttl);
	if (!rc)
		rc = put_name(b, soa->mname, true);
	if (!rc)
		rc = put_name(b, soa->rname, true);
	if (!rc)
		rc = put_raw(b, fixed, sizeof(fixed));
	return rr_end(b, &m, rc);
}
