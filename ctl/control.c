/*
 * control.c: the control socket's listener and connections.
 *
 * Each connection reads one request up to end of file (bounded by
 * CONTROL_MAX_REQUEST and a timeout, so a stuck or hostile client costs
 * nothing lasting), answers it through control_handle() and closes.
 */
#include "ctl/control.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/util.h"

#define CONTROL_MAX_REQUEST (64u << 20)
#define CONTROL_TIMEOUT_S 30

struct control {
	struct evconnlistener *listener;
	char *path;
	const struct control_env *env;
};

static void answer(struct bufferevent *bev, const struct control *ctl)
{
	struct evbuffer *in = bufferevent_get_input(bev);
	size_t len = evbuffer_get_length(in);
	const char *data = (const char *)evbuffer_pullup(in, -1);
	json_error_t jerr;
	json_t *req = json_loadb(data ? data : "", len, 0, &jerr);
	json_t *ans;
	if (!req)
		ans = control_error("bad request: %s", jerr.text);
	else
		ans = control_handle(ctl->env, req);
	json_decref(req);
	evbuffer_drain(in, len);

	char *text = json_dumps(ans, JSON_COMPACT);
	json_decref(ans);
	struct evbuffer *out = bufferevent_get_output(bev);
	evbuffer_add(out, text, strlen(text));
	evbuffer_add(out, "\n", 1);
	free(text);
}

static void on_write_done(struct bufferevent *bev, void *arg)
{
	if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		bufferevent_free(bev);
}

static void on_read(struct bufferevent *bev, void *arg)
{
	if (evbuffer_get_length(bufferevent_get_input(bev)) >
	    CONTROL_MAX_REQUEST) {
		log_warn("control: request larger than %u MiB dropped",
			 CONTROL_MAX_REQUEST >> 20);
		bufferevent_free(bev);
	}
}

/* After the answer: any event (the client went away) ends it. */
static void on_closing(struct bufferevent *bev, short what, void *arg)
{
	bufferevent_free(bev);
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
	struct control *ctl = arg;
	if (what & BEV_EVENT_EOF) {
		/* The request is complete: answer, then close once the
		 * answer is out. */
		answer(bev, ctl);
		bufferevent_setcb(bev, NULL, on_write_done, on_closing, ctl);
		bufferevent_enable(bev, EV_WRITE);
		return;
	}
	bufferevent_free(bev);
}

static void on_accept(struct evconnlistener *l, evutil_socket_t fd,
		      struct sockaddr *sa, int salen, void *arg)
{
	struct control *ctl = arg;
	struct event_base *base = evconnlistener_get_base(l);
	struct bufferevent *bev =
		bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
	struct timeval tv = { CONTROL_TIMEOUT_S, 0 };
	bufferevent_set_timeouts(bev, &tv, &tv);
	bufferevent_setcb(bev, on_read, NULL, on_event, ctl);
	bufferevent_enable(bev, EV_READ);
}

/* A socket file that still accepts connections belongs to a live svcd. */
static bool socket_alive(const struct sockaddr_un *sun)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	bool alive = connect(fd, (const struct sockaddr *)sun,
			     sizeof(*sun)) == 0;
	close(fd);
	return alive;
}

static int make_parent(const char *path, char **err)
{
	char *copy = xstrdup(path);
	const char *dir = dirname(copy);
	int rc = 0;
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		*err = xasprintf("control socket directory %s: %s", dir,
				 strerror(errno));
		rc = -1;
	}
	free(copy);
	return rc;
}

static int bind_socket(const char *path, char **err)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sun.sun_path)) {
		*err = xasprintf("control socket %s: path too long", path);
		return -1;
	}
	strcpy(sun.sun_path, path);
	if (make_parent(path, err) < 0)
		return -1;
	if (socket_alive(&sun)) {
		*err = xasprintf("control socket %s: another svcd is running",
				 path);
		return -1;
	}
	unlink(path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
			0);
	if (fd < 0) {
		*err = xasprintf("control socket: %s", strerror(errno));
		return -1;
	}
	/* The socket is created 0600: no window where others may connect. */
	mode_t old = umask(0177);
	int rc = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (rc < 0 || listen(fd, 64) < 0) {
		*err = xasprintf("control socket %s: %s", path,
				 strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

struct control *control_new(struct event_base *base, const char *path,
			    const struct control_env *env, char **err)
{
	int fd = bind_socket(path, err);
	if (fd < 0)
		return NULL;
	struct control *ctl = xcalloc(1, sizeof(*ctl));
	ctl->path = xstrdup(path);
	ctl->env = env;
	ctl->listener = evconnlistener_new(base, on_accept, ctl,
					   LEV_OPT_CLOSE_ON_FREE, -1, fd);
	if (!ctl->listener) {
		*err = xasprintf("control socket %s: cannot listen", path);
		close(fd);
		free(ctl->path);
		free(ctl);
		return NULL;
	}
	return ctl;
}

void control_free(struct control *ctl)
{
	if (!ctl)
		return;
	evconnlistener_free(ctl->listener);
	unlink(ctl->path);
	free(ctl->path);
	free(ctl);
}
