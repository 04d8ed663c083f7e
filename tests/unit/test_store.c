/*
 * test_store.c: the object store as its sources and consumers see it:
 * whole-source replacement, single puts and deletes, generations,
 * changesets, key and ClusterIP/nodePort conflicts, statistics, and an
 * update at 10,000 services that must touch one service only.
 *
 * Objects are built by hand (objects.h); every test frees its store so
 * the sanitizer build catches leaks.
 */
#include "model/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "model/view.h"
#include "tests/unit/check.h"
#include "tests/unit/objects.h"

static struct k8s_object *web_svc(const char *ns, const char *name,
				  const char *cip)
{
	struct k8s_object *o = svc_new(ns, name, cip);
	svc_port(o, "http", PROTO_TCP, 80, 8080, NULL);
	return o;
}

static struct k8s_object *web_slice(const char *ns, const char *name,
				    const char *svc, const char *addr)
{
	struct k8s_object *o = slice_new(ns, name, svc, AF_INET);
	group_port(&o->u.slice.group, "http", PROTO_TCP, 8080);
	if (addr)
		group_ep(&o->u.slice.group, addr);
	return o;
}

static struct k8s_object *nodeport_svc(const char *name, const char *cip,
				       uint16_t np_tcp, uint16_t np_udp)
{
	struct k8s_object *o = svc_new("default", name, cip);
	o->u.svc.type = SVC_NODE_PORT;
	if (np_udp)
		svc_port(o, "dns", PROTO_UDP, 53, 53, NULL)->node_port = np_udp;
	if (np_tcp)
		svc_port(o, "http", PROTO_TCP, 80, 80, NULL)->node_port = np_tcp;
	return o;
}

static void conflicts_are(struct store *st, const char *want)
{
	struct strvec c = { 0 };
	store_conflicts(st, &c);
	struct buf b = { 0 };
	buf_puts(&b, "");
	for (size_t i = 0; i < c.n; i++)
		buf_printf(&b, "%s%s", i ? "\n" : "", c.v[i]);
	char *got = buf_take(&b);
	CHECK_STR(got, want);
	free(got);
	strvec_free(&c);
}

static void test_replace(void)
{
	struct store *st = store_new();
	struct changeset cs = { 0 };
	struct strvec err = { 0 };

	CHECK_INT(store_generation(st), 0);
	CHECK_INT(load(st, "a.yaml", &err, &cs,
		       web_svc("default", "web", "10.96.0.1"),
		       web_slice("default", "web-1", "web", "10.0.0.1"), NULL),
		  0);
	CHECK_CS(&cs, "default/web");
	CHECK_INT(cs.generation, 1);
	CHECK_INT(store_source_count(st, "a.yaml"), 2);
	const struct store_entry *svc =
		store_get(st, KIND_SERVICE, "default", "web");
	const struct store_entry *sl =
		store_get(st, KIND_ENDPOINT_SLICE, "default", "web-1");
	CHECK(svc && sl);
	CHECK_STR(svc->source, "a.yaml");
	CHECK_INT(svc->seq, 1);
	CHECK_INT(sl->seq, 2);
	CHECK_INT(svc->generation, 1);
	uint64_t svc_seen = svc->first_seen;
	changeset_free(&cs);

	/* Byte-for-byte the same: nothing changes, nothing is reported. */
	load(st, "a.yaml", &err, &cs, web_svc("default", "web", "10.96.0.1"),
	     web_slice("default", "web-1", "web", "10.0.0.1"), NULL);
	CHECK_INT(cs.n, 0);
	CHECK_INT(cs.generation, 1);
	CHECK(store_get(st, KIND_SERVICE, "default", "web") == svc);
	changeset_free(&cs);

	/* One slice edited: one bump, its key keeps its seq. */
	struct k8s_object *s2 = web_slice("default", "web-1", "web", "10.0.0.1");
	group_ep(&s2->u.slice.group, "10.0.0.2");
	load(st, "a.yaml", &err, &cs, web_svc("default", "web", "10.96.0.1"),
	     s2, NULL);
	CHECK_CS(&cs, "default/web");
	CHECK_INT(cs.generation, 2);
	sl = store_get(st, KIND_ENDPOINT_SLICE, "default", "web-1");
	svc = store_get(st, KIND_SERVICE, "default", "web");
	CHECK_INT(sl->seq, 2);
	CHECK_INT(sl->generation, 2);
	CHECK_INT(svc->generation, 1);
	CHECK_INT(svc->first_seen, svc_seen);
	CHECK_INT(view_lookup(store_view(st), "default/web")->n_eps, 2);
	changeset_free(&cs);

	/* The slice leaves the file; a new Service takes the next seq. */
	load(st, "a.yaml", &err, &cs, web_svc("default", "web", "10.96.0.1"),
	     web_svc("default", "api", "10.96.0.2"), NULL);
	CHECK_CS(&cs, "default/api default/web");
	CHECK_INT(cs.generation, 3);
	CHECK(!store_get(st, KIND_ENDPOINT_SLICE, "default", "web-1"));
	CHECK_INT(store_get(st, KIND_SERVICE, "default", "api")->seq, 3);
	CHECK_INT(view_lookup(store_view(st), "default/web")->n_eps, 0);
	changeset_free(&cs);

	/* The order of objects decides the order of new seqs. */
	load(st, "b.yaml", &err, &cs, web_svc("x", "second", "10.96.1.2"),
	     web_svc("x", "first", "10.96.1.1"), NULL);
	CHECK_INT(store_get(st, KIND_SERVICE, "x", "second")->seq, 4);
	CHECK_INT(store_get(st, KIND_SERVICE, "x", "first")->seq, 5);
	changeset_free(&cs);

	store_remove_source(st, "a.yaml", &cs);
	CHECK_CS(&cs, "default/api default/web");
	CHECK_INT(cs.generation, 5);
	CHECK_INT(store_source_count(st, "a.yaml"), 0);
	CHECK(!view_lookup(store_view(st), "default/web"));
	changeset_free(&cs);

	/* Removing an unknown source changes nothing. */
	store_remove_source(st, "nope.yaml", &cs);
	CHECK_INT(cs.n, 0);
	CHECK_INT(cs.generation, 5);
	struct store_stats ss;
	store_stats(st, &ss);
	CHECK_INT(ss.sources, 1);
	CHECK_INT(ss.updates, 5);
	CHECK_INT(ss.objects[KIND_SERVICE], 2);
	CHECK_INT(ss.objects[KIND_ENDPOINT_SLICE], 0);
	CHECK_INT(err.n, 0);
	changeset_free(&cs);
	strvec_free(&err);
	store_free(st);
}

