/*
 * plan_fixtures.h: service view entries built by hand for the planner
 * tests, without the store.
 *
 * A fixture owns a Service object (built with objects.h) and the view
 * entry that points at it, with endpoints whose conditions, node and
 * per-port target ports the test sets directly, the way the view would
 * have resolved them.  Add every port before the first endpoint: an
 * endpoint's ports array has one slot per Service port.
 */
#ifndef SVCD_TEST_PLAN_FIXTURES_H
#define SVCD_TEST_PLAN_FIXTURES_H

#include <stdlib.h>
#include <string.h>

#include "model/view.h"
#include "proxy/plan.h"
#include "tests/unit/objects.h"

struct fx {
	struct view_service vs;
	struct k8s_object *obj;
	char *key;
	size_t cap_eps;
};

/* Endpoint conditions. */
#define FX_READY 0x3    /* ready and serving */
#define FX_SERVING 0x2
#define FX_TERMINATING 0x4
#define FX_NOT_READY 0x0

static inline struct fx *fx_new(const char *ns, const char *name,
				const char *cluster_ip)
{
	struct fx *f = xcalloc(1, sizeof(*f));
	f->obj = svc_new(ns, name, cluster_ip);
	f->key = svc_key(ns, name);
	f->vs.key = f->key;
	f->vs.obj = f->obj;
	return f;
}

static inline struct k8s_service *fx_svc(struct fx *f)
{
	return &f->obj->u.svc;
}

/* A port whose endpoints serve `target` unless told otherwise. */
static inline struct svc_port *fx_port(struct fx *f, const char *name,
				       enum l4proto proto, uint16_t port,
				       uint16_t target)
{
	if (f->vs.n_eps) {
		fprintf(stderr, "plan_fixtures.h: port after endpoints\n");
		abort();
	}
	return svc_port(f->obj, name, proto, port, target, NULL);
}

static inline void fx_external_ip(struct fx *f, const char *addr)
{
	struct k8s_service *s = fx_svc(f);
	size_t n = s->n_external_ips + 1;
	s->external_ips = xrealloc(s->external_ips, n * sizeof(struct ipaddr));
	s->external_ips[s->n_external_ips++] = ip(addr);
}

static inline void fx_lb_ip(struct fx *f, const char *addr)
{
	struct k8s_service *s = fx_svc(f);
	s->type = SVC_LOAD_BALANCER;
	s->lb_ips = xrealloc(s->lb_ips, (s->n_lb_ips + 1) *
						sizeof(struct ipaddr));
	s->lb_ips[s->n_lb_ips++] = ip(addr);
}

/* An endpoint serving explicit target ports (0: not this port). */
static inline struct view_endpoint *fx_ep_ports(struct fx *f,
						const char *addr,
						const char *node,
						unsigned cond,
						const uint16_t *ports)
{
	size_t np = fx_svc(f)->n_ports;
	xgrow((void **)&f->vs.eps, &f->cap_eps, f->vs.n_eps + 1,
	      sizeof(*f->vs.eps));
	struct view_endpoint *e = &f->vs.eps[f->vs.n_eps++];
	memset(e, 0, sizeof(*e));
	e->addr = ip(addr);
	e->ready = cond & 0x1;
	e->serving = (cond & 0x2) != 0;
	e->terminating = (cond & 0x4) != 0;
	e->node_name = node;
	e->ports = xcalloc(np + 1, sizeof(uint16_t));
	memcpy(e->ports, ports, np * sizeof(uint16_t));
	f->vs.n_ready += e->ready;
	return e;
}

/* An endpoint serving every port on the port's target port. */
static inline struct view_endpoint *fx_ep(struct fx *f, const char *addr,
					  const char *node, unsigned cond)
{
	const struct k8s_service *s = fx_svc(f);
	uint16_t ports[16] = { 0 };
	for (size_t i = 0; i < s->n_ports && i < ARRAY_LEN(ports); i++)
		ports[i] = s->ports[i].target_port;
	return fx_ep_ports(f, addr, node, cond, ports);
}

static inline void fx_free(struct fx *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->vs.n_eps; i++)
		free(f->vs.eps[i].ports);
	free(f->vs.eps);
	free(f->key);
	object_free(f->obj);
	free(f);
}

/* A plan of the given fixtures (NULL-terminated). */
static inline struct plan *fx_plan(const struct plan_config *cfg, ...)
{
	const struct view_service *v[64];
	size_t n = 0;
	va_list ap;
	va_start(ap, cfg);
	struct fx *f;
	while ((f = va_arg(ap, struct fx *)) && n < ARRAY_LEN(v))
		v[n++] = &f->vs;
	va_end(ap);
	return plan_build(cfg, v, n);
}

#endif
