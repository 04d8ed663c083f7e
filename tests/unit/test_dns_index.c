/*
 * test_dns_index.c: the cluster-zone index against the Kubernetes DNS
 * specification 1.1.0 and CoreDNS's answers: every record kind, NXDOMAIN
 * vs NODATA, pods modes, and answers built into real messages with
 * dns/wire and read back.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "dns/index.h"
#include "dns/wire.h"
#include "lib/util.h"
#include "tests/unit/check.h"
#include "tests/unit/objects.h"

#define MAXSVC 16
static struct view_service vs[MAXSVC];
static const struct view_service *vsp[MAXSVC];
static size_t nvs;

static struct view_service *add_svc(struct k8s_object *o)
{
	struct view_service *v = &vs[nvs];

	memset(v, 0, sizeof(*v));
	v->obj = o;
	vsp[nvs++] = v;
	return v;
}

static void add_ep(struct view_service *v, const char *addr, bool ready,
		   const char *hostname, uint16_t port0)
{
	struct view_endpoint *e = GROW(v->eps, v->n_eps);
	size_t np = v->obj->u.svc.n_ports;

	e->addr = ip(addr);
	e->ready = ready;
	e->hostname = hostname;
	e->ports = xcalloc(np + 1, sizeof(*e->ports));
	if (np)
		e->ports[0] = port0;
	v->n_ready += ready;
}

static void free_svcs(void)
{
	for (size_t i = 0; i < nvs; i++) {
		for (size_t j = 0; j < vs[i].n_eps; j++)
			free(vs[i].eps[j].ports);
		free(vs[i].eps);
		object_free((struct k8s_object *)vs[i].obj);
	}
	nvs = 0;
}

static void build_cluster(void)
{
	struct k8s_object *o;
	struct view_service *v;

	o = svc_new("default", "web", "10.0.0.10");
	svc_port(o, "http", PROTO_TCP, 80, 8080, NULL);
	svc_port(o, "dns", PROTO_UDP, 53, 53, NULL);
	v = add_svc(o);
	add_ep(v, "10.2.0.1", true, "web-0", 8080);
	add_ep(v, "10.2.0.2", false, NULL, 8080);

	o = svc_new("default", "dual", "10.0.0.11");
	svc_add_ip(o, "fd00::11");
	svc_port(o, NULL, PROTO_TCP, 443, 443, NULL);
	add_svc(o);

	o = svc_new("default", "db", NULL);
	svc_port(o, "pg", PROTO_TCP, 5432, 5432, NULL);
	v = add_svc(o);
	add_ep(v, "10.1.0.1", true, "db-0", 5432);
	add_ep(v, "10.1.0.2", true, NULL, 5432);
	add_ep(v, "10.1.0.3", false, "db-2", 5432);
	add_ep(v, "fd00::5", true, NULL, 5432);

	o = svc_new("default", "pnr", NULL);
	o->u.svc.publish_not_ready = true;
	v = add_svc(o);
	add_ep(v, "10.1.1.1", false, "pnr-0", 0);

	o = svc_new("other", "empty", NULL);
	add_svc(o);

	o = obj_new(KIND_SERVICE, "default", "ext");
	o->u.svc.type = SVC_EXTERNAL_NAME;
	o->u.svc.external_name = xstrdup("db.example.com");
	add_svc(o);
}

/* The answer (or additional) records as text, "; "-separated. */
static char *rrs_text(const struct dns_idx_rr *rr, size_t n)
{
	struct buf b = {0};

	for (size_t i = 0; i < n; i++, rr++) {
		char t[DNS_NAME_TEXT_MAX], a[ADDR_STRLEN];
		if (i)
			buf_puts(&b, "; ");
		if (rr->owner) {
			dns_name_to_text(rr->owner, t, sizeof(t));
			buf_printf(&b, "%s ", t);
		}
		if (rr->target)
			dns_name_to_text(rr->target, t, sizeof(t));
		switch (rr->type) {
		case DNS_T_A:
		case DNS_T_AAAA:
			inet_ntop(rr->type == DNS_T_A ? AF_INET : AF_INET6,
				  rr->addr, a, sizeof(a));
			buf_printf(&b, "%s %s",
				   rr->type == DNS_T_A ? "A" : "AAAA", a);
			break;
		case DNS_T_SRV:
			buf_printf(&b, "SRV %u %u %u %s", rr->prio,
				   rr->weight, rr->port, t);
			break;
		case DNS_T_TXT:
			buf_printf(&b, "TXT %s", rr->txt);
			break;
		case DNS_T_SOA:
			buf_puts(&b, "SOA");
			break;
		default:
			buf_printf(&b, "%s %s", rr->type == DNS_T_PTR ? "PTR" :
				   rr->type == DNS_T_NS ? "NS" : "CNAME", t);
		}
	}
	return n ? buf_take(&b) : xstrdup("");
}

