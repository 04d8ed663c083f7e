/*
 * test_view.c: the service view as proxy and DNS read it: endpoints from
 * EndpointSlices, legacy Endpoints and Pods, their precedence, address
 * families, port matching, deduplication, order and entry generations.
 */
#include "model/view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "model/store.h"
#include "tests/unit/check.h"
#include "tests/unit/objects.h"

static const char *fmt(const struct view_endpoint *e)
{
	static char buf[ADDR_STRLEN];
	return addr_format(&e->addr, buf);
}

/* "addr ready/serving/terminating ports" for every endpoint, one per line. */
static char *eps_text(const struct view_service *vs)
{
	struct buf b = { 0 };
	buf_puts(&b, "");
	size_t np = vs->obj->u.svc.n_ports;
	for (size_t i = 0; i < vs->n_eps; i++) {
		const struct view_endpoint *e = &vs->eps[i];
		buf_printf(&b, "%s%s %c%c%c", i ? "\n" : "", fmt(e),
			   e->ready ? 'R' : '-', e->serving ? 'S' : '-',
			   e->terminating ? 'T' : '-');
		for (size_t j = 0; j < np; j++)
			buf_printf(&b, "%s%u", j ? "," : " ", e->ports[j]);
	}
	return buf_take(&b);
}

#define CHECK_EPS(vs, want)                          \
	do {                                         \
		const struct view_service *v_ = (vs); \
		char *t_ = v_ ? eps_text(v_) : NULL;  \
		CHECK_STR(t_, want);                 \
		free(t_);                            \
	} while (0)

static const struct view_service *get(struct store *st, const char *key)
{
	return view_lookup(store_view(st), key);
}

/* web: http 80/TCP, dns 53/UDP, metrics 9100/TCP. */
static struct k8s_object *three_port_svc(void)
{
	struct k8s_object *s = svc_new("default", "web", "10.96.0.1");
	svc_port(s, "http", PROTO_TCP, 80, 8080, NULL);
	svc_port(s, "dns", PROTO_UDP, 53, 5353, NULL);
	svc_port(s, "metrics", PROTO_TCP, 9100, 9100, NULL);
	return s;
}

static void test_slices(void)
{
	struct store *st = store_new();
	struct k8s_object *a = slice_new("default", "web-a", "web", AF_INET);
	struct endpoint_group *g = &a->u.slice.group;
	group_port(g, "http", PROTO_TCP, 8080);
	group_port(g, "dns", PROTO_UDP, 5353);
	struct endpoint *e = group_ep(g, "10.0.0.2");
	ep_names(g, e, "web-0", "node-a", "zone-1", "web-0");
	e = group_ep(g, "10.0.0.1");
	e->ready = false;
	e->terminating = true;

	struct k8s_object *b = slice_new("default", "web-b", "web", AF_INET);
	g = &b->u.slice.group;
	group_port(g, "http", PROTO_TCP, 8081);
	group_port(g, "metrics", PROTO_UDP, 9100); /* wrong protocol */
	group_ep(g, "10.0.0.3");
	e = group_ep(g, "10.0.0.2"); /* also in web-a, not ready here */
	e->ready = e->serving = false;
	ep_names(g, e, NULL, "node-b", NULL, NULL);

	/* IPv6 and FQDN slices of a single-stack IPv4 Service. */
	struct k8s_object *c = slice_new("default", "web-c", "web", AF_INET6);
	group_port(&c->u.slice.group, "http", PROTO_TCP, 8080);
	group_ep(&c->u.slice.group, "fd00::1");
	struct k8s_object *f = slice_new("default", "web-f", "web", 0);
	group_port(&f->u.slice.group, "http", PROTO_TCP, 8080);

	load(st, "a.yaml", NULL, NULL, three_port_svc(), a, b, c, f, NULL);
	const struct view_service *vs = get(st, "default/web");
	CHECK(vs);
	if (!vs)
		goto out;
	CHECK_INT(vs->origin, EP_SLICES);
	CHECK_STR(ep_origin_name(vs->origin), "EndpointSlices");
	CHECK_EPS(vs, "10.0.0.1 -ST 8080,5353,0\n"
		      "10.0.0.2 RS- 8080,5353,0\n"
		      "10.0.0.3 RS- 8081,0,0");
	CHECK_INT(vs->n_ready, 2);
	CHECK_STR(vs->key, "default/web");
	CHECK_STR(vs->source, "a.yaml");
	if (vs->n_eps == 3) {
		CHECK_STR(vs->eps[1].hostname, "web-0");
		CHECK_STR(vs->eps[1].node_name, "node-a");
		CHECK_STR(vs->eps[1].zone, "zone-1");
		CHECK_STR(vs->eps[1].pod_name, "web-0");
		CHECK(!vs->eps[0].hostname && !vs->eps[0].node_name);
	}
out:
	store_free(st);
}

