/*
 * decode_internal.h: what the per-kind decoders share (decode*.c only).
 *
 * A decoder walks one object's JSON tree and stops at the first problem:
 * every reader returns false after recording "PATH: reason" in the
 * context, so callers just return false too.  Field paths are chains of
 * segments on the C stack (built with FIELD/INDEX/KEY as arguments), so
 * nothing is allocated unless an error message is written.
 *
 * Internal names carry the dc_ prefix (decode context).
 *
 * "Absent" means missing or JSON null everywhere: kubectl prints nulls
 * ("creationTimestamp": null) for fields that are not set.
 */
#ifndef SVCD_DECODE_INTERNAL_H
#define SVCD_DECODE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "lib/arena.h"
#include "lib/json.h"
#include "lib/util.h"
#include "model/object.h"

enum seg_type { SEG_FIELD, SEG_INDEX, SEG_KEY };

/* One step of a field path: ".name", "[3]" or "[key]". */
struct fpath {
	const struct fpath *up;
	const char *name;
	size_t index;
	enum seg_type type;
};

#define FIELD(parent, nm) \
	(&(const struct fpath){ .up = (parent), .name = (nm), .type = SEG_FIELD })
#define INDEX(parent, i) \
	(&(const struct fpath){ .up = (parent), .index = (i), .type = SEG_INDEX })
#define KEY(parent, k) \
	(&(const struct fpath){ .up = (parent), .name = (k), .type = SEG_KEY })

struct dctx {
	char *err; /* "PATH: reason" of the first problem; NULL when none */
};

/* Records the first problem at path p; always returns false. */
bool dc_fail(struct dctx *c, const struct fpath *p, const char *fmt, ...)
	PRINTF(3, 4);
/* Writes path p ("spec.ports[0].port") to b. */
void dc_path(struct buf *b, const struct fpath *p);

/* A string quoted for a message: escaped, cut at 64 characters.  Each
 * call uses the next of a few static buffers, so up to four quotes fit in
 * one message. */
const char *dc_quote(const char *s);

/* Member key of obj, or NULL when obj is no object, or the member is
 * missing or null. */
json_t *dc_get(const json_t *obj, const char *key);

/* Fails unless v (at p) has type t; "must be an integer, got string". */
bool dc_want(struct dctx *c, const json_t *v, const struct fpath *p,
	     json_type t);
/* v must be a string without NUL bytes; *out borrows it. */
bool dc_str_value(struct dctx *c, const json_t *v, const struct fpath *p,
		  const char **out);

/* Field readers: obj is the parent object, p its path, key the field.
 * Absent optional fields leave *out NULL/default and succeed. */
bool dc_string(struct dctx *c, const json_t *obj, const struct fpath *p,
	       const char *key, bool required, const char **out);
bool dc_object(struct dctx *c, const json_t *obj, const struct fpath *p,
	       const char *key, bool required, json_t **out);
bool dc_array(struct dctx *c, const json_t *obj, const struct fpath *p,
	      const char *key, bool required, json_t **out);
/* *out: 1 true, 0 false, -1 absent. */
bool dc_bool(struct dctx *c, const json_t *obj, const struct fpath *p,
	     const char *key, int *out);
/* Integer in [min, max]; *out = 0 when absent (and not required). */
bool dc_int(struct dctx *c, const json_t *obj, const struct fpath *p,
	    const char *key, bool required, long long min, long long max,
	    long long *out);
bool dc_port(struct dctx *c, const json_t *obj, const struct fpath *p,
	     const char *key, bool required, uint16_t *out);
/* One of names[0..n); *out = dflt when absent. */
bool dc_enum(struct dctx *c, const json_t *obj, const struct fpath *p,
	     const char *key, const char *const *names, int n, int dflt,
	     int *out);
bool dc_proto(struct dctx *c, const json_t *obj, const struct fpath *p,
	      enum l4proto *out);
/* v must be a string holding an IP address. */
bool dc_ip(struct dctx *c, const json_t *v, const struct fpath *p,
	   struct ipaddr *out);
/* Label map (metadata.labels, spec.selector); absent gives n == 0. */
bool dc_labels(struct dctx *c, const json_t *obj, const struct fpath *p,
	       const char *key, struct labels *out);
/* Optional DNS-1123 label field; *out borrows it (NULL when absent or
 * ""). */
bool dc_dns_label(struct dctx *c, const json_t *obj, const struct fpath *p,
		  const char *key, const char **out);

/* xstrdup that passes NULL through. */
char *dc_dup(const char *s);

/* Name validators: NULL when s is valid, else why not. */
const char *dc_dns1123_label_err(const char *s);
const char *dc_dns1035_label_err(const char *s);
/* strict: every dot-separated label at most 63 characters. */
const char *dc_dns1123_subdomain_err(const char *s, bool strict);
const char *dc_label_key_err(const char *s);
const char *dc_label_value_err(const char *s);
const char *dc_iana_svc_name_err(const char *s);

/* hash_bytes() of json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS), without
 * making the text. */
uint64_t dc_digest(const json_t *v);

/* decode_mem.c: between these two calls, jansson allocates on this
 * thread from the arena `a`, whose first chunk is buf[0..size). */
void dc_mem_begin(struct arena *a, void *buf, size_t size);
void dc_mem_end(struct arena *a);

/* RFC 3339 time to unix seconds. */
bool dc_rfc3339(const char *s, int64_t *out);

/* The per-kind decoders fill obj->u from the object's JSON. */
bool decode_service(struct dctx *c, const json_t *item, struct k8s_object *obj);
bool decode_endpoint_slice(struct dctx *c, const json_t *item,
			   struct k8s_object *obj);
bool decode_endpoints(struct dctx *c, const json_t *item,
		      struct k8s_object *obj);
bool decode_pod(struct dctx *c, const json_t *item, struct k8s_object *obj);
/* metadata, with the name rules of `kind`.  The object is made once its
 * name is known to be valid: *out is NULL or the caller's to free. */
bool decode_meta(struct dctx *c, const json_t *item, enum k8s_kind kind,
		 struct k8s_object **out);

/* Endpoint port lists are the same in slices and legacy subsets. */
bool decode_endpoint_ports(struct dctx *c, const json_t *parent,
			   const struct fpath *p, bool port_required,
			   struct endpoint_group *g);

#endif