static void test_keep(void)
{
	struct store *st = store_new();
	struct changeset cs = { 0 };
	struct strvec keep = { 0 };

	load(st, "a.yaml", NULL, NULL, web_svc("default", "web", "10.96.0.1"),
	     web_svc("default", "api", "10.96.0.2"), NULL);
	/* api failed to decode this time: it stays; web is dropped. */
	strvec_push(&keep, xstrdup("Service/default/api"));
	struct k8s_object *none[1];
	store_replace_keep(st, "a.yaml", none, 0, &keep, NULL, &cs);
	CHECK_CS(&cs, "default/web");
	CHECK(store_get(st, KIND_SERVICE, "default", "api"));
	CHECK(!store_get(st, KIND_SERVICE, "default", "web"));
	CHECK_INT(store_source_count(st, "a.yaml"), 1);
	changeset_free(&cs);
	strvec_free(&keep);
	store_free(st);
}

static void test_key_conflict(void)
{
	struct store *st = store_new();
	struct changeset cs = { 0 };
	struct strvec err = { 0 };

	load(st, "a.yaml", &err, NULL, web_svc("default", "web", "10.96.0.1"),
	     NULL);
	CHECK_INT(load(st, "b.yaml", &err, &cs,
		       web_svc("default", "web", "10.96.0.9"),
		       web_svc("default", "other", "10.96.0.2"), NULL),
		  1);
	CHECK_INT(err.n, 1);
	if (err.n)
		CHECK_STR(err.v[0], "b.yaml: Service default/web: already defined in a.yaml");
	CHECK_CS(&cs, "default/other");
	const struct store_entry *e =
		store_get(st, KIND_SERVICE, "default", "web");
	CHECK_STR(e->source, "a.yaml");
	char buf[ADDR_STRLEN];
	CHECK_STR(addr_format(&e->obj->u.svc.cluster_ips[0], buf), "10.96.0.1");
	CHECK_INT(store_source_count(st, "b.yaml"), 1);
	changeset_free(&cs);
	strvec_free(&err);

	/* The same key twice in one source: the first one stands. */
	struct k8s_object *dup = web_svc("default", "twice", "10.96.0.4");
	svc_port(dup, "https", PROTO_TCP, 443, 443, NULL);
	CHECK_INT(load(st, "c.yaml", &err, NULL,
		       web_svc("default", "twice", "10.96.0.3"), dup, NULL),
		  1);
	CHECK_INT(err.n, 1);
	if (err.n)
		CHECK_HAS(err.v[0], "c.yaml: Service default/twice: already defined");
	e = store_get(st, KIND_SERVICE, "default", "twice");
	CHECK_INT(e->obj->u.svc.n_ports, 1);
	strvec_free(&err);

	/* Once a.yaml lets go, b.yaml can define web. */
	store_remove_source(st, "a.yaml", NULL);
	CHECK_INT(load(st, "b.yaml", &err, &cs,
		       web_svc("default", "web", "10.96.0.9"),
		       web_svc("default", "other", "10.96.0.2"), NULL),
		  0);
	CHECK_CS(&cs, "default/web");
	CHECK_STR(store_get(st, KIND_SERVICE, "default", "web")->source,
		  "b.yaml");
	changeset_free(&cs);
	strvec_free(&err);
	store_free(st);
}

