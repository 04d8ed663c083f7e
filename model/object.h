/*
 * object.h: the Kubernetes objects svcd understands, decoded and validated.
 *
 * Four kinds are kept: Service (v1), EndpointSlice (discovery.k8s.io/v1),
 * Endpoints (v1, legacy) and Pod (v1).  Only the fields svcd acts on are
 * kept, already checked and defaulted the way the API server defaults them
 * (namespace "default", protocol TCP, targetPort = port, sessionAffinity
 * timeout 10800 s, EndpointSlice conditions ready=true, serving=ready).
 * A legacy Endpoints object is stored as a list of endpoint groups, the
 * same shape an EndpointSlice has, so the service view treats both alike.
 *
 * Ownership: a k8s_object owns every string and array it points to;
 * object_free() releases all of it.  Strings that repeat across objects
 * (namespaces, label keys, port names, a Pod's node name; the fields
 * marked "interned") are shared through lib/intern.h: the object holds
 * one reference to each.  `digest` hashes the object's source JSON in
 * canonical form, so the store can tell an unchanged object from a
 * changed one without comparing field by field.
 *
 * Memory: at 10,000 Services the store holds a hundred thousand
 * endpoints, so their struct is kept small (one address, flag bits,
 * names as offsets into one block per group), and the strings of a
 * label set share its array's allocation.  object_new() allocates an
 * object with room for its own kind's member of `u` only, followed by
 * its name: never copy a k8s_object by value.
 */
#ifndef SVCD_OBJECT_H
#define SVCD_OBJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/addr.h"
#include "lib/intern.h"

enum k8s_kind {
	KIND_SERVICE,
	KIND_ENDPOINT_SLICE,
	KIND_ENDPOINTS,
	KIND_POD,
	KIND_COUNT
};

enum l4proto { PROTO_TCP, PROTO_UDP, PROTO_SCTP };

struct label {
	const char *key;   /* interned */
	const char *value; /* in the block of v[] */
};

/* v[] and the values share one allocation. */
struct labels {
	struct label *v;
	size_t n;
};

struct k8s_meta {
	const char *namespace;  /* interned; "default" when absent */
	const char *name;       /* in the object's own allocation */
	char *uid;              /* NULL when absent */
	char *resource_version; /* NULL when absent */
	int64_t created;        /* creationTimestamp, unix seconds; 0 absent */
	bool deleting;          /* deletionTimestamp is set */
	struct labels labels;
};

enum svc_type {
	SVC_CLUSTER_IP,
	SVC_NODE_PORT,
	SVC_LOAD_BALANCER,
	SVC_EXTERNAL_NAME
};

enum traffic_policy { POLICY_CLUSTER, POLICY_LOCAL };

struct svc_port {
	const char *name; /* interned; NULL when unnamed (single port only) */
	enum l4proto proto;
	uint16_t port;
	uint16_t node_port;    /* 0: none */
	uint16_t target_port;  /* numeric targetPort; 0 when named */
	char *target_port_name; /* named targetPort, else NULL */
	char *app_protocol;     /* NULL when absent */
};

struct k8s_service {
	enum svc_type type;
	bool headless;                 /* clusterIP: None */
	struct ipaddr cluster_ips[2];  /* primary first; none when headless */
	size_t n_cluster_ips;
	int ip_families[2];            /* AF_INET/AF_INET6, spec.ipFamilies */
	size_t n_ip_families;
	struct svc_port *ports;
	size_t n_ports;
	struct labels selector;        /* n == 0: no selector */
	struct ipaddr *external_ips;   /* spec.externalIPs */
	size_t n_external_ips;
	struct ipaddr *lb_ips;         /* status.loadBalancer.ingress[].ip */
	size_t n_lb_ips;
	char **lb_hostnames;           /* status.loadBalancer.ingress[].hostname */
	size_t n_lb_hostnames;
	char *external_name;           /* ExternalName only, lower case */
	bool affinity_client_ip;       /* sessionAffinity: ClientIP */
	uint32_t affinity_timeout;     /* seconds, 1-86400, default 10800 */
	enum traffic_policy external_policy;
	enum traffic_policy internal_policy;
	uint16_t health_check_node_port; /* 0: none */
	bool publish_not_ready;        /* spec.publishNotReadyAddresses */
};

