/*
 * test_dns_wire.c: the DNS wire format alone, as a server and a client
 * see it: real dig queries parsed, responses built byte for byte (the
 * question echoed in the client's case, compression pointers, OPT),
 * truncation with consistent counts, EDNS sizes, a table of malformed
 * packets, name and reverse-name helpers, and, when dig is installed, dig
 * itself querying a tiny server made of this library.
 *
 * Every packet under test sits in a buffer of exactly its size, so
 * AddressSanitizer catches a read past its end.
 */
#include "dns/wire.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/util.h"
#include "tests/unit/check.h"

/* Captured from dig 9.18 (`dig @127.0.0.1 -p PORT ...`). */
/* web.default.svc.cluster.local A +edns=0 +bufsize=1232 (cookie option) */
static const char dig_cookie[] =
	"a5d3 0120 0001 0000 0000 0001"
	"03776562 0764656661756c74 03737663 07636c7573746572 056c6f63616c 00"
	"0001 0001"
	"00 0029 04d0 00000000 000c 000a 0008 3b2a031edf8f53ed";
/* web.default.svc.cluster.local A +noedns */
static const char dig_noedns[] =
	"efaf 0120 0001 0000 0000 0000"
	"03776562 0764656661756c74 03737663 07636c7573746572 056c6f63616c 00"
	"0001 0001";
/* WeB.Default.SVC.cluster.local AAAA +nocookie */
static const char dig_mixed[] =
	"0257 0120 0001 0000 0000 0001"
	"03576542 0744656661756c74 03535643 07636c7573746572 056c6f63616c 00"
	"001c 0001"
	"00 0029 04d0 00000000 0000";
/* _http._tcp.web.default.svc.cluster.local SRV +dnssec +bufsize=4096 */
static const char dig_srv_do[] =
	"c88f 0120 0001 0000 0000 0001"
	"055f68747470 045f746370"
	"03776562 0764656661756c74 03737663 07636c7573746572 056c6f63616c 00"
	"0021 0001"
	"00 0029 1000 00008000 0000";

