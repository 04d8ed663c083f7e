/*
 * options.c: the table of svcd's flags and the checks on their values.
 *
 * Each flag's value is checked here, and only here, whether it came from
 * the command line or the config file.  Strings are copied before they
 * are checked because some checks normalise them (lowercase, drop the
 * root dot); a bad value never replaces a good one.  A list setter appends
 * one value; lists start empty (the dns_listen default is added last,
 * when none was given) and the command line empties a list on its first
 * occurrence.
 */
#include "config/options.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/un.h>

/* Keep the text of the socket-path error in step with the platform. */
_Static_assert(sizeof(((struct sockaddr_un *)0)->sun_path) == 108,
	       "control-socket error text says 107 bytes");

#define DNS_PORT 53
#define MAX_DNS_TTL 3600
#define MAX_NFT_TABLE 64

/* ---- checks on single values ---- */

static bool is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static void lowercase(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

/* Dot-separated labels of [a-z0-9-], '-' not first or last in a label,
 * at most label_max bytes per label and 253 in all. */
static bool dns_name_ok(const char *s, size_t label_max)
{
	size_t n = strlen(s), label = 0;

	if (n == 0 || n > 253)
		return false;
	for (size_t i = 0; i <= n; i++) {
		char c = s[i];
		if (c == '.' || c == '\0') {
			if (label == 0 || s[i - 1] == '-')
				return false;
			label = 0;
		} else if (is_lower_alnum(c) || (c == '-' && label > 0)) {
			if (++label > label_max)
				return false;
		} else {
			return false;
		}
	}
	return true;
}

static const char *check_nonempty(char *v)
{
	return *v ? NULL : "is empty";
}

static const char *check_kube_api(char *v)
{
	static const char why[] = "is not an http:// or https:// URL "
				  "with a host";
	const char *host;

	if (strncasecmp(v, "https://", 8) == 0)
		host = v + 8;
	else if (strncasecmp(v, "http://", 7) == 0)
		host = v + 7;
	else
		return why;
	if (strcspn(host, "/?#") == 0 || *host == ':' || *host == '@')
		return why;
	for (const char *p = v; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return why;
	return NULL;
}

/* Like CoreDNS, the zone is matched case-insensitively and stored
 * without its root dot. */
static const char *check_cluster_domain(char *v)
{
	size_t n = strlen(v);

	lowercase(v);
	if (n > 0 && v[n - 1] == '.')
		v[n - 1] = '\0';
	return dns_name_ok(v, 63) ? NULL : "is not a valid DNS name";
}

/* Kubernetes node names are DNS-1123 subdomains, which limit the whole
 * name but not its labels; kube-proxy lowercases --hostname-override. */
static const char *check_node_name(char *v)
{
	lowercase(v);
	return dns_name_ok(v, 253) ? NULL :
	       "is not a DNS-1123 subdomain (letters, digits, '-' and '.')";
}

static const char *check_nft_table(char *v)
{
	size_t n = strlen(v);
	bool ok = n >= 1 && n <= MAX_NFT_TABLE && is_alpha(v[0]);

	for (size_t i = 1; ok && i < n; i++)
		ok = is_alpha(v[i]) || (v[i] >= '0' && v[i] <= '9') ||
		     v[i] == '_';
	return ok ? NULL : "is not a table name (a letter, then letters, "
			   "digits or '_'; at most 64 characters)";
}

static const char *check_control_socket(char *v)
{
	if (!*v)
		return "is empty";
	if (strlen(v) >= sizeof(((struct sockaddr_un *)0)->sun_path))
		return "is longer than 107 bytes, too long for a unix socket";
	return NULL;
}

/* ---- setters for parsed values ---- */

static const char *set_dns_ttl(struct svcd_config *cfg, const char *v)
{
	static const char why[] = "is not a number of seconds 0-3600";
	size_t n = strspn(v, "0123456789");
	unsigned long ttl;

	if (n == 0 || v[n] || n > 9)
		return why;
	ttl = strtoul(v, NULL, 10);
	if (ttl > MAX_DNS_TTL)
		return why;
	cfg->dns_ttl = (uint32_t)ttl;
	return NULL;
}

static const char *set_dns_pods(struct svcd_config *cfg, const char *v)
{
	for (int m = DNS_PODS_DISABLED; m <= DNS_PODS_VERIFIED; m++) {
		if (strcmp(v, dns_pods_name(m)) == 0) {
			cfg->dns_pods = m;
			return NULL;
		}
	}
	return "is not one of disabled, insecure, verified";
}

static const char *set_log_level(struct svcd_config *cfg, const char *v)
{
	int level = log_level_parse(v);

	if (level < 0)
		return "is not one of debug, info, warn, error";
	cfg->log_level = level;
	return NULL;
}

static const char *set_metrics_listen(struct svcd_config *cfg, const char *v)
{
	struct listen_addr la = { 0 };

	if (*v && !hostport_parse(v, 0, &la.addr, &la.port))
		return "is not ADDR:PORT (IPv6 as [::1]:10249; \"\" turns "
		       "metrics off)";
	free(cfg->metrics_listen.text);
	la.text = *v ? xstrdup(v) : NULL;
	cfg->metrics_listen = la;
	cfg->metrics_disabled = !*v;
	return NULL;
}

/* ---- repeatable values ---- */

static const char *listen_add(struct listen_addr **v, size_t *n,
			      const char *s, const char *why)
{
	struct listen_addr la = { 0 };

	if (!hostport_parse(s, DNS_PORT, &la.addr, &la.port))
		return why;
	la.text = xstrdup(s);
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = la;
	return NULL;
}

static void listen_clear(struct listen_addr **v, size_t *n)
{
	for (size_t i = 0; i < *n; i++)
		free((*v)[i].text);
	free(*v);
	*v = NULL;
	*n = 0;
}

static void ip_add(struct ipaddr **v, size_t *n, const struct ipaddr *a)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = *a;
}

static void ip_clear(struct ipaddr **v, size_t *n)
{
	free(*v);
	*v = NULL;
	*n = 0;
}

static const char *add_dns_listen(struct svcd_config *cfg, const char *v)
{
	return listen_add(&cfg->dns_listen, &cfg->n_dns_listen, v,
			  "is not ADDR[:PORT] (IPv6 as [::1]:53)");
}

static const char *add_upstream(struct svcd_config *cfg, const char *v)
{
	return listen_add(&cfg->upstreams, &cfg->n_upstreams, v,
			  "is not ADDR[:PORT] (an IP address; IPv6 as "
			  "[fd00::1]:53)");
}

static const char *add_node_ip(struct svcd_config *cfg, const char *v)
{
	struct ipaddr a;

	if (!addr_parse(v, &a))
		return "is not an IP address";
	ip_add(&cfg->node_ips, &cfg->n_node_ips, &a);
	return NULL;
}

static const char *add_cluster_cidr(struct svcd_config *cfg, const char *v)
{
	struct ipaddr a;

	if (!cidr_parse(v, &a))
		return "is not a CIDR with zero host bits (like 10.244.0.0/16)";
	ip_add(&cfg->cluster_cidrs, &cfg->n_cluster_cidrs, &a);
	return NULL;
}

static void clear_dns_listen(struct svcd_config *cfg)
{
	listen_clear(&cfg->dns_listen, &cfg->n_dns_listen);
}

static void clear_upstreams(struct svcd_config *cfg)
{
	listen_clear(&cfg->upstreams, &cfg->n_upstreams);
}

static void clear_node_ips(struct svcd_config *cfg)
{
	ip_clear(&cfg->node_ips, &cfg->n_node_ips);
}

static void clear_cluster_cidrs(struct svcd_config *cfg)
{
	ip_clear(&cfg->cluster_cidrs, &cfg->n_cluster_cidrs);
}

/* ---- the table ---- */

#define FIELD(f) offsetof(struct svcd_config, f)
#define STR_OPT(n, f, chk) \
	{ .name = n, .kind = OPT_STRING, .off = FIELD(f), .check = chk }
#define VAL_OPT(n, fn) { .name = n, .kind = OPT_VALUE, .set = fn }
#define LIST_OPT(n, add, clr) \
	{ .name = n, .kind = OPT_LIST, .set = add, .clear = clr }
#define BOOL_OPT(n, f) { .name = n, .kind = OPT_BOOL, .off = FIELD(f) }

const struct config_opt config_opts[] = {
	{ .name = "config", .kind = OPT_STRING, .off = FIELD(config_file),
	  .check = check_nonempty, .cli_only = true },
	STR_OPT("state-dir", state_dir, check_nonempty),
	STR_OPT("kubeconfig", kubeconfig, check_nonempty),
	STR_OPT("kube-api", kube_api, check_kube_api),
	LIST_OPT("dns-listen", add_dns_listen, clear_dns_listen),
	LIST_OPT("upstream", add_upstream, clear_upstreams),
	STR_OPT("cluster-domain", cluster_domain, check_cluster_domain),
	{ .name = "dns-ttl", .kind = OPT_VALUE, .set = set_dns_ttl,
	  .number = true },
	VAL_OPT("dns-pods", set_dns_pods),
	STR_OPT("node-name", node_name, check_node_name),
	LIST_OPT("node-ip", add_node_ip, clear_node_ips),
	LIST_OPT("cluster-cidr", add_cluster_cidr, clear_cluster_cidrs),
	STR_OPT("nft-table", nft_table, check_nft_table),
	STR_OPT("control-socket", control_socket, check_control_socket),
	VAL_OPT("metrics-listen", set_metrics_listen),
	BOOL_OPT("no-proxy", no_proxy),
	BOOL_OPT("no-dns", no_dns),
	BOOL_OPT("check", check),
	BOOL_OPT("cleanup", cleanup),
	VAL_OPT("log-level", set_log_level),
	{ .name = "version", .kind = OPT_BOOL, .off = FIELD(version),
	  .cli_only = true },
	{ .name = "help", .kind = OPT_BOOL, .off = FIELD(help),
	  .cli_only = true },
};

const size_t config_n_opts = ARRAY_LEN(config_opts);

const struct config_opt *config_opt_by_flag(const char *name, size_t len)
{
	for (size_t i = 0; i < config_n_opts; i++)
		if (strlen(config_opts[i].name) == len &&
		    memcmp(config_opts[i].name, name, len) == 0)
			return &config_opts[i];
	return NULL;
}

static bool key_matches(const char *key, const char *name)
{
	for (; *name; name++, key++)
		if (*key != (*name == '-' ? '_' : *name))
			return false;
	return *key == '\0';
}

const struct config_opt *config_opt_by_key(const char *key)
{
	for (size_t i = 0; i < config_n_opts; i++)
		if (!config_opts[i].cli_only &&
		    key_matches(key, config_opts[i].name))
			return &config_opts[i];
	return NULL;
}

const char *config_opt_apply(struct svcd_config *cfg,
			     const struct config_opt *o, const char *v)
{
	char **str = (char **)((char *)cfg + o->off);
	const char *why;
	char *copy;

	switch (o->kind) {
	case OPT_STRING:
		copy = xstrdup(v);
		why = o->check(copy);
		if (why) {
			free(copy);
			return why;
		}
		free(*str);
		*str = copy;
		return NULL;
	case OPT_BOOL:
		*config_opt_bool(cfg, o) = true;
		return NULL;
	case OPT_VALUE:
	case OPT_LIST:
		break;
	}
	return o->set(cfg, v);
}

/* ---- defaults and freeing ---- */

void config_set_defaults(struct svcd_config *cfg)
{
	cfg->cluster_domain = xstrdup("cluster.local");
	cfg->dns_ttl = 5;
	cfg->dns_pods = DNS_PODS_DISABLED;
	cfg->nft_table = xstrdup("svcd");
	cfg->control_socket = xstrdup("/run/svcd/svcd.sock");
	set_metrics_listen(cfg, "127.0.0.1:10249");
	cfg->log_level = LOG_INFO;
}

const char *dns_pods_name(enum dns_pods mode)
{
	switch (mode) {
	case DNS_PODS_DISABLED:
		return "disabled";
	case DNS_PODS_INSECURE:
		return "insecure";
	case DNS_PODS_VERIFIED:
		return "verified";
	}
	return "unknown";
}

void config_free(struct svcd_config *cfg)
{
	free(cfg->config_file);
	free(cfg->state_dir);
	free(cfg->kubeconfig);
	free(cfg->kube_api);
	free(cfg->cluster_domain);
	free(cfg->node_name);
	free(cfg->nft_table);
	free(cfg->control_socket);
	free(cfg->metrics_listen.text);
	clear_dns_listen(cfg);
	clear_upstreams(cfg);
	clear_node_ips(cfg);
	clear_cluster_cidrs(cfg);
	memset(cfg, 0, sizeof(*cfg));
}
