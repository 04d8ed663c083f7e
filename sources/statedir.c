/*
 * statedir.c: objects from the files of one directory, followed with
 * inotify (see statedir.h for the rules).
 *
 * Each file is one store source, named by its path.  `files` maps a file
 * name to its struct statedir_file; an entry exists for every file that
 * was seen and not deleted, good or bad.  Changes are applied per file,
 * in the order inotify reports them, each as one store update.
 *
 * Loading a file has two halves: reading and decoding it (load_prepare,
 * which touches nothing shared), and applying the result (load_apply:
 * the store, the file entry, the log).  A full scan runs the first half
 * on worker threads as well as on the control thread, a bounded window
 * ahead, while the control thread alone applies the results one by one
 * in file-name order (lib/pipeline.h), so the store sees exactly the
 * updates a one-file-at-a-time scan would make, and conflicts settle the
 * same way.
 */
#include "sources/statedir.h"

#include <dirent.h>
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/map.h"
#include "lib/pipeline.h"
#include "model/decode.h"

/* A larger file is refused: manifests are small, and a runaway file must
 * not take the daemon's memory. */
#define STATEDIR_MAX_FILE (64u << 20)
/* A full scan decodes at most this many files ahead of the store, on at
 * most SCAN_MAX_WORKERS threads besides the control thread; below
 * SCAN_MIN_FILES files threads are not worth starting. */
#define SCAN_WINDOW 64
#define SCAN_MAX_WORKERS 3
#define SCAN_MIN_FILES 16

struct statedir {
	char *dir;
	struct store *store;
	statedir_cb cb;
	void *cb_arg;
	struct map files; /* name -> struct statedir_file */
	int inotify_fd;
	struct event *ev;
	uint64_t loads, load_errors;
	uint64_t load_ns, update_ns, last_update_ns;
	bool bulk; /* a full scan: per-file lines at debug, one summary */
};

struct statedir *statedir_new(const char *dir, struct store *st,
			      statedir_cb cb, void *arg)
{
	struct statedir *sd = xcalloc(1, sizeof(*sd));
	size_t len = strlen(dir);
	while (len > 1 && dir[len - 1] == '/')
		len--;
	sd->dir = xstrndup(dir, len);
	sd->store = st;
	sd->cb = cb;
	sd->cb_arg = arg;
	sd->inotify_fd = -1;
	map_init(&sd->files);
	return sd;
}

static void file_free(struct statedir_file *f)
{
	strvec_free(&f->errors);
	free(f);
}

void statedir_free(struct statedir *sd)
{
	if (!sd)
		return;
	if (sd->ev)
		event_free(sd->ev);
	if (sd->inotify_fd >= 0)
		close(sd->inotify_fd);
	struct map_iter it;
	struct map_entry *e;
	map_iter_init(&sd->files, &it);
	while ((e = map_iter_next(&sd->files, &it)))
		file_free(e->value);
	map_clear(&sd->files);
	free(sd->dir);
	free(sd);
}

const char *statedir_path(const struct statedir *sd)
{
	return sd->dir;
}

/* A file svcd reads: visible, and named *.json, *.yaml or *.yml. */
static bool wanted_name(const char *name)
{
	if (name[0] == '.' || name[0] == '\0')
		return false;
	return doc_format_for(name) != DOC_AUTO;
}

static char *source_of(const struct statedir *sd, const char *name)
{
	return xasprintf("%s/%s", sd->dir, name);
}

const char *statedir_file_of(const struct statedir *sd, const char *source)
{
	size_t len = strlen(sd->dir);
	if (strncmp(source, sd->dir, len) != 0 || source[len] != '/')
		return NULL;
	const char *name = source + len + 1;
	return map_key(&sd->files, name);
}

static void notify(struct statedir *sd, struct changeset *cs)
{
	if (cs->n && sd->cb)
		sd->cb(sd->cb_arg, cs);
	changeset_free(cs);
}

static struct statedir_file *file_entry(struct statedir *sd, const char *name)
{
	struct statedir_file *f = map_get(&sd->files, name);
	if (!f) {
		f = xcalloc(1, sizeof(*f));
		map_put(&sd->files, name, f);
		f->name = map_key(&sd->files, name);
	}
	return f;
}