static void look(const struct dns_index *idx, const char *name, uint16_t qt,
		 struct dns_idx_result *res)
{
	uint8_t w[DNS_NAME_MAX];

	if (dns_name_from_text(name, w) < 0)
		abort();
	dns_name_lower(w);
	dns_index_lookup(idx, w, qt, res);
}

/* "NOERROR" / "NODATA" / "NXDOMAIN" / "OUTSIDE", then the answers. */
static char *ask(const struct dns_index *idx, const char *name, uint16_t qt)
{
	struct dns_idx_result r;

	look(idx, name, qt, &r);
	if (r.status == DNS_IDX_OUTSIDE)
		return xstrdup("OUTSIDE");
	if (r.rcode == DNS_R_NXDOMAIN)
		return xstrdup(r.soa_in_authority && !r.exists ?
			       "NXDOMAIN" : "bad NXDOMAIN");
	if (!r.n_an)
		return xstrdup(r.soa_in_authority && r.exists ?
			       "NODATA" : "bad NODATA");
	char *a = rrs_text(r.an, r.n_an);
	char *s = xasprintf("%s%s", r.soa_in_authority ? "soa! " : "", a);
	free(a);
	return s;
}

#define ASK(idx, name, qt, want)                                           \
	do {                                                               \
		char *s_ = ask(idx, name, qt);                             \
		CHECK_STR(s_, want);                                       \
		free(s_);                                                  \
	} while (0)

static char *additional(const struct dns_index *idx, const char *name,
			uint16_t qt)
{
	struct dns_idx_result r;

	look(idx, name, qt, &r);
	return rrs_text(r.add, r.n_add);
}

#define ADD(idx, name, qt, want)                                           \
	do {                                                               \
		char *s_ = additional(idx, name, qt);                      \
		CHECK_STR(s_, want);                                       \
		free(s_);                                                  \
	} while (0)

#define Z ".svc.cluster.local"

static void test_cluster_ip(const struct dns_index *idx)
{
	ASK(idx, "web.default" Z, DNS_T_A, "A 10.0.0.10");
	ASK(idx, "web.default" Z, DNS_T_AAAA, "NODATA");
	ASK(idx, "web.default" Z, DNS_T_TXT, "NODATA");
	ASK(idx, "_http._tcp.web.default" Z, DNS_T_SRV,
	    "SRV 0 100 80 web.default.svc.cluster.local.");
	ADD(idx, "_http._tcp.web.default" Z, DNS_T_SRV,
	    "web.default.svc.cluster.local. A 10.0.0.10");
	ASK(idx, "_dns._udp.web.default" Z, DNS_T_SRV,
	    "SRV 0 100 53 web.default.svc.cluster.local.");
	ASK(idx, "_http._udp.web.default" Z, DNS_T_SRV, "NXDOMAIN");
	ASK(idx, "_http._tcp.web.default" Z, DNS_T_A, "NODATA");
	/* CoreDNS: SRV at the service name lists every port, one additional
	 * address for the shared target. */
	ASK(idx, "web.default" Z, DNS_T_SRV,
	    "SRV 0 50 80 web.default.svc.cluster.local.; "
	    "SRV 0 50 53 web.default.svc.cluster.local.");
	ADD(idx, "web.default" Z, DNS_T_SRV,
	    "web.default.svc.cluster.local. A 10.0.0.10");
	ASK(idx, "10.0.0.10.in-addr.arpa", DNS_T_PTR,
	    "PTR web.default.svc.cluster.local.");
	ASK(idx, "10.0.0.10.in-addr.arpa", DNS_T_A, "NODATA");
	/* Endpoint names of a ClusterIP Service (CoreDNS): the ready
	 * endpoint's A and hostname PTR; the service keeps its ClusterIP. */
	ASK(idx, "web-0.web.default" Z, DNS_T_A, "A 10.2.0.1");
	ASK(idx, "10-2-0-2.web.default" Z, DNS_T_A, "NXDOMAIN");
	ASK(idx, "1.0.2.10.in-addr.arpa", DNS_T_PTR,
	    "PTR web-0.web.default.svc.cluster.local.");
	/* Case-insensitive: the server lower-cases the question. */
	ASK(idx, "WEB.Default.SVC.Cluster.Local", DNS_T_A, "A 10.0.0.10");
}

