/*
 * test_decode.c: manifests (JSON and YAML) to objects, as a user of
 * `svcd --check` or the state dir sees it: which objects load, with what
 * values and defaults, and which error line a bad object gets.
 *
 * Inline manifests are written with ' for " to stay readable; q() swaps
 * them back.  JSON flow text is also valid YAML, so the table of bad
 * objects runs through both parsers.
 */
#include <stdlib.h>
#include <string.h>

#include "model/decode.h"
#include "model/yaml.h"
#include "tests/unit/check.h"

static char *q(const char *s)
{
	char *t = xstrdup(s);
	for (char *p = t; *p; p++)
		if (*p == '\'')
			*p = '"';
	return t;
}

static void dec(const char *file, const char *text, enum doc_format fmt,
		struct decode_result *r)
{
	memset(r, 0, sizeof(*r));
	decode_buffer(file, text, strlen(text), fmt, r);
}

static void dec_file(const char *path, struct decode_result *r)
{
	size_t len;
	char *text = read_file(path, &len);

	memset(r, 0, sizeof(*r));
	CHECK(text != NULL);
	if (text)
		decode_buffer(path, text, len, doc_format_for(path), r);
	free(text);
}

static const struct k8s_object *find(const struct decode_result *r,
				     enum k8s_kind kind, const char *ns,
				     const char *name)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct k8s_object *o = r->objs[i];
		if (o->kind == kind && !strcmp(o->meta.namespace, ns) &&
		    !strcmp(o->meta.name, name))
			return o;
	}
	fprintf(stderr, "missing %s %s/%s\n", kind_name(kind), ns, name);
	return NULL;
}

static const char *ip(const struct ipaddr *a)
{
	static char buf[4][ADDR_STRLEN];
	static int n;
	return addr_format(a, buf[n++ % 4]);
}

static void check_fixture_services(const struct decode_result *r)
{
	const struct k8s_object *o;
	const struct k8s_service *s;

	if (!(o = find(r, KIND_SERVICE, "default", "kubernetes")))
		return;
	s = &o->u.svc;
	CHECK_INT(s->type, SVC_CLUSTER_IP);
	CHECK_STR(ip(&s->cluster_ips[0]), "10.96.0.1");
	CHECK_INT(s->n_ports, 1);
	CHECK_STR(s->ports[0].name, "https");
	CHECK_INT(s->ports[0].port, 443);
	CHECK_INT(s->ports[0].target_port, 6443);
	CHECK_INT(o->meta.created, 1714557600);
	CHECK_STR(o->meta.resource_version, "192");
	CHECK_STR(o->meta.uid, "5e1c3bd8-9f5d-4a2e-bf1e-0b7c1d1f2a01");
	CHECK_STR(labels_get(&o->meta.labels, "provider"), "kubernetes");

	if (!(o = find(r, KIND_SERVICE, "kube-system", "kube-dns")))
		return;
	s = &o->u.svc;
	CHECK_INT(s->n_ports, 3);
	CHECK_INT(s->ports[0].proto, PROTO_UDP);
	CHECK_INT(s->ports[1].proto, PROTO_TCP);
	CHECK_INT(s->selector.n, 1);
	CHECK_STR(labels_get(&s->selector, "k8s-app"), "kube-dns");

	if (!(o = find(r, KIND_SERVICE, "default", "web")))
		return;
	s = &o->u.svc;
	CHECK_INT(s->type, SVC_NODE_PORT);
	CHECK_INT(s->ports[0].node_port, 30080);
	CHECK_INT(s->ports[0].target_port, 0);
	CHECK_STR(s->ports[0].target_port_name, "http");

	if (!(o = find(r, KIND_SERVICE, "shop", "db")))
		return;
	CHECK(o->u.svc.headless);
	CHECK_INT(o->u.svc.n_cluster_ips, 0);
	CHECK(o->u.svc.publish_not_ready);
	CHECK_INT(o->u.svc.n_ip_families, 1);

	if (!(o = find(r, KIND_SERVICE, "shop", "gateway")))
		return;
	s = &o->u.svc;
	CHECK_INT(s->type, SVC_LOAD_BALANCER);
	CHECK_INT(s->n_cluster_ips, 2);
	CHECK_STR(ip(&s->cluster_ips[1]), "fd00:10:96::5");
	CHECK_INT(s->ip_families[1], AF_INET6);
	CHECK_INT(s->external_policy, POLICY_LOCAL);
	CHECK_INT(s->health_check_node_port, 32000);
	CHECK(s->affinity_client_ip);
	CHECK_INT(s->affinity_timeout, 3600);
	CHECK_INT(s->n_lb_ips, 1);
	CHECK_STR(ip(&s->lb_ips[0]), "203.0.113.10");
	CHECK_INT(s->n_lb_hostnames, 1);
	CHECK_STR(s->lb_hostnames[0], "gw.example.net");
	CHECK_STR(s->ports[1].app_protocol, "kubernetes.io/h2c");
	CHECK_INT(o->meta.created, 1714732245); /* 12:30:45+02:00 */

	if ((o = find(r, KIND_SERVICE, "shop", "payments-api")))
		CHECK_STR(o->u.svc.external_name, "api.payments.example.com");
}

static void check_fixture_endpoints(const struct decode_result *r)
{
	const struct k8s_object *o;
	const struct endpoint_group *g;

	if (!(o = find(r, KIND_ENDPOINT_SLICE, "default", "web-x9f2k")))
		return;
	g = &o->u.slice.group;
	CHECK_STR(o->u.slice.service_name, "web");
	CHECK_INT(o->u.slice.address_type, AF_INET);
	CHECK_INT(g->n_endpoints, 3);
	CHECK_STR(ip(&g->endpoints[0].addr), "10.244.1.7");
	CHECK_STR(endpoint_name(g, g->endpoints[0].pod_name),
		  "web-6d4cf56db6-abcde");
	CHECK(g->endpoints[1].ready && !g->endpoints[1].terminating);
	CHECK(!g->endpoints[2].ready && g->endpoints[2].serving);
	CHECK(g->endpoints[2].terminating);
	CHECK_STR(endpoint_name(g, g->endpoints[2].node_name), "worker-2");
	CHECK_STR(endpoint_name(g, g->endpoints[2].zone), "zone-b");
	CHECK_INT(g->n_ports, 1);
	CHECK_STR(g->ports[0].name, "http");
	CHECK_INT(g->ports[0].port, 8080);

	if ((o = find(r, KIND_ENDPOINT_SLICE, "shop", "gateway-v6-2kq9d")))
		CHECK_INT(o->u.slice.address_type, AF_INET6);
	if ((o = find(r, KIND_ENDPOINT_SLICE, "shop", "db-8h2lm")))
		CHECK(!o->u.slice.group.n_endpoints &&
		      !o->u.slice.group.n_ports);
}

