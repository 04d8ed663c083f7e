/*
 * test_plan.c: the nftables ruleset the planner computes from the service
 * view, read the way an operator reads `nft list table inet svcd`: which
 * element sends a destination where, what each chain does, in order.
 * Then the diff (an endpoint change touches one Service's objects only),
 * a golden file of a full example ruleset, and, as root with nft
 * installed, the kernel's verdict on that file and on a diff script.
 */
#include "proxy/plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/util.h"
#include "tests/unit/check.h"
#include "tests/unit/plan_fixtures.h"

#define GOLDEN "tests/data/plan-example.nft"

#define CHECK_LACKS(got, bad)                                              \
	do {                                                               \
		const char *g2_ = (got), *b2_ = (bad);                     \
		check_count++;                                             \
		if (!g2_ || strstr(g2_, b2_)) {                            \
			check_failures++;                                  \
			fprintf(stderr, "%s:%d: %s contains \"%s\"\n",     \
				__FILE__, __LINE__, #got, b2_);            \
		}                                                          \
	} while (0)

static struct plan_config cfg(void)
{
	return (struct plan_config){ .table = "svcd", .node_name = "node-a" };
}

/* The full name of the chain (or set, with kind "set") whose name is
 * prefix + 8 base32 characters + "-" + readable; NULL when none. */
static char *find_named(const char *text, const char *kind,
			const char *prefix, const char *readable)
{
	char *pat = xasprintf("%s %s", kind, prefix);
	const char *p = text;
	char *found = NULL;
	while (!found && p && (p = strstr(p, pat))) {
		const char *name = p + strlen(kind) + 1;
		size_t len = strcspn(name, " \n");
		const char *tail = name + strlen(prefix) + 8;
		bool tagged = len > strlen(prefix) + 9 && *tail == '-' &&
			      strspn(name + strlen(prefix),
				     "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") >= 8;
		if (tagged && (size_t)(name + len - tail - 1) ==
				      strlen(readable) &&
		    strncmp(tail + 1, readable, strlen(readable)) == 0)
			found = xstrndup(name, len);
		p = name;
	}
	free(pat);
	return found;
}

static char *chain_named(const char *text, const char *prefix,
			 const char *readable)
{
	return find_named(text, "chain", prefix, readable);
}

/* The rules of chain `name` in text, one per line, without indentation;
 * NULL when there is no such chain. */
static char *chain_rules(const char *text, const char *name)
{
	if (!text || !name)
		return NULL;
	char *head = xasprintf("\tchain %s {\n", name);
	const char *p = strstr(text, head);
	free(head);
	if (!p)
		return NULL;
	p = strchr(p, '\n') + 1;
	struct buf b = { 0 };
	buf_puts(&b, "");
	while (strncmp(p, "\t}\n", 3) != 0) {
		const char *eol = strchr(p, '\n');
		p += strspn(p, "\t");
		if (strncmp(p, "type ", 5) != 0) {
			buf_add(&b, p, (size_t)(eol - p) + 1);
		}
		p = eol + 1;
	}
	return buf_take(&b);
}

static char *svc_text(const struct plan *p, const char *key)
{
	return plan_render_service(p, key);
}

/* web: ClusterIP 10.96.0.10, http 80/TCP -> 8080, three ready pods. */
static struct fx *web3(void)
{
	struct fx *f = fx_new("default", "web", "10.96.0.10");
	fx_port(f, "http", PROTO_TCP, 80, 8080);
	fx_ep(f, "10.1.0.1", "node-a", FX_READY);
	fx_ep(f, "10.1.0.2", "node-b", FX_READY);
	fx_ep(f, "10.1.0.3", "node-c", FX_READY);
	return f;
}

static void test_skeleton(void)
{
	struct plan_config c = cfg();
	struct plan *p = plan_new(&c);
	char *t = plan_render(p);
	CHECK_HAS(t, "table inet svcd {\n");
	char *r = chain_rules(t, "filter-input");
	CHECK_STR(r, "ct state new jump nodeport-endpoints-check\n"
		     "ct state new jump service-endpoints-check\n");
	free(r);
	CHECK_HAS(t, "\tchain filter-input {\n\t\ttype filter hook input "
		     "priority -110; policy accept;\n");
	CHECK_HAS(t, "type filter hook forward priority -110;");
	CHECK_HAS(t, "\tchain filter-output {\n\t\ttype filter hook output "
		     "priority -110;");
	CHECK_HAS(t, "\tchain filter-output-post-dnat {\n\t\ttype filter "
		     "hook output priority -90;");
	CHECK_HAS(t, "\tchain nat-prerouting {\n\t\ttype nat hook prerouting "
		     "priority dstnat; policy accept;\n\t\tjump services\n");
	CHECK_HAS(t, "\tchain nat-output {\n\t\ttype nat hook output "
		     "priority -100; policy accept;\n\t\tjump services\n");
	CHECK_HAS(t, "\tchain nat-postrouting {\n\t\ttype nat hook "
		     "postrouting priority srcnat; policy accept;\n"
		     "\t\tjump masquerading\n");
	r = chain_rules(t, "services");
	CHECK_STR(r, "ip daddr . meta l4proto . th dport vmap @service-ips\n"
		     "ip6 daddr . meta l4proto . th dport vmap @service-ips6\n"
		     "fib daddr type local ip daddr != 127.0.0.0/8 meta "
		     "l4proto . th dport vmap @service-nodeports\n"
		     "fib daddr type local ip6 daddr != ::1 meta l4proto . "
		     "th dport vmap @service-nodeports6\n");
	free(r);
	r = chain_rules(t, "cluster-ips-check");
	CHECK_STR(r, "ip daddr @cluster-ips goto reject-chain\n"
		     "ip6 daddr @cluster-ips6 goto reject-chain\n");
	free(r);
	r = chain_rules(t, "reject-chain");
	CHECK_STR(r, "meta l4proto tcp reject with tcp reset\n"
		     "reject with icmpx port-unreachable\n");
	free(r);
	r = chain_rules(t, "masquerading");
	CHECK_STR(r, "meta mark & 0x00004000 == 0x00000000 return\n"
		     "meta mark set meta mark ^ 0x00004000\n"
		     "masquerade fully-random\n");
	free(r);
	r = chain_rules(t, "mark-for-masquerade");
	CHECK_STR(r, "meta mark set meta mark | 0x00004000\n");
	free(r);
	CHECK_HAS(t, "\tmap service-ips {\n\t\ttype ipv4_addr . inet_proto "
		     ". inet_service : verdict\n");
	CHECK_HAS(t, "\tmap service-nodeports6 {\n\t\ttype inet_proto . "
		     "inet_service : verdict\n");
	CHECK_HAS(t, "\tset cluster-ips6 {\n\t\ttype ipv6_addr\n");
	struct plan_stats st;
	plan_stats(p, &st);
	CHECK_INT(st.services, 0);
	CHECK_INT(st.chains, 14);
	CHECK_INT(st.sets, 12);
	CHECK_INT(st.elements, 0);
	free(t);
	plan_free(p);
}

static void test_cluster_ip_round_robin(void)
{
	struct plan_config c = cfg();
	struct fx *f = web3();
	struct plan *p = fx_plan(&c, f, NULL);
	char *t = svc_text(p, "default/web");
	char *svc = chain_named(t, "service-", "default/web/tcp/http");
	char *ep[3];
	for (int i = 0; i < 3; i++) {
		char *rd = xasprintf("default/web/tcp/http__10.1.0.%d/8080",
				     i + 1);
		ep[i] = chain_named(t, "endpoint-", rd);
		CHECK(ep[i] != NULL);
		free(rd);
	}
	CHECK(svc != NULL);
	char *want = xasprintf("10.96.0.10 . tcp . 80 : goto %s", svc);
	CHECK_HAS(t, want);
	free(want);
	CHECK_HAS(t, "\tset cluster-ips {\n\t\ttype ipv4_addr\n\t\tcomment "
		     "\"active ClusterIPs\"\n\t\telements = { 10.96.0.10 }\n");
	char *r = chain_rules(t, svc);
	want = xasprintf("numgen inc mod 3 vmap { 0 : goto %s, 1 : goto %s, "
			 "2 : goto %s }\n", ep[0], ep[1], ep[2]);
	CHECK_STR(r, want);
	free(want);
	free(r);
	r = chain_rules(t, ep[1]);
	CHECK_STR(r, "ip saddr 10.1.0.2 jump mark-for-masquerade\n"
		     "meta l4proto tcp dnat ip to 10.1.0.2:8080\n");
	free(r);
	/* A ClusterIP alone needs no external chain and no node port. */
	CHECK_LACKS(t, "external-");
	CHECK_LACKS(t, "service-nodeports");
	CHECK_LACKS(t, "no-endpoint");
	struct plan_stats st;
	plan_stats(p, &st);
	CHECK_INT(st.services, 1);
	CHECK_INT(st.chains, 14 + 4);
	CHECK_INT(st.elements, 2);
	for (int i = 0; i < 3; i++)
		free(ep[i]);
	free(svc);
	free(t);
	plan_free(p);
	fx_free(f);
}

static void test_random_and_single(void)
{
	struct plan_config c = cfg();
	c.balance = PLAN_RANDOM;
	struct fx *f = web3();
	struct fx *one = fx_new("default", "one", "10.96.0.11");
	fx_port(one, NULL, PROTO_TCP, 80, 80);
	fx_ep(one, "10.1.1.1", NULL, FX_READY);
	struct plan *p = fx_plan(&c, f, one, NULL);
	char *t = plan_render(p);
	CHECK_HAS(t, "numgen random mod 3 vmap { 0 : goto endpoint-");
	CHECK_LACKS(t, "numgen inc");
	/* An unnamed port is labelled by its number; one endpoint needs
	 * no numgen. */
	char *svc = chain_named(t, "service-", "default/one/tcp/80");
	char *ep = chain_named(t, "endpoint-",
			       "default/one/tcp/80__10.1.1.1/80");
	char *r = chain_rules(t, svc);
	char *want = xasprintf("goto %s\n", ep);
	CHECK_STR(r, want);
	free(want);
	free(r);
	free(svc);
	free(ep);
	free(t);
	plan_free(p);
	fx_free(f);
	fx_free(one);
}

static void test_node_port(void)
{
	struct plan_config c = cfg();
	struct fx *f = web3();
	fx_svc(f)->type = SVC_NODE_PORT;
	fx_svc(f)->ports[0].node_port = 30080;
	struct plan *p = fx_plan(&c, f, NULL);
	char *t = svc_text(p, "default/web");
	char *ext = chain_named(t, "external-", "default/web/tcp/http");
	char *svc = chain_named(t, "service-", "default/web/tcp/http");
	char *want = xasprintf("\tmap service-nodeports {\n\t\ttype "
			       "inet_proto . inet_service : verdict\n\t\t"
			       "comment \"NodePort traffic\"\n\t\telements "
			       "= { tcp . 30080 : goto %s }\n",
			       ext);
	CHECK_HAS(t, want);
	free(want);
	/* Policy Cluster: the endpoint may be elsewhere, masquerade. */
	char *r = chain_rules(t, ext);
	want = xasprintf("jump mark-for-masquerade\ngoto %s\n", svc);
	CHECK_STR(r, want);
	free(want);
	free(r);
	/* The ClusterIP still goes straight to the service chain. */
	want = xasprintf("10.96.0.10 . tcp . 80 : goto %s", svc);
	CHECK_HAS(t, want);
	free(want);
	CHECK_LACKS(t, "service-nodeports6");
	free(ext);
	free(svc);
	free(t);
	plan_free(p);
	fx_free(f);
}

static void test_node_ips(void)
{
	struct plan_config c = cfg();
	struct ipaddr nips[3] = { ip("192.168.1.10"), ip("127.0.0.1"),
				  ip("::1") };
	c.node_ips = nips;
	c.n_node_ips = 3;
	struct plan *p = plan_new(&c);
	char *t = plan_render(p);
	CHECK_HAS(t, "\tset nodeport-ips {\n\t\ttype ipv4_addr\n\t\tcomment "
		     "\"IPs that accept NodePort traffic\"\n\t\telements = { "
		     "192.168.1.10 }\n");
	CHECK_LACKS(t, "127.0.0.1");
	/* ::1 was the only IPv6 node IP: IPv6 node ports open nowhere. */
	CHECK_HAS(t, "\tset nodeport-ips6 {\n\t\ttype ipv6_addr\n\t\tcomment "
		     "\"IPs that accept NodePort traffic\"\n\t}\n");
	char *r = chain_rules(t, "services");
	CHECK_HAS(r, "ip daddr @nodeport-ips meta l4proto . th dport vmap "
		     "@service-nodeports\n");
	CHECK_HAS(r, "ip6 daddr @nodeport-ips6 meta l4proto . th dport vmap "
		     "@service-nodeports6\n");
	CHECK_LACKS(r, "fib");
	free(r);
	r = chain_rules(t, "nodeport-endpoints-check");
	CHECK_STR(r, "ip daddr @nodeport-ips meta l4proto . th dport vmap "
		     "@no-endpoint-nodeports\n"
		     "ip6 daddr @nodeport-ips6 meta l4proto . th dport vmap "
		     "@no-endpoint-nodeports6\n");
	free(r);
	free(t);
	plan_free(p);

	/* Only IPv4 given: IPv6 node ports stay on every local address. */
	c.n_node_ips = 1;
	p = plan_new(&c);
	t = plan_render(p);
	r = chain_rules(t, "services");
	CHECK_HAS(r, "ip daddr @nodeport-ips meta");
	CHECK_HAS(r, "fib daddr type local ip6 daddr != ::1 meta l4proto . "
		     "th dport vmap @service-nodeports6\n");
	free(r);
	free(t);
	plan_free(p);
}

static void test_external_and_lb_ips(void)
{
	struct plan_config c = cfg();
	struct fx *f = web3();
	fx_external_ip(f, "203.0.113.5");
	fx_lb_ip(f, "198.51.100.7");
	fx_lb_ip(f, "203.0.113.5"); /* twice: one element */
	struct fx *g = fx_new("default", "notlb", "10.96.0.12");
	fx_port(g, "http", PROTO_TCP, 80, 80);
	fx_ep(g, "10.1.2.1", NULL, FX_READY);
	struct ipaddr lb = ip("198.51.100.99");
	fx_svc(g)->lb_ips = xmalloc(sizeof(lb));
	fx_svc(g)->lb_ips[0] = lb;
	fx_svc(g)->n_lb_ips = 1; /* status of a ClusterIP: ignored */
	struct plan *p = fx_plan(&c, f, g, NULL);
	char *t = svc_text(p, "default/web");
	char *ext = chain_named(t, "external-", "default/web/tcp/http");
	char *svc = chain_named(t, "service-", "default/web/tcp/http");
	char *want = xasprintf("10.96.0.10 . tcp . 80 : goto %s,\n\t\t\t     "
			       "203.0.113.5 . tcp . 80 : goto %s,\n\t\t\t     "
			       "198.51.100.7 . tcp . 80 : goto %s }\n",
			       svc, ext, ext);
	CHECK_HAS(t, want);
	free(want);
	char *r = chain_rules(t, ext);
	want = xasprintf("jump mark-for-masquerade\ngoto %s\n", svc);
	CHECK_STR(r, want);
	free(want);
	free(r);
	free(t);
	t = svc_text(p, "default/notlb");
	CHECK_LACKS(t, "198.51.100.99");
	CHECK_LACKS(t, "external-");
	free(ext);
	free(svc);
	free(t);
	plan_free(p);
	fx_free(f);
	fx_free(g);
}

static void test_sctp_and_ports(void)
{
	struct plan_config c = cfg();
	struct fx *f = fx_new("tel", "sig", "10.96.0.20");
	fx_port(f, "sig", PROTO_SCTP, 3868, 3868);
	fx_port(f, "dns", PROTO_UDP, 53, 5353);
	fx_port(f, "web", PROTO_TCP, 80, 0)->target_port_name =
		xstrdup("http-alt");
	/* The view resolved "http-alt" per endpoint; b serves no DNS. */
	fx_ep_ports(f, "10.2.0.1", NULL, FX_READY,
		    (uint16_t[]){ 3868, 5353, 8081 });
	fx_ep_ports(f, "10.2.0.2", NULL, FX_READY,
		    (uint16_t[]){ 3868, 0, 8082 });
	struct plan *p = fx_plan(&c, f, NULL);
	char *t = svc_text(p, "tel/sig");
	CHECK_HAS(t, "10.96.0.20 . sctp . 3868 : goto service-");
	CHECK_HAS(t, "10.96.0.20 . udp . 53 : goto service-");
	CHECK_HAS(t, "10.96.0.20 . tcp . 80 : goto service-");
	char *ep = chain_named(t, "endpoint-",
			       "tel/sig/sctp/sig__10.2.0.1/3868");
	char *r = chain_rules(t, ep);
	CHECK_STR(r, "ip saddr 10.2.0.1 jump mark-for-masquerade\n"
		     "meta l4proto sctp dnat ip to 10.2.0.1:3868\n");
	free(r);
	free(ep);
	/* DNS has one endpoint: the one that serves port 53. */
	char *dns = chain_named(t, "service-", "tel/sig/udp/dns");
	ep = chain_named(t, "endpoint-", "tel/sig/udp/dns__10.2.0.1/5353");
	r = chain_rules(t, dns);
	char *want = xasprintf("goto %s\n", ep);
	CHECK_STR(r, want);
	free(want);
	free(r);
	free(ep);
	free(dns);
	CHECK(!find_named(t, "chain", "endpoint-",
			  "tel/sig/udp/dns__10.2.0.2/0"));
	CHECK_HAS(t, "meta l4proto tcp dnat ip to 10.2.0.1:8081\n");
	CHECK_HAS(t, "meta l4proto tcp dnat ip to 10.2.0.2:8082\n");
	CHECK_HAS(t, "numgen inc mod 2");
	free(t);
	plan_free(p);
	fx_free(f);
}

static void test_affinity(void)
{
	struct plan_config c = cfg();
	struct fx *f = web3();
	fx_svc(f)->affinity_client_ip = true;
	fx_svc(f)->affinity_timeout = 600;
	struct plan *p = fx_plan(&c, f, NULL);
	char *t = svc_text(p, "default/web");
	const char *rd = "default/web/tcp/http__10.1.0.1/8080";
	char *aff = find_named(t, "set", "affinity-", rd);
	char *ep = chain_named(t, "endpoint-", rd);
	CHECK(aff != NULL);
	char *want = xasprintf("\tset %s {\n\t\ttype ipv4_addr\n\t\tflags "
			       "dynamic,timeout\n\t\ttimeout 600s\n\t}\n",
			       aff);
	CHECK_HAS(t, want);
	free(want);
	char *svc = chain_named(t, "service-", "default/web/tcp/http");
	char *r = chain_rules(t, svc);
	want = xasprintf("ip saddr @%s goto %s\n", aff, ep);
	CHECK(r && strncmp(r, want, strlen(want)) == 0);
	CHECK_HAS(r, "numgen inc mod 3");
	free(want);
	free(r);
	r = chain_rules(t, ep);
	want = xasprintf("ip saddr 10.1.0.1 jump mark-for-masquerade\n"
			 "update @%s { ip saddr }\n"
			 "meta l4proto tcp dnat ip to 10.1.0.1:8080\n",
			 aff);
	CHECK_STR(r, want);
	free(want);
	free(r);
	plan_free(p);
	/* A new timeout is a new set: a set never changes declaration. */
	fx_svc(f)->affinity_timeout = 900;
	p = fx_plan(&c, f, NULL);
	char *t2 = svc_text(p, "default/web");
	char *aff2 = find_named(t2, "set", "affinity-", rd);
	CHECK(aff2 && aff && strcmp(aff, aff2) != 0);
	CHECK_HAS(t2, "timeout 900s");
	free(aff2);
	free(t2);
	free(svc);
	free(ep);
	free(aff);
	free(t);
	plan_free(p);
	fx_free(f);
}

/* lb: LoadBalancer 10.96.0.30, port 80 -> 8080, node port 30080, LB IP
 * 198.51.100.30, externalTrafficPolicy Local; pods a (this node, when
 * `local`) and b (node-b). */
static struct fx *etp_local_svc(bool local)
{
	struct fx *f = fx_new("shop", "lb", "10.96.0.30");
	fx_port(f, "http", PROTO_TCP, 80, 8080)->node_port = 30080;
	fx_lb_ip(f, "198.51.100.30");
	fx_svc(f)->external_policy = POLICY_LOCAL;
	fx_ep(f, "10.1.0.1", local ? "node-a" : "node-c", FX_READY);
	fx_ep(f, "10.1.0.2", "node-b", FX_READY);
	return f;
}

static void test_etp_local(void)
{
	struct plan_config c = cfg();
	struct ipaddr cidr;
	cidr_parse("10.244.0.0/16", &cidr);
	c.cluster_cidrs = &cidr;
	c.n_cluster_cidrs = 1;
	struct fx *f = etp_local_svc(true);
	struct plan *p = fx_plan(&c, f, NULL);
	char *t = svc_text(p, "shop/lb");
	const char *rd = "shop/lb/tcp/http";
	char *ext = chain_named(t, "external-", rd);
	char *svc = chain_named(t, "service-", rd);
	char *loc = chain_named(t, "local-", rd);
	char *ep1 = chain_named(t, "endpoint-",
				"shop/lb/tcp/http__10.1.0.1/8080");
	/* Pods and the node itself use every endpoint; outside clients
	 * only local ones, with their address kept (no masquerade). */
	char *r = chain_rules(t, ext);
	char *want = xasprintf("ip saddr 10.244.0.0/16 goto %s\n"
			       "fib saddr type local jump mark-for-masquerade\n"
			       "fib saddr type local goto %s\n"
			       "goto %s\n",
			       svc, svc, loc);
	CHECK_STR(r, want);
	free(want);
	free(r);
	r = chain_rules(t, loc);
	want = xasprintf("goto %s\n", ep1);
	CHECK_STR(r, want);
	free(want);
	free(r);
	r = chain_rules(t, svc);
	CHECK_HAS(r, "ip daddr 10.96.0.30 tcp dport 80 ip saddr != "
		     "10.244.0.0/16 jump mark-for-masquerade\n");
	CHECK_HAS(r, "numgen inc mod 2");
	free(r);
	want = xasprintf("tcp . 30080 : goto %s", ext);
	CHECK_HAS(t, want);
	free(want);
	want = xasprintf("198.51.100.30 . tcp . 80 : goto %s", ext);
	CHECK_HAS(t, want);
	free(want);
	CHECK_LACKS(t, "no-endpoint");
	free(t);
	free(ext);
	free(svc);
	free(loc);
	free(ep1);
	plan_free(p);
	fx_free(f);

	/* No local endpoint: outside traffic is dropped (the node and pods
	 * are still short-circuited); the ClusterIP works as usual. */
	f = etp_local_svc(false);
	p = fx_plan(&c, f, NULL);
	t = svc_text(p, "shop/lb");
	ext = chain_named(t, "external-", rd);
	svc = chain_named(t, "service-", rd);
	CHECK(!chain_named(t, "local-", rd));
	r = chain_rules(t, ext);
	CHECK_LACKS(r, "goto local-");
	CHECK_HAS(r, "fib saddr type local goto service-");
	free(r);
	CHECK_HAS(t, "\tmap no-endpoint-nodeports {\n\t\ttype inet_proto . "
		     "inet_service : verdict\n\t\tcomment \"nodeports with no "
		     "usable endpoints\"\n\t\telements = { tcp . 30080 : drop "
		     "}\n");
	CHECK_HAS(t, "elements = { 198.51.100.30 . tcp . 80 : drop }\n");
	want = xasprintf("10.96.0.30 . tcp . 80 : goto %s", svc);
	CHECK_HAS(t, want);
	free(want);
	want = xasprintf("tcp . 30080 : goto %s", ext);
	CHECK_HAS(t, want);
	free(want);
	free(ext);
	free(svc);
	free(t);
	plan_free(p);
	fx_free(f);
}

static void test_itp_local(void)
{
	struct plan_config c = cfg();
	struct fx *f = web3();
	fx_svc(f)->internal_policy = POLICY_LOCAL;
	struct plan *p = fx_plan(&c, f, NULL);
	char *t = svc_text(p, "default/web");
	const char *rd = "default/web/tcp/http";
	char *loc = chain_named(t, "local-", rd);
	char *ep1 = chain_named(t, "endpoint-",
				"default/web/tcp/http__10.1.0.1/8080");
	char *want = xasprintf("10.96.0.10 . tcp . 80 : goto %s", loc);
	CHECK_HAS(t, want);
	free(want);
	char *r = chain_rules(t, loc);
	want = xasprintf("goto %s\n", ep1);
	CHECK_STR(r, want);
	free(want);
	free(r);
	/* Nothing uses the Cluster policy: no service chain, and only the
	 * local endpoint gets a chain. */
	CHECK(!chain_named(t, "service-", rd));
	CHECK_LACKS(t, "10.1.0.2");
	free(loc);
	free(ep1);
	free(t);
	plan_free(p);

	/* No local endpoint: the ClusterIP drops new connections. */
	c.node_name = "node-z";
	p = fx_plan(&c, f, NULL);
	t = svc_text(p, "default/web");
	CHECK_HAS(t, "\tmap no-endpoint-services {\n\t\ttype ipv4_addr . "
		     "inet_proto . inet_service : verdict\n\t\tcomment "
		     "\"services with no usable endpoints\"\n\t\telements = { "
		     "10.96.0.10 . tcp . 80 : drop }\n");
	CHECK_LACKS(t, "\tchain ");
	CHECK_LACKS(t, "service-ips");
	free(t);
	plan_free(p);
	fx_free(f);
}

static void test_endpoint_conditions(void)
{
	struct plan_config c = cfg();
	struct fx *f = fx_new("default", "roll", "10.96.0.40");
	fx_port(f, "http", PROTO_TCP, 80, 8080);
	fx_ep(f, "10.1.0.1", NULL, FX_SERVING | FX_TERMINATING);
	fx_ep(f, "10.1.0.2", NULL, FX_TERMINATING); /* not serving */
	fx_ep(f, "10.1.0.3", NULL, FX_NOT_READY);
	fx_ep(f, "10.1.0.4", NULL, FX_SERVING | FX_TERMINATING);
	struct plan *p = fx_plan(&c, f, NULL);
	char *t = svc_text(p, "default/roll");
	/* None ready: the serving, terminating ones carry the traffic. */
	CHECK_HAS(t, "numgen inc mod 2 vmap");
	CHECK_HAS(t, "dnat ip to 10.1.0.1:8080");
	CHECK_HAS(t, "dnat ip to 10.1.0.4:8080");
	CHECK_LACKS(t, "10.1.0.2");
	CHECK_LACKS(t, "10.1.0.3");
	free(t);
	plan_free(p);
	/* One ready endpoint: only it. */
	fx_ep(f, "10.1.0.5", NULL, FX_READY);
	p = fx_plan(&c, f, NULL);
	t = svc_text(p, "default/roll");
	CHECK_LACKS(t, "numgen");
	CHECK_HAS(t, "dnat ip to 10.1.0.5:8080");
	CHECK_LACKS(t, "10.1.0.1");
	free(t);
	plan_free(p);
	fx_free(f);
}

static void test_no_endpoints_reject(void)
{
	struct plan_config c = cfg();
	struct fx *f = fx_new("default", "empty", "10.96.0.50");
	fx_port(f, "http", PROTO_TCP, 80, 8080)->node_port = 30050;
	fx_svc(f)->type = SVC_NODE_PORT;
	fx_external_ip(f, "203.0.113.50");
	fx_ep(f, "10.1.0.9", NULL, FX_NOT_READY);
	struct plan *p = fx_plan(&c, f, NULL);
	char *t = svc_text(p, "default/empty");
	CHECK_HAS(t, "elements = { 10.96.0.50 . tcp . 80 : goto reject-chain,"
		     "\n\t\t\t     203.0.113.50 . tcp . 80 : goto "
		     "reject-chain }\n");
	CHECK_HAS(t, "elements = { tcp . 30050 : goto reject-chain }\n");
	/* No chain at all, but the ClusterIP stays known. */
	CHECK_LACKS(t, "\tchain ");
	CHECK_LACKS(t, "service-ips");
	CHECK_HAS(t, "elements = { 10.96.0.50 }\n");
	free(t);
	plan_free(p);
	fx_free(f);
}

static void test_masquerade(void)
{
	struct plan_config c = cfg();
	struct ipaddr cidrs[3];
	cidr_parse("10.244.0.0/16", &cidrs[0]);
	cidr_parse("10.245.0.0/16", &cidrs[1]);
	cidr_parse("fd00:244::/48", &cidrs[2]);
	c.cluster_cidrs = cidrs;
	c.n_cluster_cidrs = 3;
	c.masq_mark = 0x8000;
	struct fx *f = web3();
	struct plan *p = fx_plan(&c, f, NULL);
	char *t = plan_render(p);
	char *svc = chain_named(t, "service-", "default/web/tcp/http");
	char *r = chain_rules(t, svc);
	CHECK(r && strncmp(r, "ip daddr 10.96.0.10 tcp dport 80 ip saddr != "
			      "{ 10.244.0.0/16, 10.245.0.0/16 } jump "
			      "mark-for-masquerade\nnumgen inc mod 3",
			   80) == 0);
	free(r);
	r = chain_rules(t, "masquerading");
	CHECK_STR(r, "meta mark & 0x00008000 == 0x00000000 return\n"
		     "meta mark set meta mark ^ 0x00008000\n"
		     "masquerade fully-random\n");
	free(r);
	CHECK_HAS(t, "ip saddr 10.1.0.3 jump mark-for-masquerade\n");
	free(svc);
	free(t);
	plan_free(p);
	/* Without --cluster-cidr there is no source range to judge by. */
	c.n_cluster_cidrs = 0;
	p = fx_plan(&c, f, NULL);
	t = svc_text(p, "default/web");
	CHECK_LACKS(t, "ip daddr 10.96.0.10 tcp dport 80");
	CHECK_HAS(t, "ip saddr 10.1.0.1 jump mark-for-masquerade\n");
	free(t);
	plan_free(p);
	fx_free(f);
}

static void test_ipv6_and_dual_stack(void)
{
	struct plan_config c = cfg();
	struct fx *v6 = fx_new("default", "six", "fd00::10");
	fx_port(v6, "http", PROTO_TCP, 80, 8080);
	fx_ep(v6, "fd00:1::1", NULL, FX_READY);
	struct fx *ds = fx_new("default", "dual", "10.96.0.60");
	svc_add_ip(ds->obj, "fd00::60");
	fx_svc(ds)->type = SVC_NODE_PORT;
	fx_port(ds, "http", PROTO_TCP, 80, 8080)->node_port = 30060;
	fx_ep(ds, "10.1.0.1", NULL, FX_READY);
	fx_ep(ds, "10.1.0.2", NULL, FX_READY);
	fx_ep(ds, "fd00:1::1", NULL, FX_READY);
	struct plan *p = fx_plan(&c, v6, ds, NULL);

	char *t = svc_text(p, "default/six");
	char *svc = chain_named(t, "service6-", "default/six/tcp/http");
	char *ep = chain_named(t, "endpoint-",
			       "default/six/tcp/http__fd00.1..1/8080");
	char *want = xasprintf("\tmap service-ips6 {\n\t\ttype ipv6_addr "
			       ". inet_proto . inet_service : verdict\n\t\t"
			       "comment \"ClusterIP, ExternalIP and "
			       "LoadBalancer IP traffic\"\n\t\telements = { "
			       "fd00::10 . tcp . 80 : goto %s }\n",
			       svc);
	CHECK_HAS(t, want);
	free(want);
	char *r = chain_rules(t, ep);
	CHECK_STR(r, "ip6 saddr fd00:1::1 jump mark-for-masquerade\n"
		     "meta l4proto tcp dnat ip6 to [fd00:1::1]:8080\n");
	free(r);
	CHECK_HAS(t, "\tset cluster-ips6 {\n\t\ttype ipv6_addr\n\t\tcomment "
		     "\"active ClusterIPs\"\n\t\telements = { fd00::10 }\n");
	free(svc);
	free(ep);
	free(t);

	/* Dual-stack: each family balances over its own endpoints. */
	t = svc_text(p, "default/dual");
	svc = chain_named(t, "service-", "default/dual/tcp/http");
	char *svc6 = chain_named(t, "service6-", "default/dual/tcp/http");
	char *ext = chain_named(t, "external-", "default/dual/tcp/http");
	char *ext6 = chain_named(t, "external6-", "default/dual/tcp/http");
	r = chain_rules(t, svc);
	CHECK_HAS(r, "numgen inc mod 2");
	CHECK_LACKS(r, "fd00");
	free(r);
	r = chain_rules(t, svc6);
	ep = chain_named(t, "endpoint-",
			 "default/dual/tcp/http__fd00.1..1/8080");
	want = xasprintf("goto %s\n", ep);
	CHECK_STR(r, want);
	free(want);
	free(r);
	want = xasprintf("\tmap service-nodeports {\n\t\ttype inet_proto . "
			 "inet_service : verdict\n\t\tcomment \"NodePort "
			 "traffic\"\n\t\telements = { tcp . 30060 : goto "
			 "%s }\n",
			 ext);
	CHECK_HAS(t, want);
	free(want);
	want = xasprintf("\tmap service-nodeports6 {\n\t\ttype inet_proto . "
			 "inet_service : verdict\n\t\tcomment \"NodePort "
			 "traffic\"\n\t\telements = { tcp . 30060 : goto "
			 "%s }\n",
			 ext6);
	CHECK_HAS(t, want);
	free(want);
	CHECK_HAS(t, "elements = { 10.96.0.60 }\n");
	CHECK_HAS(t, "elements = { fd00::60 }\n");
	free(ep);
	free(svc);
	free(svc6);
	free(ext);
	free(ext6);
	free(t);
	plan_free(p);
	fx_free(v6);
	fx_free(ds);
}

static void test_dns_only_services(void)
{
	struct plan_config c = cfg();
	struct fx *h = fx_new("default", "headless", NULL);
	fx_port(h, "http", PROTO_TCP, 80, 8080);
	fx_ep(h, "10.1.0.1", NULL, FX_READY);
	struct fx *x = fx_new("default", "ext", NULL);
	fx_svc(x)->headless = false;
	fx_svc(x)->type = SVC_EXTERNAL_NAME;
	fx_svc(x)->external_name = xstrdup("db.example.com");
	struct plan *p = fx_plan(&c, h, x, NULL);
	struct plan *empty = plan_new(&c);
	struct plan_stats st;
	plan_stats(p, &st);
	CHECK_INT(st.services, 0);
	CHECK(!plan_render_service(p, "default/headless"));
	CHECK(!plan_render_service(p, "default/ext"));
	char *a = plan_render(p), *b = plan_render(empty);
	CHECK_STR(a, b);
	free(a);
	free(b);
	struct plan_ops ops = { 0 };
	plan_diff(empty, p, &ops);
	CHECK_INT(ops.n, 0);
	plan_ops_free(&ops);
	plan_free(p);
	plan_free(empty);
	fx_free(h);
	fx_free(x);
}

/* ---- diff ---- */

#define N_MANY 1000

static struct fx *many_svc(int i)
{
	char name[32], cip[32], a[32], b[32];
	snprintf(name, sizeof(name), "svc-%04d", i);
	snprintf(cip, sizeof(cip), "10.96.%d.%d", i / 250, i % 250 + 1);
	snprintf(a, sizeof(a), "10.%d.%d.1", 100 + i / 250, i % 250);
	snprintf(b, sizeof(b), "10.%d.%d.2", 100 + i / 250, i % 250);
	struct fx *f = fx_new("ns", name, cip);
	fx_port(f, "http", PROTO_TCP, 80, 8080);
	fx_ep(f, a, NULL, FX_READY);
	fx_ep(f, b, NULL, FX_READY);
	return f;
}

static struct plan *build_many(const struct plan_config *c, struct fx **v,
			       int skip)
{
	const struct view_service **vs = xcalloc(N_MANY, sizeof(*vs));
	size_t n = 0;
	for (int i = N_MANY - 1; i >= 0; i--) /* any order will do */
		if (i != skip)
			vs[n++] = &v[i]->vs;
	struct plan *p = plan_build(c, vs, n);
	free(vs);
	return p;
}

/* "KIND name" per operation, one per line. */
static char *ops_text(const struct plan_ops *ops)
{
	static const char *const kinds[] = {
		"add-table", "add-set", "add-chain", "del-elem", "add-rules",
		"replace-rules", "add-elem", "del-chain", "del-set",
	};
	struct buf b = { 0 };
	buf_puts(&b, "");
	for (size_t i = 0; i < ops->n; i++) {
		const struct plan_op *op = &ops->v[i];
		const char *what = op->chain ? op->chain->name :
				   op->elem  ? op->elem->set :
				   op->set   ? op->set->name :
					       "";
		buf_printf(&b, "%s %.*s\n", kinds[op->kind],
			   (int)strcspn(what, "-"), what);
	}
	return buf_take(&b);
}

static bool ops_all_for(const struct plan_ops *ops, const char *key)
{
	for (size_t i = 0; i < ops->n; i++)
		if (!ops->v[i].svc || strcmp(ops->v[i].svc, key) != 0)
			return false;
	return true;
}

static void test_diff_one_endpoint(void)
{
	struct plan_config c = cfg();
	struct fx **v = xcalloc(N_MANY, sizeof(*v));
	for (int i = 0; i < N_MANY; i++)
		v[i] = many_svc(i);
	struct plan *old = build_many(&c, v, -1);
	struct plan *same = build_many(&c, v, -1);
	struct plan_ops ops = { 0 };
	plan_diff(old, same, &ops);
	CHECK_INT(ops.n, 0);
	CHECK_INT(ops.services, 0);
	plan_ops_free(&ops);
	plan_diff(old, old, &ops);
	CHECK_INT(ops.n, 0);
	plan_ops_free(&ops);

	fx_ep(v[500], "10.102.0.3", NULL, FX_READY);
	struct plan *new = build_many(&c, v, -1);
	plan_diff(old, new, &ops);
	char *k = ops_text(&ops);
	CHECK_STR(k, "add-chain endpoint\nadd-rules endpoint\n"
		     "replace-rules service\n");
	free(k);
	CHECK_INT(ops.services, 1);
	CHECK(ops_all_for(&ops, "ns/svc-0500"));
	CHECK(ops.n == 3 && strstr(ops.v[0].chain->name,
				   "ns/svc-0500/tcp/http__10.102.0.3/8080"));
	CHECK(ops.n == 3 && strstr(ops.v[2].chain->name, "ns/svc-0500/"));
	char *script = plan_ops_render(&ops);
	CHECK_HAS(script, "add chain inet svcd endpoint-");
	CHECK_HAS(script, "add rule inet svcd endpoint-");
	CHECK_HAS(script, "meta l4proto tcp dnat ip to 10.102.0.3:8080\n");
	CHECK_HAS(script, "flush chain inet svcd service-");
	CHECK_HAS(script, "numgen inc mod 3 vmap");
	plan_ops_free(&ops);

	/* The same change made incrementally gives the same operations
	 * and leaves the plan equal to a fresh build. */
	CHECK(plan_update(old, "ns/svc-0500", &v[500]->vs, &ops));
	char *script2 = plan_ops_render(&ops);
	CHECK_STR(script2, script);
	CHECK(!plan_update(old, "ns/svc-0501", &v[501]->vs, &ops));
	CHECK_INT(ops.services, 1);
	plan_ops_free(&ops);
	plan_diff(old, new, &ops);
	CHECK_INT(ops.n, 0);
	plan_ops_free(&ops);
	free(script);
	free(script2);

	/* Removing a Service deletes its elements, then its chains, the
	 * service chain before the endpoint chains it jumps to. */
	struct plan *gone = build_many(&c, v, 7);
	plan_diff(new, gone, &ops);
	k = ops_text(&ops);
	CHECK_STR(k, "del-elem cluster\ndel-elem service\n"
		     "del-chain service\ndel-chain endpoint\n"
		     "del-chain endpoint\n");
	free(k);
	CHECK(ops_all_for(&ops, "ns/svc-0007"));
	script = plan_ops_render(&ops);
	CHECK_HAS(script, "delete element inet svcd cluster-ips { 10.96.0.8 }\n"
			  "delete element inet svcd service-ips { 10.96.0.8 . "
			  "tcp . 80 }\n");
	free(script);
	plan_ops_free(&ops);
	CHECK(plan_update(new, "ns/svc-0007", NULL, &ops));
	k = ops_text(&ops);
	CHECK_STR(k, "del-elem cluster\ndel-elem service\n"
		     "del-chain service\ndel-chain endpoint\n"
		     "del-chain endpoint\n");
	free(k);
	plan_ops_free(&ops);
	struct plan_stats st;
	plan_stats(new, &st);
	CHECK_INT(st.services, N_MANY - 1);

	plan_free(old);
	plan_free(same);
	plan_free(new);
	plan_free(gone);
	for (int i = 0; i < N_MANY; i++)
		fx_free(v[i]);
	free(v);
}

/* A first sync in pieces: every Service whole in one piece, the table
 * and skeleton in the first, nothing lost or repeated. */
static void test_diff_pieces(void)
{
	struct plan_config c = cfg();
	struct fx **v = xcalloc(N_MANY, sizeof(*v));
	for (int i = 0; i < N_MANY; i++)
		v[i] = many_svc(i);
	struct plan *p = build_many(&c, v, -1);
	struct plan_ops all = { 0 }, ops = { 0 };
	plan_diff(NULL, p, &all);
	struct plan_diff_iter it;
	plan_diff_iter_init(&it, NULL, p);
	size_t pieces = 0, n = 0, services = 0;
	bool whole = true;
	while (plan_diff_iter_next(&it, 300, &ops)) {
		CHECK_INT(ops.v[0].kind,
			  pieces ? PLAN_OP_ADD_CHAIN : PLAN_OP_ADD_TABLE);
		CHECK(ops.services <= 300);
		/* Each element's chain was made in the same piece. */
		for (size_t i = 0; i < ops.n; i++) {
			const struct plan_op *op = &ops.v[i];
			if (op->kind != PLAN_OP_ADD_ELEM ||
			    !op->elem->has_verdict ||
			    op->elem->verdict.code != VERDICT_GOTO)
				continue;
			bool made = false;
			for (size_t j = 0; j < i && !made; j++)
				made = ops.v[j].kind == PLAN_OP_ADD_CHAIN &&
				       strcmp(ops.v[j].chain->name,
					      op->elem->verdict.chain) == 0;
			whole = whole && made;
		}
		n += ops.n;
		services += ops.services;
		pieces++;
		plan_ops_free(&ops);
	}
	CHECK(whole);
	CHECK_INT(pieces, 4);
	CHECK_INT(services, N_MANY);
	CHECK_INT(n, all.n);
	CHECK(!plan_diff_iter_next(&it, 300, &ops));
	plan_ops_free(&ops);
	plan_diff_iter_free(&it);
	plan_ops_free(&all);
	plan_free(p);
	for (int i = 0; i < N_MANY; i++)
		fx_free(v[i]);
	free(v);
}

static void test_diff_endpoints_appear(void)
{
	struct plan_config c = cfg();
	struct fx *f = fx_new("default", "late", "10.96.0.70");
	fx_port(f, "dns", PROTO_UDP, 53, 53);
	struct fx *g = web3();
	struct plan *a = fx_plan(&c, f, g, NULL);
	fx_ep(f, "10.1.7.1", NULL, FX_READY);
	struct plan *b = fx_plan(&c, f, g, NULL);
	struct plan_ops ops = { 0 };
	plan_diff(a, b, &ops);
	char *k = ops_text(&ops);
	/* New chains exist before the element that points at them; the
	 * reject element goes in the same transaction. */
	CHECK_STR(k, "add-chain endpoint\nadd-chain service\n"
		     "del-elem no\nadd-rules endpoint\nadd-rules service\n"
		     "add-elem service\n");
	free(k);
	CHECK(ops_all_for(&ops, "default/late"));
	plan_ops_free(&ops);
	/* Several updates into one ops stay in transaction order. */
	fx_ep(g, "10.1.0.4", NULL, FX_READY);
	CHECK(plan_update(a, "default/late", &f->vs, &ops));
	CHECK(plan_update(a, "default/web", &g->vs, &ops));
	k = ops_text(&ops);
	CHECK_STR(k, "add-chain endpoint\nadd-chain service\n"
		     "add-chain endpoint\ndel-elem no\nadd-rules endpoint\n"
		     "add-rules service\nadd-rules endpoint\n"
		     "replace-rules service\nadd-elem service\n");
	free(k);
	CHECK_INT(ops.services, 2);
	plan_ops_free(&ops);
	plan_free(a);
	plan_free(b);
	fx_free(f);
	fx_free(g);
}

static void test_diff_from_nothing(void)
{
	struct plan_config c = cfg();
	struct fx *f = web3();
	struct plan *p = fx_plan(&c, f, NULL);
	struct plan_ops ops = { 0 };
	plan_diff(NULL, p, &ops);
	CHECK(ops.n > 0 && ops.v[0].kind == PLAN_OP_ADD_TABLE);
	size_t sets = 0, chains = 0, elems = 0;
	for (size_t i = 0; i < ops.n; i++) {
		sets += ops.v[i].kind == PLAN_OP_ADD_SET;
		chains += ops.v[i].kind == PLAN_OP_ADD_CHAIN;
		elems += ops.v[i].kind == PLAN_OP_ADD_ELEM;
		CHECK(ops.v[i].kind != PLAN_OP_DEL_CHAIN);
	}
	CHECK_INT(sets, 12);
	CHECK_INT(chains, 14 + 4);
	CHECK_INT(elems, 2);
	char *s = plan_ops_render(&ops);
	CHECK(strncmp(s, "add table inet svcd\n", 20) == 0);
	CHECK_HAS(s, "add map inet svcd service-ips { type ipv4_addr . "
		     "inet_proto . inet_service : verdict; comment");
	CHECK_HAS(s, "add chain inet svcd nat-prerouting { type nat hook "
		     "prerouting priority dstnat; policy accept; }\n");
	free(s);
	plan_ops_free(&ops);
	plan_free(p);
	fx_free(f);
}

/* ---- the example ruleset: golden file and kernel ---- */

struct example {
	struct fx *f[7];
	struct ipaddr cidrs[2];
	struct plan_config c;
};

/* One of everything: round-robin ClusterIP with NodePort and external
 * IP, ETP Local LoadBalancer, ITP Local, ClientIP affinity, SCTP and
 * UDP, dual-stack, and a Service without endpoints. */
static void example_init(struct example *ex)
{
	memset(ex, 0, sizeof(*ex));
	ex->c = cfg();
	cidr_parse("10.244.0.0/16", &ex->cidrs[0]);
	cidr_parse("fd00:244::/48", &ex->cidrs[1]);
	ex->c.cluster_cidrs = ex->cidrs;
	ex->c.n_cluster_cidrs = 2;

	struct fx *f = ex->f[0] = web3();
	fx_svc(f)->type = SVC_NODE_PORT;
	fx_svc(f)->ports[0].node_port = 30081;
	fx_external_ip(f, "203.0.113.10");
	ex->f[1] = etp_local_svc(true);

	f = ex->f[2] = fx_new("default", "local-dns", "10.96.0.53");
	fx_svc(f)->internal_policy = POLICY_LOCAL;
	fx_port(f, "dns", PROTO_UDP, 53, 5353);
	fx_ep(f, "10.1.3.1", "node-a", FX_READY);
	fx_ep(f, "10.1.3.2", "node-b", FX_READY);

	f = ex->f[3] = fx_new("default", "sticky", "10.96.0.80");
	fx_svc(f)->affinity_client_ip = true;
	fx_port(f, "http", PROTO_TCP, 80, 8080);
	fx_ep(f, "10.1.4.1", NULL, FX_READY);
	fx_ep(f, "10.1.4.2", NULL, FX_READY);

	f = ex->f[4] = fx_new("tel", "sig", "10.96.0.20");
	fx_port(f, "sig", PROTO_SCTP, 3868, 3868);
	fx_ep(f, "10.2.0.1", NULL, FX_READY);

	f = ex->f[5] = fx_new("default", "dual", "10.96.0.60");
	svc_add_ip(f->obj, "fd00::60");
	fx_svc(f)->type = SVC_NODE_PORT;
	fx_port(f, "http", PROTO_TCP, 80, 8080)->node_port = 30060;
	fx_ep(f, "10.1.6.1", NULL, FX_READY);
	fx_ep(f, "fd00:1::6", NULL, FX_READY);

	f = ex->f[6] = fx_new("default", "empty", "10.96.0.90");
	fx_port(f, "http", PROTO_TCP, 80, 8080);
}

static void example_free(struct example *ex)
{
	for (size_t i = 0; i < ARRAY_LEN(ex->f); i++)
		fx_free(ex->f[i]);
}

static struct plan *example_plan(struct example *ex)
{
	const struct view_service *v[ARRAY_LEN(ex->f)];
	for (size_t i = 0; i < ARRAY_LEN(ex->f); i++)
		v[i] = &ex->f[i]->vs;
	return plan_build(&ex->c, v, ARRAY_LEN(v));
}

static bool have_nft(void)
{
	return geteuid() == 0 &&
	       system("command -v nft >/dev/null 2>&1") == 0;
}

/* A private network namespace: the kernel commits there, for real,
 * and nothing on the host changes. */
static bool have_netns(void)
{
	return have_nft() &&
	       system("unshare -n true >/dev/null 2>&1") == 0;
}

static int run(const char *fmt, ...) PRINTF(1, 2);
static int run(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *cmd = xvasprintf(fmt, ap);
	va_end(ap);
	int rc = system(cmd);
	if (rc != 0)
		fprintf(stderr, "test_plan: `%s` failed (%d)\n", cmd, rc);
	free(cmd);
	return rc;
}

static void write_text(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");
	CHECK(fp != NULL);
	if (!fp)
		return;
	fputs(text, fp);
	fclose(fp);
}

static void test_golden(void)
{
	struct example ex;
	example_init(&ex);
	struct plan *p = example_plan(&ex);
	char *text = plan_render(p);
	if (getenv("SVCD_UPDATE_GOLDEN"))
		write_text(GOLDEN, text);
	char *want = read_file(GOLDEN, NULL);
	CHECK(want != NULL);
	if (want && strcmp(text, want) != 0) {
		check_count++;
		check_failures++;
		fprintf(stderr, "%s differs from the planner's output; "
				"SVCD_UPDATE_GOLDEN=1 rewrites it\n",
			GOLDEN);
	}
	CHECK_HAS(text, "sctp . 3868 : goto service-");
	CHECK_HAS(text, "dnat ip6 to [fd00:1::6]:8080");
	free(want);
	free(text);
	plan_free(p);
	example_free(&ex);

	if (!have_nft()) {
		printf("test_plan: not root or no nft: kernel checks "
		       "skipped\n");
		return;
	}
	CHECK_INT(run("nft -c -f %s", GOLDEN), 0);
	if (have_netns())
		CHECK_INT(run("unshare -n nft -f %s", GOLDEN), 0);
	else
		printf("test_plan: no unshare -n: commit check skipped\n");
}

/* `nft list table` of a namespace after running the given files, as a
 * sorted list of words: set elements list in hash order. */
static char *listing(const char *dir, const char *files, const char *out)
{
	int rc = run("cd %s && unshare -n sh -c 'for f in %s; do "
		     "nft -f $f || exit 1; done; nft list table inet svcd' "
		     "> %s.raw && tr -d '{},;' < %s.raw | "
		     "tr -s ' \\t' '\\n\\n' | sort > %s",
		     dir, files, out, out, out);
	CHECK_INT(rc, 0);
	char *path = xasprintf("%s/%s", dir, out);
	char *text = rc == 0 ? read_file(path, NULL) : NULL;
	free(path);
	return text;
}

/* The kernel's table after a full load of A and the diff A -> B equals
 * its table after a full load of B. */
static void test_diff_in_kernel(void)
{
	if (!have_netns()) {
		printf("test_plan: no root/nft/unshare: diff not applied\n");
		return;
	}
	char dir[] = "/tmp/svcd-plan-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	struct example ex;
	example_init(&ex);
	struct plan *a = example_plan(&ex);
	/* B: web scales to 4, empty gets an endpoint, sticky loses one,
	 * sig is deleted, lb's local pod moves away. */
	fx_ep(ex.f[0], "10.1.0.4", "node-a", FX_READY);
	fx_ep(ex.f[6], "10.1.9.1", NULL, FX_READY);
	ex.f[3]->vs.n_eps = 1;
	fx_free(ex.f[4]);
	ex.f[4] = fx_new("tel", "gone", NULL);
	ex.f[1]->vs.eps[0].node_name = "node-c";
	struct plan *b = example_plan(&ex);
	ex.f[3]->vs.n_eps = 2;

	struct plan_ops ops = { 0 };
	plan_diff(a, b, &ops);
	CHECK_INT(ops.services, 5);
	char *ta = plan_render(a), *tb = plan_render(b);
	char *td = plan_ops_render(&ops);
	char *pa = xasprintf("%s/a.nft", dir), *pb = xasprintf("%s/b.nft", dir);
	char *pd = xasprintf("%s/d.nft", dir);
	write_text(pa, ta);
	write_text(pb, tb);
	write_text(pd, td);
	char *la = listing(dir, "a.nft d.nft", "ad.list");
	char *lb = listing(dir, "b.nft", "b.list");
	CHECK(la && lb && strlen(la) > 1000);
	CHECK_STR(la, lb);

	/* A first sync of B in pieces of two Services, one transaction
	 * (one nft -f) per piece. */
	struct plan_diff_iter it;
	plan_diff_iter_init(&it, NULL, b);
	struct buf files = { 0 };
	for (int k = 0;; k++) {
		struct plan_ops piece = { 0 };
		bool more = plan_diff_iter_next(&it, 2, &piece);
		if (more) {
			char *path = xasprintf("%s/p%d.nft", dir, k);
			char *script = plan_ops_render(&piece);
			write_text(path, script);
			buf_printf(&files, "p%d.nft ", k);
			free(script);
			free(path);
		}
		plan_ops_free(&piece);
		if (!more)
			break;
	}
	plan_diff_iter_free(&it);
	char *lp = listing(dir, files.p, "p.list");
	CHECK_STR(lp, lb);
	free(lp);
	buf_free(&files);
	run("rm -rf %s", dir);
	free(la);
	free(lb);
	free(pa);
	free(pb);
	free(pd);
	free(ta);
	free(tb);
	free(td);
	plan_ops_free(&ops);
	plan_free(a);
	plan_free(b);
	example_free(&ex);
}

int main(void)
{
	test_skeleton();
	test_cluster_ip_round_robin();
	test_random_and_single();
	test_node_port();
	test_node_ips();
	test_external_and_lb_ips();
	test_sctp_and_ports();
	test_affinity();
	test_etp_local();
	test_itp_local();
	test_endpoint_conditions();
	test_no_endpoints_reject();
	test_masquerade();
	test_ipv6_and_dual_stack();
	test_dns_only_services();
	test_diff_one_endpoint();
	test_diff_pieces();
	test_diff_endpoints_appear();
	test_diff_from_nothing();
	test_golden();
	test_diff_in_kernel();
	return check_done("test_plan");
}
