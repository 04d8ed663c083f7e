/*
 * config_file.c: the --config file, one JSON object of flag settings.
 *
 * Each key is a flag name with '-' written '_'; its value goes through
 * the same check as the flag's (options.c).  The JSON type must match
 * the flag: an array of strings for a repeatable flag, true/false for a
 * switch, an integer for dns_ttl, a string for the rest.  Nothing is
 * coerced, so a wrong type is an error that names the key, not a
 * surprise later.  Duplicate keys are rejected (which one won would
 * depend on the parser), so a list key, read while every list is still
 * empty, fills its list exactly once.
 */
#include "config/options.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json.h"

static char *file_list(struct svcd_config *cfg, const struct config_opt *o,
		       const char *where, json_t *val)
{
	size_t i;
	json_t *elem;

	if (!json_is_array(val))
		return xasprintf("%s: must be an array of strings, got %s",
				 where, json_type_name(val));
	json_array_foreach(val, i, elem) {
		const char *s, *why;

		if (!json_is_string(elem))
			return xasprintf("%s: must be an array of strings, "
					 "got %s at index %zu", where,
					 json_type_name(elem), i);
		s = json_string_value(elem);
		why = o->set(cfg, s);
		if (why)
			return config_value_error(where, s, true, why);
	}
	return NULL;
}

static char *file_scalar(struct svcd_config *cfg, const struct config_opt *o,
			 const char *where, json_t *val)
{
	char num[32];
	const char *s, *why;

	if (o->kind == OPT_BOOL) {
		if (!json_is_boolean(val))
			return xasprintf("%s: must be true or false, got %s",
					 where, json_type_name(val));
		*config_opt_bool(cfg, o) = json_is_true(val);
		return NULL;
	}
	if (o->number) {
		if (!json_is_integer(val))
			return xasprintf("%s: must be an integer, got %s",
					 where, json_type_name(val));
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
			 json_integer_value(val));
		why = config_opt_apply(cfg, o, num);
		return why ? config_value_error(where, num, false, why) : NULL;
	}
	if (!json_is_string(val))
		return xasprintf("%s: must be a string, got %s", where,
				 json_type_name(val));
	s = json_string_value(val);
	why = config_opt_apply(cfg, o, s);
	return why ? config_value_error(where, s, true, why) : NULL;
}

static char *file_key(struct svcd_config *cfg, const char *path,
		      const char *key, json_t *val)
{
	const struct config_opt *o = config_opt_by_key(key);
	struct buf b = { 0 };
	char *where, *err;

	if (!o) {
		buf_printf(&b, "%s: unknown key ", path);
		config_buf_quote(&b, key);
		return buf_take(&b);
	}
	where = xasprintf("%s: key \"%s\"", path, key);
	if (o->kind == OPT_LIST)
		err = file_list(cfg, o, where, val);
	else
		err = file_scalar(cfg, o, where, val);
	free(where);
	return err;
}

char *config_read_file(struct svcd_config *cfg, const char *path)
{
	json_error_t jerr;
	const char *key;
	json_t *root, *val;
	char *text, *err = NULL;
	size_t len;

	text = read_file(path, &len);
	if (!text)
		return xasprintf("--config: %s: %s", path, strerror(errno));
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	free(text);
	if (!root)
		return xasprintf("%s:%d:%d: invalid JSON: %s", path, jerr.line,
				 jerr.column, jerr.text);
	if (!json_is_object(root))
		err = xasprintf("%s: must be one JSON object, got %s", path,
				json_type_name(root));
	else
		json_object_foreach(root, key, val) {
			err = file_key(cfg, path, key, val);
			if (err)
				break;
		}
	json_decref(root);
	return err;
}