static void check_fixture_pods(const struct decode_result *r)
{
	const struct k8s_object *o;

	if ((o = find(r, KIND_POD, "shop", "gateway-5b7f9c8d4-k2j3h"))) {
		CHECK_INT(o->u.pod.n_ips, 2);
		CHECK_STR(ip(&o->u.pod.ips[1]), "fd00:10:244:1::7");
		CHECK(o->u.pod.ready && !o->u.pod.finished);
		CHECK_INT(o->u.pod.n_ports, 2);
		CHECK_STR(o->u.pod.ports[1].name, "grpc");
		CHECK_STR(o->u.pod.node_name, "worker-1");
	}
	if ((o = find(r, KIND_POD, "default", "web-6d4cf56db6-fghij")))
		CHECK(!o->u.pod.ready);
	if ((o = find(r, KIND_POD, "kube-system", "coredns-76f75df574-8xk2p")))
		CHECK(o->u.pod.n_ports == 3 &&
		      o->u.pod.ports[0].proto == PROTO_UDP);
	if ((o = find(r, KIND_POD, "shop", "db-0"))) {
		CHECK_STR(o->u.pod.hostname, "db-0");
		CHECK_STR(o->u.pod.subdomain, "db");
	}
	if ((o = find(r, KIND_POD, "shop", "migrate-28571234-x8k2q"))) {
		CHECK(o->u.pod.finished && !o->u.pod.ready);
		CHECK_INT(o->meta.created, 0);
		CHECK_INT(o->u.pod.n_ports, 0);
	}
}

/* `kubectl get svc,endpointslices,pods -A -o json` and `-o yaml`. */
static void test_kubectl_list(void)
{
	struct decode_result js, ys, ms;

	dec_file("tests/data/kubectl-list.json", &js);
	dec_file("tests/data/kubectl-list.yaml", &ys);
	CHECK_INT(js.n, 17);
	CHECK_INT(js.errors.n, 0);
	CHECK_INT(ys.n, 17);
	CHECK_INT(ys.errors.n, 0);
	CHECK(!js.incomplete && !ys.incomplete);
	check_fixture_services(&js);
	check_fixture_endpoints(&js);
	check_fixture_pods(&js);
	check_fixture_services(&ys);
	check_fixture_endpoints(&ys);
	check_fixture_pods(&ys);
	/* The same objects give the same digests whatever the format. */
	for (size_t i = 0; i < js.n && i < ys.n; i++)
		CHECK(js.objs[i]->digest == ys.objs[i]->digest);
	CHECK(js.n > 1 && js.objs[0]->digest != js.objs[1]->digest);

	/* kubectl -o yaml of single objects: `---` separated, with kinds
	 * svcd skips and an empty document. */
	dec_file("tests/data/kubectl-multi.yaml", &ms);
	CHECK_INT(ms.n, 4);
	CHECK_INT(ms.skipped, 2);
	CHECK_INT(ms.errors.n, 0);
	const struct k8s_object *a = find(&ms, KIND_SERVICE, "default", "web");
	const struct k8s_object *b = find(&js, KIND_SERVICE, "default", "web");
	CHECK(a && b && a->digest == b->digest);
	decode_result_free(&js);
	decode_result_free(&ys);
	decode_result_free(&ms);
}

static const char *const kinds_yaml =
	"apiVersion: v1\nkind: Service\nmetadata:\n  name: api\n"
	"  namespace: prod\n  labels: {app: api, tier: \"1\"}\nspec:\n"
	"  clusterIP: 10.0.0.5\n  selector:\n    app: api\n  ports:\n"
	"  - name: http\n    port: 80\n    targetPort: 8080\n"
	"  - name: dns\n    port: 53\n    protocol: UDP\n"
	"    targetPort: dns\n"
	"---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n"
	"metadata:\n  name: api-abc\n  namespace: prod\n  labels:\n"
	"    kubernetes.io/service-name: api\naddressType: IPv6\n"
	"endpoints:\n- addresses: [\"fd00::7\"]\n  conditions: {ready: false}\n"
	"  hostname: api-0\nports:\n- name: http\n  port: 8080\n"
	"---\napiVersion: v1\nkind: Endpoints\nmetadata:\n  name: api\n"
	"  namespace: prod\nsubsets:\n- addresses:\n  - ip: 10.1.0.1\n"
	"    nodeName: n1\n    targetRef: {kind: Pod, name: api-1}\n"
	"  - ip: 10.1.0.2\n  notReadyAddresses:\n  - ip: 10.1.0.3\n"
	"  ports:\n  - port: 8080\n- addresses:\n  - ip: 10.1.0.9\n"
	"  ports:\n  - {name: a, port: 1, protocol: SCTP}\n"
	"  - {name: b, port: 2}\n"
	"---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: api-1\n"
	"  namespace: prod\n  deletionTimestamp: \"2024-05-01T10:00:00Z\"\n"
	"spec:\n  nodeName: n1\n  containers:\n  - name: a\n    ports:\n"
	"    - {containerPort: 8080, name: http}\n  - name: b\n    ports:\n"
	"    - {containerPort: 53, name: dns, protocol: UDP}\n"
	"status:\n  phase: Running\n  podIP: 10.1.0.1\n"
	"  conditions:\n  - {type: Ready, status: \"True\"}\n";

static const char *const kinds_json =
	"{'kind':'List','apiVersion':'v1','items':["
	"{'apiVersion':'v1','kind':'Service','metadata':{'name':'api',"
	"'namespace':'prod','labels':{'app':'api','tier':'1'}},'spec':{"
	"'clusterIP':'10.0.0.5','selector':{'app':'api'},'ports':["
	"{'name':'http','port':80,'targetPort':8080},{'name':'dns',"
	"'port':53,'protocol':'UDP','targetPort':'dns'}]}},"
	"{'apiVersion':'discovery.k8s.io/v1','kind':'EndpointSlice',"
	"'metadata':{'name':'api-abc','namespace':'prod','labels':{"
	"'kubernetes.io/service-name':'api'}},'addressType':'IPv6',"
	"'endpoints':[{'addresses':['fd00::7'],'conditions':{'ready':false},"
	"'hostname':'api-0'}],'ports':[{'name':'http','port':8080}]},"
	"{'apiVersion':'v1','kind':'Endpoints','metadata':{'name':'api',"
	"'namespace':'prod'},'subsets':[{'addresses':[{'ip':'10.1.0.1',"
	"'nodeName':'n1','targetRef':{'kind':'Pod','name':'api-1'}},"
	"{'ip':'10.1.0.2'}],'notReadyAddresses':[{'ip':'10.1.0.3'}],"
	"'ports':[{'port':8080}]},{'addresses':[{'ip':'10.1.0.9'}],"
	"'ports':[{'name':'a','port':1,'protocol':'SCTP'},{'name':'b',"
	"'port':2}]}]},"
	"{'apiVersion':'v1','kind':'Pod','metadata':{'name':'api-1',"
	"'namespace':'prod','deletionTimestamp':'2024-05-01T10:00:00Z'},"
	"'spec':{'nodeName':'n1','containers':[{'name':'a','ports':["
	"{'containerPort':8080,'name':'http'}]},{'name':'b','ports':["
	"{'containerPort':53,'name':'dns','protocol':'UDP'}]}]},'status':{"
	"'phase':'Running','podIP':'10.1.0.1','conditions':[{'type':'Ready',"
	"'status':'True'}]}}]}";