/* Hex (spaces ignored) to a malloc'd buffer of exactly the packet size. */
static uint8_t *unhex(const char *s, size_t *len)
{
	uint8_t *p = xmalloc(strlen(s) / 2 + 1);
	size_t n = 0;
	int hi = -1;

	for (; *s; s++) {
		int v;

		if (*s == ' ')
			continue;
		v = *s <= '9' ? *s - '0' : (*s | 0x20) - 'a' + 10;
		if (hi < 0) {
			hi = v;
		} else {
			p[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	*len = n;
	return xrealloc(p, n ? n : 1);
}

static const uint8_t *wname(const char *text)
{
	static uint8_t names[8][DNS_NAME_MAX];
	static int next;
	uint8_t *n = names[next++ % 8];

	if (dns_name_from_text(text, n) < 0)
		abort();
	return n;
}

/* The message as text, or "malformed..." lines; caller frees. */
static char *text(const uint8_t *pkt, size_t len)
{
	struct buf b = { 0 };

	dns_msg_to_text(pkt, len, &b);
	return buf_take(&b);
}

#define CHECK_MSG(pkt, len, want)                  \
	do {                                       \
		char *t_ = text(pkt, len);         \
		CHECK_STR(t_, want);               \
		free(t_);                          \
	} while (0)

static int parse_hex(const char *hex, struct dns_query *q)
{
	size_t len;
	uint8_t *p = unhex(hex, &len);
	int rc = dns_parse_query(p, len, q);

	free(p);
	return rc;
}

static void test_dig_queries(void)
{
	struct dns_query q;
	char t[DNS_NAME_TEXT_MAX];

	CHECK_INT(parse_hex(dig_cookie, &q), DNS_OK);
	CHECK_INT(q.hdr.id, 0xa5d3);
	CHECK_INT(q.hdr.flags, DNS_F_RD | DNS_F_AD);
	CHECK(q.has_question);
	CHECK_INT(q.q.qtype, DNS_T_A);
	CHECK_INT(q.q.qclass, DNS_C_IN);
	CHECK_INT(q.q.name_len, 31);
	CHECK(dns_name_to_text(q.q.name, t, sizeof(t)) == 30);
	CHECK_STR(t, "web.default.svc.cluster.local.");
	CHECK(q.edns.present);
	CHECK_INT(q.edns.udp_size, 1232);
	CHECK_INT(q.edns.version, 0);
	CHECK(!q.edns.do_bit);
	CHECK_INT(q.edns.nopts, 1);

	CHECK_INT(parse_hex(dig_noedns, &q), DNS_OK);
	CHECK(!q.edns.present);
	CHECK_INT(dns_query_udp_max(&q, 4096), 512);

	CHECK_INT(parse_hex(dig_mixed, &q), DNS_OK);
	CHECK_INT(q.q.qtype, DNS_T_AAAA);
	dns_name_to_text(q.q.orig, t, sizeof(t));
	CHECK_STR(t, "WeB.Default.SVC.cluster.local.");
	dns_name_to_text(q.q.name, t, sizeof(t));
	CHECK_STR(t, "web.default.svc.cluster.local.");
	CHECK_INT(q.edns.nopts, 0);

	CHECK_INT(parse_hex(dig_srv_do, &q), DNS_OK);
	CHECK_INT(q.q.qtype, DNS_T_SRV);
	CHECK(q.edns.do_bit);
	CHECK_INT(q.edns.udp_size, 4096);
	CHECK_INT(dns_query_udp_max(&q, 1232), 1232);
	CHECK_INT(dns_query_udp_max(&q, 65535), 4096);
}

/* The answer to dig's first query, every byte predicted by hand. */
static void test_simple_response(void)
{
	static const uint8_t ip[4] = { 10, 96, 0, 1 };
	struct dns_query q;
	struct dns_builder b;
	uint8_t buf[512];
	size_t len, wlen;
	uint8_t *want;

	CHECK_INT(parse_hex(dig_cookie, &q), DNS_OK);
	CHECK_INT(dns_build_response(&b, buf, dns_query_udp_max(&q, 1232), &q,
				     1232), 0);
	dns_build_set_flags(&b, DNS_F_AA);
	CHECK_INT(dns_add_a(&b, DNS_SEC_ANSWER, q.q.name, 5, ip), 0);
	len = dns_build_finish(&b);
	want = unhex("a5d3 8500 0001 0001 0000 0001"
		     "03776562 0764656661756c74 03737663 07636c7573746572"
		     " 056c6f63616c 00 0001 0001"
		     "c00c 0001 0001 00000005 0004 0a600001"
		     "00 0029 04d0 00000000 0000", &wlen);
	CHECK_INT(len, wlen);
	CHECK(len == wlen && !memcmp(buf, want, len));
	free(want);
}

/* Several names sharing suffixes: every pointer predicted by hand. */
static void test_compression(void)
{
	static const uint8_t ip[4] = { 10, 96, 0, 1 }, ns_ip[4] = { 10, 96, 0, 10 };
	static const uint8_t ip6[16] = { 0xfd, 0, [15] = 1 };
	struct dns_query q;
	struct dns_builder b;
	uint8_t buf[512];
	size_t len, wlen;
	uint8_t *want;

	CHECK_INT(parse_hex(dig_srv_do, &q), DNS_OK);
	dns_build_response(&b, buf, sizeof(buf), &q, 1232);
	dns_build_set_flags(&b, DNS_F_AA);
	CHECK_INT(dns_add_srv(&b, DNS_SEC_ANSWER, q.q.name, 5, 0, 100, 80,
			      wname("web.default.svc.cluster.local")), 0);
	CHECK_INT(dns_add_name_rr(&b, DNS_SEC_AUTHORITY, wname("cluster.local"),
				  DNS_T_NS, 5, wname("ns.dns.cluster.local")), 0);
	CHECK_INT(dns_add_a(&b, DNS_SEC_ADDITIONAL,
			    wname("WEB.default.svc.cluster.local"), 5, ip), 0);
	CHECK_INT(dns_add_a(&b, DNS_SEC_ADDITIONAL,
			    wname("ns.dns.cluster.local"), 5, ns_ip), 0);
	CHECK_INT(dns_add_aaaa(&b, DNS_SEC_ADDITIONAL,
			       wname("web.default.svc.cluster.local"), 5, ip6), 0);
	len = dns_build_finish(&b);
	want = unhex(
		"c88f 8500 0001 0001 0001 0004"
		/* 12: the question, in full */
		"055f68747470 045f746370 03776562 0764656661756c74 03737663"
		" 07636c7573746572 056c6f63616c 00 0021 0001"
		/* 58: SRV owned by the question; its target never compressed */
		"c00c 0021 0001 00000005 0025 0000 0064 0050"
		" 03776562 0764656661756c74 03737663 07636c7573746572"
		" 056c6f63616c 00"
		/* 107: NS at cluster.local (offset 39 in the question) */
		"c027 0002 0001 00000005 0009 026e73 03646e73 c027"
		/* 128: A at web... = the question's suffix at 23, any case */
		"c017 0001 0001 00000005 0004 0a600001"
		/* 144: A at ns.dns.cluster.local, the NS target at 119 */
		"c077 0001 0001 00000005 0004 0a60000a"
		"c017 001c 0001 00000005 0010 fd000000000000000000000000000001"
		/* 188: OPT with DO echoed */
		"00 0029 04d0 00008000 0000", &wlen);
	CHECK_INT(len, wlen);
	CHECK(len == wlen && !memcmp(buf, want, len));
	free(want);
	CHECK_MSG(buf, len,
		  "header id=51343 opcode=0 rcode=NOERROR flags=qr,aa,rd qd=1 an=1 ns=1 ar=4\n"
		  "question _http._tcp.web.default.svc.cluster.local. IN SRV\n"
		  "answer _http._tcp.web.default.svc.cluster.local. 5 IN SRV 0 100 80 web.default.svc.cluster.local.\n"
		  "authority cluster.local. 5 IN NS ns.dns.cluster.local.\n"
		  "additional web.default.svc.cluster.local. 5 IN A 10.96.0.1\n"
		  "additional ns.dns.cluster.local. 5 IN A 10.96.0.10\n"
		  "additional web.default.svc.cluster.local. 5 IN AAAA fd00::1\n"
		  "edns udp=1232 version=0 ext-rcode=0 do=1 options=0\n");
}

/* The question keeps the client's case, answers point at it, and a later
 * name matches an earlier one whatever the case of either. */
static void test_mixed_case(void)
{
	static const uint8_t ip[4] = { 93, 184, 216, 34 };
	struct dns_builder b;
	struct dns_query q;
	uint8_t qbuf[512], buf[512];
	size_t qlen, len, wlen;
	uint8_t *want;

	dns_build_init(&b, qbuf, sizeof(qbuf), 0x1234, DNS_F_RD);
	dns_build_question(&b, wname("Ext.Default.svc.cluster.local"),
			   DNS_T_A, DNS_C_IN);
	qlen = dns_build_finish(&b);
	CHECK_INT(dns_parse_query(qbuf, qlen, &q), DNS_OK);
	dns_build_response(&b, buf, sizeof(buf), &q, 1232);
	dns_build_set_flags(&b, DNS_F_AA | DNS_F_RA);
	CHECK_INT(dns_add_name_rr(&b, DNS_SEC_ANSWER, q.q.name, DNS_T_CNAME, 5,
				  wname("Example.COM")), 0);
	CHECK_INT(dns_add_a(&b, DNS_SEC_ANSWER, wname("example.com"), 60, ip),
		  0);
	len = dns_build_finish(&b);
	want = unhex("1234 8580 0001 0002 0000 0000"
		     "03457874 0744656661756c74 03737663 07636c7573746572"
		     " 056c6f63616c 00 0001 0001"
		     "c00c 0005 0001 00000005 000d 074578616d706c65 03434f4d 00"
		     "c03b 0001 0001 0000003c 0004 5db8d822", &wlen);
	CHECK_INT(len, wlen);
	CHECK(len == wlen && !memcmp(buf, want, len));
	free(want);
	CHECK_MSG(buf, len,
		  "header id=4660 opcode=0 rcode=NOERROR flags=qr,aa,rd,ra qd=1 an=2 ns=0 ar=0\n"
		  "question Ext.Default.svc.cluster.local. IN A\n"
		  "answer Ext.Default.svc.cluster.local. 5 IN CNAME Example.COM.\n"
		  "answer Example.COM. 60 IN A 93.184.216.34\n");
}

/* Every record kind built, then read back by the strict reader. */
static void test_round_trip(void)
{
	static const char *txt[] = { "1.1.0", "a \"quoted\" \\ string" };
	struct dns_soa soa = { wname("ns.dns.cluster.local"),
			       wname("hostmaster.cluster.local"),
			       1700000000, 7200, 1800, 86400, 5 };
	struct ipaddr a;
	uint8_t ptr[DNS_NAME_MAX];
	struct dns_builder b;
	struct dns_query q;
	uint8_t qbuf[512], buf[DNS_MSG_MAX];
	size_t qlen, len;

	dns_build_init(&b, qbuf, sizeof(qbuf), 7, DNS_F_RD);
	dns_build_question(&b, wname("dns-version.cluster.local"), DNS_T_TXT,
			   DNS_C_IN);
	dns_build_edns(&b, 100, false);
	qlen = dns_build_finish(&b);
	CHECK_INT(dns_parse_query(qbuf, qlen, &q), DNS_OK);
	CHECK_INT(q.edns.udp_size, 100);
	CHECK_INT(dns_query_udp_max(&q, 1232), 512); /* < 512 is 512 */

	addr_parse("fd00::a", &a);
	dns_ptr_name(&a, ptr);
	dns_build_response(&b, buf, DNS_MSG_MAX, &q, 1232);
	CHECK_INT(dns_add_txt(&b, DNS_SEC_ANSWER, q.q.name, 5, txt, 2), 0);
	CHECK_INT(dns_add_name_rr(&b, DNS_SEC_ANSWER, ptr, DNS_T_PTR, 5,
				  wname("web.default.svc.cluster.local")), 0);
	CHECK_INT(dns_add_soa(&b, DNS_SEC_AUTHORITY, wname("cluster.local"), 5,
			      &soa), 0);
	CHECK_INT(dns_add_rr(&b, DNS_SEC_ADDITIONAL, wname("x.cluster.local"),
			     99, DNS_C_CH, 0, "\x01\x02", 2), 0);
	dns_build_set_rcode(&b, DNS_R_BADVERS);
	len = dns_build_finish(&b);
	CHECK_INT(dns_build_finish(&b), len);
	CHECK_MSG(buf, len,
		  "header id=7 opcode=0 rcode=NOERROR flags=qr,rd qd=1 an=2 ns=1 ar=2\n"
		  "question dns-version.cluster.local. IN TXT\n"
		  "answer dns-version.cluster.local. 5 IN TXT \"1.1.0\" \"a \\\"quoted\\\" \\\\ string\"\n"
		  "answer a.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa. 5 IN PTR web.default.svc.cluster.local.\n"
		  "authority cluster.local. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1700000000 7200 1800 86400 5\n"
		  "additional x.cluster.local. 0 CH TYPE99 \\# 2 0102\n"
		  "edns udp=1232 version=0 ext-rcode=1 do=0 options=0\n");
	/* Everything written once the builder is done is refused. */
	CHECK_INT(dns_add_a(&b, DNS_SEC_ADDITIONAL, q.q.name, 5,
			    (const uint8_t *)"abcd"), DNS_E_ORDER);
}

static void test_builder_errors(void)
{
	char big[300];
	const char *strs[] = { big };
	struct dns_builder b;
	uint8_t buf[512];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	CHECK_INT(dns_build_init(&b, buf, 11, 1, 0), DNS_E_FULL);
	dns_build_init(&b, buf, sizeof(buf), 1, 0);
	CHECK_INT(dns_add_txt(&b, DNS_SEC_ANSWER, wname("a"), 5, strs, 1),
		  DNS_E_INVAL);
	CHECK_INT(dns_add_name_rr(&b, DNS_SEC_ANSWER, wname("a"), DNS_T_A, 5,
				  wname("b")), DNS_E_INVAL);
	CHECK_INT(dns_add_a(&b, DNS_SEC_QUESTION, wname("a"), 5,
			    (const uint8_t *)"abcd"), DNS_E_ORDER);
	CHECK_INT(dns_add_a(&b, DNS_SEC_AUTHORITY, wname("a"), 5,
			    (const uint8_t *)"abcd"), 0);
	CHECK_INT(dns_add_a(&b, DNS_SEC_ANSWER, wname("a"), 5,
			    (const uint8_t *)"abcd"), DNS_E_ORDER);
	CHECK_INT(dns_build_question(&b, wname("a"), 1, 1), DNS_E_ORDER);
	CHECK_INT(dns_build_edns(&b, 1232, false), DNS_E_ORDER);
}

/* n A records for one headless name into a buffer of max bytes. */
static size_t build_many(uint8_t *buf, size_t max, bool edns, int n,
			 int sec, int *added, int *last_rc)
{
	struct dns_builder b;
	struct dns_query q;
	uint8_t qbuf[512];
	size_t qlen;

	dns_build_init(&b, qbuf, sizeof(qbuf), 99, DNS_F_RD);
	dns_build_question(&b, wname("db.default.svc.cluster.local"), DNS_T_A,
			   DNS_C_IN);
	if (edns)
		dns_build_edns(&b, 512, false);
	qlen = dns_build_finish(&b);
	if (dns_parse_query(qbuf, qlen, &q) != DNS_OK)
		abort();
	dns_build_response(&b, buf, max, &q, 1232);
	*added = 0;
	*last_rc = 0;
	for (int i = 0; i < n; i++) {
		uint8_t ip[4] = { 10, 1, (uint8_t)(i >> 8), (uint8_t)i };

		*last_rc = dns_add_a(&b, sec, q.q.name, 5, ip);
		if (*last_rc == 0)
			++*added;
	}
	return dns_build_finish(&b);
}

static void check_header(const uint8_t *p, size_t len, bool tc, int an,
			 int ar)
{
	struct dns_header h;
	struct dns_reader r;
	struct dns_rr rr;
	int n = 0, rc;

	CHECK_INT(dns_reader_init(&r, p, len, &h), DNS_OK);
	CHECK_INT(!!(h.flags & DNS_F_TC), tc);
	CHECK_INT(h.ancount, an);
	CHECK_INT(h.arcount, ar);
	while ((rc = dns_reader_rr(&r, &rr)) == 1)
		n++;
	CHECK_INT(rc, 0);
	CHECK_INT(n, an + ar);
}

static void test_truncation(void)
{
	uint8_t buf[DNS_MSG_MAX];
	size_t len;
	int added, rc;

	/* 12 + 34 question bytes, 16 per A: 28 fit under 512 - 11. */
	len = build_many(buf, 512, true, 100, DNS_SEC_ANSWER, &added, &rc);
	CHECK_INT(added, 28);
	CHECK_INT(rc, DNS_E_FULL);
	CHECK_INT(len, 46 + 28 * 16 + 11);
	check_header(buf, len, true, 28, 1);
	CHECK(buf[len - 11] == 0 && dns_get16(buf + len - 10) == DNS_T_OPT);

	/* Without EDNS the whole 512 is for RRs, and there is no OPT. */
	len = build_many(buf, 512, false, 100, DNS_SEC_ANSWER, &added, &rc);
	CHECK_INT(added, 29);
	CHECK_INT(len, 46 + 29 * 16);
	check_header(buf, len, true, 29, 0);

	/* Extra records that do not fit are left out without TC. */
	len = build_many(buf, 512, true, 100, DNS_SEC_ADDITIONAL, &added, &rc);
	CHECK_INT(added, 28);
	check_header(buf, len, false, 0, 29);

	/* TCP: everything fits. */
	len = build_many(buf, DNS_MSG_MAX, true, 1000, DNS_SEC_ANSWER, &added,
			 &rc);
	CHECK_INT(added, 1000);
	check_header(buf, len, false, 1000, 1);

	/* At the exact boundary: 28 fit, the 29th is dropped. */
	len = build_many(buf, 46 + 28 * 16 + 11, true, 28, DNS_SEC_ANSWER,
			 &added, &rc);
	CHECK_INT(added, 28);
	check_header(buf, len, false, 28, 1);
}

/* A FORMERR answer to a packet whose question could not be read. */
static void test_formerr_response(void)
{
	struct dns_builder b;
	struct dns_query q;
	uint8_t buf[512];
	size_t len;

	CHECK_INT(parse_hex("beef 0100 0001 0000 0000 0000 05 6162", &q),
		  DNS_FORMERR);
	CHECK(!q.has_question);
	dns_build_response(&b, buf, sizeof(buf), &q, 1232);
	dns_build_set_rcode(&b, DNS_R_FORMERR);
	len = dns_build_finish(&b);
	CHECK_MSG(buf, len,
		  "header id=48879 opcode=0 rcode=FORMERR flags=qr,rd qd=0 an=0 ns=0 ar=0\n");

	/* Trailing garbage: the question is read and echoed. */
	CHECK_INT(parse_hex("beef 2900 0001 0000 0000 0000 0161 00 0001 0001 ff",
			    &q), DNS_FORMERR);
	CHECK(q.has_question);
	CHECK_INT(DNS_OPCODE(q.hdr.flags), DNS_OP_UPDATE);
}


#define H "abcd 0100 0001 0000 0000 0000 "
#define H_AN1 "abcd 0100 0001 0001 0000 0000 "
#define H_AR1 "abcd 0100 0001 0000 0000 0001 "
#define Q "0161 00 0001 0001 " /* a. IN A, offsets 12 to 18 */
#define OPT "00 0029 04d0 00000000 0000 "
#define A63 "6161616161616161616161616161616161616161616161616161616161616161" \
	    "61616161616161616161616161616161616161616161616161616161616161"

static const struct {
	const char *hex;
	int want;
	const char *why;
} packets[] = {
	{ "", DNS_DROP, "empty" },
	{ "abcd 0100 0001 0000 0000 00", DNS_DROP, "11 bytes: no header" },
	{ "abcd 8100 0001 0000 0000 0000 " Q, DNS_DROP, "a response (QR=1)" },
	{ "abcd 0100 0000 0000 0000 0000", DNS_FORMERR, "no question" },
	{ "abcd 0100 0002 0000 0000 0000 " Q Q, DNS_FORMERR, "two questions" },
	{ H, DNS_FORMERR, "QDCOUNT 1, no question" },
	{ H "05 6162", DNS_FORMERR, "label cut short" },
	{ H "03 616263", DNS_FORMERR, "no root label" },
	{ H "0161 00 0001", DNS_FORMERR, "QCLASS missing" },
	{ H "40 " A63 "61 00 0001 0001", DNS_FORMERR, "label of 64" },
	{ H "80 61 00 0001 0001", DNS_FORMERR, "label type 0x80" },
	{ H "c00c 0001 0001", DNS_FORMERR, "pointer to itself" },
	{ H "c002 0001 0001", DNS_FORMERR, "pointer into the header" },
	{ H "0161 c013 0001 0001 00", DNS_FORMERR, "forward pointer" },
	{ H "0161 c0", DNS_FORMERR, "pointer cut short" },
	{ H_AN1 Q "0162 c013 0001 0001 00000005 0004 01020304", DNS_FORMERR,
	  "label, then a pointer back to its own start" },
	{ H_AN1 Q "c015 c013 0001 0001 00000005 0004 01020304", DNS_FORMERR,
	  "two pointers pointing at each other" },
	{ H_AN1 Q "c000 0001 0001 00000005 0004 01020304", DNS_FORMERR,
	  "owner pointing at offset 0" },
	{ H_AN1 Q "4161 00 0001 0001 00000005 0004 01020304", DNS_FORMERR,
	  "label type 0x40 in an owner" },
	{ "abcd 0100 0001 0000 0000 0002 " Q OPT OPT, DNS_FORMERR, "two OPT" },
	{ H_AN1 Q OPT, DNS_FORMERR, "OPT in the answer section" },
	{ "abcd 0100 0001 0000 0001 0000 " Q OPT, DNS_FORMERR,
	  "OPT in the authority section" },
	{ H_AR1 Q "0161 00 0029 04d0 00000000 0000", DNS_FORMERR,
	  "OPT owned by a." },
	{ H_AR1 Q "00 0029 04d0 00000000 0008 000a 0004", DNS_FORMERR,
	  "OPT RDATA past the end" },
	{ H_AR1 Q "00 0029 04d0 00000000 0006 000a 0004 0102", DNS_FORMERR,
	  "option longer than the OPT RDATA" },
	{ H_AR1 Q "00 0029 04d0 00000000 0003 000a 00", DNS_FORMERR,
	  "option header cut short" },
	{ H Q "ff", DNS_FORMERR, "a byte after the last RR" },
	{ H_AR1 Q, DNS_FORMERR, "ARCOUNT 1, no RR" },
	{ "abcd 0100 0001 ffff 0000 0000 " Q, DNS_FORMERR,
	  "ANCOUNT 65535, no RR" },
	{ H_AN1 Q "c00c 0001 0001 0000", DNS_FORMERR, "RR header cut short" },
	{ H_AN1 Q "c00c 0001 0001 00000005 0004 0102", DNS_FORMERR,
	  "RDATA cut short" },
	{ H_AN1 Q "c00c 0001 0001 00000005 0005 0102030405", DNS_FORMERR,
	  "A of 5 bytes" },
	{ H_AN1 Q "c00c 001c 0001 00000005 0004 01020304", DNS_FORMERR,
	  "AAAA of 4 bytes" },
	{ H_AN1 Q "c00c 0005 0001 00000005 0002 0162 00", DNS_FORMERR,
	  "CNAME target past its RDLENGTH" },
	{ H_AN1 Q "c00c 0006 0001 00000005 0004 00 00 0000", DNS_FORMERR,
	  "SOA without its 20 bytes" },
	{ H_AN1 Q "c00c 0010 0001 00000005 0004 05 616263", DNS_FORMERR,
	  "TXT string past its RDATA" },
	{ H_AN1 Q "c00c 0010 0001 00000005 0000", DNS_FORMERR,
	  "TXT without a string" },
	{ H_AN1 Q "c00c 0021 0001 00000005 0008 0000 0000 0050 00 ff",
	  DNS_FORMERR, "SRV with a byte after its target" },
	{ H_AN1 Q "c00c 000f 0001 00000005 0003 0001 c0", DNS_FORMERR,
	  "MX target pointer cut by RDLENGTH" },
	/* Controls: the same shapes, well formed. */
	{ H Q, DNS_OK, "plain query" },
	{ H_AR1 Q OPT, DNS_OK, "EDNS without options" },
	{ H_AR1 Q "00 0029 0100 00008000 0008 fde9 0000 0003 0000", DNS_OK,
	  "unknown options" },
	{ H_AN1 Q "c00c 0001 0001 00000005 0004 01020304", DNS_OK,
	  "answer owned by the question" },
	{ H_AN1 Q "0162 c00c 0005 0001 00000005 0002 c013", DNS_OK,
	  "b.a. CNAME b.a., pointers all the way" },
	{ "abcd 2800 0001 0000 0000 0000 " Q, DNS_OK, "UPDATE opcode parses" },
};

static void check_packet(const uint8_t *p, size_t len, int want,
			 const char *why)
{
	uint8_t *copy = xmalloc(len ? len : 1);
	struct dns_query q;
	int rc;

	memcpy(copy, p, len);
	rc = dns_parse_query(copy, len, &q);
	if (rc != want)
		fprintf(stderr, "packet \"%s\": %d, want %d\n", why, rc, want);
	CHECK_INT(rc, want);
	if (rc == DNS_FORMERR || rc == DNS_OK)
		CHECK_INT(q.hdr.id, dns_get16(p));
	free(copy);
}

/* Names made long by labels, or by a pointer to a long name. */
static void test_long_names(void)
{
	uint8_t pkt[600];
	size_t n = 0;

	memcpy(pkt, "\xab\xcd\x01\x00\0\1\0\1\0\0\0\0", 12);
	n = 12;
	for (int i = 0; i < 3; i++) {
		pkt[n++] = 63;
		memset(pkt + n, 'a', 63);
		n += 63;
	}
	pkt[n++] = 61;
	memset(pkt + n, 'b', 61);
	n += 61;
	pkt[n++] = 0;
	CHECK_INT(n - 12, DNS_NAME_MAX);
	memcpy(pkt + n, "\0\1\0\1", 4);
	n += 4;
	/* The question alone is 255 bytes: fine (ANCOUNT 0 for now). */
	pkt[7] = 0;
	check_packet(pkt, n, DNS_OK, "255-byte name");
	/* b.<that name> is 257 bytes through a pointer. */
	pkt[7] = 1;
	memcpy(pkt + n, "\1b\xc0\x0c\0\1\0\1\0\0\0\5\0\4\1\2\3\4", 18);
	check_packet(pkt, n + 18, DNS_FORMERR, "257 bytes via a pointer");
	/* The same length spelled out: 62 + 255 - 61 = 256. */
	pkt[7] = 0;
	pkt[12 + 3 * 64] = 62;
	memmove(pkt + 12 + 3 * 64 + 63, pkt + 12 + 3 * 64 + 62, 5);
	pkt[12 + 3 * 64 + 62] = 'b';
	check_packet(pkt, n + 1, DNS_FORMERR, "256-byte name");
}

static void test_malformed(void)
{
	static const char *real[] = { dig_cookie, dig_noedns, dig_mixed,
				      dig_srv_do };
	uint8_t *huge;

	for (size_t i = 0; i < ARRAY_LEN(packets); i++) {
		size_t len;
		uint8_t *p = unhex(packets[i].hex, &len);

		check_packet(p, len, packets[i].want, packets[i].why);
		free(p);
	}
	CHECK(ARRAY_LEN(packets) >= 30);
	test_long_names();

	/* Every cut of a real query is short of something. */
	for (size_t i = 0; i < ARRAY_LEN(real); i++) {
		size_t len;
		uint8_t *p = unhex(real[i], &len);

		check_packet(p, len, DNS_OK, "whole dig query");
		for (size_t cut = 0; cut < len; cut++)
			check_packet(p, cut, cut < 12 ? DNS_DROP : DNS_FORMERR,
				     "cut dig query");
		free(p);
	}

	huge = xcalloc(1, DNS_MSG_MAX + 1);
	check_packet(huge, DNS_MSG_MAX + 1, DNS_DROP, "65536 bytes");
	free(huge);
}

static void check_text(const char *text, const char *want_text, int want_len)
{
	uint8_t n[DNS_NAME_MAX];
	char t[DNS_NAME_TEXT_MAX];
	int len = dns_name_from_text(text, n);

	CHECK_INT(len, want_len);
	if (len < 0 || !want_text)
		return;
	CHECK_INT(dns_name_len(n), len);
	dns_name_to_text(n, t, sizeof(t));
	CHECK_STR(t, want_text);
}

static void test_names(void)
{
	uint8_t n[DNS_NAME_MAX], m[DNS_NAME_MAX];
	char t[DNS_NAME_TEXT_MAX], text[300];

	CHECK_INT(dns_name_from_text("web.default.svc.cluster.local", n), 31);
	CHECK(!memcmp(n, "\3web\7default\3svc\7cluster\5local", 31));
	check_text("web.default.svc.cluster.local.",
		   "web.default.svc.cluster.local.", 31);
	check_text(".", ".", 1);
	check_text("a\\.b.c", "a\\.b.c.", 7);
	check_text("\\065\\000x.\\\\", "A\\000x.\\\\.", 7);
	check_text("sp ace", "sp\\032ace.", 8);
	check_text("", NULL, -1);
	check_text("a..b", NULL, -1);
	check_text(".a", NULL, -1);
	check_text("..", NULL, -1);
	check_text("a\\", NULL, -1);
	check_text("a\\25", NULL, -1);
	check_text("a\\256", NULL, -1);

	memset(text, 'a', 63);
	text[63] = 0;
	check_text(text, NULL, 65);
	memcpy(text + 63, "a", 2);
	check_text(text, NULL, -1);
	/* 3 x 63 + 61: 255 bytes in wire form; one more is too long. */
	for (int i = 0; i < 3; i++) {
		memset(text + 64 * i, 'a', 63);
		text[64 * i + 63] = '.';
	}
	memset(text + 192, 'b', 61);
	text[253] = 0;
	check_text(text, NULL, 255);
	memcpy(text + 253, "b", 2);
	check_text(text, NULL, -1);

	dns_name_from_text("web.default.svc.cluster.local", n);
	CHECK_INT(dns_name_to_text(n, t, 31), 30);
	CHECK_INT(dns_name_to_text(n, t, 30), -1);
	CHECK_INT(dns_name_to_text((const uint8_t *)"", t, 1), -1);

	dns_name_from_text("WeB.Default.SVC.cluster.local", m);
	CHECK(dns_name_equal(n, m));
	CHECK(!dns_name_equal(n, wname("web.default.svc.cluster.locam")));
	CHECK(!dns_name_equal(n, wname("web.default.svc.cluster")));
	dns_name_lower(m);
	CHECK(!memcmp(n, m, 31));
	CHECK_INT(dns_name_in_zone(n, wname("Cluster.LOCAL")), 16);
	CHECK_INT(dns_name_in_zone(n, n), 0);
	CHECK_INT(dns_name_in_zone(n, wname(".")), 30);
	CHECK_INT(dns_name_in_zone(n, wname("ster.local")), -1);
	CHECK_INT(dns_name_in_zone(wname("local"), wname("cluster.local")), -1);
}

static void check_ptr(const char *addr, const char *want)
{
	struct ipaddr a, back;
	uint8_t n[DNS_NAME_MAX];
	char t[DNS_NAME_TEXT_MAX];

	CHECK(addr_parse(addr, &a));
	CHECK_INT(dns_ptr_name(&a, n), dns_name_len(n));
	dns_name_to_text(n, t, sizeof(t));
	CHECK_STR(t, want);
	CHECK(dns_ptr_name_addr(n, &back));
	CHECK(addr_equal(&a, &back));
	CHECK_INT(back.len, a.len);
}

static void test_ptr(void)
{
	static const char *bad[] = {
		"10.in-addr.arpa",
		"0.96.10.in-addr.arpa",
		"1.1.0.96.10.in-addr.arpa",
		"01.0.96.10.in-addr.arpa",
		"256.0.96.10.in-addr.arpa",
		"a.0.96.10.in-addr.arpa",
		"1.0.96.10.in-addr.arpa.example",
		"in-addr.arpa",
		"web.default.svc.cluster.local",
		"b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.ip6.arpa",
		"b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.5.ip6.arpa",
		"g.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.ip6.arpa",
		"ba.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.ip6.arpa",
	};
	struct ipaddr a = { 0 };
	uint8_t n[DNS_NAME_MAX];

	check_ptr("10.96.0.1", "1.0.96.10.in-addr.arpa.");
	check_ptr("0.0.0.0", "0.0.0.0.in-addr.arpa.");
	check_ptr("255.255.255.255", "255.255.255.255.in-addr.arpa.");
	/* RFC 3596 2.5's example. */
	check_ptr("4321:0:1:2:3:4:567:89ab",
		  "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.ip6.arpa.");
	check_ptr("fd00::1",
		  "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa.");
	CHECK(dns_ptr_name_addr(wname("B.A.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.IP6.ARPA"),
				&a));
	CHECK(addr_parse("4321:0:1:2:3:4:567:89ab", &a) &&
	      dns_ptr_name_addr(wname("1.0.96.10.In-Addr.Arpa"), &a) &&
	      a.family == AF_INET && a.b[0] == 10 && a.b[3] == 1);
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		bool ok = dns_ptr_name_addr(wname(bad[i]), &a);

		if (ok)
			fprintf(stderr, "accepted %s\n", bad[i]);
		CHECK(!ok);
	}
	a.family = 0;
	CHECK_INT(dns_ptr_name(&a, n), -1);
}

/*
 * Interop: dig queries a one-thread UDP server made of this library, so
 * dig's own parser judges our responses and ours judges dig's queries.
 * Skipped (with a note) where dig is not installed.
 */
struct mini_server {
	int fd, port;
	int ok, bad; /* queries that parsed, and those that did not */
};

static void mini_answer(struct dns_builder *b, const struct dns_query *q)
{
	static const char *line[] = { "0123456789012345678901234567890123456789" };
	static const uint8_t ip[4] = { 10, 96, 0, 1 };
	uint8_t web[DNS_NAME_MAX], big[DNS_NAME_MAX], zone[DNS_NAME_MAX];
	uint8_t ns[DNS_NAME_MAX], mail[DNS_NAME_MAX];
	struct dns_soa soa = { ns, mail, 1, 7200, 1800, 86400, 5 };
	struct ipaddr a;

	dns_name_from_text("web.default.svc.cluster.local", web);
	dns_name_from_text("big.default.svc.cluster.local", big);
	dns_name_from_text("cluster.local", zone);
	dns_name_from_text("ns.dns.cluster.local", ns);
	dns_name_from_text("hostmaster.cluster.local", mail);
	dns_build_set_flags(b, DNS_F_AA);
	if (q->q.qtype == DNS_T_A && dns_name_equal(q->q.name, web)) {
		dns_add_a(b, DNS_SEC_ANSWER, q->q.name, 5, ip);
	} else if (q->q.qtype == DNS_T_TXT && dns_name_equal(q->q.name, big)) {
		for (int i = 0; i < 40; i++)
			dns_add_txt(b, DNS_SEC_ANSWER, q->q.name, 5, line, 1);
	} else if (q->q.qtype == DNS_T_PTR &&
		   dns_ptr_name_addr(q->q.name, &a)) {
		dns_add_name_rr(b, DNS_SEC_ANSWER, q->q.name, DNS_T_PTR, 5,
				web);
	} else {
		dns_build_set_rcode(b, DNS_R_NXDOMAIN);
		dns_add_soa(b, DNS_SEC_AUTHORITY, zone, 5, &soa);
	}
}

static void *mini_serve(void *arg)
{
	struct mini_server *s = arg;
	uint8_t in[DNS_MSG_MAX], out[DNS_MSG_MAX];

	for (;;) {
		struct sockaddr_storage from;
		socklen_t flen = sizeof(from);
		ssize_t n = recvfrom(s->fd, in, sizeof(in), 0,
				     (struct sockaddr *)&from, &flen);
		struct dns_builder b;
		struct dns_query q;
		size_t len;

		if (n == 1 && in[0] == 'q')
			return NULL; /* the test is done */
		if (n < 0 || dns_parse_query(in, (size_t)n, &q) != DNS_OK) {
			s->bad++;
			continue;
		}
		s->ok++;
		dns_build_response(&b, out, dns_query_udp_max(&q, 4096), &q,
				   1232);
		mini_answer(&b, &q);
		len = dns_build_finish(&b);
		sendto(s->fd, out, len, 0, (struct sockaddr *)&from, flen);
	}
}

static char *run_dig(int port, const char *args)
{
	char *cmd = xasprintf("dig @127.0.0.1 -p %d +tries=1 +time=3 %s 2>&1",
			      port, args);
	struct buf b = { 0 };
	char chunk[4096];
	size_t n;
	FILE *f = popen(cmd, "r");

	buf_puts(&b, "");
	while (f && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	if (f)
		pclose(f);
	free(cmd);
	/* dig aligns columns with tabs and spaces: make them one space. */
	for (char *r = b.p, *w = b.p;; r++) {
		if ((*r == ' ' || *r == '\t') && w > b.p && w[-1] == ' ')
			continue;
		*w++ = *r == '\t' ? ' ' : *r;
		if (!*r)
			break;
	}
	return buf_take(&b);
}

#define CHECK_DIG(args, ...)                                             \
	do {                                                             \
		const char *want_[] = { __VA_ARGS__ };                   \
		char *out_ = run_dig(port, args);                        \
		for (size_t i_ = 0; i_ < ARRAY_LEN(want_); i_++)        \
			CHECK_HAS(out_, want_[i_]);                      \
		CHECK(!strstr(out_, "malformed"));                       \
		CHECK(!strstr(out_, "mismatch"));                        \
		free(out_);                                              \
	} while (0)

static void test_dig(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t slen = sizeof(sin);
	struct mini_server s = { 0 };
	pthread_t tid;
	int port;

	if (system("command -v dig >/dev/null 2>&1") != 0) {
		printf("test_dns_wire: dig not installed, interop skipped\n");
		return;
	}
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s.fd = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(s.fd >= 0);
	CHECK(bind(s.fd, (struct sockaddr *)&sin, sizeof(sin)) == 0);
	CHECK(getsockname(s.fd, (struct sockaddr *)&sin, &slen) == 0);
	port = s.port = ntohs(sin.sin_port);
	CHECK(pthread_create(&tid, NULL, mini_serve, &s) == 0);

	CHECK_DIG("+norec WeB.default.svc.cluster.local A",
		  "status: NOERROR", "flags: qr aa;", "udp: 1232",
		  "WeB.default.svc.cluster.local. 5 IN A 10.96.0.1");
	CHECK_DIG("+noedns nope.default.svc.cluster.local A",
		  "status: NXDOMAIN", "AUTHORITY: 1",
		  "cluster.local. 5 IN SOA ns.dns.cluster.local. "
		  "hostmaster.cluster.local. 1 7200 1800 86400 5");
	CHECK_DIG("+bufsize=512 +ignore big.default.svc.cluster.local TXT",
		  "flags: qr aa tc rd;", "ANSWER: 8,", "udp: 1232");
	CHECK_DIG("+bufsize=4096 big.default.svc.cluster.local TXT",
		  "flags: qr aa rd;", "ANSWER: 40,");
	CHECK_DIG("-x 10.96.0.1", "status: NOERROR",
		  "1.0.96.10.in-addr.arpa. 5 IN PTR "
		  "web.default.svc.cluster.local.");
	CHECK_DIG("-x fd00::1", "status: NOERROR",
		  "d.f.ip6.arpa. 5 IN PTR web.default.svc.cluster.local.");

	sendto(s.fd, "q", 1, 0, (struct sockaddr *)&sin, sizeof(sin));
	pthread_join(tid, NULL);
	close(s.fd);
	CHECK_INT(s.ok, 6);
	CHECK_INT(s.bad, 0);
}

int main(void)
{
	test_dig_queries();
	test_simple_response();
	test_compression();
	test_mixed_case();
	test_round_trip();
	test_builder_errors();
	test_truncation();
	test_formerr_response();
	test_malformed();
	test_names();
	test_ptr();
	test_dig();
	return check_done("test_dns_wire");
}
