/*
 * metrics.c: /healthz and /metrics on --metrics-listen, through
 * libevent's HTTP server.
 *
 * /healthz answers 200 once every enabled half has completed its first
 * sync and 503 before, so a liveness or readiness probe can use it as it
 * uses kube-proxy's.  /metrics is Prometheus text format 0.0.4; every
 * figure is read from counters the store and sources keep, so a scrape
 * costs the same whatever the cluster size.
 */
#include <event2/buffer.h>
#include <event2/http.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/svcd.h"
#include "lib/util.h"

struct metrics {
	struct evhttp *http;
	struct svcd *d;
};

static void metric(struct evbuffer *b, const char *name, const char *type,
		   const char *help)
{
	evbuffer_add_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help,
			    name, type);
}

/* One sample with its HELP and TYPE lines; labels is "" or "{...}". */
static void sample(struct evbuffer *b, const char *name, const char *type,
		   const char *help, const char *labels, double value)
{
	metric(b, name, type, help);
	/* Counts print as exact integers, durations with 9 digits. */
	if (value == (double)(long long)value && value < 1e15)
		evbuffer_add_printf(b, "%s%s %lld\n", name, labels, (long long)value);
	else
		evbuffer_add_printf(b, "%s%s %.9g\n", name, labels, value);
}

#define GAUGE(name, help, v) sample(b, name, "gauge", help, "", (double)(v))
#define COUNTER(name, help, v) sample(b, name, "counter", help, "", (double)(v))
#define SOURCE(name, type, help, v) \
	sample(b, name, type, help, "{source=\"statedir\"}", (double)(v))

static void render(struct svcd *d, struct evbuffer *b)
{
	struct store_stats st;
	store_stats(d->store, &st);

	metric(b, "svcd_build_info", "gauge", "svcd version.");
	evbuffer_add_printf(b, "svcd_build_info{version=\"%s\"} 1\n", SVCD_VERSION);
	GAUGE("svcd_start_time_seconds", "Start time, unix seconds.", d->started);
	GAUGE("svcd_synced", "1 once every enabled half completed its first sync.",
	      svcd_synced(d));
	metric(b, "svcd_store_objects", "gauge", "Objects in the store by kind.");
	for (int k = 0; k < KIND_COUNT; k++)
		evbuffer_add_printf(b, "svcd_store_objects{kind=\"%s\"} %zu\n",
				    kind_name(k), st.objects[k]);
	GAUGE("svcd_store_generation", "Store generation.", st.generation);
	COUNTER("svcd_store_updates_total", "Store updates that changed something.",
		st.updates);
	COUNTER("svcd_changed_services_total",
		"Services reported changed to consumers, summed over updates.",
		d->changed_services);
	GAUGE("svcd_services", "Services in the service view.", st.services);
	GAUGE("svcd_endpoints", "Endpoints in the service view.", st.endpoints);
	GAUGE("svcd_conflicts",
	      "Objects held out of the view by a duplicate ClusterIP, node port or key.",
	      st.conflicts);
	if (!d->statedir)
		return;

	struct statedir_stats sds;
	statedir_stats(d->statedir, &sds);
	SOURCE("svcd_source_files", "gauge", "Files the source reads.", sds.files);
	SOURCE("svcd_source_errors", "gauge", "Files whose last load had errors.",
	       sds.files_with_errors);
	SOURCE("svcd_source_loads_total", "counter", "File loads.", sds.loads);
	SOURCE("svcd_source_load_errors_total", "counter",
	       "File loads that found errors.", sds.load_errors);
	SOURCE("svcd_source_load_seconds_total", "counter",
	       "Time spent reading, decoding and applying files.",
	       (double)sds.load_ns / 1e9);
	COUNTER("svcd_store_update_seconds_total",
		"Time spent updating the store and the service view.",
		(double)sds.update_ns / 1e9);
	GAUGE("svcd_store_last_update_seconds",
	      "Duration of the last store and service view update.",
	      (double)sds.last_update_ns / 1e9);
}

static void on_request(struct evhttp_request *req, void *arg)
{
	struct metrics *m = arg;
	const char *uri = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));
	if (!uri)
		uri = "";
	struct evbuffer *b = evbuffer_new();
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	int code = 200;
	const char *reason = "OK";

	if (!strcmp(uri, "/healthz")) {
		if (!svcd_synced(m->d)) {
			code = 503;
			reason = "Service Unavailable";
		}
		evbuffer_add_printf(b, "%s\n", code == 200 ? "ok" : "not synced");
		evhttp_add_header(h, "Content-Type", "text/plain; charset=utf-8");
	} else if (!strcmp(uri, "/metrics")) {
		render(m->d, b);
		evhttp_add_header(h, "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
	} else {
		code = 404;
		reason = "Not Found";
		evbuffer_add_printf(b, "not found; try /metrics or /healthz\n");
	}
	evhttp_send_reply(req, code, reason, b);
	evbuffer_free(b);
}

struct metrics *metrics_new(struct svcd *d, char **err)
{
	char host[ADDR_STRLEN];
	struct metrics *m = xcalloc(1, sizeof(*m));
	m->d = d;
	m->http = evhttp_new(d->base);
	evhttp_set_allowed_methods(m->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
	evhttp_set_gencb(m->http, on_request, m);
	addr_format(&d->cfg.metrics_listen.addr, host);
	if (evhttp_bind_socket(m->http, host, d->cfg.metrics_listen.port) < 0) {
		*err = xasprintf("--metrics-listen %s: cannot listen",
				 d->cfg.metrics_listen.text);
		metrics_free(m);
		return NULL;
	}
	return m;
}

void metrics_free(struct metrics *m)
{
	if (!m)
		return;
	evhttp_free(m->http);
	free(m);
}
