/*
 * wire_parse.c: reading DNS messages from untrusted bytes.
 *
 * Every read is checked against the packet length before it happens; a
 * reader never looks past pkt[len - 1].  Compression pointers must point
 * strictly before the run of labels that contains them (a run starts where
 * the name starts or where the last pointer landed), so each jump goes
 * further back and decompression always ends; pointers into the header
 * are refused because no name lives there.
 *
 * The query path parses straight into the caller's struct dns_query and
 * copies only the question name (twice: as sent, and lower-cased for the
 * lookup), so parsing costs a few hundred bytes of stack and no malloc.
 */
#include <string.h>

#include "dns/wire.h"

int dns_read_name(const uint8_t *pkt, size_t len, size_t *off, uint8_t *out,
		  uint8_t *lower)
{
	size_t pos = *off, run = *off, end = 0, n = 0;

	for (;;) {
		uint8_t c;

		if (pos >= len)
			return -1;
		c = pkt[pos];
		if (c >= 0xc0) {
			size_t target;

			if (pos + 1 >= len)
				return -1;
			target = (size_t)(c & 0x3f) << 8 | pkt[pos + 1];
			if (target < DNS_HDR_LEN || target >= run)
				return -1;
			if (!end)
				end = pos + 2;
			pos = run = target;
			continue;
		}
		/* 0x40 and 0x80 are the obsolete extended label types. */
		if (c > DNS_LABEL_MAX || n + c + 1 > DNS_NAME_MAX ||
		    pos + 1 + c > len)
			return -1;
		if (out)
			memcpy(out + n, pkt + pos, c + 1u);
		if (lower) {
			lower[n] = c;
			for (size_t i = 1; i <= c; i++)
				lower[n + i] = dns_lower(pkt[pos + i]);
		}
		n += c + 1u;
		pos += c + 1u;
		if (!c)
			break;
	}
	*off = end ? end : pos;
	return (int)n;
}

int dns_reader_init(struct dns_reader *r, const uint8_t *pkt, size_t len,
		    struct dns_header *h)
{
	if (len < DNS_HDR_LEN || len > DNS_MSG_MAX)
		return DNS_DROP;
	h->id = dns_get16(pkt);
	h->flags = dns_get16(pkt + 2);
	h->qdcount = dns_get16(pkt + 4);
	h->ancount = dns_get16(pkt + 6);
	h->nscount = dns_get16(pkt + 8);
	h->arcount = dns_get16(pkt + 10);
	r->pkt = pkt;
	r->len = len;
	r->off = DNS_HDR_LEN;
	r->left[DNS_SEC_QUESTION] = h->qdcount;
	r->left[DNS_SEC_ANSWER] = h->ancount;
	r->left[DNS_SEC_AUTHORITY] = h->nscount;
	r->left[DNS_SEC_ADDITIONAL] = h->arcount;
	r->sec = DNS_SEC_QUESTION;
	r->seen_opt = false;
	return DNS_OK;
}

int dns_reader_question(struct dns_reader *r, struct dns_question *q)
{
	size_t off = r->off;
	int n;

	if (r->sec != DNS_SEC_QUESTION || !r->left[DNS_SEC_QUESTION])
		return 0;
	n = dns_read_name(r->pkt, r->len, &off, q ? q->orig : NULL,
			  q ? q->name : NULL);
	if (n < 0 || off + 4 > r->len)
		return -1;
	if (q) {
		q->name_len = (uint8_t)n;
		q->qtype = dns_get16(r->pkt + off);
		q->qclass = dns_get16(r->pkt + off + 2);
	}
	r->off = off + 4;
	r->left[DNS_SEC_QUESTION]--;
	return 1;
}

/* The names inside RDATA are read with the packet cut at the RDATA's end,
 * so a name can point back anywhere but never run past its own RR. */
static bool rdata_names(const uint8_t *pkt, size_t end, size_t off,
			size_t fixed_before, int nnames, size_t fixed_after)
{
	off += fixed_before;
	if (off > end)
		return false;
	while (nnames-- > 0)
		if (dns_read_name(pkt, end, &off, NULL, NULL) < 0)
			return false;
	return off + fixed_after == end;
}

static bool rdata_strings(const uint8_t *p, size_t n)
{
	size_t i = 0;

	if (!n)
		return false;
	while (i < n)
		i += 1u + p[i];
	return i == n;
}

static bool rdata_options(const uint8_t *p, size_t n, uint16_t *count)
{
	size_t i = 0;

	*count = 0;
	while (i + 4 <= n) {
		i += 4u + dns_get16(p + i + 2);
		(*count)++;
	}
	return i == n;
}

