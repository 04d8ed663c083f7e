/*
 * decode_service.c: Service (v1) spec and status to struct k8s_service.
 *
 * The rules are the API server's, restricted to what svcd acts on, with
 * one difference that follows from svcd having no allocator: a Service
 * must already carry its ClusterIP(s) and, for type NodePort, its node
 * ports.  ExternalName Services ignore every IP field (they only get a
 * DNS CNAME).  Load-balancer ingress is kept for type LoadBalancer only,
 * and ingress IPs with ipMode "Proxy" are dropped: as with kube-proxy,
 * the load balancer itself delivers that traffic to the nodes.
 */
#include "model/decode_internal.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* "None" or an address. */
static bool cluster_ip(struct dctx *c, const json_t *v, const struct fpath *p,
		       bool *none, struct ipaddr *ip)
{
	const char *s;

	if (!dc_str_value(c, v, p, &s))
		return false;
	*none = strcmp(s, "None") == 0;
	if (!*none && !addr_parse(s, ip))
		return dc_fail(c, p, "%s is not a valid IP address", dc_quote(s));
	return true;
}

static bool cluster_ip_list(struct dctx *c, const json_t *spec,
			    const struct fpath *sp, const json_t *one,
			    bool one_none, const struct ipaddr *first,
			    struct k8s_service *s)
{
	const struct fpath *lp = FIELD(sp, "clusterIPs");
	json_t *list;

	if (!dc_array(c, spec, sp, "clusterIPs", false, &list))
		return false;
	size_t n = json_array_size(list);
	if (n > 2)
		return dc_fail(c, lp, "must have at most 2 entries, got %zu", n);
	for (size_t i = 0; i < n; i++) {
		const struct fpath *ep = INDEX(lp, i);
		struct ipaddr ip;
		bool none;

		if (!cluster_ip(c, json_array_get(list, i), ep, &none, &ip))
			return false;
		if (none && n > 1)
			return dc_fail(c, ep, "\"None\" must be the only entry");
		if (i == 0 && one &&
		    (none != one_none || (!none && !addr_equal(&ip, first))))
			return dc_fail(c, ep, "must equal spec.clusterIP (%s)",
				       dc_quote(json_string_value(one)));
		if (i == 1 && ip.family == s->cluster_ips[0].family)
			return dc_fail(c, ep, "must be of a different IP family "
				       "than spec.clusterIPs[0] (dual-stack "
				       "needs one IPv4 and one IPv6 address)");
		if (none)
			s->headless = true;
		else
			s->cluster_ips[s->n_cluster_ips++] = ip;
	}
	return true;
}

static bool svc_cluster_ips(struct dctx *c, const json_t *spec,
			    const struct fpath *sp, struct k8s_service *s)
{
	const struct fpath *cp = FIELD(sp, "clusterIP");
	json_t *one = dc_get(spec, "clusterIP");
	struct ipaddr first = { 0 };
	bool one_none = false;

	if (json_is_string(one) && !json_string_length(one))
		one = NULL;
	if (one && !cluster_ip(c, one, cp, &one_none, &first))
		return false;
	if (!cluster_ip_list(c, spec, sp, one, one_none, &first, s))
		return false;
	if (!s->headless && !s->n_cluster_ips && one) {
		s->headless = one_none;
		if (!one_none)
			s->cluster_ips[s->n_cluster_ips++] = first;
	}
	if (s->headless && s->type != SVC_CLUSTER_IP)
		return dc_fail(c, one ? cp : INDEX(FIELD(sp, "clusterIPs"), 0),
			       "\"None\" (headless) is only valid for type "
			       "ClusterIP");
	if (!s->headless && !s->n_cluster_ips)
		return dc_fail(c, cp, "is required (svcd does not allocate "
			       "ClusterIPs)");
	return true;
}