static void test_cluster_ip_conflict(void)
{
	struct store *st = store_new();
	struct changeset cs = { 0 };
	struct store_stats ss;
	const struct view *v = store_view(st);

	load(st, "a.yaml", NULL, NULL, web_svc("ns1", "web", "10.96.0.10"),
	     NULL);
	load(st, "b.yaml", NULL, &cs, web_svc("ns2", "other", "10.96.0.10"),
	     NULL);
	CHECK_CS(&cs, "ns2/other");
	CHECK(view_lookup(v, "ns1/web"));
	CHECK(!view_lookup(v, "ns2/other"));
	CHECK(store_get(st, KIND_SERVICE, "ns2", "other"));
	conflicts_are(st, "b.yaml: Service ns2/other: spec.clusterIP: 10.96.0.10 is already allocated to Service ns1/web");
	store_stats(st, &ss);
	CHECK_INT(ss.conflicts, 1);
	CHECK_INT(ss.services, 1);
	changeset_free(&cs);

	/* The winner edited, keeping its IP: the loser stays out, unreported. */
	struct k8s_object *w = web_svc("ns1", "web", "10.96.0.10");
	svc_port(w, "https", PROTO_TCP, 443, 8443, NULL);
	load(st, "a.yaml", NULL, &cs, w, NULL);
	CHECK_CS(&cs, "ns1/web");
	CHECK(!view_lookup(v, "ns2/other"));
	changeset_free(&cs);

	/* The winner leaves: the loser enters the view in that update. */
	store_remove_source(st, "a.yaml", &cs);
	CHECK_CS(&cs, "ns1/web ns2/other");
	CHECK(view_lookup(v, "ns2/other"));
	CHECK_INT(view_lookup(v, "ns2/other")->generation, cs.generation);
	conflicts_are(st, "");
	store_stats(st, &ss);
	CHECK_INT(ss.conflicts, 0);
	changeset_free(&cs);

	/* Back again, web is the newcomer now and loses. */
	load(st, "a.yaml", NULL, &cs, web_svc("ns1", "web", "10.96.0.10"),
	     NULL);
	CHECK_CS(&cs, "ns1/web");
	CHECK(!view_lookup(v, "ns1/web"));
	conflicts_are(st, "a.yaml: Service ns1/web: spec.clusterIP: 10.96.0.10 is already allocated to Service ns2/other");
	changeset_free(&cs);

	/* The winner drops the claim by moving to another IP. */
	load(st, "b.yaml", NULL, &cs, web_svc("ns2", "other", "10.96.0.11"),
	     NULL);
	CHECK_CS(&cs, "ns1/web ns2/other");
	CHECK(view_lookup(v, "ns1/web"));
	CHECK(view_lookup(v, "ns2/other"));
	conflicts_are(st, "");
	changeset_free(&cs);

	/* A modified Service keeps its seq, so taking an IP a newer
	 * Service holds pushes that one out. */
	load(st, "b.yaml", NULL, &cs, web_svc("ns2", "other", "10.96.0.10"),
	     NULL);
	CHECK_CS(&cs, "ns1/web ns2/other");
	CHECK(view_lookup(v, "ns2/other"));
	CHECK(!view_lookup(v, "ns1/web"));
	changeset_free(&cs);

	/* A secondary ClusterIP is a claim of its own. */
	struct k8s_object *ds = web_svc("ns3", "dual", "10.96.0.20");
	svc_add_ip(ds, "fd00::10");
	load(st, "c.yaml", NULL, NULL, ds, NULL);
	struct k8s_object *six = web_svc("ns3", "six", "fd00::10");
	load(st, "d.yaml", NULL, NULL, six, NULL);
	conflicts_are(st, "a.yaml: Service ns1/web: spec.clusterIP: 10.96.0.10 is already allocated to Service ns2/other\n"
			  "d.yaml: Service ns3/six: spec.clusterIP: fd00::10 is already allocated to Service ns3/dual");
	/* And losing it is reported against the right field. */
	store_remove_source(st, "c.yaml", NULL);
	ds = web_svc("ns3", "dual", "10.96.0.20");
	svc_add_ip(ds, "fd00::10");
	load(st, "c.yaml", NULL, NULL, ds, NULL);
	conflicts_are(st, "a.yaml: Service ns1/web: spec.clusterIP: 10.96.0.10 is already allocated to Service ns2/other\n"
			  "c.yaml: Service ns3/dual: spec.clusterIPs[1]: fd00::10 is already allocated to Service ns3/six");
	store_stats(st, &ss);
	CHECK_INT(ss.conflicts, 2);
	CHECK_INT(ss.services, 2);
	store_free(st);
}

