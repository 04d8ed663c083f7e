/*
 * test_config.c: svcd's flags and config file, as a user writes them.
 *
 * Every flag is tried with good and bad values; a bad value must fail
 * with one line naming the flag (or file key) and the value, and must
 * leave the config zeroed with nothing allocated (the sanitizer build
 * checks the leaks).  Config files are written to a mkdtemp directory
 * that is removed at the end.
 */
#include "config/config.h"
#include "config/options.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/util.h"
#include "tests/unit/check.h"

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define MAX_ARGS 16

static char tmpdir[] = "/tmp/test_config.XXXXXX";
static struct strvec tmpfiles;

/* Runs config_load on "svcd" + args.  The node name is given first so
 * the result does not depend on this machine's host name (a later
 * --node-name in args wins). */
static int load_args(struct svcd_config *cfg, char **err,
		     const char *const *args, bool node_name)
{
	char *argv[MAX_ARGS + 4];
	int argc = 0;

	argv[argc++] = "svcd";
	if (node_name) {
		argv[argc++] = "--node-name";
		argv[argc++] = "node-1";
	}
	for (; *args && argc < MAX_ARGS + 3; args++)
		argv[argc++] = (char *)*args;
	argv[argc] = NULL;
	return config_load(cfg, argc, argv, err);
}

static int load(struct svcd_config *cfg, char **err, const char *const *args)
{
	return load_args(cfg, err, args, true);
}

static bool is_zero(const struct svcd_config *cfg)
{
	static const struct svcd_config zero;

	return memcmp(cfg, &zero, sizeof(zero)) == 0;
}

/* Loads args, which must fail with an error containing want. */
static void expect_error(const char *const *args, const char *want)
{
	struct svcd_config cfg;
	char *err = NULL;

	CHECK_INT(load(&cfg, &err, args), -1);
	CHECK_HAS(err, want);
	CHECK(err && !strchr(err, '\n'));
	CHECK(is_zero(&cfg));
	free(err);
}

/* Writes a config file in tmpdir; returns its path (owned by tmpfiles). */
static const char *write_config(const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");

	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
	strvec_push(&tmpfiles, path);
	return path;
}

static const char *fmt(const struct ipaddr *a)
{
	static char buf[ADDR_STRLEN];

	return addr_format(a, buf);
}