static void test_dual_stack(const struct dns_index *idx)
{
	ASK(idx, "dual.default" Z, DNS_T_A, "A 10.0.0.11");
	ASK(idx, "dual.default" Z, DNS_T_AAAA, "AAAA fd00::11");
	/* An unnamed port has no _port._proto name, only the bare SRV. */
	ASK(idx, "dual.default" Z, DNS_T_SRV,
	    "SRV 0 100 443 dual.default.svc.cluster.local.");
	ADD(idx, "dual.default" Z, DNS_T_SRV,
	    "dual.default.svc.cluster.local. A 10.0.0.11; "
	    "dual.default.svc.cluster.local. AAAA fd00::11");
	ASK(idx, "11.0.0.10.in-addr.arpa", DNS_T_PTR,
	    "PTR dual.default.svc.cluster.local.");
	ASK(idx, "1.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0"
		 ".0.0.d.f.ip6.arpa", DNS_T_PTR,
	    "PTR dual.default.svc.cluster.local.");
	ASK(idx, "1.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0"
		 ".0.0.D.F.IP6.ARPA", DNS_T_PTR,
	    "PTR dual.default.svc.cluster.local.");
}

static void test_headless(const struct dns_index *idx)
{
	ASK(idx, "db.default" Z, DNS_T_A, "A 10.1.0.1; A 10.1.0.2");
	ASK(idx, "db.default" Z, DNS_T_AAAA, "AAAA fd00::5");
	ASK(idx, "db-0.db.default" Z, DNS_T_A, "A 10.1.0.1");
	ASK(idx, "10-1-0-2.db.default" Z, DNS_T_A, "A 10.1.0.2");
	ASK(idx, "fd00--5.db.default" Z, DNS_T_AAAA, "AAAA fd00::5");
	ASK(idx, "fd00--5.db.default" Z, DNS_T_A, "NODATA");
	/* Not ready: no name, no address, no SRV. */
	ASK(idx, "db-2.db.default" Z, DNS_T_A, "NXDOMAIN");
	ASK(idx, "_pg._tcp.db.default" Z, DNS_T_SRV,
	    "SRV 0 33 5432 db-0.db.default.svc.cluster.local.; "
	    "SRV 0 33 5432 10-1-0-2.db.default.svc.cluster.local.; "
	    "SRV 0 33 5432 fd00--5.db.default.svc.cluster.local.");
	ADD(idx, "_pg._tcp.db.default" Z, DNS_T_SRV,
	    "db-0.db.default.svc.cluster.local. A 10.1.0.1; "
	    "10-1-0-2.db.default.svc.cluster.local. A 10.1.0.2; "
	    "fd00--5.db.default.svc.cluster.local. AAAA fd00::5");
	ASK(idx, "1.0.1.10.in-addr.arpa", DNS_T_PTR,
	    "PTR db-0.db.default.svc.cluster.local.");
	/* Spec 2.4.3: PTR only for endpoints with a hostname. */
	ASK(idx, "2.0.1.10.in-addr.arpa", DNS_T_PTR, "OUTSIDE");
	ASK(idx, "3.0.1.10.in-addr.arpa", DNS_T_PTR, "OUTSIDE");
	/* publishNotReadyAddresses: not-ready endpoints are published; no
	 * ports, so no SRV. */
	ASK(idx, "pnr.default" Z, DNS_T_A, "A 10.1.1.1");
	ASK(idx, "pnr-0.pnr.default" Z, DNS_T_A, "A 10.1.1.1");
	ASK(idx, "pnr.default" Z, DNS_T_SRV, "NODATA");
	/* No endpoints: CoreDNS answers NXDOMAIN for the service, but its
	 * namespace exists. */
	ASK(idx, "empty.other" Z, DNS_T_A, "NXDOMAIN");
	ASK(idx, "other" Z, DNS_T_A, "NODATA");
}