static void check_kinds(const struct decode_result *r)
{
	const struct k8s_object *o;

	CHECK_INT(r->n, 4);
	CHECK_INT(r->errors.n, 0);
	if ((o = find(r, KIND_SERVICE, "prod", "api"))) {
		CHECK_INT(o->u.svc.n_ports, 2);
		CHECK_INT(o->u.svc.ports[0].target_port, 8080);
		CHECK_STR(o->u.svc.ports[1].target_port_name, "dns");
		CHECK_INT(o->u.svc.ports[1].proto, PROTO_UDP);
		CHECK_STR(labels_get(&o->meta.labels, "tier"), "1");
	}
	if ((o = find(r, KIND_ENDPOINT_SLICE, "prod", "api-abc"))) {
		const struct endpoint *e = &o->u.slice.group.endpoints[0];
		CHECK_STR(ip(&e->addr), "fd00::7");
		CHECK(!e->ready && !e->serving && !e->terminating);
		CHECK_STR(endpoint_name(&o->u.slice.group, e->hostname),
			  "api-0");
		CHECK_INT(o->u.slice.group.ports[0].proto, PROTO_TCP);
	}
	if ((o = find(r, KIND_ENDPOINTS, "prod", "api"))) {
		const struct k8s_endpoints *eps = &o->u.eps;
		CHECK_INT(eps->n_subsets, 2);
		CHECK_INT(eps->subsets[0].n_endpoints, 3);
		CHECK(eps->subsets[0].endpoints[0].ready);
		CHECK(eps->subsets[0].endpoints[1].serving);
		CHECK(!eps->subsets[0].endpoints[2].ready &&
		      !eps->subsets[0].endpoints[2].serving);
		const struct endpoint_group *sg = &eps->subsets[0];
		CHECK_STR(endpoint_name(sg, sg->endpoints[0].pod_name), "api-1");
		CHECK_STR(endpoint_name(sg, sg->endpoints[0].node_name), "n1");
		CHECK_INT(eps->subsets[0].ports[0].port, 8080);
		CHECK_INT(eps->subsets[1].ports[0].proto, PROTO_SCTP);
	}
	if ((o = find(r, KIND_POD, "prod", "api-1"))) {
		CHECK(o->meta.deleting && o->u.pod.ready);
		CHECK_STR(ip(&o->u.pod.ips[0]), "10.1.0.1");
		CHECK_INT(o->u.pod.n_ports, 2);
		CHECK_STR(o->u.pod.ports[1].name, "dns");
	}
}

static void test_each_kind(void)
{
	struct decode_result js, ys;
	char *json = q(kinds_json);

	dec("k.json", json, DOC_JSON, &js);
	dec("k.yaml", kinds_yaml, DOC_YAML, &ys);
	check_kinds(&js);
	check_kinds(&ys);
	for (size_t i = 0; i < js.n && i < ys.n; i++)
		CHECK(js.objs[i]->digest == ys.objs[i]->digest);
	decode_result_free(&js);
	decode_result_free(&ys);
	/* DOC_AUTO picks the parser from the first byte. */
	dec("k", json, DOC_AUTO, &js);
	CHECK_INT(js.n, 4);
	decode_result_free(&js);
	free(json);
	CHECK_INT(doc_format_for("a/b.json"), DOC_JSON);
	CHECK_INT(doc_format_for("b.yml"), DOC_YAML);
	CHECK_INT(doc_format_for("b.yaml"), DOC_YAML);
	CHECK_INT(doc_format_for("json"), DOC_AUTO);
}

static void test_defaults(void)
{
	const char *text =
		"kind: Service\napiVersion: v1\nmetadata: {name: s}\n"
		"spec:\n  clusterIP: 10.0.0.1\n  sessionAffinity: ClientIP\n"
		"  externalTrafficPolicy: Global\n"
		"  ports: [{port: 80, targetPort: \"8080\"}]\n---\n"
		"kind: Service\napiVersion: v1\nmetadata: {name: s2}\n"
		"spec: {clusterIP: 10.0.0.2, ports: [{port: 443, "
		"targetPort: ''}]}\n---\n"
		"kind: Service\napiVersion: v1\nmetadata: {name: x}\n"
		"spec: {type: ExternalName, externalName: db.example.org.,"
		" clusterIP: 10.0.0.3}\n---\n"
		"kind: EndpointSlice\napiVersion: discovery.k8s.io/v1\n"
		"metadata: {name: e, namespace: \"\"}\naddressType: IPv4\n"
		"endpoints:\n- addresses: [10.0.0.1]\n"
		"- {addresses: [10.0.0.2], conditions: {}}\n"
		"- {addresses: [10.0.0.3], conditions: {ready: false}}\n"
		"- {addresses: [10.0.0.4], conditions: {ready: null, "
		"serving: false, terminating: true}}\n"
		"ports: [{port: null, name: null}]\n";
	struct decode_result r;
	const struct k8s_object *o;

	dec("d.yaml", text, DOC_YAML, &r);
	CHECK_INT(r.errors.n, 0);
	if ((o = find(&r, KIND_SERVICE, "default", "s"))) {
		const struct k8s_service *s = &o->u.svc;
		CHECK_INT(s->type, SVC_CLUSTER_IP);
		CHECK_INT(s->ports[0].proto, PROTO_TCP);
		CHECK_INT(s->ports[0].target_port, 8080);
		CHECK(s->ports[0].name == NULL);
		CHECK(s->affinity_client_ip);
		CHECK_INT(s->affinity_timeout, 10800);
		CHECK_INT(s->external_policy, POLICY_CLUSTER);
		CHECK_INT(s->internal_policy, POLICY_CLUSTER);
		CHECK_INT(s->n_ip_families, 1);
		CHECK_INT(s->ip_families[0], AF_INET);
		CHECK_INT(o->meta.labels.n, 0);
		CHECK(o->meta.uid == NULL && !o->meta.deleting);
	}
	if ((o = find(&r, KIND_SERVICE, "default", "s2"))) {
		CHECK_INT(o->u.svc.ports[0].target_port, 443);
		CHECK_INT(o->u.svc.affinity_timeout, 10800);
	}
	if ((o = find(&r, KIND_SERVICE, "default", "x"))) {
		CHECK_STR(o->u.svc.external_name, "db.example.org");
		CHECK_INT(o->u.svc.n_cluster_ips, 0);
	}
	if ((o = find(&r, KIND_ENDPOINT_SLICE, "default", "e"))) {
		const struct endpoint *e = o->u.slice.group.endpoints;
		CHECK(e[0].ready && e[0].serving && !e[0].terminating);
		CHECK(e[1].ready && e[1].serving && !e[1].terminating);
		CHECK(!e[2].ready && !e[2].serving);
		CHECK(e[3].ready && !e[3].serving && e[3].terminating);
		CHECK(o->u.slice.service_name == NULL);
		CHECK_INT(o->u.slice.group.ports[0].port, 0);
		CHECK(o->u.slice.group.ports[0].name == NULL);
		CHECK_INT(o->u.slice.group.ports[0].proto, PROTO_TCP);
	}
	decode_result_free(&r);
}

