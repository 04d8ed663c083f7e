/*
 * decode.h: Kubernetes manifests (JSON or YAML) to validated objects.
 *
 * A document is one object or a List of objects (kubectl's -o json/-o
 * yaml output, or `kind: List`, or any `*List` kind with `items`).  YAML
 * input may hold several `---` separated documents; it is converted to a
 * JSON tree first, so one decoder serves both formats.
 *
 * Each object is validated alone: a bad object is reported and skipped,
 * the good ones around it are kept.  Every error names the file, the
 * object (Kind namespace/name, or the item's position when it has no
 * name), the field path and the reason, e.g.
 *   web.yaml: Service default/web: spec.ports[0].port: 70000 is out of range 1-65535
 * Syntax errors name the file, line and column.  Objects of kinds svcd
 * does not use (Deployment, ConfigMap...) are skipped without error.
 */
#ifndef SVCD_DECODE_H
#define SVCD_DECODE_H

#include <stddef.h>

#include "lib/util.h"
#include "model/object.h"

enum doc_format { DOC_AUTO, DOC_JSON, DOC_YAML };

struct decode_result {
	struct k8s_object **objs; /* owned */
	size_t n, cap;
	struct strvec errors;     /* one line per rejected object / syntax error */
	size_t skipped;           /* objects of kinds svcd does not use */
	struct strvec rejected;   /* "Kind/namespace/name" of rejected objects
				     whose kind, namespace and name were
				     readable, so a source can keep their
				     previous versions */
	bool incomplete;          /* a syntax error hid part of the input */
	bool keep_json;           /* set by the caller to have json[] filled */
	char **json;              /* with keep_json: each decoded object's
				     canonical compact JSON (the text its
				     digest hashes), parallel to objs */
};

/* DOC_AUTO: JSON when the first non-blank byte is '{' or '[', else YAML.
 * `file` is only used in messages.  Never fails as a whole: what could
 * not be decoded is in out->errors.  Returns the number of errors. */
size_t decode_buffer(const char *file, const char *data, size_t len,
		     enum doc_format fmt, struct decode_result *out);
/* Frees objects and errors still held by the result. */
void decode_result_free(struct decode_result *r);

/* Format from a file name: DOC_JSON for *.json, DOC_YAML for *.yaml and
 * *.yml, DOC_AUTO otherwise. */
enum doc_format doc_format_for(const char *path);

#endif
