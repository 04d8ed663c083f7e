/*
 * config.h: svcd's configuration, from a JSON file and the command line.
 *
 * Every flag of the command-line contract has a config-file key: the long
 * flag name with '-' written '_' ("state_dir", "dns_listen").  Repeatable
 * flags take JSON arrays of strings, --no-proxy/--no-dns take booleans,
 * --dns-ttl a number.  The file is read first; flags given on the command
 * line replace the file's value (a repeatable flag replaces the whole
 * list).  Everything is validated before svcd starts: an unknown flag or
 * key, a value of the wrong type or a bad value is an error naming it.
 */
#ifndef SVCD_CONFIG_H
#define SVCD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/addr.h"

enum dns_pods { DNS_PODS_DISABLED, DNS_PODS_INSECURE, DNS_PODS_VERIFIED };

struct listen_addr {
	struct ipaddr addr;
	uint16_t port;
	char *text; /* as given */
};

struct svcd_config {
	char *config_file;        /* NULL when none */
	char *state_dir;          /* default /var/lib/svcd */
	char *kubeconfig;         /* NULL unless given */
	char *kube_api;           /* NULL unless given */
	struct listen_addr *dns_listen; /* default 127.0.0.1:53 */
	size_t n_dns_listen;
	struct listen_addr *upstreams;  /* default: /etc/resolv.conf */
	size_t n_upstreams;
	char *cluster_domain;     /* default cluster.local, no trailing dot */
	uint32_t dns_ttl;         /* default 5 */
	enum dns_pods dns_pods;   /* default disabled */
	char *node_name;          /* default: the host name */
	struct ipaddr *node_ips;  /* empty: every local address */
	size_t n_node_ips;
	struct ipaddr *cluster_cidrs;
	size_t n_cluster_cidrs;
	char *nft_table;          /* default svcd */
	char *control_socket;     /* default /run/svcd/svcd.sock */
	struct listen_addr metrics_listen; /* default 127.0.0.1:10249 */
	bool metrics_disabled;    /* --metrics-listen "" */
	bool no_proxy, no_dns;
	bool check, cleanup;
	int log_level;            /* enum log_level; default info */
	bool help, version;       /* print and exit 0 */
};

/* Parses argv (and the --config file it names).  Returns 0, or -1 with a
 * one-line message in *err (caller frees) naming the flag, key or value.
 * On success the caller frees the config with config_free(). */
int config_load(struct svcd_config *cfg, int argc, char **argv, char **err);
void config_free(struct svcd_config *cfg);
/* The --help text: every flag, what it does, its default. */
const char *config_usage(void);
const char *dns_pods_name(enum dns_pods mode);

#endif
