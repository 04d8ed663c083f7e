/*
 * svcd.h: the daemon's parts and how they are wired together.
 *
 * One struct svcd owns everything for the life of the process: the
 * configuration, the event loop, the store, the sources, the control
 * socket and the metrics server.  Sources report each store update to
 * svcd_changed(), which hands the changeset to every consumer.
 */
#ifndef SVCD_DAEMON_H
#define SVCD_DAEMON_H

#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"
#include "ctl/control.h"
#include "model/store.h"
#include "sources/statedir.h"

struct event_base;
struct metrics;

struct svcd {
	struct svcd_config cfg;
	struct event_base *base;
	struct store *store;
	struct statedir *statedir;
	struct control *control;
	struct control_env ctl_env;
	struct metrics *metrics;
	int64_t started;
	bool source_synced; /* every source finished its first load */
	char *source_error; /* why the first load has not happened yet */
	struct event *source_retry;
	uint64_t changesets, changed_services;
	uint64_t last_update_ns; /* duration of the last store update */
};

bool svcd_synced(const struct svcd *d);

/* Prometheus text and /healthz over libevent's HTTP server. */
struct metrics *metrics_new(struct svcd *d, char **err);
void metrics_free(struct metrics *m);

#endif
