/*
 * decode_pod.c: Pod (v1) to struct k8s_pod.
 *
 * svcd reads pods only to compute endpoints for Services that have no
 * EndpointSlice or Endpoints object, and for pod DNS records: the pod's
 * addresses, readiness, node, hostname/subdomain and its containers'
 * ports (to resolve named targetPorts).  Everything else is ignored.
 */
#include "model/decode_internal.h"

#include <string.h>

static bool pod_ips(struct dctx *c, const json_t *status,
		    const struct fpath *stp, struct k8s_pod *pod)
{
	const struct fpath *lp = FIELD(stp, "podIPs");
	json_t *list, *ip;

	if (!dc_array(c, status, stp, "podIPs", false, &list))
		return false;
	size_t n = json_array_size(list);
	if (n > 2)
		return dc_fail(c, lp, "must have at most 2 entries, got %zu", n);
	for (size_t i = 0; i < n; i++) {
		const struct fpath *ep = INDEX(lp, i);
		json_t *v = json_array_get(list, i);
		if (!dc_want(c, v, ep, JSON_OBJECT))
			return false;
		if (!(ip = dc_get(v, "ip")))
			return dc_fail(c, FIELD(ep, "ip"), "is required");
		if (!dc_ip(c, ip, FIELD(ep, "ip"), &pod->ips[i]))
			return false;
		if (i == 1 && pod->ips[1].family == pod->ips[0].family)
			return dc_fail(c, FIELD(ep, "ip"), "must be of a "
				       "different IP family than "
				       "status.podIPs[0].ip");
		pod->n_ips++;
	}
	if (n)
		return true;
	ip = dc_get(status, "podIP");
	if (!ip || (json_is_string(ip) && !json_string_length(ip)))
		return true;
	if (!dc_ip(c, ip, FIELD(stp, "podIP"), &pod->ips[0]))
		return false;
	pod->n_ips = 1;
	return true;
}

static bool pod_status(struct dctx *c, const json_t *item, struct k8s_pod *pod)
{
	const struct fpath *stp = FIELD(NULL, "status");
	const struct fpath *cp = FIELD(stp, "conditions");
	const char *phase, *type, *st;
	json_t *status, *conds;

	if (!dc_object(c, item, NULL, "status", false, &status) ||
	    !pod_ips(c, status, stp, pod) ||
	    !dc_string(c, status, stp, "phase", false, &phase) ||
	    !dc_array(c, status, stp, "conditions", false, &conds))
		return false;
	pod->finished = phase && (!strcmp(phase, "Succeeded") ||
				  !strcmp(phase, "Failed"));
	for (size_t i = 0; i < json_array_size(conds); i++) {
		const struct fpath *ep = INDEX(cp, i);
		json_t *v = json_array_get(conds, i);
		if (!dc_want(c, v, ep, JSON_OBJECT) ||
		    !dc_string(c, v, ep, "type", false, &type) ||
		    !dc_string(c, v, ep, "status", false, &st))
			return false;
		if (type && st && !strcmp(type, "Ready"))
			pod->ready = strcmp(st, "True") == 0;
	}
	return true;
}

static bool container_port(struct dctx *c, const json_t *v,
			   const struct fpath *p, struct container_port *cp)
{
	const char *name, *why;

	if (!dc_want(c, v, p, JSON_OBJECT) ||
	    !dc_string(c, v, p, "name", false, &name) ||
	    !dc_port(c, v, p, "containerPort", true, &cp->port) ||
	    !dc_proto(c, v, p, &cp->proto))
		return false;
	if (!name || !*name)
		return true;
	if ((why = dc_iana_svc_name_err(name)))
		return dc_fail(c, FIELD(p, "name"), "%s is not a valid port "
			       "name: %s", dc_quote(name), why);
	cp->name = intern(name);
	return true;
}

/* Every container's ports, in one array sized exactly. */
static bool pod_ports(struct dctx *c, const json_t *spec,
		      const struct fpath *sp, struct k8s_pod *pod)
{
	const struct fpath *lp = FIELD(sp, "containers");
	json_t *list, *ports;
	size_t total = 0, k = 0;

	if (!dc_array(c, spec, sp, "containers", false, &list))
		return false;
	for (size_t i = 0; i < json_array_size(list); i++) {
		const struct fpath *ep = INDEX(lp, i);
		json_t *ct = json_array_get(list, i);
		if (!dc_want(c, ct, ep, JSON_OBJECT) ||
		    !dc_array(c, ct, ep, "ports", false, &ports))
			return false;
		total += json_array_size(ports);
	}
	if (!total)
		return true;
	pod->ports = xcalloc(total, sizeof(*pod->ports));
	pod->n_ports = total;
	for (size_t i = 0; i < json_array_size(list); i++) {
		const struct fpath *pp = FIELD(INDEX(lp, i), "ports");
		ports = dc_get(json_array_get(list, i), "ports");
		for (size_t j = 0; j < json_array_size(ports); j++)
			if (!container_port(c, json_array_get(ports, j),
					    INDEX(pp, j), &pod->ports[k++]))
				return false;
	}
	return true;
}

bool decode_pod(struct dctx *c, const json_t *item, struct k8s_object *obj)
{
	const struct fpath *sp = FIELD(NULL, "spec");
	struct k8s_pod *pod = &obj->u.pod;
	const char *node, *host, *sub;
	json_t *spec;

	if (!dc_object(c, item, NULL, "spec", false, &spec) ||
	    !dc_string(c, spec, sp, "nodeName", false, &node) ||
	    !dc_dns_label(c, spec, sp, "hostname", &host) ||
	    !dc_dns_label(c, spec, sp, "subdomain", &sub))
		return false;
	pod->node_name = node && *node ? intern(node) : NULL;
	pod->hostname = dc_dup(host);
	pod->subdomain = dc_dup(sub);
	return pod_ports(c, spec, sp, pod) && pod_status(c, item, pod);
}