/* Typed lists name the kind once; a JSON array holds objects too. */
static void test_list_forms(void)
{
	char *svcs = q("{'kind':'ServiceList','apiVersion':'v1','items':["
		       "{'metadata':{'name':'a'},'spec':{'clusterIP':'10.0.0.1',"
		       "'ports':[{'port':1}]}},{'kind':'Service','metadata':{"
		       "'name':'b'},'spec':{'clusterIP':'10.0.0.2','ports':[{"
		       "'port':2}]}}]}");
	char *arr = q("[{'kind':'ConfigMap','apiVersion':'v1'},{'kind':'Pod',"
		      "'apiVersion':'v1','metadata':{'name':'p'}},{'kind':"
		      "'List','apiVersion':'v1','items':[]}]");
	char *untyped = q("{'kind':'List','apiVersion':'v1','items':[{"
			  "'metadata':{'name':'a'}}]}");
	struct decode_result r;

	dec("l.json", svcs, DOC_JSON, &r);
	CHECK_INT(r.n, 2);
	CHECK_INT(r.errors.n, 0);
	CHECK(r.json == NULL);
	decode_result_free(&r);

	/* keep_json: the canonical text the digest hashes, standing alone
	 * (an inferred kind and apiVersion included), parallel to objs. */
	struct decode_result k = { .keep_json = true };
	decode_buffer("l.json", svcs, strlen(svcs), DOC_JSON, &k);
	char *one = q("{'kind':'Service','metadata':{'name':'a'},'apiVersion':"
		      "'v1','spec':{'ports':[{'port':1}],'clusterIP':"
		      "'10.0.0.1'}}");
	dec("one.json", one, DOC_JSON, &r);
	CHECK(k.n == 2 && k.json && r.n == 1);
	if (k.n == 2 && k.json && r.n == 1) {
		CHECK_STR(k.json[0], "{\"apiVersion\":\"v1\",\"kind\":"
			  "\"Service\",\"metadata\":{\"name\":\"a\"},"
			  "\"spec\":{\"clusterIP\":\"10.0.0.1\",\"ports\":"
			  "[{\"port\":1}]}}");
		CHECK(k.objs[0]->digest == hash_bytes(k.json[0],
						      strlen(k.json[0]),
						      HASH_SEED));
		CHECK(k.objs[0]->digest == r.objs[0]->digest);
	}
	decode_result_free(&r);
	free(one);
	/* The digest walk matches jansson's text byte for byte. */
	const char *odd = "kind: Pod\napiVersion: v1\nmetadata:\n  name: p\n"
			  "  annotations:\n    \"z/\\u00e9\": \"q\\\"b\\\\s/"
			  "\\t\\n\\r\\b\\f\\x01\\x1f\\x7f\\0\\u2028\\U0001F600\"\n"
			  "    Z: [1.5, -2, 1e300, true, null, {}, []]\n"
			  "    a: {b: {c: 0.1}}\n    \"\\xe9\": x\n";
	k.keep_json = true;
	decode_buffer("odd.yaml", odd, strlen(odd), DOC_YAML, &k);
	CHECK(k.n == 3 && k.json && k.json[2]);
	if (k.n == 3 && k.json && k.json[2]) {
		CHECK_HAS(k.json[2], "\\u0001\\u001F\x7f\\u0000");
		CHECK(k.objs[2]->digest == hash_bytes(k.json[2],
						      strlen(k.json[2]),
						      HASH_SEED));
	}
	decode_result_free(&k);

	/* Asked for half way: earlier objects have no text. */
	k.keep_json = false;
	for (int i = 0; i < 5; i++)
		decode_buffer("l.json", svcs, strlen(svcs), DOC_JSON, &k);
	k.keep_json = true;
	decode_buffer("l.json", svcs, strlen(svcs), DOC_JSON, &k);
	CHECK_INT(k.n, 12);
	CHECK(k.json && k.json[2] == NULL && k.json[11] != NULL);
	for (size_t i = 0; i < k.n && k.json; i++)
		CHECK(!k.json[i] || k.objs[i]->digest ==
		      hash_bytes(k.json[i], strlen(k.json[i]), HASH_SEED));
	decode_result_free(&k);
	k.keep_json = true;
	decode_buffer("l.json", arr, strlen(arr), DOC_JSON, &k);
	CHECK(k.json && k.json[0] && strstr(k.json[0], "\"name\":\"p\""));
	decode_result_free(&k);
	dec("a.json", arr, DOC_JSON, &r);
	CHECK_INT(r.n, 1);
	CHECK_INT(r.skipped, 2);
	decode_result_free(&r);
	dec("u.json", untyped, DOC_JSON, &r);
	CHECK_INT(r.n, 0);
	CHECK_INT(r.errors.n, 1);
	CHECK_STR(r.errors.n ? r.errors.v[0] : NULL,
		  "u.json: object default/a: kind: is required");
	decode_result_free(&r);
	free(svcs);
	free(arr);
	free(untyped);
}

/* A bad object sits between two good ones; only it is rejected, with
 * exactly one line "FILE: IDENT: PATH: reason", and "rejected" names it
 * for the store ("" when its kind, namespace or name is unreadable). */
struct bad {
	const char *obj, *path, *why, *ident, *rejected;
};

#define A64 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define SVC(spec) "{'apiVersion':'v1','kind':'Service','metadata':" \
		  "{'name':'bad'},'spec':{" spec "}}"
#define CIP "'clusterIP':'10.0.0.9',"
#define P80 "'ports':[{'port':80}]"
#define SVCP(ports) SVC(CIP "'ports':[" ports "]")
#define SVCM(meta) "{'apiVersion':'v1','kind':'Service','metadata':" meta \
		   ",'spec':{" CIP P80 "}}"
#define LB(ingress) "{'apiVersion':'v1','kind':'Service','metadata':{" \
		    "'name':'bad'},'spec':{'type':'LoadBalancer'," CIP P80 \
		    "},'status':{'loadBalancer':{'ingress':[" ingress "]}}}"
#define SLICE(rest) "{'apiVersion':'discovery.k8s.io/v1','kind':" \
		    "'EndpointSlice','metadata':{'name':'bad'}," rest "}"
#define SLICE4(eps) SLICE("'addressType':'IPv4','endpoints':[" eps "]")
#define EPS(sub) "{'apiVersion':'v1','kind':'Endpoints','metadata':{" \
		 "'name':'bad'},'subsets':[" sub "]}"
#define POD(rest) "{'apiVersion':'v1','kind':'Pod','metadata':{'name':" \
		  "'bad'}," rest "}"
#define ES "EndpointSlice default/bad", "EndpointSlice/default/bad"
#define EP "Endpoints default/bad", "Endpoints/default/bad"
#define PD "Pod default/bad", "Pod/default/bad"
#define NONAME "Service (document 1, item 2)", ""
#define SD "Service default/bad", "Service/default/bad"

