/*
 * svcctl_print.c: tables and descriptions printed by svcctl.
 *
 * Everything printed comes from the JSON svcd answered (ctl/report.c), so
 * `-o json` and the tables always show the same data.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl/svcctl.h"
#include "lib/util.h"

#define MAX_COLS 9

struct table {
	const char *head[MAX_COLS];
	int ncols;
	char **cells; /* rows * ncols, owned */
	size_t rows, cap;
};

static void table_row(struct table *t, char **cells)
{
	xgrow((void **)&t->cells, &t->cap, (t->rows + 1) * (size_t)t->ncols,
	      sizeof(*t->cells));
	memcpy(t->cells + t->rows * (size_t)t->ncols, cells,
	       (size_t)t->ncols * sizeof(*cells));
	t->rows++;
}

/* Columns padded to their widest cell and three spaces, as kubectl. */
static void table_print(struct table *t)
{
	size_t width[MAX_COLS];
	for (int c = 0; c < t->ncols; c++) {
		width[c] = strlen(t->head[c]);
		for (size_t r = 0; r < t->rows; r++) {
			size_t w = strlen(t->cells[r * (size_t)t->ncols + (size_t)c]);
			if (w > width[c])
				width[c] = w;
		}
	}
	for (size_t r = 0; r <= t->rows; r++) {
		for (int c = 0; c < t->ncols; c++) {
			const char *s = r ? t->cells[(r - 1) * (size_t)t->ncols + (size_t)c]
					  : t->head[c];
			if (c == t->ncols - 1)
				printf("%s\n", s);
			else
				printf("%-*s   ", (int)width[c], s);
		}
	}
	for (size_t i = 0; i < t->rows * (size_t)t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
}

void svcctl_format_age(long long s, char *out, size_t size)
{
	if (s < 0)
		s = 0;
	long long m = s / 60, h = s / 3600, d = s / 86400;
	if (s < 120)
		snprintf(out, size, "%llds", s);
	else if (m < 10)
		snprintf(out, size, "%lldm%llds", m, s % 60);
	else if (h < 3)
		snprintf(out, size, "%lldm", m);
	else if (h < 8)
		snprintf(out, size, "%lldh%lldm", h, m % 60);
	else if (h < 48)
		snprintf(out, size, "%lldh", h);
	else if (d < 8)
		snprintf(out, size, "%lldd%lldh", d, h % 24);
	else if (d < 730)
		snprintf(out, size, "%lldd", d);
	else
		snprintf(out, size, "%lldy", d / 365);
}

/* Strings of a JSON array joined by sep, or dflt when it is empty. */
static char *join(json_t *arr, const char *sep, const char *dflt)
{
	struct buf b = { 0 };
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) {
		if (i)
			buf_puts(&b, sep);
		buf_puts(&b, json_string_value(v));
	}
	return b.len ? buf_take(&b) : xstrdup(dflt);
}

static const char *jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

static long long jint(json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

static char *ports_cell(json_t *svc)
{
	struct buf b = { 0 };
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(svc, "ports"), i, p) {
		if (i)
			buf_puts(&b, ",");
		buf_printf(&b, "%lld", jint(p, "port"));
		if (jint(p, "nodePort"))
			buf_printf(&b, ":%lld", jint(p, "nodePort"));
		buf_printf(&b, "/%s", jstr(p, "protocol"));
	}
	return b.len ? buf_take(&b) : xstrdup("<none>");
}

static char *external_cell(json_t *svc)
{
	const char *type = jstr(svc, "type");
	if (!strcmp(type, "ExternalName"))
		return xstrdup(jstr(svc, "externalName"));
	char *ext = join(json_object_get(svc, "externalIPs"), ",", "");
	char *lb = join(json_object_get(svc, "loadBalancerIngress"), ",", "");
	char *cell;
	if (*ext && *lb)
		cell = xasprintf("%s,%s", lb, ext);
	else if (*lb || *ext)
		cell = xstrdup(*lb ? lb : ext);
	else
		cell = xstrdup(!strcmp(type, "LoadBalancer") ? "<pending>" : "<none>");
	free(ext);
	free(lb);
	return cell;
}

