/*
 * main.c: svcd's entry point: configuration, --check, --cleanup, and the
 * event loop that runs everything else.
 *
 * Start-up order matters: the control socket and /healthz come up first,
 * so svcctl status and probes can tell "not synced yet" from "not
 * running"; the state dir is watched before it is first loaded, so no
 * edit slips between the two.  SIGTERM and SIGINT stop the loop and free everything; nothing svcd
 * put in the kernel is removed on the way out (the next start takes it
 * over).  SIGHUP reloads every state-dir file.
 */
#include <errno.h>
#include <event2/event.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "daemon/svcd.h"
#include "lib/util.h"

bool svcd_synced(const struct svcd *d)
{
	return d->source_synced;
}

static bool env_synced(void *arg)
{
	return svcd_synced(arg);
}

static void env_status(void *arg, json_t *answer)
{
	/* The proxy and DNS halves report here once they exist. */
	struct svcd *d = arg;
	json_t *halves = json_object();
	json_object_set_new(halves, "proxy", json_pack("{s:s}", "state",
		d->cfg.no_proxy ? "disabled" : "not in this build"));
	json_object_set_new(halves, "dns", json_pack("{s:s}", "state",
		d->cfg.no_dns ? "disabled" : "not in this build"));
	json_object_set_new(answer, "halves", halves);
	if (d->source_error)
		json_object_set_new(answer, "sourceError",
				    json_string(d->source_error));
}

/* Every store update lands here; consumers of changesets hook in. */
static void on_change(void *arg, const struct changeset *cs)
{
	struct svcd *d = arg;
	d->changesets++;
	d->changed_services += cs->n;
	log_debug("generation %llu: %zu service(s) changed",
		  (unsigned long long)cs->generation, cs->n);
}

static int check(struct svcd *d)
{
	/* The problems are printed below, once; the log would repeat them. */
	if (log_get_level() > LOG_DEBUG)
		log_set_level(LOG_ERROR);
	struct statedir *sd = statedir_new(d->cfg.state_dir, d->store, NULL, NULL);
	char *err = NULL;
	int rc = 0;
	if (statedir_load(sd, &err) < 0) {
		printf("%s\n", err);
		free(err);
		rc = 1;
	} else {
		struct strvec problems = { 0 };
		statedir_problems(sd, &problems);
		for (size_t i = 0; i < problems.n; i++)
			printf("%s\n", problems.v[i]);
		struct store_stats st;
		store_stats(d->store, &st);
		struct statedir_stats sds;
		statedir_stats(sd, &sds);
		printf("%s: %zu file(s), %zu object(s), %zu service(s), %zu problem(s)\n",
		       d->cfg.state_dir, sds.files,
		       st.objects[KIND_SERVICE] + st.objects[KIND_ENDPOINT_SLICE] +
		       st.objects[KIND_ENDPOINTS] + st.objects[KIND_POD],
		       st.services, problems.n);
		rc = problems.n ? 1 : 0;
		strvec_free(&problems);
	}
	statedir_free(sd);
	return rc;
}

static void on_stop(evutil_socket_t sig, short what, void *arg)
{
	struct svcd *d = arg;
	log_info("signal %d: stopping; kernel state is left for the next start",
		 (int)sig);
	event_base_loopbreak(d->base);
}

/* Watches and loads the state dir.  Until that works (a directory on a
 * volume not mounted yet, say) svcd keeps answering, not synced, and
 * tries again every second. */
static void load_sources(evutil_socket_t fd, short what, void *arg)
{
	struct svcd *d = arg;
	char *err = NULL;
	if (statedir_watch(d->statedir, d->base, &err) < 0 ||
	    statedir_load(d->statedir, &err) < 0) {
		if (!d->source_error || strcmp(d->source_error, err) != 0)
			log_error("%s; retrying every second", err);
		free(d->source_error);
		d->source_error = err;
		struct timeval second = { 1, 0 };
		evtimer_add(d->source_retry, &second);
		return;
	}
	free(d->source_error);
	d->source_error = NULL;
	d->source_synced = true;
	struct store_stats st;
	store_stats(d->store, &st);
	log_info("synced: %zu services, %zu endpoints", st.services, st.endpoints);
}

static void on_hup(evutil_socket_t sig, short what, void *arg)
{
	struct svcd *d = arg;
	log_info("SIGHUP: reloading %s", d->cfg.state_dir);
	if (d->statedir)
		load_sources(-1, 0, d);
}

