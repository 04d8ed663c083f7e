/*
 * control.h: the control socket svcctl talks to.
 *
 * A Unix stream socket, mode 0600.  One request per connection: the
 * client writes one JSON object and shuts down its sending side; svcd
 * answers with one JSON object and closes.  Requests are {"verb": ...}
 * with verbs list, get, status, apply and delete (see ctl/requests.c);
 * every answer has "ok" and, when false, "error".
 */
#ifndef SVCD_CONTROL_H
#define SVCD_CONTROL_H

#include <jansson.h>
#include <stdbool.h>

#include "config/config.h"
#include "model/store.h"
#include "sources/statedir.h"

struct event_base;
struct control;

/* What the control socket reports on and acts through.  The daemon owns
 * all of it. */
struct control_env {
	struct store *store;
	struct statedir *statedir; /* NULL when there is no state dir */
	const struct svcd_config *cfg;
	int64_t started;           /* wall-clock start time */
	/* True once every enabled half completed its first sync. */
	bool (*synced)(void *arg);
	/* Adds the daemon's own fields to a status answer. */
	void (*status)(void *arg, json_t *answer);
	void *arg;
};

/* Binds `path` (creating its directory, replacing a stale socket, but
 * refusing one a live svcd still answers on) and serves it on base. */
struct control *control_new(struct event_base *base, const char *path,
			    const struct control_env *env, char **err);
/* Stops serving and removes the socket file. */
void control_free(struct control *ctl);

/* {"ok": false, "error": message}. Caller frees. */
json_t *control_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Answers one request; used by the socket and by tests. Caller frees. */
json_t *control_handle(const struct control_env *env, json_t *request);

#endif
