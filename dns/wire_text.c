/*
 * wire_text.c: a DNS message as text, one line per header, question and
 * record, for tests, `svcctl resolve` and debug logs.  Not on the
 * answering path: it appends to a growable struct buf.
 *
 * Each line starts with its section, then the record in master-file
 * order; the OPT pseudo-record becomes an "edns" line:
 *   header id=43475 opcode=0 rcode=NOERROR flags=qr,aa,rd qd=1 an=1 ns=0 ar=1
 *   question web.default.svc.cluster.local. IN A
 *   answer web.default.svc.cluster.local. 5 IN A 10.96.0.1
 *   edns udp=1232 version=0 ext-rcode=0 do=0 options=0
 * Unknown types and classes are written as RFC 3597 TYPEn / CLASSn with
 * the RDATA in hex.
 */
#include <stdio.h>
#include <string.h>

#include "dns/wire.h"
#include "lib/util.h"

static const char *section_names[] = { "question", "answer", "authority",
				       "additional" };

static void put_type(struct buf *out, uint16_t type)
{
	static const struct {
		uint16_t type;
		const char *name;
	} names[] = {
		{ DNS_T_A, "A" },     { DNS_T_NS, "NS" },     { DNS_T_CNAME, "CNAME" },
		{ DNS_T_SOA, "SOA" }, { DNS_T_PTR, "PTR" },   { DNS_T_MX, "MX" },
		{ DNS_T_TXT, "TXT" }, { DNS_T_AAAA, "AAAA" }, { DNS_T_SRV, "SRV" },
		{ DNS_T_OPT, "OPT" }, { DNS_T_IXFR, "IXFR" }, { DNS_T_AXFR, "AXFR" },
		{ DNS_T_ANY, "ANY" },
	};

	for (size_t i = 0; i < ARRAY_LEN(names); i++)
		if (names[i].type == type) {
			buf_puts(out, names[i].name);
			return;
		}
	buf_printf(out, "TYPE%u", type);
}

static void put_class(struct buf *out, uint16_t rclass)
{
	if (rclass == DNS_C_IN)
		buf_puts(out, "IN");
	else if (rclass == DNS_C_CH)
		buf_puts(out, "CH");
	else if (rclass == DNS_C_ANY)
		buf_puts(out, "ANY");
	else
		buf_printf(out, "CLASS%u", rclass);
}

static void put_rcode(struct buf *out, unsigned rcode)
{
	static const char *names[] = { "NOERROR", "FORMERR", "SERVFAIL",
				       "NXDOMAIN", "NOTIMP", "REFUSED" };

	if (rcode < ARRAY_LEN(names))
		buf_puts(out, names[rcode]);
	else
		buf_printf(out, "RCODE%u", rcode);
}

static void put_name(struct buf *out, const uint8_t *name)
{
	char text[DNS_NAME_TEXT_MAX];

	dns_name_to_text(name, text, sizeof(text));
	buf_puts(out, text);
}

/* Reads the name at off (already validated by the reader) and writes it
 * after a space. */
static size_t put_rdata_name(struct buf *out, const uint8_t *pkt,
			     size_t len, size_t off)
{
	uint8_t name[DNS_NAME_MAX];

	dns_read_name(pkt, len, &off, name, NULL);
	buf_puts(out, " ");
	put_name(out, name);
	return off;
}

static void put_txt(struct buf *out, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i += 1u + p[i]) {
		buf_puts(out, " \"");
		for (size_t j = 1; j <= p[i]; j++) {
			uint8_t c = p[i + j];

			if (c == '"' || c == '\\')
				buf_printf(out, "\\%c", c);
			else if (c < ' ' || c >= 0x7f)
				buf_printf(out, "\\%03u", c);
			else
				buf_add(out, &c, 1);
		}
		buf_puts(out, "\"");
	}
}

