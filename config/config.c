/*
 * config.c: svcd's settings from the command line (and, through it, the
 * --config file).
 *
 * config_load works in four steps: scan argv for syntax only (unknown
 * flags, missing values, positional arguments), taking --config, --help
 * and --version on the way; read the --config file; apply the flags in
 * their order; then fill the defaults that depend on other settings and
 * check combinations.  Syntax errors on the command line come first, so
 * a typo is reported before the file is read.  With --help or --version
 * nothing else is read or checked: the caller only prints and exits.
 *
 * Defaults that stand alone are stored before anything is read, so a
 * setter only ever replaces a value.  A repeatable flag's first use on
 * the command line empties the list the file gave; later ones append.
 *
 * Invariant: on failure config_load frees everything and zeroes the
 * config, so a caller never cleans up after an error.  config_free is
 * safe on a zeroed config and leaves it zeroed.
 */
#include "config/options.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_SHOWN 120 /* bytes of a bad value quoted in an error */

/* A flag from argv, applied after the config file. */
struct flag {
	const struct config_opt *opt;
	const char *value; /* points into argv; NULL for a switch */
};

/* ---- error messages ---- */

/* Writes s (n bytes) so that it cannot break the one-line message. */
static void buf_escape(struct buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			buf_printf(b, "\\%c", c);
		else if (c < ' ' || c == 0x7f)
			buf_printf(b, "\\x%02x", c);
		else
			buf_add(b, &c, 1);
	}
}

void config_buf_quote(struct buf *b, const char *s)
{
	size_t n = strlen(s);

	buf_puts(b, "\"");
	buf_escape(b, s, n > MAX_SHOWN ? MAX_SHOWN : n);
	buf_puts(b, n > MAX_SHOWN ? "\"..." : "\"");
}

char *config_value_error(const char *where, const char *v, bool quote,
			 const char *why)
{
	struct buf b = { 0 };

	buf_printf(&b, "%s: ", where);
	if (quote)
		config_buf_quote(&b, v);
	else
		buf_puts(&b, v);
	buf_printf(&b, " %s", why);
	return buf_take(&b);
}

static char *flag_error(const struct config_opt *o, const char *v,
			const char *why)
{
	char *where = xasprintf("--%s", o->name);
	char *err = config_value_error(where, v, true, why);

	free(where);
	return err;
}

/* ---- the command line ---- */

static char *arg_error(const char *what, const char *arg, size_t len)
{
	struct buf b = { 0 };

	buf_puts(&b, what);
	buf_escape(&b, arg, len > MAX_SHOWN ? MAX_SHOWN : len);
	return buf_take(&b);
}

static char *positional_error(const char *arg)
{
	struct buf b = { 0 };

	buf_puts(&b, "unexpected argument ");
	config_buf_quote(&b, arg);
	buf_puts(&b, " (svcd takes only flags)");
	return buf_take(&b);
}

/* --config, --help and --version act at once: they decide what else is
 * read. */
static char *scan_cli_only(struct svcd_config *cfg,
			   const struct config_opt *o, const char *v)
{
	const char *why;

	if (o->kind == OPT_STRING && cfg->config_file)
		return xstrdup("--config is given twice; svcd reads one file");
	why = config_opt_apply(cfg, o, v);
	return why ? flag_error(o, v, why) : NULL;
}

/* Checks argv's syntax and collects its flags in order. */
static char *scan_argv(struct svcd_config *cfg, int argc, char **argv,
		       struct flag *flags, size_t *n)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = NULL, *name, *eq;
		const struct config_opt *o;
		size_t len;
		char *err;

		if (strcmp(a, "--") == 0)
			return i + 1 < argc ? positional_error(argv[i + 1]) :
					      NULL;
		if (strcmp(a, "-h") == 0)
			a = "--help";
		if (a[0] != '-' || a[1] == '\0')
			return positional_error(a);
		if (a[1] != '-')
			return arg_error("unknown flag ", a, strlen(a));
		name = a + 2;
		eq = strchr(name, '=');
		len = eq ? (size_t)(eq - name) : strlen(name);
		o = config_opt_by_flag(name, len);
		if (!o)
			return arg_error("unknown flag ", a, len + 2);
		if (o->kind == OPT_BOOL) {
			if (eq)
				return xasprintf("--%s takes no value",
						 o->name);
		} else if (eq) {
			v = eq + 1;
		} else if (i + 1 < argc && strncmp(argv[i + 1], "--", 2)) {
			v = argv[++i];
		} else {
			return xasprintf("--%s needs a value", o->name);
		}
		if (o->cli_only) {
			err = scan_cli_only(cfg, o, v);
			if (err)
				return err;
			continue;
		}
		flags[(*n)++] = (struct flag){ .opt = o, .value = v };
	}
	return NULL;
}

/* A repeatable flag's first use empties the file's list. */
static bool first_use(const struct flag *flags, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (flags[j].opt == flags[i].opt)
			return false;
	return true;
}

static char *apply_flags(struct svcd_config *cfg, const struct flag *flags,
			 size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct config_opt *o = flags[i].opt;
		const char *why;

		if (o->kind == OPT_LIST && first_use(flags, i))
			o->clear(cfg);
		why = config_opt_apply(cfg, o, flags[i].value);
		if (why)
			return flag_error(o, flags[i].value, why);
	}
	return NULL;
}