static void test_families(void)
{
	struct store *st = store_new();
	struct k8s_object *ds = svc_new("default", "dual", "10.96.0.2");
	svc_add_ip(ds, "fd00:96::2");
	svc_port(ds, NULL, PROTO_TCP, 80, 80, NULL);
	struct k8s_object *hl = svc_new("default", "headless", NULL);
	svc_port(hl, NULL, PROTO_TCP, 80, 80, NULL);
	struct k8s_object *v6 = svc_new("default", "six", "fd00:96::3");
	svc_port(v6, NULL, PROTO_TCP, 80, 80, NULL);

	const char *names[3] = { "dual", "headless", "six" };
	for (int i = 0; i < 3; i++) {
		char name[32];
		snprintf(name, sizeof(name), "%s-4", names[i]);
		struct k8s_object *s4 = slice_new("default", name, names[i],
						  AF_INET);
		/* Unnamed ports: NULL on the Service, "" or NULL on slices. */
		group_port(&s4->u.slice.group, "", PROTO_TCP, 8080);
		group_ep(&s4->u.slice.group, "10.0.0.1");
		snprintf(name, sizeof(name), "%s-6", names[i]);
		struct k8s_object *s6 = slice_new("default", name, names[i],
						  AF_INET6);
		group_port(&s6->u.slice.group, NULL, PROTO_TCP, 8080);
		group_ep(&s6->u.slice.group, "fd00::1");
		load(st, names[i], NULL, NULL, s4, s6, NULL);
	}
	load(st, "svcs", NULL, NULL, ds, hl, v6, NULL);
	CHECK_EPS(get(st, "default/dual"), "10.0.0.1 RS- 8080\nfd00::1 RS- 8080");
	CHECK_EPS(get(st, "default/headless"),
		  "10.0.0.1 RS- 8080\nfd00::1 RS- 8080");
	CHECK_EPS(get(st, "default/six"), "fd00::1 RS- 8080");
	store_free(st);
}

static void test_endpoints(void)
{
	struct store *st = store_new();
	struct k8s_object *s = svc_new("default", "legacy", "10.96.0.5");
	svc_port(s, "http", PROTO_TCP, 80, 8080, NULL);
	svc_port(s, "admin", PROTO_TCP, 81, 9000, NULL);
	struct k8s_object *ep = eps_new("default", "legacy");
	struct endpoint_group *g = eps_subset(ep);
	group_port(g, "http", PROTO_TCP, 8080);
	group_ep(g, "10.1.0.1");
	struct endpoint *nr = group_ep(g, "10.1.0.2"); /* notReadyAddresses */
	nr->ready = nr->serving = false;
	g = eps_subset(ep);
	group_port(g, "admin", PROTO_TCP, 9000);
	group_ep(g, "10.1.0.3");

	load(st, "a.yaml", NULL, NULL, s, ep, NULL);
	const struct view_service *vs = get(st, "default/legacy");
	CHECK(vs && vs->origin == EP_ENDPOINTS);
	CHECK_EPS(vs, "10.1.0.1 RS- 8080,0\n10.1.0.2 --- 8080,0\n"
		      "10.1.0.3 RS- 0,9000");
	CHECK_INT(vs ? vs->n_ready : 0, 2);
	store_free(st);
}

