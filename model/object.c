/*
 * object.c: allocating, freeing and naming Kubernetes objects, label
 * matching.
 */
#include "model/object.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

static void labels_free(struct labels *l)
{
	for (size_t i = 0; i < l->n; i++)
		intern_drop(l->v[i].key);
	free(l->v);
}

static void group_free(struct endpoint_group *g)
{
	for (size_t i = 0; i < g->n_ports; i++)
		intern_drop(g->ports[i].name);
	free(g->ports);
	free(g->endpoints);
	free(g->names);
}

static void service_free(struct k8s_service *s)
{
	for (size_t i = 0; i < s->n_ports; i++) {
		intern_drop(s->ports[i].name);
		free(s->ports[i].target_port_name);
		free(s->ports[i].app_protocol);
	}
	free(s->ports);
	labels_free(&s->selector);
	free(s->external_ips);
	free(s->lb_ips);
	for (size_t i = 0; i < s->n_lb_hostnames; i++)
		free(s->lb_hostnames[i]);
	free(s->lb_hostnames);
	free(s->external_name);
}

static void pod_free(struct k8s_pod *p)
{
	intern_drop(p->node_name);
	free(p->hostname);
	free(p->subdomain);
	for (size_t i = 0; i < p->n_ports; i++)
		intern_drop(p->ports[i].name);
	free(p->ports);
}

struct k8s_object *object_new(enum k8s_kind kind, const char *name)
{
	static const size_t member[KIND_COUNT] = {
		[KIND_SERVICE] = sizeof(struct k8s_service),
		[KIND_ENDPOINT_SLICE] = sizeof(struct k8s_endpoint_slice),
		[KIND_ENDPOINTS] = sizeof(struct k8s_endpoints),
		[KIND_POD] = sizeof(struct k8s_pod),
	};
	size_t size = offsetof(struct k8s_object, u) +
		      (kind < KIND_COUNT ? member[kind] : 0);
	size_t len = strlen(name) + 1;
	struct k8s_object *obj = xcalloc(1, size + len);

	obj->kind = kind;
	obj->meta.name = memcpy((char *)obj + size, name, len);
	return obj;
}

void object_free(struct k8s_object *obj)
{
	if (!obj)
		return;
	switch (obj->kind) {
	case KIND_SERVICE:
		service_free(&obj->u.svc);
		break;
	case KIND_ENDPOINT_SLICE:
		group_free(&obj->u.slice.group);
		break;
	case KIND_ENDPOINTS:
		for (size_t i = 0; i < obj->u.eps.n_subsets; i++)
			group_free(&obj->u.eps.subsets[i]);
		free(obj->u.eps.subsets);
		break;
	case KIND_POD:
		pod_free(&obj->u.pod);
		break;
	case KIND_COUNT:
		break;
	}
	intern_drop(obj->meta.namespace);
	free(obj->meta.uid);
	free(obj->meta.resource_version);
	labels_free(&obj->meta.labels);
	free(obj);
}

const char *kind_name(enum k8s_kind kind)
{
	static const char *const names[] = { "Service", "EndpointSlice",
					     "Endpoints", "Pod" };
	return kind < KIND_COUNT ? names[kind] : "?";
}

const char *proto_name(enum l4proto proto)
{
	static const char *const names[] = { "TCP", "UDP", "SCTP" };
	return proto <= PROTO_SCTP ? names[proto] : "?";
}

const char *svc_type_name(enum svc_type type)
{
	static const char *const names[] = { "ClusterIP", "NodePort",
					     "LoadBalancer", "ExternalName" };
	return type <= SVC_EXTERNAL_NAME ? names[type] : "?";
}

char *object_key(const struct k8s_object *obj)
{
	return xasprintf("%s/%s/%s", kind_name(obj->kind), obj->meta.namespace,
			 obj->meta.name);
}

char *svc_key(const char *ns, const char *name)
{
	return xasprintf("%s/%s", ns, name);
}

const char *labels_get(const struct labels *labels, const char *key)
{
	for (size_t i = 0; i < labels->n; i++)
		if (strcmp(labels->v[i].key, key) == 0)
			return labels->v[i].value;
	return NULL;
}

bool labels_match(const struct labels *selector, const struct labels *labels)
{
	for (size_t i = 0; i < selector->n; i++) {
		const char *v = labels_get(labels, selector->v[i].key);
		if (!v || strcmp(v, selector->v[i].value) != 0)
			return false;
	}
	return true;
}