static const struct bad bad_objects[] = {
	{ SVCP("{'port':70000}"), "spec.ports[0].port",
	  "70000 is out of range 1-65535", SD },
	{ SVCP("{'port':'80'}"), "spec.ports[0].port",
	  "must be an integer, got string", SD },
	{ SVCP("{'port':80.5}"), "spec.ports[0].port",
	  "must be an integer, got number", SD },
	{ SVCP("{'name':'x'}"), "spec.ports[0].port", "is required", SD },
	{ SVCP("{'port':80,'protocol':'HTTP'}"), "spec.ports[0].protocol",
	  "\"HTTP\" is not one of TCP, UDP, SCTP", SD },
	{ SVCP("{'name':'a','port':80},{'port':81}"), "spec.ports[1].name",
	  "is required when there is more than one port", SD },
	{ SVCP("{'name':'a','port':80},{'name':'a','port':81}"),
	  "spec.ports[1].name", "\"a\" is already used by spec.ports[0]", SD },
	{ SVCP("{'name':'a','port':80},{'name':'b','port':80}"),
	  "spec.ports[1].port", "80/TCP is already used by spec.ports[0]", SD },
	{ SVCP("{'name':'HTTP','port':80}"), "spec.ports[0].name",
	  "\"HTTP\" is not a valid DNS-1123 label", SD },
	{ SVCP("{'port':80,'targetPort':70000}"), "spec.ports[0].targetPort",
	  "70000 is out of range 1-65535", SD },
	{ SVCP("{'port':80,'targetPort':'99999'}"),
	  "spec.ports[0].targetPort", "\"99999\" is out of range 1-65535", SD },
	{ SVCP("{'port':80,'targetPort':'http_1'}"),
	  "spec.ports[0].targetPort", "\"http_1\" is not a valid port name", SD },
	{ SVCP("{'port':80,'targetPort':'averyverylongname'}"),
	  "spec.ports[0].targetPort", "no more than 15 characters", SD },
	{ SVCP("{'port':80,'targetPort':'a--b'}"), "spec.ports[0].targetPort",
	  "must not contain consecutive '-'", SD },
	{ SVCP("{'port':80,'targetPort':true}"), "spec.ports[0].targetPort",
	  "must be an integer or a string, got boolean", SD },
	{ SVCP("{'port':80,'nodePort':30080}"), "spec.ports[0].nodePort",
	  "only allowed for type NodePort or LoadBalancer, not ClusterIP", SD },
	{ SVC(CIP "'type':'NodePort','ports':[{'port':80,'nodePort':8080}]"),
	  "spec.ports[0].nodePort", "8080 is out of range 30000-32767", SD },
	{ SVC(CIP "'type':'NodePort'," P80), "spec.ports[0].nodePort",
	  "is required for type NodePort", SD },
	{ SVC(CIP "'type':'NodePort','ports':[{'name':'a','port':80,"
	      "'nodePort':30001},{'name':'b','port':81,'nodePort':30001}]"),
	  "spec.ports[1].nodePort", "30001/TCP is already used by "
	  "spec.ports[0]", SD },
	{ SVC(P80), "spec.clusterIP",
	  "is required (svcd does not allocate ClusterIPs)", SD },
	{ SVC("'clusterIP':'10.0.0.300'," P80), "spec.clusterIP",
	  "\"10.0.0.300\" is not a valid IP address", SD },
	{ SVC("'clusterIP':'None','type':'NodePort'," P80), "spec.clusterIP",
	  "\"None\" (headless) is only valid for type ClusterIP", SD },
	{ SVC("'clusterIPs':['10.0.0.1','fd00::1','10.0.0.2']," P80),
	  "spec.clusterIPs", "must have at most 2 entries, got 3", SD },
	{ SVC("'clusterIPs':['10.0.0.1','10.0.0.2']," P80),
	  "spec.clusterIPs[1]", "must be of a different IP family", SD },
	{ SVC(CIP "'clusterIPs':['10.0.0.8']," P80), "spec.clusterIPs[0]",
	  "must equal spec.clusterIP (\"10.0.0.9\")", SD },
	{ SVC("'clusterIPs':['None','fd00::1']," P80), "spec.clusterIPs[0]",
	  "\"None\" must be the only entry", SD },
	{ SVC(CIP "'ipFamilies':['IPv5']," P80), "spec.ipFamilies[0]",
	  "\"IPv5\" is not one of IPv4, IPv6", SD },
	{ SVC(CIP "'ipFamilies':['IPv6']," P80), "spec.ipFamilies[0]",
	  "IPv6 does not match the family of cluster IP 10.0.0.9", SD },
	{ SVC("'clusterIP':'None','ipFamilies':['IPv4','IPv4']"),
	  "spec.ipFamilies[1]", "IPv4 is listed twice", SD },
	{ SVC(CIP "'ipFamilyPolicy':'RequireDualStack'," P80),
	  "spec.ipFamilyPolicy", "RequireDualStack needs an IPv4 and an IPv6", SD },
	{ SVC("'clusterIPs':['10.0.0.1','fd00::1'],'ipFamilyPolicy':"
	      "'SingleStack'," P80), "spec.ipFamilyPolicy",
	  "SingleStack allows only one cluster IP", SD },
	{ SVC(CIP "'ipFamilyPolicy':'DualStack'," P80), "spec.ipFamilyPolicy",
	  "\"DualStack\" is not one of SingleStack, PreferDualStack, "
	  "RequireDualStack", SD },
	{ SVC(CIP "'type':'Foo'," P80), "spec.type", "\"Foo\" is not one of "
	  "ClusterIP, NodePort, LoadBalancer, ExternalName", SD },
	{ SVC("'clusterIP':'10.0.0.9'"), "spec.ports",
	  "at least one port is required", SD },
	{ SVC(CIP "'ports':{'port':80}"), "spec.ports",
	  "must be an array, got object", SD },
	{ SVC(CIP P80 ",'selector':{'app':7}"), "spec.selector[app]",
	  "must be a string, got integer", SD },
	{ SVC(CIP P80 ",'selector':{'-app':'x'}"), "spec.selector",
	  "\"-app\" is not a valid label key", SD },
	{ SVC(CIP P80 ",'selector':{'app':'a b'}"), "spec.selector[app]",
	  "\"a b\" is not a valid label value", SD },
	{ SVC(CIP P80 ",'externalIPs':['127.0.0.1']"), "spec.externalIPs[0]",
	  "127.0.0.1 is a loopback address", SD },
	{ SVC(CIP P80 ",'externalIPs':['192.0.2.1','224.0.0.5']"),
	  "spec.externalIPs[1]", "224.0.0.5 is a multicast address", SD },
	{ SVC(CIP P80 ",'externalIPs':['fe80::1']"), "spec.externalIPs[0]",
	  "fe80::1 is a link-local address", SD },
	{ SVC(CIP P80 ",'externalIPs':['0.0.0.0']"), "spec.externalIPs[0]",
	  "0.0.0.0 is an unspecified address", SD },
	{ SVC(CIP P80 ",'externalIPs':['banana']"), "spec.externalIPs[0]",
	  "\"banana\" is not a valid IP address", SD },
	{ SVC("'type':'ExternalName'"), "spec.externalName",
	  "is required for type ExternalName", SD },
	{ SVC("'type':'ExternalName','externalName':'DB.example.com'"),
	  "spec.externalName", "\"DB.example.com\" is not a valid DNS name", SD },
	{ SVC("'type':'ExternalName','externalName':'" A64 ".com'"),
	  "spec.externalName", "no more than 63 characters", SD },
	{ SVC(CIP P80 ",'sessionAffinity':'Sticky'"), "spec.sessionAffinity",
	  "\"Sticky\" is not one of None, ClientIP", SD },
	{ SVC(CIP P80 ",'sessionAffinity':'ClientIP','sessionAffinityConfig':"
	      "{'clientIP':{'timeoutSeconds':0}}"),
	  "spec.sessionAffinityConfig.clientIP.timeoutSeconds",
	  "0 is out of range 1-86400", SD },
	{ SVC(CIP P80 ",'sessionAffinity':'ClientIP','sessionAffinityConfig':"
	      "{'clientIP':{'timeoutSeconds':86401}}"),
	  "spec.sessionAffinityConfig.clientIP.timeoutSeconds",
	  "86401 is out of range 1-86400", SD },
	{ SVC(CIP P80 ",'externalTrafficPolicy':'Local'"),
	  "spec.externalTrafficPolicy",
	  "Local is only valid for type NodePort or LoadBalancer", SD },
	{ SVC(CIP P80 ",'internalTrafficPolicy':'Node'"),
	  "spec.internalTrafficPolicy", "\"Node\" is not one of Cluster, Local", SD },
	{ SVC(CIP "'type':'NodePort','ports':[{'port':80,'nodePort':30000}],"
	      "'healthCheckNodePort':30001"), "spec.healthCheckNodePort",
	  "only valid for type LoadBalancer with externalTrafficPolicy Local", SD },
	{ SVC(CIP "'type':'LoadBalancer','externalTrafficPolicy':'Local',"
	      P80 ",'healthCheckNodePort':80"), "spec.healthCheckNodePort",
	  "80 is out of range 30000-32767", SD },
	{ SVC(CIP P80 ",'publishNotReadyAddresses':'yes'"),
	  "spec.publishNotReadyAddresses", "must be a boolean, got string", SD },
	{ LB("{'ip':'1.2.3'}"), "status.loadBalancer.ingress[0].ip",
	  "\"1.2.3\" is not a valid IP address", SD },
	{ LB("{'ip':'192.0.2.1'},{'hostname':'LB_1.example.com'}"),
	  "status.loadBalancer.ingress[1].hostname", "is not a valid DNS name", SD },
	{ SVCM("{'name':'Web'}"), "metadata.name",
	  "\"Web\" is not a valid DNS-1035 label", "Service default/Web",
	  "Service/default/Web" },
	{ SVCM("{'name':'1web'}"), "metadata.name", "start with an alphabetic "
	  "character", "Service default/1web", "Service/default/1web" },
	{ SVCM("{'namespace':'x'}"), "metadata.name", "is required", NONAME },
	{ SVCM("{'name':''}"), "metadata.name", "is required", NONAME },
	{ SVCM("{'name':'bad','namespace':'Bad_NS'}"), "metadata.namespace",
	  "\"Bad_NS\" is not a valid DNS-1123 label", "Service Bad_NS/bad",
	  "Service/Bad_NS/bad" },
	{ SVCM("{'name':'bad','labels':{'a/b/c':'x'}}"), "metadata.labels",
	  "\"a/b/c\" is not a valid label key", SD },
	{ SVCM("{'name':'bad','labels':{'app':'" A64 "'}}"),
	  "metadata.labels[app]", "must be no more than 63 characters", SD },
	{ SVCM("{'name':'bad','labels':{'tier':1}}"), "metadata.labels[tier]",
	  "must be a string, got integer", SD },
	{ SVCM("{'name':'bad','creationTimestamp':'yesterday'}"),
	  "metadata.creationTimestamp",
	  "\"yesterday\" is not an RFC 3339 time", SD },
	{ SVCM("{'name':'bad','creationTimestamp':'2024-02-30T00:00:00Z'}"),
	  "metadata.creationTimestamp", "is not an RFC 3339 time", SD },
	{ SVCM("'web'"), "metadata", "must be an object, got string", NONAME },
	{ "{'apiVersion':'v1','kind':'Service','metadata':{'name':'bad'}}",
	  "spec", "is required", SD },
	{ "{'apiVersion':'v2','kind':'Service','metadata':{'name':'bad'}}",
	  "apiVersion", "must be v1 for Service, got \"v2\"", SD },
	{ "{'apiVersion':'v1','metadata':{'name':'bad'}}", "kind",
	  "is required", "object default/bad", "" },
	{ "{'kind':'Deployment','metadata':{'name':'bad'}}", "apiVersion",
	  "is required", "Deployment default/bad", "" },
	{ "{'kind':5,'apiVersion':'v1'}", "kind",
	  "must be a string, got integer", "object (document 1, item 2)", "" },
	{ "'just a string'", "", "must be an object, got string",
	  "object (document 1, item 2)", "" },
	{ SLICE("'endpoints':[]"), "addressType", "is required", ES },
	{ SLICE("'addressType':'IPv5'"), "addressType",
	  "\"IPv5\" is not one of IPv4, IPv6, FQDN", ES },
	{ SLICE4("{'addresses':[]}"), "endpoints[0].addresses",
	  "must have 1-100 entries, got 0", ES },
	{ SLICE4("{'conditions':{}}"), "endpoints[0].addresses",
	  "is required", ES },
	{ SLICE4("{'addresses':['10.0.0.1']},{'addresses':['fd00::1']}"),
	  "endpoints[1].addresses[0]",
	  "\"fd00::1\" is not an IPv4 address (addressType is IPv4)", ES },
	{ SLICE4("{'addresses':['10.0.0.1'],'conditions':{'ready':'true'}}"),
	  "endpoints[0].conditions.ready", "must be a boolean, got string",
	  ES },
	{ SLICE4("{'addresses':['10.0.0.1'],'hostname':'Host.1'}"),
	  "endpoints[0].hostname", "is not a valid DNS-1123 label", ES },
	{ SLICE4("{'addresses':['10.0.0.1'],'targetRef':'pod-1'}"),
	  "endpoints[0].targetRef", "must be an object, got string", ES },
	{ SLICE("'addressType':'IPv4','ports':[{'port':0}]"), "ports[0].port",
	  "0 is out of range 1-65535", ES },
	{ SLICE("'addressType':'IPv4','ports':[{'name':'a','port':1},"
		"{'name':'a','port':2}]"),
	  "ports[1].name", "\"a\" is already used by ports[0]", ES },
	{ SLICE("'addressType':'IPv4','ports':[{'name':'Http','port':1}]"),
	  "ports[0].name", "\"Http\" is not a valid DNS-1123 label", ES },
	{ "{'apiVersion':'discovery.k8s.io/v1beta1','kind':'EndpointSlice',"
	  "'metadata':{'name':'bad'},'addressType':'IPv4'}", "apiVersion",
	  "must be discovery.k8s.io/v1 for EndpointSlice", ES },
	{ EPS("{'addresses':[{'hostname':'a'}]}"),
	  "subsets[0].addresses[0].ip", "is required", EP },
	{ EPS("{'notReadyAddresses':[{'ip':'10.0.0.256'}]}"),
	  "subsets[0].notReadyAddresses[0].ip",
	  "\"10.0.0.256\" is not a valid IP address", EP },
	{ EPS("{'addresses':[{'ip':'10.0.0.1'}],'ports':[{'name':'a'}]}"),
	  "subsets[0].ports[0].port", "is required", EP },
	{ EPS("{},{'ports':[{'port':1},{'port':2}]}"),
	  "subsets[1].ports[1].name", "\"\" is already used by ports[0]", EP },
	{ POD("'status':{'podIPs':[{'ip':'10.0.0.1'},{'ip':'10.0.0.2'}]}"),
	  "status.podIPs[1].ip", "must be of a different IP family", PD },
	{ POD("'status':{'podIPs':[{'ip':'10.0.0.1'},{'ip':'fd00::1'},"
	      "{'ip':'10.0.0.3'}]}"), "status.podIPs",
	  "must have at most 2 entries, got 3", PD },
	{ POD("'status':{'podIP':'10.0.0'}"), "status.podIP",
	  "\"10.0.0\" is not a valid IP address", PD },
	{ POD("'spec':{'containers':[{'name':'a','ports':[{'containerPort':"
	      "0}]}]}"), "spec.containers[0].ports[0].containerPort",
	  "0 is out of range 1-65535", PD },
	{ POD("'spec':{'containers':[{'name':'a'},{'name':'b','ports':[{"
	      "'name':'HTTP','containerPort':80}]}]}"),
	  "spec.containers[1].ports[0].name",
	  "\"HTTP\" is not a valid port name", PD },
	{ POD("'spec':{'containers':[{'name':'a','ports':[{'name':'http'}]}]}"),
	  "spec.containers[0].ports[0].containerPort", "is required", PD },
	{ POD("'spec':{'hostname':'Web_1'}"), "spec.hostname",
	  "\"Web_1\" is not a valid DNS-1123 label", PD },
	{ POD("'status':{'conditions':[{'type':'Ready','status':true}]}"),
	  "status.conditions[0].status", "must be a string, got boolean", PD },
	{ "{'apiVersion':'v1','kind':'Pod','metadata':{'name':'Pod_1'}}",
	  "metadata.name", "\"Pod_1\" is not a valid DNS-1123 subdomain",
	  "Pod default/Pod_1", "Pod/default/Pod_1" },
};

