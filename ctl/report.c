/*
 * report.c: JSON for a service view entry (see report.h).
 */
#include "ctl/report.h"

#include "lib/util.h"

static json_t *addr_array(const struct ipaddr *v, size_t n)
{
	json_t *a = json_array();
	char buf[ADDR_STRLEN];
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(addr_format(&v[i], buf)));
	return a;
}

static json_t *labels_object(const struct labels *l)
{
	json_t *o = json_object();
	for (size_t i = 0; i < l->n; i++)
		json_object_set_new(o, l->v[i].key,
				    json_string(l->v[i].value));
	return o;
}

static json_t *port_json(const struct svc_port *p)
{
	json_t *o = json_object();
	if (p->name)
		json_object_set_new(o, "name", json_string(p->name));
	json_object_set_new(o, "port", json_integer(p->port));
	json_object_set_new(o, "protocol", json_string(proto_name(p->proto)));
	if (p->target_port_name)
		json_object_set_new(o, "targetPort",
				    json_string(p->target_port_name));
	else
		json_object_set_new(o, "targetPort",
				    json_integer(p->target_port));
	if (p->node_port)
		json_object_set_new(o, "nodePort", json_integer(p->node_port));
	return o;
}

static void set_str(json_t *o, const char *key, const char *value)
{
	if (value)
		json_object_set_new(o, key, json_string(value));
}

static json_t *endpoint_json(const struct view_endpoint *e,
			     const struct k8s_service *svc)
{
	char buf[ADDR_STRLEN];
	json_t *o = json_object();
	json_object_set_new(o, "address",
			    json_string(addr_format(&e->addr, buf)));
	json_object_set_new(o, "ready", json_boolean(e->ready));
	json_object_set_new(o, "serving", json_boolean(e->serving));
	json_object_set_new(o, "terminating", json_boolean(e->terminating));
	set_str(o, "hostname", e->hostname);
	set_str(o, "nodeName", e->node_name);
	set_str(o, "zone", e->zone);
	set_str(o, "pod", e->pod_name);
	json_t *ports = json_array();
	for (size_t i = 0; i < svc->n_ports; i++)
		json_array_append_new(ports, json_integer(e->ports[i]));
	json_object_set_new(o, "ports", ports);
	return o;
}

static json_t *ingress_json(const struct k8s_service *s)
{
	json_t *a = addr_array(s->lb_ips, s->n_lb_ips);
	for (size_t i = 0; i < s->n_lb_hostnames; i++)
		json_array_append_new(a, json_string(s->lb_hostnames[i]));
	return a;
}

json_t *report_service(const struct view_service *vs, int64_t now,
		       bool detail)
{
	const struct k8s_object *obj = vs->obj;
	const struct k8s_service *s = &obj->u.svc;
	json_t *o = json_object();

	set_str(o, "namespace", obj->meta.namespace);
	set_str(o, "name", obj->meta.name);
	set_str(o, "type", svc_type_name(s->type));
	json_object_set_new(o, "headless", json_boolean(s->headless));
	json_object_set_new(o, "clusterIPs",
			    addr_array(s->cluster_ips, s->n_cluster_ips));
	json_object_set_new(o, "externalIPs",
			    addr_array(s->external_ips, s->n_external_ips));
	json_object_set_new(o, "loadBalancerIngress", ingress_json(s));
	set_str(o, "externalName", s->external_name);
	json_t *ports = json_array();
	for (size_t i = 0; i < s->n_ports; i++)
		json_array_append_new(ports, port_json(&s->ports[i]));
	json_object_set_new(o, "ports", ports);
	json_object_set_new(o, "selector", labels_object(&s->selector));
	json_object_set_new(o, "endpoints",
			    json_pack("{s:I, s:I}", "ready", (json_int_t)vs->n_ready,
				      "total", (json_int_t)vs->n_eps));
	json_object_set_new(o, "created", json_integer(vs->created));
	json_object_set_new(o, "ageSeconds",
			    json_integer(now > vs->created ? now - vs->created : 0));
	if (!detail)
		return o;

	set_str(o, "source", vs->source);
	json_object_set_new(o, "generation", json_integer((json_int_t)vs->generation));
	set_str(o, "endpointSource", ep_origin_name(vs->origin));
	set_str(o, "sessionAffinity", s->affinity_client_ip ? "ClientIP" : "None");
	if (s->affinity_client_ip)
		json_object_set_new(o, "sessionAffinityTimeoutSeconds",
				    json_integer(s->affinity_timeout));
	set_str(o, "externalTrafficPolicy",
		s->external_policy == POLICY_LOCAL ? "Local" : "Cluster");
	set_str(o, "internalTrafficPolicy",
		s->internal_policy == POLICY_LOCAL ? "Local" : "Cluster");
	if (s->health_check_node_port)
		json_object_set_new(o, "healthCheckNodePort",
				    json_integer(s->health_check_node_port));
	json_t *eps = json_array();
	for (size_t i = 0; i < vs->n_eps; i++)
		json_array_append_new(eps, endpoint_json(&vs->eps[i], s));
	json_object_set_new(o, "endpointList", eps);
	return o;
}
