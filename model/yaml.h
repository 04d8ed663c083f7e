/*
 * yaml.h: YAML text to jansson trees, so one decoder serves YAML and JSON.
 *
 * Every `---` separated document becomes one JSON value.  Plain scalars
 * are typed as the YAML 1.2 core schema says (null, booleans, decimal,
 * 0x and 0o integers, floats; everything else is a string); quoted and
 * block scalars and `!!str` ones are strings.  `.inf` and `.nan` stay
 * strings because JSON cannot hold them.  Anchors and aliases share one
 * jansson node; `<<` merge keys are honoured.
 *
 * Limits keep hostile input cheap: nesting deeper than YAML_MAX_DEPTH and
 * alias expansion past a budget proportional to the input ("billion
 * laughs") are errors, as are duplicate and non-scalar mapping keys.
 */
#ifndef SVCD_YAML_H
#define SVCD_YAML_H

#include <stddef.h>

#include <jansson.h>

#define YAML_MAX_DEPTH 256
/* The expanded tree may weigh at most YAML_MAX_WEIGHT plus the input
 * length, counting one per node and one per 16 bytes of scalar text, so
 * aliases can never make it much bigger than the text that was read. */
#define YAML_MAX_WEIGHT 1000000

/* Parses a YAML stream.  Returns a new JSON array with one element per
 * complete document (an empty document is JSON null); never NULL.  On a
 * syntax error or a limit, *err is set to "LINE:COLUMN: reason" (the
 * caller frees it) and the array holds the documents before the bad one;
 * otherwise *err is NULL. */
json_t *yaml_load_json(const char *data, size_t len, char **err);

#endif