static bool run_bad(size_t row, const struct bad *b, enum doc_format fmt)
{
	const char *file = fmt == DOC_JSON ? "t.json" : "t.yaml";
	const char *ident = b->ident, *rej = b->rejected;
	char *sq = xasprintf("{'apiVersion':'v1','kind':'List','items':["
			     "{'apiVersion':'v1','kind':'Service','metadata':"
			     "{'name':'good-svc'},'spec':{'clusterIP':"
			     "'10.0.0.1','ports':[{'port':80}]}},%s,"
			     "{'apiVersion':'v1','kind':'Pod','metadata':{"
			     "'name':'good-pod'}}]}", b->obj);
	char *text = q(sq);
	char *want = *b->path ? xasprintf("%s: %s: %s: ", file, ident, b->path)
			      : xasprintf("%s: %s: ", file, ident);
	struct decode_result r;
	const char *err;
	size_t n;

	memset(&r, 0, sizeof(r));
	n = decode_buffer(file, text, strlen(text), fmt, &r);
	err = r.errors.n ? r.errors.v[0] : "(none)";
	bool ok = n == 1 && r.errors.n == 1 && r.n == 2 && !r.incomplete &&
		  !strncmp(err, want, strlen(want)) && strstr(err, b->why) &&
		  r.rejected.n == (*rej ? 1u : 0u) &&
		  (!*rej || !strcmp(r.rejected.v[0], rej)) &&
		  !strcmp(r.objs[0]->meta.name, "good-svc") &&
		  !strcmp(r.objs[1]->meta.name, "good-pod");
	if (!ok)
		fprintf(stderr, "bad_objects[%zu] (%s): got %zu objects, "
			"errors \"%s\"%s, want \"%s...%s...\"\n", row, file,
			r.n, err, r.errors.n > 1 ? " and more" : "", want,
			b->why);
	decode_result_free(&r);
	free(want);
	free(text);
	free(sq);
	return ok;
}

