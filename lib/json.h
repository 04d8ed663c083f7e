/*
 * json.h: what every jansson user in svcd shares.
 */
#ifndef SVCD_JSON_H
#define SVCD_JSON_H

#include <jansson.h>

/* "object", "array", "string", "integer", "number", "boolean", "null":
 * the word error messages use for a value of the wrong type. */
const char *json_type_name(const json_t *v);

#endif