static bool svc_families(struct dctx *c, const json_t *spec,
			 const struct fpath *sp, struct k8s_service *s)
{
	const struct fpath *fp = FIELD(sp, "ipFamilies");
	char a[ADDR_STRLEN];
	json_t *list;

	if (!dc_array(c, spec, sp, "ipFamilies", false, &list))
		return false;
	size_t n = json_array_size(list);
	if (n > 2)
		return dc_fail(c, fp, "must have at most 2 entries, got %zu", n);
	for (size_t i = 0; i < n; i++) {
		const struct fpath *ep = INDEX(fp, i);
		const char *f;
		int af;

		if (!dc_str_value(c, json_array_get(list, i), ep, &f))
			return false;
		af = !strcmp(f, "IPv4") ? AF_INET :
		     !strcmp(f, "IPv6") ? AF_INET6 : 0;
		if (!af)
			return dc_fail(c, ep, "%s is not one of IPv4, IPv6",
				       dc_quote(f));
		if (i == 1 && af == s->ip_families[0])
			return dc_fail(c, ep, "%s is listed twice", f);
		if (i < s->n_cluster_ips && s->cluster_ips[i].family != af)
			return dc_fail(c, ep, "%s does not match the family of "
				       "cluster IP %s", f,
				       addr_format(&s->cluster_ips[i], a));
		s->ip_families[s->n_ip_families++] = af;
	}
	/* As the API server defaults them: from the cluster IPs. */
	for (size_t i = s->n_ip_families; i < s->n_cluster_ips; i++)
		s->ip_families[s->n_ip_families++] = s->cluster_ips[i].family;
	return true;
}

static bool svc_family_policy(struct dctx *c, const json_t *spec,
			      const struct fpath *sp, struct k8s_service *s)
{
	static const char *const names[] = { "SingleStack", "PreferDualStack",
					     "RequireDualStack" };
	int pol;

	if (!dc_enum(c, spec, sp, "ipFamilyPolicy", names, 3, -1, &pol))
		return false;
	if (pol == 0 && (s->n_cluster_ips > 1 || s->n_ip_families > 1))
		return dc_fail(c, FIELD(sp, "ipFamilyPolicy"),
			       "SingleStack allows only one cluster IP and "
			       "IP family");
	if (pol == 2 && !s->headless && s->n_cluster_ips < 2)
		return dc_fail(c, FIELD(sp, "ipFamilyPolicy"),
			       "RequireDualStack needs an IPv4 and an IPv6 "
			       "address in spec.clusterIPs (svcd does not "
			       "allocate ClusterIPs)");
	return true;
}

/* targetPort: a number, a string of digits (the same number) or a port
 * name; absent, 0 and "" mean "the same as port". */
static bool target_port(struct dctx *c, const json_t *v, const struct fpath *p,
			struct svc_port *sp)
{
	const struct fpath *tp = FIELD(p, "targetPort");
	json_t *t = dc_get(v, "targetPort");
	const char *s, *why;
	long long n;

	sp->target_port = sp->port;
	if (!t)
		return true;
	if (json_is_integer(t)) {
		n = json_integer_value(t);
		if (n < 0 || n > 65535)
			return dc_fail(c, tp, "%lld is out of range 1-65535", n);
		if (n)
			sp->target_port = (uint16_t)n;
		return true;
	}
	if (!json_is_string(t))
		return dc_fail(c, tp, "must be an integer or a string, got %s",
			       json_type_name(t));
	if (!dc_str_value(c, t, tp, &s))
		return false;
	if (!*s)
		return true;
	if (strspn(s, "0123456789") == strlen(s)) {
		n = strlen(s) > 5 ? 0 : strtol(s, NULL, 10);
		if (n < 1 || n > 65535)
			return dc_fail(c, tp, "%s is out of range 1-65535",
				       dc_quote(s));
		sp->target_port = (uint16_t)n;
		return true;
	}
	if ((why = dc_iana_svc_name_err(s)))
		return dc_fail(c, tp, "%s is not a valid port name: %s",
			       dc_quote(s), why);
	sp->target_port = 0;
	sp->target_port_name = xstrdup(s);
	return true;
}

static bool node_port(struct dctx *c, const json_t *v, const struct fpath *p,
		      const struct k8s_service *s, struct svc_port *sp)
{
	const struct fpath *np = FIELD(p, "nodePort");
	bool allowed = s->type == SVC_NODE_PORT || s->type == SVC_LOAD_BALANCER;
	long long n;

	if (!dc_int(c, v, p, "nodePort", false, LLONG_MIN, LLONG_MAX, &n))
		return false;
	if (!n && s->type == SVC_NODE_PORT)
		return dc_fail(c, np, "is required for type NodePort (svcd "
			       "does not allocate node ports)");
	if (!n)
		return true;
	if (!allowed)
		return dc_fail(c, np, "only allowed for type NodePort or "
			       "LoadBalancer, not %s", svc_type_name(s->type));
	if (n < 30000 || n > 32767)
		return dc_fail(c, np, "%lld is out of range 30000-32767", n);
	sp->node_port = (uint16_t)n;
	return true;
}