static void test_bad_objects(void)
{
	CHECK(ARRAY_LEN(bad_objects) >= 40);
	for (size_t i = 0; i < ARRAY_LEN(bad_objects); i++) {
		CHECK(run_bad(i, &bad_objects[i], DOC_JSON));
		CHECK(run_bad(i, &bad_objects[i], DOC_YAML));
	}
}

static const char *err_at(const struct decode_result *r, size_t i)
{
	return i < r->errors.n ? r->errors.v[i] : NULL;
}

/* Where an error is: object by name or by position, file:line:col for
 * syntax; what came before a syntax error is kept. */
static void test_messages(void)
{
	const char *pos =
		"kind: Service\napiVersion: v1\nmetadata: {name: a}\n"
		"spec: {clusterIP: 10.0.0.1, ports: [{port: 1}]}\n---\n"
		"kind: List\napiVersion: v1\nitems:\n"
		"- {kind: ConfigMap, apiVersion: v1}\n- {kind: Pod, "
		"apiVersion: v1, metadata: {name: p1}}\n- {kind: Pod, "
		"apiVersion: v1, metadata: {name: p2}}\n- {kind: Pod, "
		"apiVersion: v1, metadata: {name: p3}}\n- {kind: Service, "
		"apiVersion: v1, metadata: {namespace: web}}\n---\n"
		"kind: Pod\napiVersion: v1\nmetadata: {name: \"a\\x01b\"}\n";
	struct decode_result r;

	dec("m.yaml", pos, DOC_YAML, &r);
	CHECK_INT(r.n, 4);
	CHECK_INT(r.skipped, 1);
	CHECK_INT(r.errors.n, 2);
	CHECK_STR(err_at(&r, 0), "m.yaml: Service (document 2, item 5): "
		  "metadata.name: is required");
	CHECK_STR(err_at(&r, 1), "m.yaml: Pod (document 3): metadata.name: "
		  "\"a\\x01b\" is not a valid DNS-1123 subdomain: must consist "
		  "of lower case alphanumeric characters, '-' or '.', and must "
		  "start and end with an alphanumeric character");
	CHECK_INT(r.rejected.n, 0);
	decode_result_free(&r);

	/* A syntax error in document 3 keeps documents 1 and 2. */
	const char *syn = "kind: Pod\napiVersion: v1\nmetadata: {name: a}\n"
			  "---\nkind: Pod\napiVersion: v1\nmetadata: {name: b}\n"
			  "---\nkind: Pod\nmetadata: {name: [c}\n";
	dec("s.yaml", syn, DOC_YAML, &r);
	CHECK_INT(r.n, 2);
	CHECK_INT(r.errors.n, 1);
	CHECK(r.incomplete);
	CHECK_HAS(err_at(&r, 0), "s.yaml:10:");
	decode_result_free(&r);

	dec("j.json", "{\"kind\": \"Pod\",\n \"apiVersion\": \"v1\",\n"
		      " \"metadata\": {\"name\": \"x\",}}", DOC_JSON, &r);
	CHECK_INT(r.n, 0);
	CHECK(r.incomplete);
	CHECK_HAS(err_at(&r, 0), "j.json:3:");
	decode_result_free(&r);

	dec("d.json", "{\"kind\": \"Pod\", \"kind\": \"Pod\"}", DOC_JSON, &r);
	CHECK_HAS(err_at(&r, 0), "d.json:1:");
	CHECK_HAS(err_at(&r, 0), "duplicate");
	decode_result_free(&r);

	char deep[700];
	memset(deep, '[', 300);
	memset(deep + 300, ']', 300);
	deep[600] = '\0';
	dec("n.json", deep, DOC_JSON, &r);
	CHECK_STR(err_at(&r, 0), "n.json:1:257: nesting deeper than 256 levels");
	decode_result_free(&r);
	dec("n.yaml", deep, DOC_YAML, &r);
	CHECK_STR(err_at(&r, 0), "n.yaml:1:257: nesting deeper than 256 levels");
	decode_result_free(&r);

	dec("z.yaml", "kind: Pod\napiVersion: v1\nmetadata: {name: \"a\\0b\"}\n",
	    DOC_YAML, &r);
	CHECK_STR(err_at(&r, 0), "z.yaml: Pod (document 1): metadata.name: "
		  "must not contain NUL characters");
	decode_result_free(&r);

	/* Empty input, a bare scalar, a comment. */
	dec("e.json", " \n", DOC_JSON, &r);
	CHECK(r.n == 0 && r.errors.n == 0 && !r.incomplete);
	decode_result_free(&r);
	dec("e.yaml", "# nothing\n", DOC_YAML, &r);
	CHECK(r.n == 0 && r.errors.n == 0);
	decode_result_free(&r);
	dec("s.yaml", "hello\n", DOC_YAML, &r);
	CHECK_STR(err_at(&r, 0), "s.yaml: object (document 1): must be an "
		  "object, got string");
	decode_result_free(&r);

	/* Results accumulate over calls; the return value counts this one. */
	dec("a.yaml", "kind: Pod\napiVersion: v1\nmetadata: {name: Bad}\n",
	    DOC_YAML, &r);
	CHECK_INT(decode_buffer("b.yaml", "[", 1, DOC_YAML, &r), 1);
	CHECK_INT(r.errors.n, 2);
	CHECK_STR(r.rejected.n ? r.rejected.v[0] : NULL, "Pod/default/Bad");
	decode_result_free(&r);
}

