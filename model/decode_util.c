/*
 * decode_util.c: typed field readers for the decoders (decode_internal.h).
 *
 * Each reader checks one field's JSON type and range and, on a problem,
 * records a message that names the full field path and what was wrong
 * ("spec.ports[0].port: must be an integer, got string").  Strings are
 * borrowed from the JSON tree; the decoders copy what they keep.
 */
#include "model/decode_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QUOTE_MAX 64

static void escape(struct buf *b, const char *s, size_t max)
{
	size_t i;

	for (i = 0; s[i] && i < max; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '"' || ch == '\\')
			buf_printf(b, "\\%c", ch);
		else if (ch < 0x20 || ch >= 0x7f)
			buf_printf(b, "\\x%02x", ch);
		else
			buf_add(b, s + i, 1);
	}
	if (s[i])
		buf_puts(b, "...");
}

void dc_path(struct buf *b, const struct fpath *p)
{
	if (!p)
		return;
	dc_path(b, p->up);
	switch (p->type) {
	case SEG_FIELD:
		if (p->up)
			buf_puts(b, ".");
		buf_puts(b, p->name);
		break;
	case SEG_INDEX:
		buf_printf(b, "[%zu]", p->index);
		break;
	case SEG_KEY:
		buf_puts(b, "[");
		escape(b, p->name, QUOTE_MAX);
		buf_puts(b, "]");
		break;
	}
}

bool dc_fail(struct dctx *c, const struct fpath *p, const char *fmt, ...)
{
	struct buf b = { 0 };
	va_list ap;

	if (c->err)
		return false;
	dc_path(&b, p);
	if (b.len)
		buf_puts(&b, ": ");
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	c->err = buf_take(&b);
	return false;
}

const char *dc_quote(const char *s)
{
	static _Thread_local char bufs[4][QUOTE_MAX * 4 + 8];
	static _Thread_local unsigned next;
	char *out = bufs[next++ % 4];
	struct buf b = { 0 };

	buf_puts(&b, "\"");
	escape(&b, s, QUOTE_MAX);
	buf_puts(&b, "\"");
	snprintf(out, sizeof(bufs[0]), "%s", b.p);
	buf_free(&b);
	return out;
}

json_t *dc_get(const json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	return json_is_null(v) ? NULL : v;
}

bool dc_want(struct dctx *c, const json_t *v, const struct fpath *p,
	     json_type t)
{
	static const char *const want[] = {
		[JSON_OBJECT] = "an object", [JSON_ARRAY] = "an array",
		[JSON_STRING] = "a string",  [JSON_INTEGER] = "an integer",
		[JSON_REAL] = "a number",    [JSON_TRUE] = "a boolean",
		[JSON_FALSE] = "a boolean",  [JSON_NULL] = "null",
	};
	json_type got = json_typeof(v);

	if (got == t || (t == JSON_TRUE && got == JSON_FALSE))
		return true;
	return dc_fail(c, p, "must be %s, got %s", want[t], json_type_name(v));
}

bool dc_str_value(struct dctx *c, const json_t *v, const struct fpath *p,
		  const char **out)
{
	if (!dc_want(c, v, p, JSON_STRING))
		return false;
	*out = json_string_value(v);
	if (strlen(*out) == json_string_length(v))
		return true;
	*out = NULL;
	return dc_fail(c, p, "must not contain NUL characters");
}

bool dc_string(struct dctx *c, const json_t *obj, const struct fpath *p,
	       const char *key, bool required, const char **out)
{
	json_t *v = dc_get(obj, key);

	*out = NULL;
	if (!v)
		return !required || dc_fail(c, FIELD(p, key), "is required");
	return dc_str_value(c, v, FIELD(p, key), out);
}

static bool typed(struct dctx *c, const json_t *obj, const struct fpath *p,
		  const char *key, bool required, json_type t, json_t **out)
{
	json_t *v = dc_get(obj, key);

	*out = NULL;
	if (!v)
		return !required || dc_fail(c, FIELD(p, key), "is required");
	if (!dc_want(c, v, FIELD(p, key), t))
		return false;
	*out = v;
	return true;
}

bool dc_object(struct dctx *c, const json_t *obj, const struct fpath *p,
	       const char *key, bool required, json_t **out)
{
	return typed(c, obj, p, key, required, JSON_OBJECT, out);
}

bool dc_array(struct dctx *c, const json_t *obj, const struct fpath *p,
	      const char *key, bool required, json_t **out)
{
	return typed(c, obj, p, key, required, JSON_ARRAY, out);
}

bool dc_bool(struct dctx *c, const json_t *obj, const struct fpath *p,
	     const char *key, int *out)
{
	json_t *v;

	*out = -1;
	if (!typed(c, obj, p, key, false, JSON_TRUE, &v))
		return false;
	if (v)
		*out = json_is_true(v);
	return true;
}