/* One endpoint: a pod (or other backend).  Only its first address is
 * kept (all are validated): the API calls an endpoint's addresses
 * fungible, and kube-proxy uses only the first.  Its names are offsets
 * into the group's names block, 0 when absent (endpoint_name() reads
 * them): four pointers would make the struct half as big again. */
struct endpoint {
	struct ipaddr addr;     /* family 0 in FQDN slices: no address */
	bool ready : 1, serving : 1, terminating : 1;
	uint32_t hostname;
	uint32_t node_name;
	uint32_t zone;
	uint32_t pod_name;      /* the targetRef name if its kind is Pod */
};

struct endpoint_port {
	const char *name; /* interned; NULL or "" when unnamed */
	enum l4proto proto;
	uint16_t port; /* 0: port not given */
};

/* Endpoints sharing one set of ports: an EndpointSlice, or one subset of
 * a legacy Endpoints object. */
struct endpoint_group {
	struct endpoint_port *ports;
	size_t n_ports;
	struct endpoint *endpoints;
	size_t n_endpoints;
	char *names; /* the endpoints' names; NULL when they have none */
};

/* An endpoint's name at offset `off` of its group's block, or NULL. */
static inline const char *endpoint_name(const struct endpoint_group *g,
					uint32_t off)
{
	return off ? g->names + off : NULL;
}

struct k8s_endpoint_slice {
	/* Label kubernetes.io/service-name (borrowed from meta.labels);
	 * NULL when absent. */
	const char *service_name;
	int address_type;   /* AF_INET, AF_INET6, or 0 for FQDN (ignored) */
	struct endpoint_group group;
};

struct k8s_endpoints {
	struct endpoint_group *subsets;
	size_t n_subsets;
};

struct container_port {
	const char *name; /* interned; NULL when unnamed */
	enum l4proto proto;
	uint16_t port;
};

struct k8s_pod {
	struct ipaddr ips[2]; /* status.podIPs (or podIP) */
	size_t n_ips;
	bool ready;           /* condition Ready is "True" */
	bool finished;        /* phase Succeeded or Failed */
	const char *node_name; /* spec.nodeName, interned */
	char *hostname;       /* spec.hostname */
	char *subdomain;      /* spec.subdomain */
	struct container_port *ports; /* every container's ports */
	size_t n_ports;
};

struct k8s_object {
	enum k8s_kind kind;
	struct k8s_meta meta;
	uint64_t digest;
	union {
		struct k8s_service svc;
		struct k8s_endpoint_slice slice;
		struct k8s_endpoints eps;
		struct k8s_pod pod;
	} u;
};

/* A zeroed object of the given kind and name (see Memory above). */
struct k8s_object *object_new(enum k8s_kind kind, const char *name);
void object_free(struct k8s_object *obj);

/* "Service", "EndpointSlice", "Endpoints", "Pod". */
const char *kind_name(enum k8s_kind kind);
/* "TCP", "UDP", "SCTP". */
const char *proto_name(enum l4proto proto);
/* "ClusterIP", "NodePort", "LoadBalancer", "ExternalName". */
const char *svc_type_name(enum svc_type type);

/* Store key of an object: "Kind/namespace/name". Caller frees. */
char *object_key(const struct k8s_object *obj);
/* Key of a service by namespace and name: "namespace/name". Caller frees. */
char *svc_key(const char *ns, const char *name);

/* True when every selector label is present with the same value. */
bool labels_match(const struct labels *selector, const struct labels *labels);
/* Value of a label, or NULL. */
const char *labels_get(const struct labels *labels, const char *key);

#endif