static void test_node_port_conflict(void)
{
	struct store *st = store_new();
	struct changeset cs = { 0 };
	const struct view *v = store_view(st);

	load(st, "a.yaml", NULL, NULL, nodeport_svc("a", "10.96.0.1", 30080, 0),
	     NULL);
	/* Same number, other protocol: no conflict. */
	load(st, "b.yaml", NULL, NULL, nodeport_svc("b", "10.96.0.2", 0, 30080),
	     NULL);
	load(st, "c.yaml", NULL, &cs,
	     nodeport_svc("c", "10.96.0.3", 30080, 30081), NULL);
	CHECK(view_lookup(v, "default/a"));
	CHECK(view_lookup(v, "default/b"));
	CHECK(!view_lookup(v, "default/c"));
	conflicts_are(st, "c.yaml: Service default/c: spec.ports[1].nodePort: 30080/TCP is already allocated to Service default/a");
	changeset_free(&cs);

	store_delete(st, KIND_SERVICE, "default", "a", &cs);
	CHECK_CS(&cs, "default/a default/c");
	CHECK(view_lookup(v, "default/c"));
	conflicts_are(st, "");
	changeset_free(&cs);
	store_free(st);
}

static void test_put_delete(void)
{
	struct store *st = store_new();
	struct changeset cs = { 0 };
	struct strvec err = { 0 };
	struct store_stats ss;

	CHECK_INT(put(st, "api", web_svc("default", "web", "10.96.0.1"), &err,
		      &cs), 0);
	CHECK_CS(&cs, "default/web");
	CHECK_INT(cs.generation, 1);
	changeset_free(&cs);
	CHECK_INT(put(st, "api", web_slice("default", "web-a", "web",
					   "10.0.0.1"), &err, &cs), 0);
	CHECK_CS(&cs, "default/web");
	CHECK_INT(cs.generation, 2);
	changeset_free(&cs);
	/* Unchanged put. */
	CHECK_INT(put(st, "api", web_slice("default", "web-a", "web",
					   "10.0.0.1"), &err, &cs), 0);
	CHECK_INT(cs.n, 0);
	CHECK_INT(store_generation(st), 2);
	/* Another source may not take the key. */
	CHECK_INT(put(st, "file.yaml", web_svc("default", "web", "10.96.0.5"),
		      &err, &cs), -1);
	CHECK_INT(cs.n, 0);
	CHECK_INT(err.n, 1);
	if (err.n)
		CHECK_STR(err.v[0], "file.yaml: Service default/web: already defined in api");
	store_stats(st, &ss);
	CHECK_INT(ss.sources, 1);
	CHECK_INT(ss.endpoints, 1);

	store_delete(st, KIND_ENDPOINT_SLICE, "default", "web-a", &cs);
	CHECK_CS(&cs, "default/web");
	CHECK_INT(cs.generation, 3);
	changeset_free(&cs);
	store_delete(st, KIND_ENDPOINT_SLICE, "default", "web-a", &cs);
	CHECK_INT(cs.n, 0);
	CHECK_INT(cs.generation, 3);
	store_delete(st, KIND_SERVICE, "default", "web", &cs);
	CHECK_CS(&cs, "default/web");
	changeset_free(&cs);
	store_stats(st, &ss);
	CHECK_INT(ss.sources, 0);
	CHECK_INT(ss.services, 0);
	CHECK_INT(ss.generation, 4);
	CHECK_INT(ss.updates, 4);
	strvec_free(&err);
	store_free(st);
}