static void test_defaults(void)
{
	struct svcd_config cfg;
	char *err = NULL, host[256] = "";

	CHECK_INT(load(&cfg, &err, ARGS(NULL)), 0);
	CHECK(err == NULL);
	CHECK(cfg.config_file == NULL);
	CHECK_STR(cfg.state_dir, "/var/lib/svcd");
	CHECK(cfg.kubeconfig == NULL && cfg.kube_api == NULL);
	CHECK_INT(cfg.n_dns_listen, 1);
	CHECK_STR(cfg.dns_listen[0].text, "127.0.0.1:53");
	CHECK_STR(fmt(&cfg.dns_listen[0].addr), "127.0.0.1");
	CHECK_INT(cfg.dns_listen[0].port, 53);
	CHECK_INT(cfg.n_upstreams, 0);
	CHECK_STR(cfg.cluster_domain, "cluster.local");
	CHECK_INT(cfg.dns_ttl, 5);
	CHECK_INT(cfg.dns_pods, DNS_PODS_DISABLED);
	CHECK_INT(cfg.n_node_ips, 0);
	CHECK_INT(cfg.n_cluster_cidrs, 0);
	CHECK_STR(cfg.nft_table, "svcd");
	CHECK_STR(cfg.control_socket, "/run/svcd/svcd.sock");
	CHECK(!cfg.metrics_disabled);
	CHECK_STR(cfg.metrics_listen.text, "127.0.0.1:10249");
	CHECK_STR(fmt(&cfg.metrics_listen.addr), "127.0.0.1");
	CHECK_INT(cfg.metrics_listen.port, 10249);
	CHECK(!cfg.no_proxy && !cfg.no_dns && !cfg.check && !cfg.cleanup);
	CHECK(!cfg.help && !cfg.version);
	CHECK_INT(cfg.log_level, LOG_INFO);
	config_free(&cfg);
	CHECK(is_zero(&cfg));
	config_free(&cfg); /* safe twice */

	/* The node name defaults to the lowercased host name, or fails
	 * naming --node-name when the host name cannot be a node name. */
	gethostname(host, sizeof(host) - 1);
	for (char *p = host; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	if (load_args(&cfg, &err, ARGS(NULL), false) == 0) {
		CHECK_STR(cfg.node_name, host);
		config_free(&cfg);
	} else {
		CHECK_HAS(err, "--node-name: the host name");
		free(err);
	}
}

static void test_sources(void)
{
	struct svcd_config cfg;
	char *err;

	CHECK_INT(load(&cfg, &err, ARGS("--kubeconfig", "/etc/k.yaml")), 0);
	CHECK_STR(cfg.kubeconfig, "/etc/k.yaml");
	CHECK(cfg.state_dir == NULL);
	config_free(&cfg);

	CHECK_INT(load(&cfg, &err, ARGS("--kube-api", "https://10.0.0.1:6443",
					"--state-dir", "/srv/objs")), 0);
	CHECK_STR(cfg.kube_api, "https://10.0.0.1:6443");
	CHECK_STR(cfg.state_dir, "/srv/objs");
	config_free(&cfg);

	CHECK_INT(load(&cfg, &err, ARGS("--kube-api", "HTTP://localhost")), 0);
	CHECK(cfg.state_dir == NULL);
	config_free(&cfg);
}

static void test_dns_flags(void)
{
	struct svcd_config cfg;
	char *err;

	CHECK_INT(load(&cfg, &err,
		       ARGS("--dns-listen", "10.96.0.10", "--dns-listen",
			    "[::1]:5353", "--upstream", "8.8.8.8",
			    "--upstream", "[2001:db8::53]:5300",
			    "--cluster-domain", "Example.COM.", "--dns-ttl",
			    "0", "--dns-pods", "verified")),
		  0);
	CHECK_INT(cfg.n_dns_listen, 2);
	CHECK_STR(cfg.dns_listen[0].text, "10.96.0.10");
	CHECK_INT(cfg.dns_listen[0].port, 53);
	CHECK_INT(cfg.dns_listen[1].addr.family, AF_INET6);
	CHECK_STR(fmt(&cfg.dns_listen[1].addr), "::1");
	CHECK_INT(cfg.dns_listen[1].port, 5353);
	CHECK_INT(cfg.n_upstreams, 2);
	CHECK_STR(fmt(&cfg.upstreams[0].addr), "8.8.8.8");
	CHECK_INT(cfg.upstreams[0].port, 53);
	CHECK_STR(cfg.upstreams[1].text, "[2001:db8::53]:5300");
	CHECK_INT(cfg.upstreams[1].port, 5300);
	CHECK_STR(cfg.cluster_domain, "example.com");
	CHECK_INT(cfg.dns_ttl, 0);
	CHECK_INT(cfg.dns_pods, DNS_PODS_VERIFIED);
	config_free(&cfg);

	CHECK_INT(load(&cfg, &err, ARGS("--dns-ttl", "3600", "--dns-pods",
					"insecure", "--dns-pods", "disabled")),
		  0);
	CHECK_INT(cfg.dns_ttl, 3600);
	CHECK_INT(cfg.dns_pods, DNS_PODS_DISABLED); /* the last one wins */
	config_free(&cfg);
	CHECK_STR(dns_pods_name(DNS_PODS_INSECURE), "insecure");
}

static void test_node_flags(void)
{
	struct svcd_config cfg;
	char *err;

	CHECK_INT(load(&cfg, &err,
		       ARGS("--node-name", "Node-1.Example", "--node-ip",
			    "10.0.0.1", "--node-ip", "fd00::1",
			    "--cluster-cidr", "10.244.0.0/16",
			    "--cluster-cidr", "fd00:10:244::/56")),
		  0);
	CHECK_STR(cfg.node_name, "node-1.example");
	CHECK_INT(cfg.n_node_ips, 2);
	CHECK_STR(fmt(&cfg.node_ips[0]), "10.0.0.1");
	CHECK_INT(cfg.node_ips[1].family, AF_INET6);
	CHECK_INT(cfg.n_cluster_cidrs, 2);
	CHECK_STR(fmt(&cfg.cluster_cidrs[0]), "10.244.0.0");
	CHECK_INT(cfg.cluster_cidrs[0].len, 16);
	CHECK_INT(cfg.cluster_cidrs[1].len, 56);
	config_free(&cfg);
}

static void test_daemon_flags(void)
{
	struct svcd_config cfg;
	char *err, table[65], sock[108];

	memset(table, 'T', sizeof(table) - 1);
	table[sizeof(table) - 1] = '\0';
	memset(sock, 's', sizeof(sock) - 1);
	sock[0] = '/';
	sock[sizeof(sock) - 1] = '\0';
	CHECK_INT(load(&cfg, &err,
		       ARGS("--nft-table", table, "--control-socket", sock,
			    "--metrics-listen", "[::1]:9100", "--no-proxy",
			    "--no-dns", "--check", "--cleanup", "--log-level",
			    "debug")),
		  0);
	CHECK_STR(cfg.nft_table, table);
	CHECK_STR(cfg.control_socket, sock);
	CHECK_STR(fmt(&cfg.metrics_listen.addr), "::1");
	CHECK_INT(cfg.metrics_listen.port, 9100);
	CHECK(!cfg.metrics_disabled);
	CHECK(cfg.no_proxy && cfg.no_dns && cfg.check && cfg.cleanup);
	CHECK_INT(cfg.log_level, LOG_DEBUG);
	config_free(&cfg);

	CHECK_INT(load(&cfg, &err, ARGS("--metrics-listen", "",
					"--log-level", "error")), 0);
	CHECK(cfg.metrics_disabled);
	CHECK(cfg.metrics_listen.text == NULL);
	CHECK_INT(cfg.log_level, LOG_ERROR);
	config_free(&cfg);

	CHECK_INT(load(&cfg, &err, ARGS("--metrics-listen=",
					"--metrics-listen=10.0.0.1:1")), 0);
	CHECK(!cfg.metrics_disabled);
	CHECK_STR(cfg.metrics_listen.text, "10.0.0.1:1");
	config_free(&cfg);
}

static void test_equals_form(void)
{
	struct svcd_config cfg;
	char *err;

	CHECK_INT(load(&cfg, &err,
		       ARGS("--state-dir=/srv/a=b", "--dns-ttl=7",
			    "--dns-listen=[::1]:53", "--upstream=1.1.1.1:5353",
			    "--node-ip=10.1.1.1", "--cluster-cidr=10.0.0.0/8",
			    "--cluster-domain=k8s.test", "--nft-table=t1",
			    "--dns-pods=insecure", "--log-level=warn",
			    "--control-socket=/tmp/s", "--node-name=n2")),
		  0);
	CHECK_STR(cfg.state_dir, "/srv/a=b");
	CHECK_INT(cfg.dns_ttl, 7);
	CHECK_STR(cfg.dns_listen[0].text, "[::1]:53");
	CHECK_INT(cfg.upstreams[0].port, 5353);
	CHECK_STR(fmt(&cfg.node_ips[0]), "10.1.1.1");
	CHECK_INT(cfg.cluster_cidrs[0].len, 8);
	CHECK_STR(cfg.cluster_domain, "k8s.test");
	CHECK_STR(cfg.nft_table, "t1");
	CHECK_INT(cfg.dns_pods, DNS_PODS_INSECURE);
	CHECK_INT(cfg.log_level, LOG_WARN);
	CHECK_STR(cfg.control_socket, "/tmp/s");
	CHECK_STR(cfg.node_name, "n2");
	config_free(&cfg);
}

static void test_help_version(void)
{
	struct svcd_config cfg;
	char *err;

	CHECK_INT(load(&cfg, &err, ARGS("--help")), 0);
	CHECK(cfg.help && !cfg.version);
	config_free(&cfg);
	CHECK_INT(load(&cfg, &err, ARGS("-h")), 0);
	CHECK(cfg.help);
	config_free(&cfg);
	CHECK_INT(load(&cfg, &err, ARGS("--version")), 0);
	CHECK(cfg.version && !cfg.help);
	config_free(&cfg);
	/* --help answers even when a value or the file is bad... */
	CHECK_INT(load(&cfg, &err, ARGS("--dns-ttl", "x", "--config",
					"/nonexistent/svcd.json", "--help")),
		  0);
	CHECK(cfg.help);
	config_free(&cfg);
	/* ...but not when the command line cannot be read at all. */
	expect_error(ARGS("--help", "--bogus"), "unknown flag --bogus");
}

static void test_flag_errors(void)
{
	static const struct {
		const char *args[5];
		const char *want;
	} cases[] = {
		{ { "--foo" }, "unknown flag --foo" },
		{ { "--foo=bar" }, "unknown flag --foo" },
		{ { "-x" }, "unknown flag -x" },
		{ { "--dns_ttl", "5" }, "unknown flag --dns_ttl" },
		{ { "extra" }, "unexpected argument \"extra\"" },
		{ { "-" }, "unexpected argument \"-\"" },
		{ { "--", "x" }, "unexpected argument \"x\"" },
		{ { "--state-dir" }, "--state-dir needs a value" },
		{ { "--state-dir", "--no-dns" }, "--state-dir needs a value" },
		{ { "--upstream" }, "--upstream needs a value" },
		{ { "--config" }, "--config needs a value" },
		{ { "--no-proxy=x" }, "--no-proxy takes no value" },
		{ { "--no-dns=true" }, "--no-dns takes no value" },
		{ { "--check=" }, "--check takes no value" },
		{ { "--cleanup=1" }, "--cleanup takes no value" },
		{ { "--version=2" }, "--version takes no value" },
		{ { "--help=x" }, "--help takes no value" },
		{ { "--config", "" }, "--config: \"\" is empty" },
		{ { "--config=a", "--config=b" }, "--config is given twice" },
		{ { "--state-dir", "" }, "--state-dir: \"\" is empty" },
		{ { "--state-dir=" }, "--state-dir: \"\" is empty" },
		{ { "--kubeconfig", "" }, "--kubeconfig: \"\" is empty" },
		{ { "--kube-api", "ftp://x" },
		  "--kube-api: \"ftp://x\" is not an http:// or https:// URL" },
		{ { "--kube-api", "https://" }, "--kube-api: \"https://\"" },
		{ { "--kube-api", "https:///api" }, "--kube-api: \"https:///" },
		{ { "--kube-api", "http://:80" },
		  "--kube-api: \"http://:80\"" },
		{ { "--kube-api", "10.0.0.1:6443" }, "--kube-api: \"10.0." },
		{ { "--kube-api", "https://a b" },
		  "--kube-api: \"https://a b" },
		{ { "--kubeconfig", "/k", "--kube-api", "https://x" },
		  "--kubeconfig and --kube-api are both given" },
		{ { "--dns-listen", "" }, "--dns-listen: \"\" is not ADDR" },
		{ { "--dns-listen", "1.2.3.4:0" },
		  "--dns-listen: \"1.2.3.4:0\"" },
		{ { "--dns-listen", "1.2.3.4:65536" }, "--dns-listen: \"1.2" },
		{ { "--dns-listen", "::1:53" }, "--dns-listen: \"::1:53\"" },
		{ { "--dns-listen", "[::1]:" }, "--dns-listen: \"[::1]:\"" },
		{ { "--dns-listen", "localhost:53" }, "--dns-listen: \"local" },
		{ { "--dns-listen", "1.2.3.4:5x" },
		  "--dns-listen: \"1.2.3.4:5x" },
		{ { "--upstream", "dns.google" },
		  "--upstream: \"dns.google\" is not ADDR[:PORT]" },
		{ { "--upstream", "[::1" }, "--upstream: \"[::1\"" },
		{ { "--upstream", "8.8.8.8:0" }, "--upstream: \"8.8.8.8:0\"" },
		{ { "--cluster-domain", "" }, "--cluster-domain: \"\" is not" },
		{ { "--cluster-domain", "." },
		  "--cluster-domain: \".\" is not" },
		{ { "--cluster-domain", "a..b" },
		  "--cluster-domain: \"a..b\"" },
		{ { "--cluster-domain", "-a.local" },
		  "--cluster-domain: \"-a." },
		{ { "--cluster-domain", "a-.local" },
		  "--cluster-domain: \"a-." },
		{ { "--cluster-domain", "a_b.local" },
		  "--cluster-domain: \"a_b.local\" is not a valid DNS name" },
		{ { "--cluster-domain", "cluster.local.." },
		  "--cluster-domain: \"cluster.local..\"" },
		{ { "--dns-ttl", "abc" },
		  "--dns-ttl: \"abc\" is not a number of seconds 0-3600" },
		{ { "--dns-ttl", "-1" }, "--dns-ttl: \"-1\" is not a number" },
		{ { "--dns-ttl", "3601" }, "--dns-ttl: \"3601\" is not a num" },
		{ { "--dns-ttl", "" }, "--dns-ttl: \"\" is not a number" },
		{ { "--dns-ttl", "1.5" }, "--dns-ttl: \"1.5\"" },
		{ { "--dns-ttl", " 5" }, "--dns-ttl: \" 5\"" },
		{ { "--dns-ttl", "99999999999999999999" }, "--dns-ttl: \"999" },
		{ { "--dns-pods", "on" },
		  "--dns-pods: \"on\" is not one of disabled, insecure, "
		  "verified" },
		{ { "--dns-pods", "Verified" }, "--dns-pods: \"Verified\"" },
		{ { "--node-name", "" },
		  "--node-name: \"\" is not a DNS-1123" },
		{ { "--node-name", "a_b" },
		  "--node-name: \"a_b\" is not a DNS" },
		{ { "--node-name", "-a" }, "--node-name: \"-a\"" },
		{ { "--node-name", "a..b" }, "--node-name: \"a..b\"" },
		{ { "--node-name", "node/1" }, "--node-name: \"node/1\"" },
		{ { "--node-ip", "10.0.0.256" },
		  "--node-ip: \"10.0.0.256\" is not an IP address" },
		{ { "--node-ip", "10.0.0.1/32" },
		  "--node-ip: \"10.0.0.1/32\"" },
		{ { "--node-ip", "fd00::1::2" }, "--node-ip: \"fd00::1::2\"" },
		{ { "--node-ip", "" }, "--node-ip: \"\" is not an IP address" },
		{ { "--cluster-cidr", "10.244.0.1/16" },
		  "--cluster-cidr: \"10.244.0.1/16\" is not a CIDR with zero "
		  "host bits" },
		{ { "--cluster-cidr", "10.244.0.0" }, "--cluster-cidr: \"10." },
		{ { "--cluster-cidr", "10.0.0.0/33" },
		  "--cluster-cidr: \"10." },
		{ { "--cluster-cidr", "fd00::/129" },
		  "--cluster-cidr: \"fd00" },
		{ { "--nft-table", "" },
		  "--nft-table: \"\" is not a table name" },
		{ { "--nft-table", "1svcd" }, "--nft-table: \"1svcd\" is not" },
		{ { "--nft-table", "svc-d" }, "--nft-table: \"svc-d\" is not" },
		{ { "--nft-table", "svcd!" }, "--nft-table: \"svcd!\" is not" },
		{ { "--control-socket", "" },
		  "--control-socket: \"\" is empty" },
		{ { "--metrics-listen", "127.0.0.1" },
		  "--metrics-listen: \"127.0.0.1\" is not ADDR:PORT" },
		{ { "--metrics-listen", "localhost:1" }, "--metrics-listen: " },
		{ { "--metrics-listen", "[::1]" },
		  "--metrics-listen: \"[::1]\"" },
		{ { "--log-level", "verbose" },
		  "--log-level: \"verbose\" is not one of debug, info, warn, "
		  "error" },
		{ { "--log-level", "INFO" }, "--log-level: \"INFO\"" },
		{ { "--config", "/nonexistent/svcd.json" },
		  "--config: /nonexistent/svcd.json: No such file or "
		  "directory" },
	};

	for (size_t i = 0; i < ARRAY_LEN(cases); i++)
		expect_error(cases[i].args, cases[i].want);
}

/* Values too long, or with bytes that would break the line. */
static void test_odd_values(void)
{
	char table[66], sock[109], label[80], *name, *big;

	memset(table, 't', sizeof(table) - 1);
	table[sizeof(table) - 1] = '\0';
	expect_error(ARGS("--nft-table", table), "--nft-table: \"ttt");
	memset(sock, 's', sizeof(sock) - 1);
	sock[sizeof(sock) - 1] = '\0';
	expect_error(ARGS("--control-socket", sock), "longer than 107 bytes");
	memset(label, 'a', 64);
	strcpy(label + 64, ".local");
	expect_error(ARGS("--cluster-domain", label), "is not a valid DNS");
	label[63] = '\0'; /* a 63-byte label is fine */
	expect_error(ARGS("--cluster-domain", label, "--dns-ttl", "x"),
		     "--dns-ttl");
	name = xcalloc(300, 1);
	memset(name, 'n', 254);
	expect_error(ARGS("--node-name", name), "is not a DNS-1123");
	free(name);

	expect_error(ARGS("--dns-ttl", "a\nb\"c"), "\"a\\x0ab\\\"c\" is not");
	big = xcalloc(1000, 1);
	memset(big, '9', 999);
	expect_error(ARGS("--dns-listen", big), "99\"... is not ADDR");
	free(big);
}

static void test_file(void)
{
	struct svcd_config cfg;
	char *err;
	const char *path = write_config(
		"full.json",
		"{\"state_dir\": \"/srv/state\", \"kubeconfig\": \"/etc/kc\",\n"
		" \"dns_listen\": [\"10.96.0.10\", \"[fd00::10]:53\"],\n"
		" \"upstream\": [\"9.9.9.9:5353\"],\n"
		" \"cluster_domain\": \"Corp.Example.\", \"dns_ttl\": 30,\n"
		" \"dns_pods\": \"insecure\", \"node_name\": \"File-Node\",\n"
		" \"node_ip\": [\"192.0.2.1\"],\n"
		" \"cluster_cidr\": [\"10.0.0.0/8\"],\n"
		" \"nft_table\": \"kp\", \"control_socket\": \"/run/x.sock\",\n"
		" \"metrics_listen\": \"\", \"no_proxy\": true,\n"
		" \"no_dns\": false, \"check\": true, \"cleanup\": false,\n"
		" \"log_level\": \"warn\"}\n");

	CHECK_INT(load_args(&cfg, &err, ARGS("--config", path), false), 0);
	CHECK_STR(cfg.config_file, path);
	CHECK_STR(cfg.state_dir, "/srv/state");
	CHECK_STR(cfg.kubeconfig, "/etc/kc");
	CHECK_INT(cfg.n_dns_listen, 2);
	CHECK_INT(cfg.dns_listen[1].addr.family, AF_INET6);
	CHECK_STR(cfg.upstreams[0].text, "9.9.9.9:5353");
	CHECK_STR(cfg.cluster_domain, "corp.example");
	CHECK_INT(cfg.dns_ttl, 30);
	CHECK_INT(cfg.dns_pods, DNS_PODS_INSECURE);
	CHECK_STR(cfg.node_name, "file-node");
	CHECK_STR(fmt(&cfg.node_ips[0]), "192.0.2.1");
	CHECK_INT(cfg.cluster_cidrs[0].len, 8);
	CHECK_STR(cfg.nft_table, "kp");
	CHECK_STR(cfg.control_socket, "/run/x.sock");
	CHECK(cfg.metrics_disabled);
	CHECK(cfg.no_proxy && !cfg.no_dns && cfg.check && !cfg.cleanup);
	CHECK_INT(cfg.log_level, LOG_WARN);
	config_free(&cfg);

	/* Flags override the file; a repeatable flag replaces the list. */
	CHECK_INT(load(&cfg, &err,
		       ARGS("--dns-ttl", "10", "--config", path, "--dns-listen",
			    "127.0.0.2", "--dns-listen", "127.0.0.3:5353",
			    "--metrics-listen", "127.0.0.1:9")),
		  0);
	CHECK_INT(cfg.dns_ttl, 10);
	CHECK_INT(cfg.n_dns_listen, 2);
	CHECK_STR(cfg.dns_listen[0].text, "127.0.0.2");
	CHECK_STR(cfg.dns_listen[1].text, "127.0.0.3:5353");
	CHECK_INT(cfg.n_upstreams, 1); /* not on the command line: kept */
	CHECK_INT(cfg.n_node_ips, 1);
	CHECK_STR(cfg.node_name, "node-1");
	CHECK(!cfg.metrics_disabled);
	CHECK(cfg.no_proxy); /* from the file */
	config_free(&cfg);

	/* The file's kubeconfig and a --kube-api flag are two sources. */
	expect_error(ARGS("--config", path, "--kube-api", "http://h"),
		     "--kubeconfig and --kube-api are both given");

	path = write_config("empty-list.json", "{\"dns_listen\": []}");
	CHECK_INT(load(&cfg, &err, ARGS("--config=", "--config", path)), -1);
	CHECK_HAS(err, "--config: \"\" is empty");
	free(err);
	CHECK_INT(load(&cfg, &err, ARGS("--config", path)), 0);
	CHECK_INT(cfg.n_dns_listen, 1); /* empty means the default */
	CHECK_STR(cfg.dns_listen[0].text, "127.0.0.1:53");
	config_free(&cfg);
}

/* A config file that must fail with an error starting with its path and
 * containing want. */
static void expect_file_error(const char *name, const char *text,
			      const char *want)
{
	const char *path = write_config(name, text);
	struct svcd_config cfg;
	char *err = NULL;

	CHECK_INT(load(&cfg, &err, ARGS("--config", path)), -1);
	CHECK(err && strncmp(err, path, strlen(path)) == 0);
	CHECK_HAS(err, want);
	CHECK(err && !strchr(err, '\n'));
	CHECK(is_zero(&cfg));
	free(err);
}

static void test_file_errors(void)
{
	char *want;

	expect_file_error("typo.json", "{\"dns_tll\": 5}",
			  ": unknown key \"dns_tll\"");
	expect_file_error("dash.json", "{\"dns-ttl\": 5}",
			  ": unknown key \"dns-ttl\"");
	expect_file_error("cfg.json", "{\"config\": \"/x\"}",
			  ": unknown key \"config\"");
	expect_file_error("help.json", "{\"help\": true}",
			  ": unknown key \"help\"");
	expect_file_error("ver.json", "{\"version\": true}",
			  ": unknown key \"version\"");
	expect_file_error("list-str.json", "{\"dns_listen\": \"127.0.0.1:53\"}",
			  ": key \"dns_listen\": must be an array of strings, "
			  "got string");
	expect_file_error("list-elem.json",
			  "{\"node_ip\": [\"10.0.0.1\", 5]}",
			  ": key \"node_ip\": must be an array of strings, "
			  "got integer at index 1");
	expect_file_error("list-val.json",
			  "{\"cluster_cidr\": [\"10.0.0.1/8\"]}",
			  ": key \"cluster_cidr\": \"10.0.0.1/8\" is not a "
			  "CIDR");
	expect_file_error("bool.json", "{\"no_proxy\": \"yes\"}",
			  ": key \"no_proxy\": must be true or false, got "
			  "string");
	expect_file_error("bool-int.json", "{\"cleanup\": 1}",
			  ": key \"cleanup\": must be true or false, got "
			  "integer");
	expect_file_error("ttl-str.json", "{\"dns_ttl\": \"5\"}",
			  ": key \"dns_ttl\": must be an integer, got string");
	expect_file_error("ttl-real.json", "{\"dns_ttl\": 5.0}",
			  ": key \"dns_ttl\": must be an integer, got number");
	expect_file_error("ttl-big.json", "{\"dns_ttl\": 99999}",
			  ": key \"dns_ttl\": 99999 is not a number of "
			  "seconds 0-3600");
	expect_file_error("ttl-neg.json", "{\"dns_ttl\": -1}",
			  ": key \"dns_ttl\": -1 is not a number");
	expect_file_error("str.json", "{\"state_dir\": 5}",
			  ": key \"state_dir\": must be a string, got integer");
	expect_file_error("null.json", "{\"log_level\": null}",
			  ": key \"log_level\": must be a string, got null");
	expect_file_error("str-val.json", "{\"dns_pods\": \"maybe\"}",
			  ": key \"dns_pods\": \"maybe\" is not one of");
	expect_file_error("array.json", "[\"--no-dns\"]",
			  ": must be one JSON object, got array");
	expect_file_error("bad.json",
			  "{\n  \"dns_ttl\": 5,\n  \"nft_table\" 1\n}",
			  ".json:3:15: invalid JSON: ");
	expect_file_error("dup.json", "{\"dns_ttl\": 5, \"dns_ttl\": 6}",
			  ": invalid JSON: duplicate object key");
	expect_file_error("empty.json", "", ".json:1:0: invalid JSON: ");

	/* A directory is not a config file. */
	want = xasprintf("--config: %s: Is a directory", tmpdir);
	expect_error(ARGS("--config", tmpdir), want);
	free(want);
	/* A command-line typo is reported before the file is read. */
	expect_error(ARGS("--config", "/nonexistent.json", "--bogus"),
		     "unknown flag --bogus");
}

static void test_usage(void)
{
	const char *u = config_usage();
	const char *line = u;

	for (size_t i = 0; i < config_n_opts; i++) {
		char *flag = xasprintf("--%s ", config_opts[i].name);
		CHECK_HAS(u, flag);
		free(flag);
	}
	CHECK_HAS(u, "-h, --help");
	CHECK_HAS(u, "--dns-ttl SECONDS");
	CHECK_HAS(u, "--metrics-listen ADDR:PORT");
	CHECK_HAS(u, "default 127.0.0.1:53");
	CHECK_HAS(u, "/etc/resolv.conf");
	CHECK_HAS(u, "\"state_dir\"");
	while (*line) { /* fits an 80-column terminal */
		size_t n = strcspn(line, "\n");
		CHECK(n <= 80);
		line += n + (line[n] == '\n');
	}
}

int main(void)
{
	CHECK(mkdtemp(tmpdir) != NULL);
	test_defaults();
	test_sources();
	test_dns_flags();
	test_node_flags();
	test_daemon_flags();
	test_equals_form();
	test_help_version();
	test_flag_errors();
	test_odd_values();
	test_file();
	test_file_errors();
	test_usage();
	for (size_t i = 0; i < tmpfiles.n; i++)
		CHECK_INT(unlink(tmpfiles.v[i]), 0);
	CHECK_INT(rmdir(tmpdir), 0);
	strvec_free(&tmpfiles);
	return check_done("test_config");
}