static struct k8s_object *app_pod(const char *name, const char *addr,
				  bool ready)
{
	struct k8s_object *p = pod_new("default", name, addr, ready);
	obj_label(p, "app", "web");
	obj_label(p, "pod-template-hash", name);
	pod_port(p, "http", PROTO_TCP, 8080);
	pod_port(p, "http", PROTO_UDP, 8053);
	p->u.pod.node_name = intern("node-a");
	return p;
}

/* web selects app=web; "http" is a named targetPort, 9100 numeric. */
static struct k8s_object *pod_svc(bool publish_not_ready)
{
	struct k8s_object *s = svc_new("default", "web", "10.96.0.1");
	svc_port(s, "http", PROTO_TCP, 80, 0, "http");
	svc_port(s, "metrics", PROTO_TCP, 9100, 9100, NULL);
	svc_port(s, "dns", PROTO_UDP, 53, 0, "dns");
	svc_select(s, "app", "web");
	s->u.svc.publish_not_ready = publish_not_ready;
	return s;
}

static void test_pods(void)
{
	struct store *st = store_new();
	struct changeset cs = { 0 };
	struct k8s_object *deleting = app_pod("p3", "10.2.0.3", true);
	deleting->meta.deleting = true;
	struct k8s_object *finished = app_pod("p4", "10.2.0.4", false);
	finished->u.pod.finished = true;
	struct k8s_object *other = app_pod("p6", "10.2.0.6", true);
	label_set(&other->meta.labels, 0, "api");
	struct k8s_object *named = app_pod("p7", "10.2.0.7", true);
	named->u.pod.hostname = xstrdup("p7");
	named->u.pod.subdomain = xstrdup("web");
	struct k8s_object *wrongsub = app_pod("p8", "10.2.0.8", true);
	wrongsub->u.pod.hostname = xstrdup("p8");
	wrongsub->u.pod.subdomain = xstrdup("other");

	load(st, "pods.yaml", NULL, NULL, app_pod("p1", "10.2.0.1", true),
	     app_pod("p2", "10.2.0.2", false), deleting, finished,
	     app_pod("p5", NULL, true), other, named, wrongsub, NULL);
	load(st, "svc.yaml", NULL, NULL, pod_svc(false), NULL);
	const struct view_service *vs = get(st, "default/web");
	CHECK(vs && vs->origin == EP_PODS);
	CHECK_STR(vs ? ep_origin_name(vs->origin) : NULL, "Pods");
	/* p3 is deleting: not ready but still serving, as the EndpointSlice
	 * controller reports it; a named port with no container port of
	 * that name and protocol is 0. */
	CHECK_EPS(vs, "10.2.0.1 RS- 8080,9100,0\n"
		      "10.2.0.2 --- 8080,9100,0\n"
		      "10.2.0.3 -ST 8080,9100,0\n"
		      "10.2.0.7 RS- 8080,9100,0\n"
		      "10.2.0.8 RS- 8080,9100,0");
	if (vs && vs->n_eps == 5) {
		CHECK_INT(vs->n_ready, 3);
		CHECK_STR(vs->eps[0].pod_name, "p1");
		CHECK_STR(vs->eps[0].node_name, "node-a");
		CHECK(!vs->eps[0].hostname);
		CHECK_STR(vs->eps[3].hostname, "p7");
		CHECK(!vs->eps[4].hostname);
	}

	/* publishNotReadyAddresses: every pod with an IP is ready. */
	load(st, "svc.yaml", NULL, &cs, pod_svc(true), NULL);
	CHECK_CS(&cs, "default/web");
	CHECK_INT(get(st, "default/web")->n_ready, 5);
	changeset_free(&cs);
	load(st, "svc.yaml", NULL, NULL, pod_svc(false), NULL);

	/* Label change moves a pod in and out, and reports the service. */
	struct k8s_object *moved = app_pod("p6", "10.2.0.6", true);
	store_delete(st, KIND_POD, "default", "p6", &cs);
	CHECK_CS(&cs, "");
	changeset_free(&cs);
	put(st, "pods.yaml", moved, NULL, &cs);
	CHECK_CS(&cs, "default/web");
	CHECK_INT(get(st, "default/web")->n_eps, 6);
	changeset_free(&cs);
	struct k8s_object *gone = app_pod("p6", "10.2.0.6", true);
	label_set(&gone->meta.labels, 0, "db");
	put(st, "pods.yaml", gone, NULL, &cs);
	CHECK_CS(&cs, "default/web");
	CHECK_INT(get(st, "default/web")->n_eps, 5);
	changeset_free(&cs);

	/* A pod that becomes ready. */
	put(st, "pods.yaml", app_pod("p2", "10.2.0.2", true), NULL, &cs);
	CHECK_CS(&cs, "default/web");
	CHECK_INT(get(st, "default/web")->n_ready, 4);
	changeset_free(&cs);
	store_free(st);
}