static char *selector_cell(json_t *svc)
{
	struct buf b = { 0 };
	const char *k;
	json_t *v;
	json_object_foreach(json_object_get(svc, "selector"), k, v)
		buf_printf(&b, "%s%s=%s", b.len ? "," : "", k, json_string_value(v));
	return b.len ? buf_take(&b) : xstrdup("<none>");
}

static char *cluster_ip_cell(json_t *svc)
{
	if (json_is_true(json_object_get(svc, "headless")))
		return xstrdup("None");
	json_t *ips = json_object_get(svc, "clusterIPs");
	return xstrdup(json_array_size(ips) ? json_string_value(json_array_get(ips, 0))
					    : "<none>");
}

void svcctl_print_table(json_t *services, bool all, bool wide, const char *ns)
{
	if (!json_array_size(services)) {
		if (all)
			fprintf(stderr, "No resources found\n");
		else
			fprintf(stderr, "No resources found in %s namespace.\n", ns);
		return;
	}
	struct table t = { 0 };
	const char *heads[] = { "NAMESPACE", "NAME", "TYPE", "CLUSTER-IP",
				"EXTERNAL-IP", "PORT(S)", "ENDPOINTS", "AGE",
				"SELECTOR" };
	for (size_t c = all ? 0 : 1; c < ARRAY_LEN(heads) - (wide ? 0 : 1); c++)
		t.head[t.ncols++] = heads[c];

	size_t i;
	json_t *s;
	json_array_foreach(services, i, s) {
		char *cells[MAX_COLS];
		int c = 0;
		char age[32];
		json_t *eps = json_object_get(s, "endpoints");
		if (all)
			cells[c++] = xstrdup(jstr(s, "namespace"));
		cells[c++] = xstrdup(jstr(s, "name"));
		cells[c++] = xstrdup(jstr(s, "type"));
		cells[c++] = cluster_ip_cell(s);
		cells[c++] = external_cell(s);
		cells[c++] = ports_cell(s);
		cells[c++] = xasprintf("%lld/%lld", jint(eps, "ready"), jint(eps, "total"));
		svcctl_format_age(jint(s, "ageSeconds"), age, sizeof(age));
		cells[c++] = xstrdup(age);
		if (wide)
			cells[c++] = selector_cell(s);
		table_row(&t, cells);
	}
	table_print(&t);
}

static const char *yes_no(json_t *o, const char *key)
{
	return json_is_true(json_object_get(o, key)) ? "yes" : "no";
}

static void print_endpoints(json_t *svc)
{
	json_t *eps = json_object_get(svc, "endpointList");
	if (!json_array_size(eps))
		return;
	struct table t = { .head = { "ADDRESS", "READY", "SERVING",
				     "TERMINATING", "NODE", "ZONE", "POD",
				     "HOSTNAME", "PORTS" },
			   .ncols = 9 };
	size_t i;
	json_t *e;
	json_array_foreach(eps, i, e) {
		struct buf ports = { 0 };
		size_t j;
		json_t *p;
		json_array_foreach(json_object_get(e, "ports"), j, p)
			buf_printf(&ports, "%s%lld", j ? "," : "",
				   (long long)json_integer_value(p));
		char *cells[] = {
			xstrdup(jstr(e, "address")), xstrdup(yes_no(e, "ready")),
			xstrdup(yes_no(e, "serving")),
			xstrdup(yes_no(e, "terminating")),
			xstrdup(*jstr(e, "nodeName") ? jstr(e, "nodeName") : "-"),
			xstrdup(*jstr(e, "zone") ? jstr(e, "zone") : "-"),
			xstrdup(*jstr(e, "pod") ? jstr(e, "pod") : "-"),
			xstrdup(*jstr(e, "hostname") ? jstr(e, "hostname") : "-"),
			ports.len ? buf_take(&ports) : xstrdup("-"),
		};
		table_row(&t, cells);
	}
	printf("\n");
	table_print(&t);
}