static void test_external_and_apex(const struct dns_index *idx)
{
	ASK(idx, "ext.default" Z, DNS_T_CNAME, "CNAME db.example.com.");
	ASK(idx, "ext.default" Z, DNS_T_A, "CNAME db.example.com.");
	ASK(idx, "ext.default" Z, DNS_T_AAAA, "CNAME db.example.com.");
	ASK(idx, "dns-version.cluster.local", DNS_T_TXT, "TXT 1.1.0");
	ASK(idx, "dns-version.cluster.local", DNS_T_A, "NODATA");
	ASK(idx, "cluster.local", DNS_T_SOA, "SOA");
	ASK(idx, "cluster.local", DNS_T_NS, "NS ns.dns.cluster.local.");
	ADD(idx, "cluster.local", DNS_T_NS,
	    "ns.dns.cluster.local. A 10.0.0.53");
	ASK(idx, "ns.dns.cluster.local", DNS_T_A, "A 10.0.0.53");
	ASK(idx, "cluster.local", DNS_T_A, "NODATA");

	struct dns_idx_result r;
	char t[DNS_NAME_TEXT_MAX];
	look(idx, "nope.default" Z, DNS_T_A, &r);
	dns_name_to_text(r.apex, t, sizeof(t));
	CHECK_STR(t, "cluster.local.");
	dns_name_to_text(r.soa->mname, t, sizeof(t));
	CHECK_STR(t, "ns.dns.cluster.local.");
	dns_name_to_text(r.soa->rname, t, sizeof(t));
	CHECK_STR(t, "hostmaster.cluster.local.");
	CHECK_INT(r.soa->minimum, 5);
	CHECK_INT(r.soa->serial, 42);
	CHECK_INT(r.ttl, 5);
}

static void test_negative(const struct dns_index *idx)
{
	ASK(idx, "missing.default" Z, DNS_T_A, "NXDOMAIN");
	ASK(idx, "web.nons" Z, DNS_T_A, "NXDOMAIN");
	ASK(idx, "nons" Z, DNS_T_A, "NXDOMAIN");
	ASK(idx, "x.web.default" Z, DNS_T_A, "NXDOMAIN");
	/* Empty non-terminals. */
	ASK(idx, "default" Z, DNS_T_A, "NODATA");
	ASK(idx, "svc.cluster.local", DNS_T_A, "NODATA");
	ASK(idx, "_tcp.web.default" Z, DNS_T_SRV, "NODATA");
	/* ndots:5 search-path misses stay inside the zone. */
	ASK(idx, "web.default.svc.cluster.local.default" Z, DNS_T_A,
	    "NXDOMAIN");
	ASK(idx, "web.default.svc.cluster.local.svc.cluster.local", DNS_T_A,
	    "NXDOMAIN");
	ASK(idx, "example.com", DNS_T_A, "OUTSIDE");
	ASK(idx, "local", DNS_T_A, "OUTSIDE");
	ASK(idx, "99.0.0.10.in-addr.arpa", DNS_T_PTR, "OUTSIDE");
	/* Pods disabled (this index): no pod names at all. */
	ASK(idx, "10-2-0-5.default.pod.cluster.local", DNS_T_A, "NXDOMAIN");
	ASK(idx, "pod.cluster.local", DNS_T_A, "NXDOMAIN");
}