/* Names, port/protocol and node port/protocol pairs are unique. */
static bool port_unique(struct dctx *c, const struct fpath *p,
			const struct k8s_service *s, size_t i)
{
	const struct svc_port *sp = &s->ports[i];

	for (size_t j = 0; j < i; j++) {
		const struct svc_port *o = &s->ports[j];
		if (sp->name && o->name && !strcmp(sp->name, o->name))
			return dc_fail(c, FIELD(p, "name"), "%s is already "
				       "used by spec.ports[%zu]",
				       dc_quote(sp->name), j);
		if (sp->port == o->port && sp->proto == o->proto)
			return dc_fail(c, FIELD(p, "port"), "%u/%s is already "
				       "used by spec.ports[%zu]", sp->port,
				       proto_name(sp->proto), j);
		if (sp->node_port && sp->node_port == o->node_port &&
		    sp->proto == o->proto)
			return dc_fail(c, FIELD(p, "nodePort"), "%u/%s is "
				       "already used by spec.ports[%zu]",
				       sp->node_port, proto_name(sp->proto), j);
	}
	return true;
}

static bool svc_port(struct dctx *c, const json_t *v, const struct fpath *p,
		     struct k8s_service *s, size_t i)
{
	struct svc_port *sp = &s->ports[i];
	const char *name, *app, *why;

	if (!dc_want(c, v, p, JSON_OBJECT) ||
	    !dc_string(c, v, p, "name", false, &name) ||
	    !dc_port(c, v, p, "port", true, &sp->port) ||
	    !dc_proto(c, v, p, &sp->proto) ||
	    !dc_string(c, v, p, "appProtocol", false, &app))
		return false;
	if (name && *name) {
		if ((why = dc_dns1123_label_err(name)))
			return dc_fail(c, FIELD(p, "name"), "%s is not a valid "
				       "DNS-1123 label: %s", dc_quote(name),
				       why);
		sp->name = intern(name);
	} else if (s->n_ports > 1) {
		return dc_fail(c, FIELD(p, "name"), "is required when there "
			       "is more than one port");
	}
	sp->app_protocol = dc_dup(app);
	return target_port(c, v, p, sp) && node_port(c, v, p, s, sp) &&
	       port_unique(c, p, s, i);
}

static bool svc_ports(struct dctx *c, const json_t *spec,
		      const struct fpath *sp, struct k8s_service *s)
{
	const struct fpath *pp = FIELD(sp, "ports");
	json_t *list;

	if (!dc_array(c, spec, sp, "ports", false, &list))
		return false;
	size_t n = json_array_size(list);
	if (!n) {
		if (s->type == SVC_EXTERNAL_NAME || s->headless)
			return true;
		return dc_fail(c, pp, "at least one port is required");
	}
	s->ports = xcalloc(n, sizeof(*s->ports));
	s->n_ports = n;
	for (size_t i = 0; i < n; i++)
		if (!svc_port(c, json_array_get(list, i), INDEX(pp, i), s, i))
			return false;
	return true;
}

/* Why an address cannot be an external IP, or NULL. */
static const char *bad_external_ip(const struct ipaddr *a)
{
	static const uint8_t zero[16];

	if (addr_is_loopback(a))
		return "a loopback";
	if (!memcmp(a->b, zero, a->family == AF_INET ? 4 : 16))
		return "an unspecified";
	if (a->family == AF_INET) {
		if (a->b[0] == 169 && a->b[1] == 254)
			return "a link-local";
		if (a->b[0] >= 224 && a->b[0] <= 239)
			return "a multicast";
		return NULL;
	}
	if (a->b[0] == 0xfe && (a->b[1] & 0xc0) == 0x80)
		return "a link-local";
	if (a->b[0] == 0xff)
		return "a multicast";
	return NULL;
}

