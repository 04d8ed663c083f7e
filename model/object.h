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
 * object_free() releases all of it.  `digest` hashes the object's source
 * JSON in canonical form, so the store can tell an unchanged object from
 * a changed one without comparing field by field.
 */
#ifndef SVCD_OBJECT_H
#define SVCD_OBJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/addr.h"

enum k8s_kind {
	KIND_SERVICE,
	KIND_ENDPOINT_SLICE,
	KIND_ENDPOINTS,
	KIND_POD,
	KIND_COUNT
};

enum l4proto { PROTO_TCP, PROTO_UDP, PROTO_SCTP };

struct label {
	char *key;
	char *value;
};

struct labels {
	struct label *v;
	size_t n;
};

struct k8s_meta {
	char *namespace; /* "default" when absent */
	char *name;
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
	char *name; /* NULL when unnamed (allowed only for a single port) */
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

/* One endpoint: a pod (or other backend) with one or more addresses. */
struct endpoint {
	struct ipaddr *addrs;
	size_t n_addrs;
	bool ready, serving, terminating;
	char *hostname;  /* NULL when absent */
	char *node_name; /* NULL when absent */
	char *zone;      /* NULL when absent */
	char *pod_name;  /* targetRef name when targetRef.kind is Pod */
};

struct endpoint_port {
	char *name; /* NULL or "" when unnamed */
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
};

struct k8s_endpoint_slice {
	char *service_name; /* label kubernetes.io/service-name; NULL absent */
	int address_type;   /* AF_INET, AF_INET6, or 0 for FQDN (ignored) */
	struct endpoint_group group;
};

struct k8s_endpoints {
	struct endpoint_group *subsets;
	size_t n_subsets;
};

struct container_port {
	char *name; /* NULL when unnamed */
	enum l4proto proto;
	uint16_t port;
};

struct k8s_pod {
	struct ipaddr ips[2]; /* status.podIPs (or podIP) */
	size_t n_ips;
	bool ready;           /* condition Ready is "True" */
	bool finished;        /* phase Succeeded or Failed */
	char *node_name;      /* spec.nodeName */
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