void svcctl_print_service(json_t *s)
{
	if (!s)
		return;
	char *ips = cluster_ip_cell(s);
	char *ext = external_cell(s);
	char *sel = selector_cell(s);
	char age[32];
	json_t *all_ips = json_object_get(s, "clusterIPs");
	if (json_array_size(all_ips) > 1) {
		free(ips);
		ips = join(all_ips, ",", "<none>");
	}
	svcctl_format_age(jint(s, "ageSeconds"), age, sizeof(age));
	printf("Name:              %s\n", jstr(s, "name"));
	printf("Namespace:         %s\n", jstr(s, "namespace"));
	printf("Type:              %s\n", jstr(s, "type"));
	printf("Cluster IPs:       %s\n", ips);
	printf("External:          %s\n", ext);
	printf("Selector:          %s\n", sel);
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(s, "ports"), i, p) {
		json_t *tp = json_object_get(p, "targetPort");
		char target[64];
		if (json_is_string(tp))
			snprintf(target, sizeof(target), "%s", json_string_value(tp));
		else
			snprintf(target, sizeof(target), "%lld",
				 (long long)json_integer_value(tp));
		printf("%s %-8s %lld/%s -> %s", i ? "                  " : "Ports:            ",
		       *jstr(p, "name") ? jstr(p, "name") : "<unset>",
		       jint(p, "port"), jstr(p, "protocol"), target);
		if (jint(p, "nodePort"))
			printf(", node port %lld", jint(p, "nodePort"));
		printf("\n");
	}
	printf("Session affinity:  %s", jstr(s, "sessionAffinity"));
	if (jint(s, "sessionAffinityTimeoutSeconds"))
		printf(" (%llds)", jint(s, "sessionAffinityTimeoutSeconds"));
	printf("\nTraffic policy:    external %s, internal %s\n",
	       jstr(s, "externalTrafficPolicy"), jstr(s, "internalTrafficPolicy"));
	if (jint(s, "healthCheckNodePort"))
		printf("Health check port: %lld\n", jint(s, "healthCheckNodePort"));
	json_t *eps = json_object_get(s, "endpoints");
	printf("Endpoints:         %lld ready of %lld (from %s)\n",
	       jint(eps, "ready"), jint(eps, "total"), jstr(s, "endpointSource"));
	printf("Source:            %s (generation %lld)\n", jstr(s, "source"),
	       jint(s, "generation"));
	printf("Age:               %s\n", age);
	print_endpoints(s);
	free(ips);
	free(ext);
	free(sel);
}

void svcctl_print_status(json_t *st)
{
	char up[32];
	svcctl_format_age((long long)time(NULL) - jint(st, "started"), up, sizeof(up));
	printf("svcd %s, up %s, %s\n", jstr(st, "version"), up,
	       json_is_true(json_object_get(st, "synced")) ? "synced" : "NOT synced");
	if (*jstr(st, "sourceError"))
		printf("waiting for a source: %s\n", jstr(st, "sourceError"));
	printf("generation %lld after %lld updates\n", jint(st, "generation"),
	       jint(st, "updates"));
	printf("objects:");
	const char *k;
	json_t *v;
	json_object_foreach(json_object_get(st, "objects"), k, v)
		printf(" %lld %s", (long long)json_integer_value(v), k);
	printf("\nview: %lld services, %lld endpoints\n", jint(st, "services"),
	       jint(st, "endpoints"));
	json_object_foreach(json_object_get(st, "halves"), k, v)
		printf("%s: %s\n", k, jstr(v, "state"));

	size_t i;
	json_t *src;
	json_array_foreach(json_object_get(st, "sources"), i, src) {
		json_t *bad = json_object_get(src, "fileErrors");
		printf("source %s %s: %lld files, %lld objects, %zu with errors\n",
		       jstr(src, "type"), jstr(src, "path"), jint(src, "files"),
		       jint(src, "objects"), json_array_size(bad));
		size_t j;
		json_t *f;
		json_array_foreach(bad, j, f) {
			long long n = jint(f, "objects");
			printf("  %s (%lld object%s in force):\n", jstr(f, "name"), n,
			       n == 1 ? "" : "s");
			size_t e;
			json_t *msg;
			json_array_foreach(json_object_get(f, "errors"), e, msg)
				printf("    %s\n", json_string_value(msg));
		}
	}
	json_t *conflicts = json_object_get(st, "conflicts");
	if (json_array_size(conflicts)) {
		printf("conflicts:\n");
		json_array_foreach(conflicts, i, v)
			printf("  %s\n", json_string_value(v));
	}
}