static bool svc_external_ips(struct dctx *c, const json_t *spec,
			     const struct fpath *sp, struct k8s_service *s)
{
	const struct fpath *lp = FIELD(sp, "externalIPs");
	char buf[ADDR_STRLEN];
	const char *why;
	json_t *list;

	if (!dc_array(c, spec, sp, "externalIPs", false, &list))
		return false;
	size_t n = json_array_size(list);
	if (!n)
		return true;
	s->external_ips = xcalloc(n, sizeof(*s->external_ips));
	s->n_external_ips = n;
	for (size_t i = 0; i < n; i++) {
		struct ipaddr *a = &s->external_ips[i];
		if (!dc_ip(c, json_array_get(list, i), INDEX(lp, i), a))
			return false;
		if ((why = bad_external_ip(a)))
			return dc_fail(c, INDEX(lp, i), "%s is %s address, not "
				       "usable as an external IP",
				       addr_format(a, buf), why);
	}
	return true;
}

static bool svc_external_name(struct dctx *c, const json_t *spec,
			      const struct fpath *sp, struct k8s_service *s)
{
	const struct fpath *np = FIELD(sp, "externalName");
	const char *name, *why;

	if (s->type != SVC_EXTERNAL_NAME)
		return true;
	if (!dc_string(c, spec, sp, "externalName", false, &name))
		return false;
	if (!name || !*name)
		return dc_fail(c, np, "is required for type ExternalName");
	size_t len = strlen(name);
	char *host = xstrndup(name, len > 1 && name[len - 1] == '.' ?
					    len - 1 : len);
	if ((why = dc_dns1123_subdomain_err(host, true))) {
		free(host);
		return dc_fail(c, np, "%s is not a valid DNS name: %s",
			       dc_quote(name), why);
	}
	s->external_name = host;
	return true;
}

static bool svc_affinity(struct dctx *c, const json_t *spec,
			 const struct fpath *sp, struct k8s_service *s)
{
	static const char *const names[] = { "None", "ClientIP" };
	const struct fpath *cp = FIELD(sp, "sessionAffinityConfig");
	json_t *cfg, *cip;
	long long t;
	int v;

	s->affinity_timeout = 10800;
	if (!dc_enum(c, spec, sp, "sessionAffinity", names, 2, 0, &v))
		return false;
	s->affinity_client_ip = v == 1;
	if (!s->affinity_client_ip)
		return true;
	if (!dc_object(c, spec, sp, "sessionAffinityConfig", false, &cfg) ||
	    !dc_object(c, cfg, cp, "clientIP", false, &cip) ||
	    !dc_int(c, cip, FIELD(cp, "clientIP"), "timeoutSeconds", false, 1,
		    86400, &t))
		return false;
	if (t)
		s->affinity_timeout = (uint32_t)t;
	return true;
}

static bool svc_policies(struct dctx *c, const json_t *spec,
			 const struct fpath *sp, struct k8s_service *s)
{
	static const char *const ext[] = { "Cluster", "Local", "Global" };
	static const char *const in[] = { "Cluster", "Local" };
	bool exposed = s->type == SVC_NODE_PORT || s->type == SVC_LOAD_BALANCER;
	long long hc;
	int v, pub;

	if (!dc_enum(c, spec, sp, "externalTrafficPolicy", ext, 3, 0, &v))
		return false;
	s->external_policy = v == 1 ? POLICY_LOCAL : POLICY_CLUSTER;
	if (v == 1 && !exposed && !s->n_external_ips)
		return dc_fail(c, FIELD(sp, "externalTrafficPolicy"),
			       "Local is only valid for type NodePort or "
			       "LoadBalancer, or with spec.externalIPs");
	if (!dc_enum(c, spec, sp, "internalTrafficPolicy", in, 2, 0, &v))
		return false;
	s->internal_policy = v == 1 ? POLICY_LOCAL : POLICY_CLUSTER;
	if (!dc_int(c, spec, sp, "healthCheckNodePort", false, LLONG_MIN,
		    LLONG_MAX, &hc))
		return false;
	if (hc && (s->type != SVC_LOAD_BALANCER ||
		   s->external_policy != POLICY_LOCAL))
		return dc_fail(c, FIELD(sp, "healthCheckNodePort"),
			       "only valid for type LoadBalancer with "
			       "externalTrafficPolicy Local");
	if (hc && (hc < 30000 || hc > 32767))
		return dc_fail(c, FIELD(sp, "healthCheckNodePort"),
			       "%lld is out of range 30000-32767", hc);
	s->health_check_node_port = (uint16_t)hc;
	if (!dc_bool(c, spec, sp, "publishNotReadyAddresses", &pub))
		return false;
	s->publish_not_ready = pub == 1;
	return true;
}