static void record_errors(struct statedir *sd, struct statedir_file *f,
			  struct strvec *errors)
{
	for (size_t i = 0; i < errors->n; i++)
		log_warn("%s", errors->v[i]);
	strvec_free(&f->errors);
	f->errors = *errors;
	memset(errors, 0, sizeof(*errors));
	if (f->errors.n)
		sd->load_errors++;
}

/* The file is gone: its objects go with it. */
static void drop_file(struct statedir *sd, const char *name)
{
	struct statedir_file *f = map_del(&sd->files, name);
	if (!f)
		return;
	char *source = source_of(sd, name);
	struct changeset cs = { 0 };
	store_remove_source(sd->store, source, &cs);
	log_info("%s: removed, %zu service(s) changed", source, cs.n);
	free(source);
	file_free(f);
	notify(sd, &cs);
}

/* One file read and decoded, waiting to be applied. */
struct file_load {
	const char *name;        /* borrowed */
	char *source;            /* the path: the store source's name */
	bool too_big, decoded;
	int read_errno;          /* read_file() failed with it, else 0 */
	struct decode_result res;
	uint64_t prepare_ns;
};

/* Reads and decodes; thread-safe: it only reads sd->dir. */
static void load_prepare(const struct statedir *sd, struct file_load *fl)
{
	uint64_t t0 = now_mono_ns();
	struct stat st;
	size_t len = 0;
	char *data;

	fl->source = source_of(sd, fl->name);
	if (stat(fl->source, &st) == 0 && st.st_size > (off_t)STATEDIR_MAX_FILE) {
		fl->too_big = true;
	} else if (!(data = read_file(fl->source, &len))) {
		fl->read_errno = errno;
	} else {
		decode_buffer(fl->source, data, len, doc_format_for(fl->name),
			      &fl->res);
		free(data);
		fl->decoded = true;
	}
	fl->prepare_ns = now_mono_ns() - t0;
}

static void file_load_free(struct file_load *fl)
{
	decode_result_free(&fl->res);
	free(fl->source);
	fl->source = NULL;
}

/* Applies a prepared file to the store as one update. */
static void load_apply(struct statedir *sd, struct file_load *fl)
{
	struct strvec errors = { 0 };
	uint64_t t0 = now_mono_ns();

	sd->loads++;
	if (fl->too_big) {
		strvec_addf(&errors, "%s: file is larger than %u MiB",
			    fl->source, STATEDIR_MAX_FILE >> 20);
	} else if (fl->read_errno == ENOENT) {
		drop_file(sd, fl->name);
		return;
	} else if (fl->read_errno) {
		strvec_addf(&errors, "%s: %s", fl->source,
			    strerror(fl->read_errno));
	}

	struct statedir_file *f = file_entry(sd, fl->name);
	f->loaded = now_wall_s();
	if (!fl->decoded) {
		/* Unreadable: whatever it held stays in force. */
		record_errors(sd, f, &errors);
		return;
	}

	struct decode_result *res = &fl->res;
	strvec_move(&errors, &res->errors);
	struct changeset cs = { 0 };
	uint64_t t1 = now_mono_ns();
	if (!res->incomplete) {
		store_replace_keep(sd->store, fl->source, res->objs, res->n,
				   &res->rejected, &errors, &cs);
	}
	uint64_t t2 = now_mono_ns();
	uint64_t total = fl->prepare_ns + (t2 - t0);
	sd->load_ns += total;
	sd->update_ns += t2 - t1;
	sd->last_update_ns = t2 - t1;
	f->objects = store_source_count(sd->store, fl->source);
	log_msg(sd->bulk ? LOG_DEBUG : LOG_INFO,
		"%s: loaded, %zu object(s), %zu error(s), %zu service(s) changed in %.3f ms (store and view %.3f ms)",
		 fl->source, f->objects, errors.n, cs.n, (double)total / 1e6,
		 (double)(t2 - t1) / 1e6);
	record_errors(sd, f, &errors);
	notify(sd, &cs);
}

/* (Re)loads one file and applies it to the store as one update. */
static void load_file(struct statedir *sd, const char *name)
{
	struct file_load fl = { .name = name };

	load_prepare(sd, &fl);
	load_apply(sd, &fl);
	file_load_free(&fl);
}

/* A full scan: file i (of names[], in name order) is loaded in
 * slot[i % SCAN_WINDOW] (lib/pipeline.h). */
struct scan {
	struct statedir *sd;
	char **names;
	struct file_load slot[SCAN_WINDOW];
};

