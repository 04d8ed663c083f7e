/*
 * statedir.h: the state-dir source, svcd's embedded default.
 *
 * Every *.json, *.yaml and *.yml file of one directory is a source of
 * objects; names starting with '.' are ignored (editors' and svcctl's
 * temporary files), as are sub-directories.  inotify reports files that
 * are written (close after write), renamed in or out, and deleted; each
 * becomes one store update for that file.  A queue overflow, or the
 * ConfigMap-style "..data" symlink swap, triggers a full rescan.
 *
 * A file that cannot be read or parsed keeps all its previous objects in
 * force.  A file that parses but holds invalid objects has its good
 * objects applied; each invalid object keeps its previous version (when
 * it had one) until the file is fixed.  Either way the errors are kept
 * per file for `svcctl status` and `svcd --check`, and logged once.
 */
#ifndef SVCD_STATEDIR_H
#define SVCD_STATEDIR_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/util.h"
#include "model/store.h"

struct event_base;
struct statedir;

/* Called after every store update the state dir made; cs is the
 * callee's to read, the state dir frees it afterwards. */
typedef void (*statedir_cb)(void *arg, const struct changeset *cs);

struct statedir_file {
	const char *name;      /* file name inside the directory */
	size_t objects;        /* objects this file holds in the store */
	struct strvec errors;  /* problems of the last load; empty when good */
	int64_t loaded;        /* wall-clock time of the last load */
};

struct statedir_stats {
	size_t files, files_with_errors;
	uint64_t loads, load_errors;
	uint64_t load_ns;        /* reading, decoding and applying, summed */
	uint64_t update_ns;      /* store and view updates alone, summed */
	uint64_t last_update_ns; /* the last store and view update */
};

struct statedir *statedir_new(const char *dir, struct store *st,
			      statedir_cb cb, void *arg);
void statedir_free(struct statedir *sd);

/* Loads every file (sorted by name, so conflicts settle the same way on
 * every start).  Returns -1 with *err set when the directory itself
 * cannot be read; file problems are only recorded per file. */
int statedir_load(struct statedir *sd, char **err);
/* Starts following changes on base; call it before statedir_load() so
 * no change slips between the two.  Returns -1 with *err set (the
 * directory may not exist yet); calling it again retries, and once it
 * succeeded further calls do nothing. */
int statedir_watch(struct statedir *sd, struct event_base *base, char **err);

const char *statedir_path(const struct statedir *sd);
/* Files sorted by name; the array is the caller's to free. */
const struct statedir_file **statedir_files(const struct statedir *sd,
					    size_t *n);
/* One file's entry by name, or NULL. */
const struct statedir_file *statedir_file(const struct statedir *sd,
					  const char *name);
void statedir_stats(const struct statedir *sd, struct statedir_stats *out);
/* Every current problem: file errors, then store conflicts. */
void statedir_problems(const struct statedir *sd, struct strvec *out);

/* Writes `data` to `name` in the directory atomically (temporary dot
 * file, fsync, rename) and loads it at once.  Returns -1 with *err. */
int statedir_write(struct statedir *sd, const char *name, const char *data,
		   size_t len, char **err);
/* Deletes `name` from the directory and drops its objects. */
int statedir_unlink(struct statedir *sd, const char *name, char **err);
/* Name of the file (inside the directory) holding a store source, or
 * NULL when the source is not one of this directory's files. */
const char *statedir_file_of(const struct statedir *sd, const char *source);

#endif