bool dc_int(struct dctx *c, const json_t *obj, const struct fpath *p,
	    const char *key, bool required, long long min, long long max,
	    long long *out)
{
	json_t *v;

	*out = 0;
	if (!typed(c, obj, p, key, required, JSON_INTEGER, &v))
		return false;
	if (!v)
		return true;
	long long n = json_integer_value(v);
	if (n < min || n > max)
		return dc_fail(c, FIELD(p, key), "%lld is out of range %lld-%lld",
			       n, min, max);
	*out = n;
	return true;
}

bool dc_port(struct dctx *c, const json_t *obj, const struct fpath *p,
	     const char *key, bool required, uint16_t *out)
{
	long long n;

	if (!dc_int(c, obj, p, key, required, 1, 65535, &n))
		return false;
	*out = (uint16_t)n;
	return true;
}

bool dc_enum(struct dctx *c, const json_t *obj, const struct fpath *p,
	     const char *key, const char *const *names, int n, int dflt,
	     int *out)
{
	const char *s;

	*out = dflt;
	if (!dc_string(c, obj, p, key, false, &s))
		return false;
	if (!s)
		return true;
	for (int i = 0; i < n; i++) {
		if (strcmp(s, names[i]) == 0) {
			*out = i;
			return true;
		}
	}
	struct buf b = { 0 };
	for (int i = 0; i < n; i++)
		buf_printf(&b, "%s%s", i ? ", " : "", names[i]);
	dc_fail(c, FIELD(p, key), "%s is not one of %s", dc_quote(s), b.p);
	buf_free(&b);
	return false;
}

bool dc_proto(struct dctx *c, const json_t *obj, const struct fpath *p,
	      enum l4proto *out)
{
	static const char *const names[] = { "TCP", "UDP", "SCTP" };
	int v;

	if (!dc_enum(c, obj, p, "protocol", names, 3, PROTO_TCP, &v))
		return false;
	*out = (enum l4proto)v;
	return true;
}

bool dc_ip(struct dctx *c, const json_t *v, const struct fpath *p,
	   struct ipaddr *out)
{
	const char *s;

	if (!dc_str_value(c, v, p, &s))
		return false;
	if (!addr_parse(s, out))
		return dc_fail(c, p, "%s is not a valid IP address",
			       dc_quote(s));
	return true;
}

static bool label_pair(struct dctx *c, const struct fpath *p, const char *k,
		       const json_t *v, struct label *out, char **values)
{
	const char *why = dc_label_key_err(k), *s = "";

	if (why)
		return dc_fail(c, p, "%s is not a valid label key: %s",
			       dc_quote(k), why);
	/* Go decodes a null map value to "". */
	if (!json_is_null(v) && !dc_str_value(c, v, KEY(p, k), &s))
		return false;
	why = dc_label_value_err(s);
	if (why)
		return dc_fail(c, KEY(p, k), "%s is not a valid label value: %s",
			       dc_quote(s), why);
	size_t n = strlen(s) + 1;
	out->key = intern(k);
	out->value = memcpy(*values, s, n);
	*values += n;
	return true;
}

bool dc_labels(struct dctx *c, const json_t *obj, const struct fpath *p,
	       const char *key, struct labels *out)
{
	const struct fpath *fp = FIELD(p, key);
	json_t *m, *v;
	const char *k;
	size_t i = 0;

	if (!dc_object(c, obj, p, key, false, &m))
		return false;
	if (!m || !json_object_size(m))
		return true;
	/* The array and the values share one block (object.h). */
	out->n = json_object_size(m);
	size_t size = out->n * sizeof(*out->v);
	json_object_foreach(m, k, v)
		size += (json_is_string(v) ? json_string_length(v) : 0) + 1;
	out->v = xcalloc(1, size);
	char *values = (char *)(out->v + out->n);
	json_object_foreach(m, k, v)
		if (!label_pair(c, fp, k, v, &out->v[i++], &values))
			return false;
	return true;
}

bool dc_dns_label(struct dctx *c, const json_t *obj, const struct fpath *p,
		  const char *key, const char **out)
{
	const char *s, *why;

	*out = NULL;
	if (!dc_string(c, obj, p, key, false, &s))
		return false;
	if (!s || !*s)
		return true;
	why = dc_dns1123_label_err(s);
	if (why)
		return dc_fail(c, FIELD(p, key),
			       "%s is not a valid DNS-1123 label: %s",
			       dc_quote(s), why);
	*out = s;
	return true;
}

char *dc_dup(const char *s)
{
	return s ? xstrdup(s) : NULL;
}