static void scan_prepare(void *arg, size_t i)
{
	struct scan *sc = arg;
	struct file_load *fl = &sc->slot[i % SCAN_WINDOW];

	memset(fl, 0, sizeof(*fl));
	fl->name = sc->names[i];
	load_prepare(sc->sd, fl);
}

static void scan_apply(void *arg, size_t i)
{
	struct scan *sc = arg;
	struct file_load *fl = &sc->slot[i % SCAN_WINDOW];

	load_apply(sc->sd, fl);
	file_load_free(fl);
}

/* Loads the files names[0..n) in order, decoding on worker threads. */
static void load_all(struct statedir *sd, char **names, size_t n)
{
	struct scan *sc = xcalloc(1, sizeof(*sc));
	size_t workers = n < SCAN_MIN_FILES ? 0 :
			 pipeline_workers(SCAN_MAX_WORKERS);

	sc->sd = sd;
	sc->names = names;
	pipeline_run(n, SCAN_WINDOW, workers, scan_prepare, scan_apply, sc);
	free(sc);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Loads every wanted file and drops entries for files no longer there. */
static int rescan(struct statedir *sd, char **err)
{
	DIR *d = opendir(sd->dir);
	if (!d) {
		*err = xasprintf("state dir %s: %s", sd->dir, strerror(errno));
		return -1;
	}
	struct strvec names = { 0 };
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!wanted_name(de->d_name))
			continue;
		if (de->d_type == DT_DIR)
			continue;
		strvec_push(&names, xstrdup(de->d_name));
	}
	closedir(d);
	if (names.n)
		qsort(names.v, names.n, sizeof(*names.v), cmp_str);

	/* Files that vanished while nobody watched. */
	struct strvec gone = { 0 };
	struct map_iter it;
	struct map_entry *e;
	map_iter_init(&sd->files, &it);
	while ((e = map_iter_next(&sd->files, &it)))
		if (!names.n || !bsearch(&(const char *){ e->key }, names.v,
					 names.n, sizeof(*names.v), cmp_str))
			strvec_push(&gone, xstrdup(e->key));
	for (size_t i = 0; i < gone.n; i++)
		drop_file(sd, gone.v[i]);
	strvec_free(&gone);

	uint64_t t0 = now_mono_ns();
	sd->bulk = true;
	load_all(sd, names.v, names.n);
	sd->bulk = false;
	/* Decoding left freed memory all over the heap (and the workers'
	 * heaps); hand what is free back to the system. */
	malloc_trim(0);
	struct store_stats st;
	store_stats(sd->store, &st);
	log_info("%s: %zu file(s) loaded in %.1f ms: %zu services, %zu endpoints",
		 sd->dir, names.n, (double)(now_mono_ns() - t0) / 1e6,
		 st.services, st.endpoints);
	strvec_free(&names);
	return 0;
}

int statedir_load(struct statedir *sd, char **err)
{
	return rescan(sd, err);
}

static bool is_symlink(const struct statedir *sd, const char *name)
{
	char *path = source_of(sd, name);
	struct stat st;
	bool link = lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
	free(path);
	return link;
}

static void on_inotify(evutil_socket_t fd, short what, void *arg)
{
	struct statedir *sd = arg;
	char buf[64 * 1024] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool full = false;

	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			break;
		for (char *p = buf; p < buf + n;) {
			struct inotify_event *ev = (struct inotify_event *)p;
			p += sizeof(*ev) + ev->len;
			if (ev->mask & IN_Q_OVERFLOW) {
				full = true;
				continue;
			}
			if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF)) {
				log_error("state dir %s was removed; its objects stay in force until svcd restarts",
					  sd->dir);
				continue;
			}
			if (!ev->len)
				continue;
			/* Kubernetes ConfigMap volumes swap a "..data"
			 * symlink: everything may have changed at once. */
			if (strcmp(ev->name, "..data") == 0) {
				full = true;
				continue;
			}
			if (!wanted_name(ev->name) || (ev->mask & IN_ISDIR))
				continue;
			/* A new regular file is read once it is closed; only
			 * a new symlink has no close event to wait for. */
			if ((ev->mask & IN_CREATE) && !is_symlink(sd, ev->name))
				continue;
			if (ev->mask & (IN_DELETE | IN_MOVED_FROM))
				drop_file(sd, ev->name);
			else
				load_file(sd, ev->name);
		}
	}
	if (full) {
		char *err = NULL;
		if (rescan(sd, &err) < 0) {
			log_error("%s", err);
			free(err);
		}
	}
}