static void put_rdata(struct buf *out, const uint8_t *pkt, size_t len,
		      const struct dns_rr *rr)
{
	const uint8_t *p = pkt + rr->rdoff;
	struct ipaddr a = { 0 };
	char text[ADDR_STRLEN];
	size_t off = rr->rdoff;

	switch (rr->type) {
	case DNS_T_A:
	case DNS_T_AAAA:
		a.family = rr->type == DNS_T_A ? AF_INET : AF_INET6;
		memcpy(a.b, p, rr->rdlen);
		buf_printf(out, " %s", addr_format(&a, text));
		return;
	case DNS_T_NS:
	case DNS_T_CNAME:
	case DNS_T_PTR:
		put_rdata_name(out, pkt, len, off);
		return;
	case DNS_T_MX:
		buf_printf(out, " %u", dns_get16(p));
		put_rdata_name(out, pkt, len, off + 2);
		return;
	case DNS_T_SRV:
		buf_printf(out, " %u %u %u", dns_get16(p), dns_get16(p + 2),
			   dns_get16(p + 4));
		put_rdata_name(out, pkt, len, off + 6);
		return;
	case DNS_T_SOA:
		off = put_rdata_name(out, pkt, len, off);
		off = put_rdata_name(out, pkt, len, off);
		for (int i = 0; i < 5; i++)
			buf_printf(out, " %u", dns_get32(pkt + off + 4 * i));
		return;
	case DNS_T_TXT:
		put_txt(out, p, rr->rdlen);
		return;
	}
	buf_printf(out, " \\# %u ", rr->rdlen);
	for (size_t i = 0; i < rr->rdlen; i++)
		buf_printf(out, "%02x", p[i]);
}

static void put_header(struct buf *out, const struct dns_header *h)
{
	static const struct {
		uint16_t bit;
		const char *name;
	} flags[] = {
		{ DNS_F_QR, "qr" }, { DNS_F_AA, "aa" }, { DNS_F_TC, "tc" },
		{ DNS_F_RD, "rd" }, { DNS_F_RA, "ra" }, { DNS_F_AD, "ad" },
		{ DNS_F_CD, "cd" },
	};
	const char *sep = "";

	buf_printf(out, "header id=%u opcode=%u rcode=", h->id,
		   DNS_OPCODE(h->flags));
	put_rcode(out, DNS_RCODE(h->flags));
	buf_puts(out, " flags=");
	for (size_t i = 0; i < ARRAY_LEN(flags); i++)
		if (h->flags & flags[i].bit) {
			buf_printf(out, "%s%s", sep, flags[i].name);
			sep = ",";
		}
	buf_printf(out, " qd=%u an=%u ns=%u ar=%u\n", h->qdcount, h->ancount,
		   h->nscount, h->arcount);
}

static void put_rr(struct buf *out, const uint8_t *pkt, size_t len,
		   const struct dns_rr *rr)
{
	struct dns_edns e;

	if (rr->type == DNS_T_OPT) {
		dns_rr_edns(pkt, rr, &e);
		buf_printf(out, "edns udp=%u version=%u ext-rcode=%u do=%d "
			   "options=%u\n", e.udp_size, e.version, e.ext_rcode,
			   e.do_bit, e.nopts);
		return;
	}
	buf_printf(out, "%s ", section_names[rr->section]);
	put_name(out, rr->name);
	buf_printf(out, " %u ", rr->ttl);
	put_class(out, rr->rclass);
	buf_puts(out, " ");
	put_type(out, rr->type);
	put_rdata(out, pkt, len, rr);
	buf_puts(out, "\n");
}

int dns_msg_to_text(const uint8_t *pkt, size_t len, struct buf *out)
{
	struct dns_reader r;
	struct dns_header h;
	struct dns_question q;
	struct dns_rr rr;
	int rc;

	buf_puts(out, "");
	if (dns_reader_init(&r, pkt, len, &h) != DNS_OK) {
		buf_printf(out, "malformed: %zu bytes, no header\n", len);
		return -1;
	}
	put_header(out, &h);
	while ((rc = dns_reader_question(&r, &q)) == 1) {
		buf_puts(out, "question ");
		put_name(out, q.orig);
		buf_puts(out, " ");
		put_class(out, q.qclass);
		buf_puts(out, " ");
		put_type(out, q.qtype);
		buf_puts(out, "\n");
	}
	if (rc == 0)
		while ((rc = dns_reader_rr(&r, &rr)) == 1)
			put_rr(out, pkt, len, &rr);
	if (rc < 0) {
		buf_printf(out, "malformed at offset %zu\n", r.off);
		return -1;
	}
	return 0;
}