static bool lb_ingress(struct dctx *c, const json_t *v, const struct fpath *p,
		       struct k8s_service *s)
{
	const char *ip, *host, *why;
	struct ipaddr a;

	if (!dc_want(c, v, p, JSON_OBJECT) ||
	    !dc_string(c, v, p, "ip", false, &ip) ||
	    !dc_string(c, v, p, "hostname", false, &host))
		return false;
	if (ip && *ip) {
		if (!addr_parse(ip, &a))
			return dc_fail(c, FIELD(p, "ip"), "%s is not a valid "
				       "IP address", dc_quote(ip));
		json_t *mode = json_object_get(v, "ipMode");
		if (!json_is_string(mode) ||
		    strcmp(json_string_value(mode), "Proxy") != 0)
			s->lb_ips[s->n_lb_ips++] = a;
	}
	if (host && *host) {
		if ((why = dc_dns1123_subdomain_err(host, true)))
			return dc_fail(c, FIELD(p, "hostname"), "%s is not a "
				       "valid DNS name: %s", dc_quote(host),
				       why);
		s->lb_hostnames[s->n_lb_hostnames++] = xstrdup(host);
	}
	return true;
}

static void *exact(void *p, size_t n, size_t size)
{
	if (n)
		return xrealloc(p, n * size);
	free(p);
	return NULL;
}

static bool svc_status(struct dctx *c, const json_t *item,
		       struct k8s_service *s)
{
	const struct fpath *stp = FIELD(NULL, "status");
	const struct fpath *lbp = FIELD(stp, "loadBalancer");
	json_t *st, *lb, *ing;
	bool ok = true;

	if (s->type != SVC_LOAD_BALANCER)
		return true;
	if (!dc_object(c, item, NULL, "status", false, &st) ||
	    !dc_object(c, st, stp, "loadBalancer", false, &lb) ||
	    !dc_array(c, lb, lbp, "ingress", false, &ing))
		return false;
	size_t n = json_array_size(ing);
	if (!n)
		return true;
	s->lb_ips = xcalloc(n, sizeof(*s->lb_ips));
	s->lb_hostnames = xcalloc(n, sizeof(*s->lb_hostnames));
	for (size_t i = 0; i < n && ok; i++)
		ok = lb_ingress(c, json_array_get(ing, i),
				INDEX(FIELD(lbp, "ingress"), i), s);
	s->lb_ips = exact(s->lb_ips, s->n_lb_ips, sizeof(*s->lb_ips));
	s->lb_hostnames = exact(s->lb_hostnames, s->n_lb_hostnames,
				sizeof(*s->lb_hostnames));
	return ok;
}

bool decode_service(struct dctx *c, const json_t *item, struct k8s_object *obj)
{
	static const char *const types[] = { "ClusterIP", "NodePort",
					     "LoadBalancer", "ExternalName" };
	const struct fpath *sp = FIELD(NULL, "spec");
	struct k8s_service *s = &obj->u.svc;
	json_t *spec;
	int type;

	if (!dc_object(c, item, NULL, "spec", true, &spec) ||
	    !dc_enum(c, spec, sp, "type", types, 4, SVC_CLUSTER_IP, &type))
		return false;
	s->type = (enum svc_type)type;
	if (s->type != SVC_EXTERNAL_NAME &&
	    (!svc_cluster_ips(c, spec, sp, s) || !svc_families(c, spec, sp, s) ||
	     !svc_family_policy(c, spec, sp, s)))
		return false;
	return svc_ports(c, spec, sp, s) &&
	       dc_labels(c, spec, sp, "selector", &s->selector) &&
	       svc_external_ips(c, spec, sp, s) &&
	       svc_external_name(c, spec, sp, s) &&
	       svc_affinity(c, spec, sp, s) && svc_policies(c, spec, sp, s) &&
	       svc_status(c, item, s);
}