static void test_slice_moves(void)
{
	struct store *st = store_new();
	struct changeset cs = { 0 };

	load(st, "svc.yaml", NULL, NULL, web_svc("default", "web", "10.96.0.1"),
	     web_svc("default", "api", "10.96.0.2"), NULL);
	load(st, "slice.yaml", NULL, &cs,
	     web_slice("default", "s1", "web", "10.0.0.1"), NULL);
	CHECK_CS(&cs, "default/web");
	changeset_free(&cs);
	load(st, "slice.yaml", NULL, &cs,
	     web_slice("default", "s1", "api", "10.0.0.1"), NULL);
	CHECK_CS(&cs, "default/api default/web");
	CHECK_INT(view_lookup(store_view(st), "default/web")->n_eps, 0);
	CHECK_INT(view_lookup(store_view(st), "default/api")->n_eps, 1);
	changeset_free(&cs);
	/* A slice for a Service that does not exist touches nobody. */
	load(st, "slice.yaml", NULL, &cs,
	     web_slice("default", "s1", "api", "10.0.0.1"),
	     web_slice("default", "s2", "ghost", "10.0.0.2"), NULL);
	CHECK_INT(cs.n, 0);
	CHECK_INT(cs.generation, 4);
	changeset_free(&cs);
	/* Endpoints report their own name. */
	struct k8s_object *ep = eps_new("default", "web");
	group_ep(eps_subset(ep), "10.0.0.9");
	load(st, "ep.yaml", NULL, &cs, ep, NULL);
	CHECK_CS(&cs, "default/web");
	changeset_free(&cs);
	store_free(st);
}

static struct k8s_object *labelled_pod(const char *ns, const char *name,
				       const char *app, const char *tier)
{
	struct k8s_object *p = pod_new(ns, name, "10.1.0.7", true);
	obj_label(p, "app", app);
	if (tier)
		obj_label(p, "tier", tier);
	return p;
}

static void test_pod_changeset(void)
{
	struct store *st = store_new();
	struct changeset cs = { 0 };

	struct k8s_object **svcs = xcalloc(1003, sizeof(*svcs));
	for (int i = 0; i < 1000; i++) {
		char name[32], cip[32];
		snprintf(name, sizeof(name), "svc-%d", i);
		snprintf(cip, sizeof(cip), "10.96.%d.%d", i / 250, i % 250 + 1);
		svcs[i] = web_svc("big", name, cip);
		svc_select(svcs[i], "app", name);
		svcs[i]->digest = obj_digest(svcs[i]);
	}
	svcs[1000] = web_svc("big", "web-a", "10.97.0.1");
	svc_select(svcs[1000], "tier", "web");
	svcs[1001] = web_svc("big", "web-b", "10.97.0.2");
	svc_select(svcs[1001], "tier", "web");
	svc_select(svcs[1001], "track", "canary");
	/* No selector: never picks pods. */
	svcs[1002] = web_svc("big", "manual", "10.97.0.3");
	for (int i = 1000; i < 1003; i++)
		svcs[i]->digest = obj_digest(svcs[i]);
	store_replace(st, "svcs.yaml", svcs, 1003, NULL, NULL);
	free(svcs);

	load(st, "pods.yaml", NULL, &cs,
	     labelled_pod("big", "p", "svc-7", "web"), NULL);
	CHECK_CS(&cs, "big/svc-7 big/web-a");
	CHECK_INT(view_lookup(store_view(st), "big/svc-7")->n_eps, 1);
	changeset_free(&cs);

	/* Relabelled: the old and the new service both hear of it. */
	load(st, "pods.yaml", NULL, &cs,
	     labelled_pod("big", "p", "svc-8", "web"), NULL);
	CHECK_CS(&cs, "big/svc-7 big/svc-8 big/web-a");
	CHECK_INT(view_lookup(store_view(st), "big/svc-7")->n_eps, 0);
	CHECK_INT(view_lookup(store_view(st), "big/svc-8")->n_eps, 1);
	changeset_free(&cs);

	/* Out of every service. */
	load(st, "pods.yaml", NULL, &cs,
	     labelled_pod("big", "p", "none", NULL), NULL);
	CHECK_CS(&cs, "big/svc-8 big/web-a");
	changeset_free(&cs);

	/* Same labels in another namespace: no service there. */
	uint64_t gen = store_generation(st);
	load(st, "other.yaml", NULL, &cs,
	     labelled_pod("other", "p", "svc-7", "web"), NULL);
	CHECK_INT(cs.n, 0);
	CHECK_INT(cs.generation, gen + 1);
	changeset_free(&cs);
	store_free(st);
}

