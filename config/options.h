/*
 * options.h: the table of svcd's flags, private to config/.
 *
 * Every flag is one struct config_opt: its long name, the kind of value
 * it takes and the functions that check and store a value.  options.c
 * holds the table and the per-value checks, config_file.c reads the JSON
 * file through it, config.c the command line.  A value is checked by the
 * same function wherever it was written.
 */
#ifndef SVCD_CONFIG_OPTIONS_H
#define SVCD_CONFIG_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "config/config.h"
#include "lib/util.h"

enum config_opt_kind {
	OPT_STRING, /* a char * at off, checked (and normalised) by check */
	OPT_VALUE,  /* parsed and stored by set */
	OPT_LIST,   /* repeatable: set appends one value, clear empties */
	OPT_BOOL,   /* a bool at off; the flag takes no value */
};

struct config_opt {
	const char *name; /* the long flag without "--" */
	enum config_opt_kind kind;
	size_t off;
	/* Both return NULL, or why the value is bad, worded to follow the
	 * quoted value in a message: "abc" is not a number ... */
	const char *(*check)(char *v);
	const char *(*set)(struct svcd_config *cfg, const char *v);
	void (*clear)(struct svcd_config *cfg);
	bool cli_only; /* --config, --help, --version: no file key */
	bool number;   /* the file key takes a JSON integer */
};

extern const struct config_opt config_opts[];
extern const size_t config_n_opts;

const struct config_opt *config_opt_by_flag(const char *name, size_t len);
/* The key is the flag name with '-' written '_'; NULL for cli_only. */
const struct config_opt *config_opt_by_key(const char *key);
/* Stores one value (a list gains one); NULL or why the value is bad. */
const char *config_opt_apply(struct svcd_config *cfg,
			     const struct config_opt *o, const char *v);
static inline bool *config_opt_bool(struct svcd_config *cfg,
				    const struct config_opt *o)
{
	return (bool *)((char *)cfg + o->off);
}
/* The defaults that stand alone, stored before anything is read. */
void config_set_defaults(struct svcd_config *cfg);

/* config.c: "<where>: <value> <why>", the value quoted and escaped so the
 * message stays one line (a number is shown as it is). */
void config_buf_quote(struct buf *b, const char *s);
char *config_value_error(const char *where, const char *v, bool quote,
			 const char *why);

/* config_file.c: applies every key of the JSON file at path. */
char *config_read_file(struct svcd_config *cfg, const char *path);

#endif