int statedir_watch(struct statedir *sd, struct event_base *base, char **err)
{
	if (sd->ev)
		return 0;
	if (sd->inotify_fd < 0)
		sd->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (sd->inotify_fd < 0) {
		*err = xasprintf("inotify: %s", strerror(errno));
		return -1;
	}
	uint32_t mask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM |
			IN_DELETE | IN_CREATE | IN_DELETE_SELF | IN_MOVE_SELF;
	if (inotify_add_watch(sd->inotify_fd, sd->dir, mask) < 0) {
		*err = xasprintf("state dir %s: %s", sd->dir, strerror(errno));
		return -1;
	}
	sd->ev = event_new(base, sd->inotify_fd, EV_READ | EV_PERSIST,
			   on_inotify, sd);
	event_add(sd->ev, NULL);
	return 0;
}

static int cmp_file(const void *a, const void *b)
{
	const struct statedir_file *const *fa = a, *const *fb = b;
	return strcmp((*fa)->name, (*fb)->name);
}

const struct statedir_file **statedir_files(const struct statedir *sd,
					    size_t *n)
{
	const struct statedir_file **v =
		xcalloc(sd->files.count, sizeof(*v));
	struct map_iter it;
	struct map_entry *e;
	size_t i = 0;
	map_iter_init(&sd->files, &it);
	while ((e = map_iter_next(&sd->files, &it)))
		v[i++] = e->value;
	if (i)
		qsort(v, i, sizeof(*v), cmp_file);
	*n = i;
	return v;
}

const struct statedir_file *statedir_file(const struct statedir *sd,
					  const char *name)
{
	return map_get(&sd->files, name);
}

void statedir_stats(const struct statedir *sd, struct statedir_stats *out)
{
	memset(out, 0, sizeof(*out));
	out->files = sd->files.count;
	out->loads = sd->loads;
	out->load_errors = sd->load_errors;
	out->load_ns = sd->load_ns;
	out->update_ns = sd->update_ns;
	out->last_update_ns = sd->last_update_ns;
	struct map_iter it;
	struct map_entry *e;
	map_iter_init(&sd->files, &it);
	while ((e = map_iter_next(&sd->files, &it)))
		if (((struct statedir_file *)e->value)->errors.n)
			out->files_with_errors++;
}

void statedir_problems(const struct statedir *sd, struct strvec *out)
{
	size_t n;
	const struct statedir_file **files = statedir_files(sd, &n);
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < files[i]->errors.n; j++)
			strvec_push(out, xstrdup(files[i]->errors.v[j]));
	free(files);
	store_conflicts(sd->store, out);
}

/* Only plain names: no path separators, no way out of the directory. */
static bool safe_name(const char *name)
{
	return wanted_name(name) && !strchr(name, '/') &&
	       strlen(name) < NAME_MAX;
}

int statedir_write(struct statedir *sd, const char *name, const char *data,
		   size_t len, char **err)
{
	if (!safe_name(name)) {
		*err = xasprintf("%s: not a state-dir file name", name);
		return -1;
	}
	char *tmp = xasprintf("%s/.%s.XXXXXX", sd->dir, name);
	char *path = source_of(sd, name);
	int rc = -1;
	int fd = mkstemp(tmp);
	if (fd < 0) {
		*err = xasprintf("%s: %s", tmp, strerror(errno));
		goto out;
	}
	size_t off = 0;
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	if (off < len || fchmod(fd, 0644) < 0 || fsync(fd) < 0) {
		*err = xasprintf("%s: %s", tmp, strerror(errno ? errno : EIO));
		close(fd);
		unlink(tmp);
		goto out;
	}
	close(fd);
	if (rename(tmp, path) < 0) {
		*err = xasprintf("%s: %s", path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	/* Applied now, so the caller sees the result; the inotify event
	 * that follows finds nothing changed. */
	load_file(sd, name);
	rc = 0;
out:
	free(tmp);
	free(path);
	return rc;
}

int statedir_unlink(struct statedir *sd, const char *name, char **err)
{
	if (!safe_name(name)) {
		*err = xasprintf("%s: not a state-dir file name", name);
		return -1;
	}
	char *path = source_of(sd, name);
	int rc = unlink(path);
	if (rc < 0)
		*err = xasprintf("%s: %s", path, strerror(errno));
	else
		drop_file(sd, name);
	free(path);
	return rc;
}