static void test_pods_and_zone(void)
{
	struct dns_index_opts o = {.zone = "Example.ORG", .ttl = 30,
				   .pods = DNS_PODS_INSECURE};
	struct dns_index *idx = dns_index_build(vsp, nvs, &o);
	struct dns_idx_result r;

	ASK(idx, "web.default.svc.example.org", DNS_T_A, "A 10.0.0.10");
	ASK(idx, "web.default.svc.cluster.local", DNS_T_A, "OUTSIDE");
	look(idx, "nothing.example.org", DNS_T_A, &r);
	CHECK_INT(r.rcode, DNS_R_NXDOMAIN);
	CHECK_INT(r.soa->minimum, 30);
	CHECK_INT(r.ttl, 30);
	ASK(idx, "10-2-0-5.default.pod.example.org", DNS_T_A, "A 10.2.0.5");
	ASK(idx, "10-2-0-5.anyns.pod.example.org", DNS_T_A, "A 10.2.0.5");
	ASK(idx, "10-2-0-5.default.pod.example.org", DNS_T_AAAA, "NODATA");
	ASK(idx, "fd00--5.default.pod.example.org", DNS_T_AAAA,
	    "AAAA fd00::5");
	ASK(idx, "10-2-0.default.pod.example.org", DNS_T_A, "NXDOMAIN");
	ASK(idx, "bad-name.default.pod.example.org", DNS_T_A, "NXDOMAIN");
	ASK(idx, "x.10-2-0-5.default.pod.example.org", DNS_T_A, "NXDOMAIN");
	ASK(idx, "pod.example.org", DNS_T_A, "NODATA");
	dns_index_free(idx);

	o.pods = DNS_PODS_VERIFIED; /* not done: answered as disabled */
	idx = dns_index_build(vsp, nvs, &o);
	ASK(idx, "10-2-0-5.default.pod.example.org", DNS_T_A, "NXDOMAIN");
	dns_index_free(idx);

	idx = dns_index_build(NULL, 0, &o);
	ASK(idx, "svc.example.org", DNS_T_A, "NODATA");
	ASK(idx, "example.org", DNS_T_SOA, "SOA");
	CHECK(dns_index_names(idx) > 0);
	dns_index_free(idx);
}

static int add_one(struct dns_builder *b, int sec, const uint8_t *owner,
		   uint32_t ttl, const struct dns_idx_rr *rr)
{
	switch (rr->type) {
	case DNS_T_A:
		return dns_add_a(b, sec, owner, ttl, rr->addr);
	case DNS_T_AAAA:
		return dns_add_aaaa(b, sec, owner, ttl, rr->addr);
	case DNS_T_SRV:
		return dns_add_srv(b, sec, owner, ttl, rr->prio, rr->weight,
				   rr->port, rr->target);
	case DNS_T_TXT:
		return dns_add_txt(b, sec, owner, ttl, &rr->txt, 1);
	default:
		return dns_add_name_rr(b, sec, owner, rr->type, ttl,
				       rr->target);
	}
}

/* What a server would send for (name, qtype): query built, parsed,
 * looked up, answered, and the answer read back as text. */
static char *respond(const struct dns_index *idx, const char *name,
		     uint16_t qtype)
{
	uint8_t qbuf[512], rbuf[512], w[DNS_NAME_MAX];
	struct dns_builder b;
	struct dns_query q;
	struct dns_idx_result r;

	dns_name_from_text(name, w);
	dns_build_init(&b, qbuf, sizeof(qbuf), 0x1234, DNS_F_RD);
	dns_build_question(&b, w, qtype, DNS_C_IN);
	size_t qlen = dns_build_finish(&b);
	if (dns_parse_query(qbuf, qlen, &q) != DNS_OK)
		return xstrdup("query did not parse");
	dns_index_lookup(idx, q.q.name, q.q.qtype, &r);
	dns_build_response(&b, rbuf, sizeof(rbuf), &q, 1232);
	dns_build_set_flags(&b, b.flags | DNS_F_AA);
	dns_build_set_rcode(&b, r.rcode);
	for (size_t i = 0; i < r.n_an; i++)
		add_one(&b, DNS_SEC_ANSWER, q.q.orig, r.ttl, &r.an[i]);
	if (r.soa_in_authority)
		dns_add_soa(&b, DNS_SEC_AUTHORITY, r.apex, r.ttl, r.soa);
	for (size_t i = 0; i < r.n_add; i++)
		add_one(&b, DNS_SEC_ADDITIONAL, r.add[i].owner, r.ttl,
			&r.add[i]);
	size_t len = dns_build_finish(&b);

	/* Read it back with the reader: every RR well formed, SRV targets
	 * decompress to names the index knows. */
	struct dns_reader rd;
	struct dns_header h;
	struct dns_rr rr;
	int got, n = 0;
	CHECK_INT(dns_reader_init(&rd, rbuf, len, &h), DNS_OK);
	while ((got = dns_reader_rr(&rd, &rr)) == 1) {
		n++;
		if (rr.type == DNS_T_SRV) {
			size_t off = rr.rdoff + 6;
			uint8_t t[DNS_NAME_MAX], lo[DNS_NAME_MAX];
			CHECK(dns_read_name(rbuf, len, &off, t, lo) > 0);
			struct dns_idx_result tr;
			dns_index_lookup(idx, lo, DNS_T_A, &tr);
			CHECK(tr.exists);
		}
	}
	CHECK_INT(got, 0);
	CHECK_INT(n, h.ancount + h.nscount + h.arcount);

	struct buf out = {0};
	dns_msg_to_text(rbuf, len, &out);
	return buf_take(&out);
}

