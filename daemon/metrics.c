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

static void render(struct svcd *d, struct evbuffer *b)
{
	struct store_stats st;
	store_stats(d->store, &st);

	metric(b, "svcd_build_info", "gauge", "svcd version.");
	evbuffer_add_printf(b, "svcd_build_info{version=\"%s\"} 1\n", SVCD_VERSION);
	metric(b, "svcd_start_time_seconds", "gauge", "Start time, unix seconds.");
	evbuffer_add_printf(b, "svcd_start_time_seconds %lld\n", (long long)d->started);
	metric(b, "svcd_synced", "gauge", "1 once every enabled half completed its first sync.");
	evbuffer_add_printf(b, "svcd_synced %d\n", svcd_synced(d) ? 1 : 0);

	metric(b, "svcd_store_objects", "gauge", "Objects in the store by kind.");
	for (int k = 0; k < KIND_COUNT; k++)
		evbuffer_add_printf(b, "svcd_store_objects{kind=\"%s\"} %zu\n",
				    kind_name(k), st.objects[k]);
	metric(b, "svcd_store_generation", "gauge", "Store generation.");
	evbuffer_add_printf(b, "svcd_store_generation %llu\n",
			    (unsigned long long)st.generation);
	metric(b, "svcd_store_updates_total", "counter", "Store updates that changed something.");
	evbuffer_add_printf(b, "svcd_store_updates_total %llu\n",
			    (unsigned long long)st.updates);
	metric(b, "svcd_changed_services_total", "counter",
	       "Services reported changed to consumers, summed over updates.");
	evbuffer_add_printf(b, "svcd_changed_services_total %llu\n",
			    (unsigned long long)d->changed_services);
	metric(b, "svcd_services", "gauge", "Services in the service view.");
	evbuffer_add_printf(b, "svcd_services %zu\n", st.services);
	metric(b, "svcd_endpoints", "gauge", "Endpoints in the service view.");
	evbuffer_add_printf(b, "svcd_endpoints %zu\n", st.endpoints);
	metric(b, "svcd_conflicts", "gauge",
	       "Objects held out of the view by a duplicate ClusterIP, node port or key.");
	evbuffer_add_printf(b, "svcd_conflicts %zu\n", st.conflicts);

	if (!d->statedir)
		return;
	struct statedir_stats sds;
	statedir_stats(d->statedir, &sds);
	metric(b, "svcd_source_files", "gauge", "Files the source reads.");
	evbuffer_add_printf(b, "svcd_source_files{source=\"statedir\"} %zu\n", sds.files);
	metric(b, "svcd_source_errors", "gauge", "Files whose last load had errors.");
	evbuffer_add_printf(b, "svcd_source_errors{source=\"statedir\"} %zu\n",
			    sds.files_with_errors);
	metric(b, "svcd_source_loads_total", "counter", "File loads.");
	evbuffer_add_printf(b, "svcd_source_loads_total{source=\"statedir\"} %llu\n",
			    (unsigned long long)sds.loads);
	metric(b, "svcd_source_load_errors_total", "counter", "File loads that found errors.");
	evbuffer_add_printf(b, "svcd_source_load_errors_total{source=\"statedir\"} %llu\n",
			    (unsigned long long)sds.load_errors);
	metric(b, "svcd_source_load_seconds_total", "counter",
	       "Time spent reading, decoding and applying files.");
	evbuffer_add_printf(b, "svcd_source_load_seconds_total{source=\"statedir\"} %.6f\n",
			    (double)sds.load_ns / 1e9);
	metric(b, "svcd_store_update_seconds_total", "counter",
	       "Time spent updating the store and the service view.");
	evbuffer_add_printf(b, "svcd_store_update_seconds_total %.6f\n",
			    (double)sds.update_ns / 1e9);
	metric(b, "svcd_store_last_update_seconds", "gauge",
	       "Duration of the last store and service view update.");
	evbuffer_add_printf(b, "svcd_store_last_update_seconds %.9f\n",
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