static void test_pod_dedupe(void)
{
	struct store *st = store_new();
	struct k8s_object *s = svc_new("default", "web", "10.96.0.1");
	svc_port(s, "http", PROTO_TCP, 80, 0, "http");
	svc_port(s, "alt", PROTO_TCP, 81, 0, "alt");
	svc_select(s, "app", "web");
	/* Two pods claim one address (a stale one not ready): one endpoint,
	 * ready, with the ports either of them serves. */
	struct k8s_object *p1 = pod_new("default", "old", "10.3.0.1", false);
	obj_label(p1, "app", "web");
	pod_port(p1, "alt", PROTO_TCP, 8081);
	struct k8s_object *p2 = pod_new("default", "new", "10.3.0.1", true);
	obj_label(p2, "app", "web");
	pod_port(p2, "http", PROTO_TCP, 8080);
	load(st, "a.yaml", NULL, NULL, s, p1, p2, NULL);
	const struct view_service *vs = get(st, "default/web");
	CHECK_EPS(vs, "10.3.0.1 RS- 8080,8081");
	if (vs && vs->n_eps == 1)
		CHECK_STR(vs->eps[0].pod_name, "new");
	store_free(st);
}

static void test_precedence(void)
{
	struct store *st = store_new();
	struct changeset cs = { 0 };
	struct k8s_object *s = svc_new("default", "web", "10.96.0.1");
	svc_port(s, NULL, PROTO_TCP, 80, 8080, NULL);
	svc_select(s, "app", "web");
	struct k8s_object *p = pod_new("default", "p", "10.4.0.1", true);
	obj_label(p, "app", "web");
	load(st, "base.yaml", NULL, NULL, s, p, NULL);
	CHECK_INT(get(st, "default/web")->origin, EP_PODS);

	struct k8s_object *ep = eps_new("default", "web");
	struct endpoint_group *g = eps_subset(ep);
	group_port(g, NULL, PROTO_TCP, 8080);
	group_ep(g, "10.4.0.2");
	load(st, "ep.yaml", NULL, &cs, ep, NULL);
	CHECK_CS(&cs, "default/web");
	CHECK_INT(get(st, "default/web")->origin, EP_ENDPOINTS);
	CHECK_EPS(get(st, "default/web"), "10.4.0.2 RS- 8080");
	changeset_free(&cs);

	struct k8s_object *sl = slice_new("default", "web-x", "web", AF_INET);
	group_port(&sl->u.slice.group, NULL, PROTO_TCP, 8080);
	group_ep(&sl->u.slice.group, "10.4.0.3");
	load(st, "slice.yaml", NULL, &cs, sl, NULL);
	CHECK_CS(&cs, "default/web");
	CHECK_INT(get(st, "default/web")->origin, EP_SLICES);
	CHECK_EPS(get(st, "default/web"), "10.4.0.3 RS- 8080");
	changeset_free(&cs);

	store_remove_source(st, "slice.yaml", &cs);
	CHECK_CS(&cs, "default/web");
	CHECK_INT(get(st, "default/web")->origin, EP_ENDPOINTS);
	changeset_free(&cs);
	store_remove_source(st, "ep.yaml", &cs);
	CHECK_INT(get(st, "default/web")->origin, EP_PODS);
	CHECK_EPS(get(st, "default/web"), "10.4.0.1 RS- 8080");
	changeset_free(&cs);

	/* Without a selector there is nothing to compute from. */
	struct k8s_object *manual = svc_new("default", "web", "10.96.0.1");
	svc_port(manual, NULL, PROTO_TCP, 80, 8080, NULL);
	load(st, "base.yaml", NULL, NULL, manual,
	     pod_new("default", "p", "10.4.0.1", true), NULL);
	CHECK_INT(get(st, "default/web")->origin, EP_NONE);
	CHECK_INT(get(st, "default/web")->n_eps, 0);
	store_free(st);
}