#define RESPOND(idx, name, qt, ...)                                        \
	do {                                                               \
		char *t_ = respond(idx, name, qt);                         \
		const char *ws_[] = {__VA_ARGS__};                          \
		for (size_t i_ = 0; i_ < ARRAY_LEN(ws_); i_++)              \
			CHECK_HAS(t_, ws_[i_]);                             \
		free(t_);                                                  \
	} while (0)

static void test_wire_roundtrip(const struct dns_index *idx)
{
	RESPOND(idx, "_Http._TCP.web.default" Z, DNS_T_SRV,
		"rcode=NOERROR", "an=1 ns=0 ar=1",
		"answer _Http._TCP.web.default.svc.cluster.local. 5 IN SRV "
		"0 100 80 web.default.svc.cluster.local.",
		"additional web.default.svc.cluster.local. 5 IN A 10.0.0.10");
	RESPOND(idx, "_pg._tcp.db.default" Z, DNS_T_SRV, "an=3 ns=0 ar=3",
		"additional fd00--5.db.default.svc.cluster.local. 5 IN AAAA "
		"fd00::5");
	RESPOND(idx, "missing.default" Z, DNS_T_A, "rcode=NXDOMAIN",
		"an=0 ns=1 ar=0",
		"authority cluster.local. 5 IN SOA ns.dns.cluster.local. "
		"hostmaster.cluster.local. 42 7200 1800 86400 5");
	RESPOND(idx, "web.default" Z, DNS_T_AAAA, "rcode=NOERROR",
		"an=0 ns=1", "authority cluster.local. 5 IN SOA");
	RESPOND(idx, "10.0.0.10.in-addr.arpa", DNS_T_PTR,
		"answer 10.0.0.10.in-addr.arpa. 5 IN PTR "
		"web.default.svc.cluster.local.");
	RESPOND(idx, "10.0.0.10.in-addr.arpa", DNS_T_TXT,
		"authority in-addr.arpa. 5 IN SOA");
	RESPOND(idx, "dns-version.cluster.local", DNS_T_TXT,
		"answer dns-version.cluster.local. 5 IN TXT \"1.1.0\"");
	RESPOND(idx, "ext.default" Z, DNS_T_A,
		"answer ext.default.svc.cluster.local. 5 IN CNAME "
		"db.example.com.");
	RESPOND(idx, "dual.default" Z, DNS_T_AAAA,
		"answer dual.default.svc.cluster.local. 5 IN AAAA fd00::11");
}

int main(void)
{
	struct ipaddr ns = ip("10.0.0.53");
	struct dns_index_opts o = {.ttl = 5, .serial = 42, .ns_addrs = &ns,
				   .n_ns_addrs = 1};

	build_cluster();
	struct dns_index *idx = dns_index_build(vsp, nvs, &o);
	test_cluster_ip(idx);
	test_dual_stack(idx);
	test_headless(idx);
	test_external_and_apex(idx);
	test_negative(idx);
	test_wire_roundtrip(idx);
	dns_index_free(idx);
	test_pods_and_zone();
	free_svcs();
	return check_done("test_dns_index");
}