static void test_stats(void)
{
	struct store *st = store_new();
	struct store_stats ss;
	struct k8s_object *sl = web_slice("default", "web-1", "web", "10.0.0.1");
	group_ep(&sl->u.slice.group, "10.0.0.2");
	struct k8s_object *ep = eps_new("default", "api");
	group_ep(eps_subset(ep), "10.0.1.1");

	load(st, "a.yaml", NULL, NULL, web_svc("default", "web", "10.96.0.1"),
	     web_svc("default", "api", "10.96.0.2"), sl, ep,
	     pod_new("default", "p", "10.0.2.1", true), NULL);
	load(st, "b.yaml", NULL, NULL, web_svc("default", "dup", "10.96.0.1"),
	     NULL);
	store_stats(st, &ss);
	CHECK_INT(ss.objects[KIND_SERVICE], 3);
	CHECK_INT(ss.objects[KIND_ENDPOINT_SLICE], 1);
	CHECK_INT(ss.objects[KIND_ENDPOINTS], 1);
	CHECK_INT(ss.objects[KIND_POD], 1);
	CHECK_INT(ss.sources, 2);
	CHECK_INT(ss.services, 2);
	CHECK_INT(ss.endpoints, 3);
	CHECK_INT(ss.conflicts, 1);
	CHECK_INT(ss.generation, 2);
	CHECK_INT(ss.updates, 2);
	CHECK_INT(view_count(store_view(st)), 2);
	store_free(st);
}

/* 10,000 files of one Service and one 10-endpoint slice each; replacing
 * one file must touch that one service only. */
static void test_scale(void)
{
	enum { N = 10000 };
	struct store *st = store_new();
	char src[64], name[32], cip[32], addr[32];

	uint64_t t0 = now_mono_ns();
	for (int i = 0; i < N; i++) {
		snprintf(src, sizeof(src), "/state/svc-%d.yaml", i);
		snprintf(name, sizeof(name), "svc-%d", i);
		snprintf(cip, sizeof(cip), "10.%d.%d.%d", 96 + i / 65536,
			 i / 256 % 256, i % 256);
		struct k8s_object *s = web_svc("bench", name, cip);
		struct k8s_object *sl = web_slice("bench", name, name, NULL);
		for (int j = 0; j < 10; j++) {
			int k = i * 10 + j;
			snprintf(addr, sizeof(addr), "10.%d.%d.%d",
				 128 + k / 65536, k / 256 % 256, k % 256);
			group_ep(&sl->u.slice.group, addr);
		}
		load(st, src, NULL, NULL, s, sl, NULL);
	}
	uint64_t t1 = now_mono_ns();
	struct store_stats ss;
	store_stats(st, &ss);
	CHECK_INT(ss.services, N);
	CHECK_INT(ss.endpoints, N * 10);
	CHECK_INT(ss.sources, N);

	struct changeset cs = { 0 };
	struct k8s_object *s = web_svc("bench", "svc-4321", "10.96.16.225");
	svc_port(s, "https", PROTO_TCP, 443, 8443, NULL);
	struct k8s_object *sl = web_slice("bench", "svc-4321", "svc-4321",
					  "10.200.0.1");
	uint64_t t2 = now_mono_ns();
	load(st, "/state/svc-4321.yaml", NULL, &cs, s, sl, NULL);
	uint64_t t3 = now_mono_ns();
	CHECK_CS(&cs, "bench/svc-4321");
	CHECK_INT(view_lookup(store_view(st), "bench/svc-4321")->n_eps, 1);
	store_stats(st, &ss);
	CHECK_INT(ss.endpoints, (N - 1) * 10 + 1);
	printf("scale: loaded %d sources in %.1f ms; one source replaced in %.3f ms\n",
	       N, (double)(t1 - t0) / 1e6, (double)(t3 - t2) / 1e6);
	changeset_free(&cs);
	store_free(st);
}

int main(void)
{
	test_replace();
	test_keep();
	test_key_conflict();
	test_cluster_ip_conflict();
	test_node_port_conflict();
	test_put_delete();
	test_slice_moves();
	test_pod_changeset();
	test_stats();
	test_scale();
	return check_done("test_store");
}