/* ---- defaults that depend on others, and the whole ---- */

static const struct config_opt *opt_named(const char *name)
{
	return config_opt_by_flag(name, strlen(name));
}

/* Like kube-proxy, the node name defaults to the lowercased host name. */
static char *default_node_name(struct svcd_config *cfg)
{
	char host[256], *reason, *err;
	const char *why;

	if (gethostname(host, sizeof(host) - 1) < 0)
		return xasprintf("--node-name: cannot read the host name: %s; "
				 "give --node-name", strerror(errno));
	host[sizeof(host) - 1] = '\0';
	why = config_opt_apply(cfg, opt_named("node-name"), host);
	if (!why)
		return NULL;
	reason = xasprintf("%s; give --node-name", why);
	err = config_value_error("--node-name: the host name", host, true,
				 reason);
	free(reason);
	return err;
}

/* Defaults that depend on other settings, and combinations. */
static char *finish(struct svcd_config *cfg)
{
	if (cfg->kubeconfig && cfg->kube_api)
		return xstrdup("--kubeconfig and --kube-api are both given; "
			       "choose one Kubernetes API source");
	if (!cfg->state_dir && !cfg->kubeconfig && !cfg->kube_api)
		cfg->state_dir = xstrdup("/var/lib/svcd");
	/* An empty dns_listen array in the file also means the default. */
	if (!cfg->n_dns_listen)
		config_opt_apply(cfg, opt_named("dns-listen"), "127.0.0.1:53");
	if (!cfg->node_name)
		return default_node_name(cfg);
	return NULL;
}

int config_load(struct svcd_config *cfg, int argc, char **argv, char **err)
{
	struct flag *flags = xcalloc(argc > 0 ? (size_t)argc : 1,
				     sizeof(*flags));
	size_t n = 0;
	char *e;

	memset(cfg, 0, sizeof(*cfg));
	*err = NULL;
	config_set_defaults(cfg);
	e = scan_argv(cfg, argc, argv, flags, &n);
	if (!e && !cfg->help && !cfg->version) {
		if (cfg->config_file)
			e = config_read_file(cfg, cfg->config_file);
		if (!e)
			e = apply_flags(cfg, flags, n);
		if (!e)
			e = finish(cfg);
	}
	free(flags);
	if (!e)
		return 0;
	config_free(cfg);
	*err = e;
	return -1;
}

const char *config_usage(void)
{
	return
	"Usage: svcd [FLAG]...\n"
	"Serves Kubernetes Services on this node: nftables rules and cluster DNS.\n"
	"\n"
	"  --config FILE               JSON file of settings, read first (default none)\n"
	"  --state-dir DIR             object files to serve (default /var/lib/svcd)\n"
	"  --kubeconfig FILE           watch the API a kubeconfig names (default none)\n"
	"  --kube-api URL              watch the API at an http(s) URL (default none)\n"
	"  --dns-listen ADDR[:PORT]... serve DNS on UDP and TCP (default 127.0.0.1:53)\n"
	"  --upstream ADDR[:PORT]...   forward other names (default /etc/resolv.conf)\n"
	"  --cluster-domain NAME       cluster DNS zone (default cluster.local)\n"
	"  --dns-ttl SECONDS           TTL of cluster answers, 0-3600 (default 5)\n"
	"  --dns-pods MODE             pod records: insecure|verified (default disabled)\n"
	"  --node-name NAME            endpoints on NAME are local (default host name)\n"
	"  --node-ip IP...             NodePort addresses (default every local address)\n"
	"  --cluster-cidr CIDR...      pod ranges; others are masqueraded (default none)\n"
	"  --nft-table NAME            nftables table, family inet (default svcd)\n"
	"  --control-socket PATH       svcctl socket (default /run/svcd/svcd.sock)\n"
	"  --metrics-listen ADDR:PORT  /metrics and /healthz (default 127.0.0.1:10249)\n"
	"  --no-proxy                  serve DNS only; leave nftables alone\n"
	"  --no-dns                    program nftables only; serve no DNS\n"
	"  --check                     check config and state, print problems, exit 0/1\n"
	"  --cleanup                   delete the nftables table and exit\n"
	"  --log-level LEVEL           debug, info, warn or error (default info)\n"
	"  --version                   print the version and exit\n"
	"  -h, --help                  print this help and exit\n"
	"\n"
	"A flag shown with ... may be repeated.  IPv6 addresses are written as\n"
	"[fd00::1]:53; a missing :PORT means 53.  --upstream's default is read from\n"
	"/etc/resolv.conf when DNS starts.  --metrics-listen \"\" turns metrics off.\n"
	"The state dir has no default when --kubeconfig or --kube-api is given.\n"
	"\n"
	"Config file (--config): one JSON object; every flag but --config, --help\n"
	"and --version is a key, with '_' for '-' (\"state_dir\", \"dns_ttl\").\n"
	"Repeatable flags take arrays of strings; no_proxy, no_dns, check and cleanup\n"
	"take true or false; dns_ttl a number; the rest strings.  Flags override the\n"
	"file, and a repeatable flag given as a flag replaces the file's whole list.\n";
}