static bool rdata_valid(const uint8_t *pkt, size_t off, size_t n,
			uint16_t type)
{
	size_t end = off + n;
	uint16_t nopts;

	switch (type) {
	case DNS_T_A:
		return n == 4;
	case DNS_T_AAAA:
		return n == 16;
	case DNS_T_NS:
	case DNS_T_CNAME:
	case DNS_T_PTR:
		return rdata_names(pkt, end, off, 0, 1, 0);
	case DNS_T_MX:
		return rdata_names(pkt, end, off, 2, 1, 0);
	case DNS_T_SRV:
		return rdata_names(pkt, end, off, 6, 1, 0);
	case DNS_T_SOA:
		return rdata_names(pkt, end, off, 0, 2, 20);
	case DNS_T_TXT:
		return rdata_strings(pkt + off, n);
	case DNS_T_OPT:
		return rdata_options(pkt + off, n, &nopts);
	default:
		return true;
	}
}

int dns_reader_rr(struct dns_reader *r, struct dns_rr *rr)
{
	size_t off;
	int n;

	while (r->sec == DNS_SEC_QUESTION && r->left[DNS_SEC_QUESTION])
		if (dns_reader_question(r, NULL) < 0)
			return -1;
	while (r->sec <= DNS_SEC_ADDITIONAL && !r->left[r->sec])
		r->sec++;
	if (r->sec > DNS_SEC_ADDITIONAL)
		return r->off == r->len ? 0 : -1;

	off = r->off;
	n = dns_read_name(r->pkt, r->len, &off, rr->name, NULL);
	if (n < 0 || off + 10 > r->len)
		return -1;
	rr->name_len = (uint8_t)n;
	rr->section = r->sec;
	rr->type = dns_get16(r->pkt + off);
	rr->rclass = dns_get16(r->pkt + off + 2);
	rr->ttl = dns_get32(r->pkt + off + 4);
	rr->rdlen = dns_get16(r->pkt + off + 8);
	rr->rdoff = (uint32_t)(off + 10);
	if (rr->rdoff + rr->rdlen > r->len ||
	    !rdata_valid(r->pkt, rr->rdoff, rr->rdlen, rr->type))
		return -1;
	if (rr->type == DNS_T_OPT) {
		/* RFC 6891 6.1.1: one OPT, in additional, owned by the root. */
		if (r->sec != DNS_SEC_ADDITIONAL || r->seen_opt || n != 1)
			return -1;
		r->seen_opt = true;
	}
	r->off = rr->rdoff + rr->rdlen;
	r->left[r->sec]--;
	return 1;
}

void dns_rr_edns(const uint8_t *pkt, const struct dns_rr *rr,
		 struct dns_edns *e)
{
	e->present = true;
	e->udp_size = rr->rclass;
	e->ext_rcode = (uint8_t)(rr->ttl >> 24);
	e->version = (uint8_t)(rr->ttl >> 16);
	e->do_bit = rr->ttl & DNS_EDNS_DO;
	rdata_options(pkt + rr->rdoff, rr->rdlen, &e->nopts);
}

int dns_parse_query(const uint8_t *pkt, size_t len, struct dns_query *q)
{
	struct dns_reader r;
	struct dns_rr rr;
	struct dns_edns e = { 0 };
	int rc;

	q->has_question = false;
	memset(&q->edns, 0, sizeof(q->edns));
	if (dns_reader_init(&r, pkt, len, &q->hdr) != DNS_OK ||
	    (q->hdr.flags & DNS_F_QR))
		return DNS_DROP;
	/* RFC 9619: exactly one question; none leaves nothing to answer. */
	if (q->hdr.qdcount != 1)
		return DNS_FORMERR;
	if (dns_reader_question(&r, &q->q) != 1)
		return DNS_FORMERR;
	q->has_question = true;
	while ((rc = dns_reader_rr(&r, &rr)) == 1)
		if (rr.type == DNS_T_OPT)
			dns_rr_edns(pkt, &rr, &e);
	if (rc < 0)
		return DNS_FORMERR;
	q->edns = e;
	return DNS_OK;
}

size_t dns_query_udp_max(const struct dns_query *q, size_t server_max)
{
	size_t m;

	if (server_max < DNS_UDP_MIN)
		server_max = DNS_UDP_MIN;
	if (!q->edns.present)
		return DNS_UDP_MIN;
	m = q->edns.udp_size < DNS_UDP_MIN ? DNS_UDP_MIN : q->edns.udp_size;
	return m < server_max ? m : server_max;
}