static json_t *load1(const char *text, char **err)
{
	json_t *docs = yaml_load_json(text, strlen(text), err);
	json_t *doc = json_incref(json_array_get(docs, 0));
	json_decref(docs);
	return doc;
}

static void check_yaml_error(const char *text, const char *want)
{
	char *err = NULL;
	json_t *docs = yaml_load_json(text, strlen(text), &err);
	CHECK_HAS(err, want);
	json_decref(docs);
	free(err);
}

static void test_yaml_scalars(void)
{
	char *err = NULL;
	json_t *v = load1("a: 1\nb: 0x1F\nc: 0o17\nd: 1.5\ne: ~\nf:\n"
			  "g: true\nh: False\ni: yes\nj: '1'\nk: !!str 2\n"
			  "l: 1e3\nm: .inf\nn: -012\no: \"true\"\np: |\n  text\n"
			  "q: 99999999999999999999\nr: !!int \"12\"\n"
			  "s: 10.0.0.1\nt: NULL\nu: 1_000\n", &err);

	CHECK(err == NULL);
	CHECK_INT(json_integer_value(json_object_get(v, "a")), 1);
	CHECK_INT(json_integer_value(json_object_get(v, "b")), 31);
	CHECK_INT(json_integer_value(json_object_get(v, "c")), 15);
	CHECK(json_real_value(json_object_get(v, "d")) == 1.5);
	CHECK(json_is_null(json_object_get(v, "e")));
	CHECK(json_is_null(json_object_get(v, "f")));
	CHECK(json_is_true(json_object_get(v, "g")));
	CHECK(json_is_false(json_object_get(v, "h")));
	CHECK_STR(json_string_value(json_object_get(v, "i")), "yes");
	CHECK_STR(json_string_value(json_object_get(v, "j")), "1");
	CHECK_STR(json_string_value(json_object_get(v, "k")), "2");
	CHECK(json_real_value(json_object_get(v, "l")) == 1000.0);
	CHECK_STR(json_string_value(json_object_get(v, "m")), ".inf");
	CHECK_INT(json_integer_value(json_object_get(v, "n")), -12);
	CHECK_STR(json_string_value(json_object_get(v, "o")), "true");
	CHECK_STR(json_string_value(json_object_get(v, "p")), "text\n");
	CHECK(json_is_real(json_object_get(v, "q")));
	CHECK_INT(json_integer_value(json_object_get(v, "r")), 12);
	CHECK_STR(json_string_value(json_object_get(v, "s")), "10.0.0.1");
	CHECK(json_is_null(json_object_get(v, "t")));
	CHECK_STR(json_string_value(json_object_get(v, "u")), "1_000");
	json_decref(v);
}

static void test_yaml(void)
{
	char *err = NULL;
	json_t *v;

	test_yaml_scalars();
	v = load1("base: &b {x: 1, y: 2}\nuse: *b\n"
		  "m:\n  z: 0\n  <<: *b\n  y: 3\n"
		  "l: &l [a, b]\nl2: *l\n", &err);
	CHECK(err == NULL);
	CHECK_INT(json_integer_value(json_object_get(
			  json_object_get(v, "use"), "x")), 1);
	CHECK_INT(json_integer_value(json_object_get(
			  json_object_get(v, "m"), "x")), 1);
	CHECK_INT(json_integer_value(json_object_get(
			  json_object_get(v, "m"), "y")), 3);
	CHECK_INT(json_array_size(json_object_get(v, "l2")), 2);
	json_decref(v);

	/* Billion laughs: nine levels of ten aliases each. */
	struct buf b = { 0 };
	buf_puts(&b, "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
	for (int i = 1; i <= 9; i++) {
		buf_printf(&b, "a%d: &a%d [", i, i);
		for (int j = 0; j < 10; j++)
			buf_printf(&b, "%s*a%d", j ? ", " : "", i - 1);
		buf_puts(&b, "]\n");
	}
	check_yaml_error(b.p, "too many aliases");
	struct decode_result r;
	dec("lol.yaml", b.p, DOC_YAML, &r);
	CHECK(r.incomplete && r.errors.n == 1);
	decode_result_free(&r);
	buf_free(&b);

	/* Aliases may not nest the expanded tree deeper than the limit. */
	buf_puts(&b, "a: &a ");
	for (int i = 0; i < 200; i++)
		buf_puts(&b, "[");
	for (int i = 0; i < 200; i++)
		buf_puts(&b, "]");
	buf_puts(&b, "\nb: ");
	for (int i = 0; i < 100; i++)
		buf_puts(&b, "[");
	buf_puts(&b, "*a");
	for (int i = 0; i < 100; i++)
		buf_puts(&b, "]");
	check_yaml_error(b.p, "2:104: alias \"a\" nests deeper than 256 levels");
	buf_free(&b);

	check_yaml_error("? [a]\n: 1\n", "1:3: mapping keys must be scalars");
	check_yaml_error("a: &x 1\n*x : 2\n", "an alias cannot be a mapping key");
	check_yaml_error("a: 1\nb: 2\na: 3\n", "3:1: duplicate mapping key \"a\"");
	check_yaml_error("a: *nope\n", "undefined alias \"nope\"");
	check_yaml_error("a: &x 1\n---\nb: *x\n", "3:4: undefined alias");
	check_yaml_error("a: !!int abc\n", "\"abc\" is not a valid !!int");
	check_yaml_error("a: <<\n<<: 5\n", "merge key (<<) needs a mapping");
	check_yaml_error("a: \"\\xff\\x00\"\nb: 1\n\"\\0\": 1\n",
			 "mapping key contains a NUL character");
	check_yaml_error("a: \xff\n", "1:4: invalid leading UTF-8 octet");

	/* A document before an error survives. */
	json_t *docs = yaml_load_json("a: 1\n---\nb: [\n", 14, &err);
	CHECK_INT(json_array_size(docs), 1);
	CHECK(err != NULL);
	json_decref(docs);
	free(err);
}

int main(void)
{
	test_kubectl_list();
	test_each_kind();
	test_defaults();
	test_list_forms();
	test_bad_objects();
	test_messages();
	test_yaml();
	return check_done("test_decode");
}