static void test_external_name(void)
{
	struct store *st = store_new();
	struct k8s_object *s = svc_new("default", "ext", NULL);
	s->u.svc.type = SVC_EXTERNAL_NAME;
	s->u.svc.headless = false;
	s->u.svc.external_name = xstrdup("example.com");
	svc_select(s, "app", "web");
	struct k8s_object *p = pod_new("default", "p", "10.5.0.1", true);
	obj_label(p, "app", "web");
	load(st, "a.yaml", NULL, NULL, s, p, NULL);
	const struct view_service *vs = get(st, "default/ext");
	CHECK(vs);
	CHECK_INT(vs ? (int)vs->origin : -1, EP_NONE);
	CHECK_INT(vs ? vs->n_eps : 99, 0);
	CHECK_STR(vs ? vs->obj->u.svc.external_name : NULL, "example.com");

	/* Its selector is ignored: pod changes do not report it. */
	struct changeset cs = { 0 };
	struct k8s_object *p2 = pod_new("default", "p", "10.5.0.2", true);
	obj_label(p2, "app", "web");
	put(st, "a.yaml", p2, NULL, &cs);
	CHECK_INT(cs.n, 0);
	changeset_free(&cs);
	store_free(st);
}

static void test_sorted_created_generation(void)
{
	struct store *st = store_new();
	struct changeset cs = { 0 };
	struct k8s_object *b = svc_new("b", "a", "10.96.0.1");
	b->meta.created = 1700000000;
	struct k8s_object *web = svc_new("a", "web", "10.96.0.2");
	svc_select(web, "app", "web");
	struct k8s_object *p = pod_new("a", "p", "10.6.0.1", true);
	obj_label(p, "app", "web");
	int64_t before = now_wall_s();
	load(st, "x.yaml", NULL, NULL, b, web, svc_new("a", "api", "10.96.0.3"),
	     NULL);
	load(st, "p.yaml", NULL, NULL, p, NULL);

	size_t n;
	const struct view_service **v = view_sorted(store_view(st), &n);
	CHECK_INT(n, 3);
	if (n == 3) {
		CHECK_STR(v[0]->key, "a/api");
		CHECK_STR(v[1]->key, "a/web");
		CHECK_STR(v[2]->key, "b/a");
		CHECK_INT(v[2]->created, 1700000000);
		CHECK(v[0]->created >= before && v[0]->created <= now_wall_s());
		CHECK_INT(v[0]->generation, 1);
		CHECK_INT(v[1]->generation, 2);
	}
	free(v);

	/* A label the selector ignores: reported, but the entry is the same
	 * and keeps its generation. */
	struct k8s_object *p2 = pod_new("a", "p", "10.6.0.1", true);
	obj_label(p2, "app", "web");
	obj_label(p2, "extra", "1");
	put(st, "p.yaml", p2, NULL, &cs);
	CHECK_CS(&cs, "a/web");
	CHECK_INT(cs.generation, 3);
	CHECK_INT(get(st, "a/web")->generation, 2);
	changeset_free(&cs);
	struct store_stats ss;
	store_stats(st, &ss);
	CHECK_INT(ss.services, 3);
	CHECK_INT(ss.endpoints, 1);
	store_free(st);
}

int main(void)
{
	test_slices();
	test_families();
	test_endpoints();
	test_pods();
	test_pod_dedupe();
	test_precedence();
	test_external_name();
	test_sorted_created_generation();
	return check_done("test_view");
}