static int make_sources(struct svcd *d)
{
	if (d->cfg.kubeconfig || d->cfg.kube_api) {
		log_error("%s: the Kubernetes API source is not in this build; use --state-dir",
			  d->cfg.kubeconfig ? "--kubeconfig" : "--kube-api");
		return -1;
	}
	if (!d->cfg.state_dir)
		return 0;
	if (mkdir(d->cfg.state_dir, 0755) == 0)
		log_info("created state dir %s", d->cfg.state_dir);
	d->statedir = statedir_new(d->cfg.state_dir, d->store, on_change, d);
	d->source_retry = evtimer_new(d->base, load_sources, d);
	return 0;
}

static void start_sources(struct svcd *d)
{
	if (d->statedir)
		load_sources(-1, 0, d);
	else
		d->source_synced = true;
}

static int run(struct svcd *d)
{
	char *err = NULL;
	int rc = 1;
	struct event *sigs[3] = { 0 };

	d->base = event_base_new();
	d->started = now_wall_s();
	if (!d->cfg.no_proxy)
		log_warn("the proxy half (nftables rules) is not in this build; no rules are programmed");
	if (!d->cfg.no_dns)
		log_warn("the DNS half is not in this build; no DNS is served");
	if (make_sources(d) < 0)
		goto out;
	d->ctl_env = (struct control_env){
		.store = d->store, .statedir = d->statedir, .cfg = &d->cfg,
		.started = d->started, .synced = env_synced,
		.status = env_status, .arg = d,
	};
	d->control = control_new(d->base, d->cfg.control_socket, &d->ctl_env, &err);
	if (!d->control || (!d->cfg.metrics_disabled && !(d->metrics = metrics_new(d, &err)))) {
		log_error("%s", err);
		free(err);
		goto out;
	}
	/* The control socket and /healthz answer (not synced) while the
	 * sources load. */
	start_sources(d);
	sigs[0] = evsignal_new(d->base, SIGTERM, on_stop, d);
	sigs[1] = evsignal_new(d->base, SIGINT, on_stop, d);
	sigs[2] = evsignal_new(d->base, SIGHUP, on_hup, d);
	for (size_t i = 0; i < ARRAY_LEN(sigs); i++)
		event_add(sigs[i], NULL);

	struct store_stats st;
	store_stats(d->store, &st);
	log_info("svcd %s running: %zu services, %zu endpoints; control socket %s%s%s",
		 SVCD_VERSION, st.services, st.endpoints, d->cfg.control_socket,
		 d->metrics ? ", metrics on " : "",
		 d->metrics ? d->cfg.metrics_listen.text : "");
	event_base_dispatch(d->base);
	rc = 0;
out:
	for (size_t i = 0; i < ARRAY_LEN(sigs); i++)
		if (sigs[i])
			event_free(sigs[i]);
	metrics_free(d->metrics);
	control_free(d->control);
	if (d->source_retry)
		event_free(d->source_retry);
	free(d->source_error);
	statedir_free(d->statedir);
	event_base_free(d->base);
	return rc;
}

int main(int argc, char **argv)
{
	struct svcd d = { 0 };
	char *err = NULL;
	int rc;

	signal(SIGPIPE, SIG_IGN);
	if (config_load(&d.cfg, argc, argv, &err) < 0) {
		fprintf(stderr, "svcd: %s\nTry 'svcd --help'.\n", err);
		free(err);
		return 1;
	}
	log_set_level(d.cfg.log_level);
	if (d.cfg.help) {
		fputs(config_usage(), stdout);
		rc = 0;
	} else if (d.cfg.version) {
		printf("svcd %s\n", SVCD_VERSION);
		rc = 0;
	} else if (d.cfg.cleanup) {
		/* This build programs no nftables table, so there is none
		 * to remove; the proxy half brings the real clean-up. */
		printf("svcd: nothing to clean up (no table inet %s is created by this build)\n",
		       d.cfg.nft_table);
		rc = 0;
	} else {
		d.store = store_new();
		if (d.cfg.check && !d.cfg.state_dir) {
			fprintf(stderr, "svcd --check: no state dir to check\n");
			rc = 1;
		} else {
			rc = d.cfg.check ? check(&d) : run(&d);
		}
		store_free(d.store);
	}
	config_free(&d.cfg);
	return rc;
}
