/*
 * decode.c: manifests to validated objects (decode.h).
 *
 * Text becomes a list of documents first (jansson for JSON, yaml.c for
 * YAML, both allocating from decode_mem.c's arena); each document is one
 * object, a List (`kind: List`, or any `*List` kind with `items`), or an
 * array of objects.  Items are then decoded one by one: a bad item adds
 * exactly one error line and is dropped, the others are kept.
 *
 * Items are numbered from 1 in messages, as are documents:
 *   web.yaml: Service (document 2, item 5): metadata.name: is required
 * The digest of an object is hash_bytes() over json_dumps(item,
 * JSON_COMPACT | JSON_SORT_KEYS); decode_digest.c hashes those bytes
 * without making the text, which is made only when the caller asks for
 * it (keep_json).  An item of a typed List gets its inferred kind and
 * apiVersion first, so the text stands alone and the digest does not
 * depend on how the object was listed.
 */
#include "model/decode.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "model/decode_internal.h"
#include "model/yaml.h"

#define JSON_MAX_DEPTH YAML_MAX_DEPTH
#define DECODE_STACK_ARENA 32768

struct run {
	const char *file;
	struct decode_result *out;
};

/* Where an item sits: document and item numbers, from 1; item 0 when the
 * document is the object itself.  kind and api_version are inferred for
 * items of a typed list (ServiceList). */
struct where {
	size_t doc, item;
	const char *kind, *api_version;
};

static bool (*const decoders[KIND_COUNT])(struct dctx *, const json_t *,
					   struct k8s_object *) = {
	[KIND_SERVICE] = decode_service,
	[KIND_ENDPOINT_SLICE] = decode_endpoint_slice,
	[KIND_ENDPOINTS] = decode_endpoints,
	[KIND_POD] = decode_pod,
};

enum doc_format doc_format_for(const char *path)
{
	size_t n = strlen(path);

	if (n >= 5 && strcmp(path + n - 5, ".json") == 0)
		return DOC_JSON;
	if ((n >= 5 && strcmp(path + n - 5, ".yaml") == 0) ||
	    (n >= 4 && strcmp(path + n - 4, ".yml") == 0))
		return DOC_YAML;
	return DOC_AUTO;
}

static size_t skip_bom(const char *data, size_t len)
{
	return len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
}

static size_t skip_space(const char *data, size_t len, size_t i)
{
	while (i < len && strchr(" \t\r\n", data[i]) && data[i])
		i++;
	return i;
}

static enum doc_format sniff(const char *data, size_t len)
{
	size_t i = skip_space(data, len, skip_bom(data, len));
	return i < len && (data[i] == '{' || data[i] == '[') ? DOC_JSON :
							       DOC_YAML;
}

/* Offset of the quote that ends the string whose body starts at i. */
static size_t string_end(const char *p, size_t len, size_t i)
{
	for (;;) {
		const char *q = memchr(p + i, '"', len - i);
		if (!q)
			return len;
		size_t at = (size_t)(q - p), bs = 0;
		while (at - bs > i && p[at - bs - 1] == '\\')
			bs++;
		if (bs % 2 == 0)
			return at;
		i = at + 1;
	}
}

static char *depth_error(const char *p, size_t at)
{
	size_t line = 1, line_start = 0;

	for (size_t i = 0; i < at; i++)
		if (p[i] == '\n') {
			line++;
			line_start = i + 1;
		}
	return xasprintf("%zu:%zu: nesting deeper than %d levels", line,
			 at - line_start + 1, JSON_MAX_DEPTH);
}

/* jansson allows 2048 levels; hold JSON to the same limit as YAML. */
static bool json_depth_ok(const char *p, size_t len, char **err)
{
	size_t depth = 0;

	for (size_t i = 0; i < len; i++) {
		switch (p[i]) {
		case '"':
			i = string_end(p, len, i + 1);
			break;
		case '[':
		case '{':
			if (++depth > JSON_MAX_DEPTH) {
				*err = depth_error(p, i);
				return false;
			}
			break;
		case ']':
		case '}':
			depth -= depth > 0;
			break;
		}
	}
	return true;
}

/* Always an array of documents: none, or the one JSON value. */
static json_t *json_docs(const char *data, size_t len, char **err)
{
	json_t *docs = json_array();
	json_error_t je;
	size_t bom = skip_bom(data, len);

	data += bom;
	len -= bom;
	if (skip_space(data, len, 0) == len || !json_depth_ok(data, len, err))
		return docs;
	json_t *v = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
	if (!v) {
		*err = xasprintf("%d:%d: %s", je.line, je.column, je.text);
		return docs;
	}
	json_array_append_new(docs, v);
	return docs;
}

/* Strings from the input go into messages only when they are plain. */
static bool printable(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (!n || n > 253)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return false;
	return true;
}

/* A string member without NUL bytes, or NULL. */
static const char *str_member(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);
	const char *s = json_string_value(v);

	return s && strlen(s) == json_string_length(v) ? s : NULL;
}

/* The namespace and name an error line shows, if they are readable. */
static bool item_names(const json_t *item, const char **ns, const char **name)
{
	const json_t *md = json_object_get(item, "metadata");

	*name = str_member(md, "name");
	*ns = str_member(md, "namespace");
	if (!*ns || !**ns)
		*ns = "default";
	return printable(*name) && printable(*ns);
}

static void add_error(struct run *r, const json_t *item, const char *kind,
		      const struct where *w, const char *msg)
{
	struct buf b = { 0 };
	const char *ns, *name;

	buf_printf(&b, "%s: %s", r->file, printable(kind) ? kind : "object");
	if (item_names(item, &ns, &name))
		buf_printf(&b, " %s/%s", ns, name);
	else if (w->item)
		buf_printf(&b, " (document %zu, item %zu)", w->doc, w->item);
	else
		buf_printf(&b, " (document %zu)", w->doc);
	buf_printf(&b, ": %s", msg);
	strvec_push(&r->out->errors, buf_take(&b));
}

static int dump_chunk(const char *buf, size_t size, void *data)
{
	buf_add(data, buf, size);
	return 0;
}

/* The digest, and into *text (when not NULL) the canonical JSON. */
static uint64_t item_digest(const json_t *item, char **text)
{
	struct buf b = { 0 };

	if (text) {
		json_dump_callback(item, dump_chunk, &b,
				   JSON_COMPACT | JSON_SORT_KEYS);
		*text = buf_take(&b);
	}
	return dc_digest(item);
}

static int kind_lookup(const char *kind)
{
	for (int k = 0; k < KIND_COUNT; k++)
		if (strcmp(kind, kind_name((enum k8s_kind)k)) == 0)
			return k;
	return -1;
}

/* kind and apiVersion, from the item or else from its typed List. */
static bool item_type(struct dctx *c, const json_t *item,
		      const struct where *w, const char **kind,
		      const char **api)
{
	const char *s;

	if (!dc_string(c, item, NULL, "kind", false, kind) ||
	    !dc_string(c, item, NULL, "apiVersion", false, api))
		return false;
	if (!*kind || !**kind)
		*kind = w->kind;
	if (!*api || !**api)
		*api = w->api_version;
	if (!*kind)
		return dc_fail(c, FIELD(NULL, "kind"), "is required");
	if (!*api)
		return dc_fail(c, FIELD(NULL, "apiVersion"), "is required");
	int k = kind_lookup(*kind);
	if (k < 0)
		return true;
	s = k == KIND_ENDPOINT_SLICE ? "discovery.k8s.io/v1" : "v1";
	if (strcmp(*api, s) != 0)
		return dc_fail(c, FIELD(NULL, "apiVersion"), "must be %s for "
			       "%s, got %s", s, *kind, dc_quote(*api));
	return true;
}

/* json[] has the capacity of objs[] whenever it exists. */
static void push_object(struct decode_result *out, struct k8s_object *obj,
			char *json)
{
	size_t old = out->cap;

	xgrow((void **)&out->objs, &out->cap, out->n + 1, sizeof(*out->objs));
	if (out->json || out->keep_json) {
		if (!out->json)
			old = 0;
		if (!out->json || out->cap != old) {
			out->json = xrealloc(out->json,
					     out->cap * sizeof(*out->json));
			memset(out->json + old, 0,
			       (out->cap - old) * sizeof(*out->json));
		}
		out->json[out->n] = json;
	}
	out->objs[out->n++] = obj;
}

/* Items of a typed List get the kind and apiVersion they were given, so
 * their canonical JSON stands alone (svcctl apply writes it to a file). */
static void fill_type(json_t *item, const char *kind, const char *api)
{
	if (!str_member(item, "kind") || !*str_member(item, "kind"))
		json_object_set_new(item, "kind", json_string(kind));
	if (!str_member(item, "apiVersion") ||
	    !*str_member(item, "apiVersion"))
		json_object_set_new(item, "apiVersion", json_string(api));
}

static void decode_item(struct run *r, json_t *item,
			const struct where *w)
{
	struct dctx c = { 0 };
	const char *kind = NULL, *api, *ns, *name;
	struct k8s_object *obj = NULL;
	int k;

	if (!json_is_object(item)) {
		dc_want(&c, item, NULL, JSON_OBJECT);
	} else if (item_type(&c, item, w, &kind, &api)) {
		if ((k = kind_lookup(kind)) < 0) {
			r->out->skipped++;
			return;
		}
		if (decode_meta(&c, item, (enum k8s_kind)k, &obj) &&
		    decoders[k](&c, item, obj)) {
			char *text = NULL;
			fill_type(item, kind, api);
			obj->digest = item_digest(item, r->out->keep_json ?
						  &text : NULL);
			push_object(r->out, obj, text);
			return;
		}
		object_free(obj);
	}
	add_error(r, item, kind, w, c.err);
	free(c.err);
	/* The source keeps the previous version of what it can name. */
	if (kind && (k = kind_lookup(kind)) >= 0 &&
	    item_names(item, &ns, &name))
		strvec_addf(&r->out->rejected, "%s/%s/%s",
			    kind_name((enum k8s_kind)k), ns, name);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static void decode_list(struct run *r, json_t *doc, const char *kind,
			size_t d)
{
	json_t *items = json_object_get(doc, "items");
	struct where w = { .doc = d };
	char *item_kind = NULL;

	if (!json_is_array(items)) {
		struct dctx c = { 0 };
		if (json_is_null(items))
			return;
		dc_want(&c, items, FIELD(NULL, "items"), JSON_ARRAY);
		add_error(r, doc, kind, &w, c.err);
		free(c.err);
		return;
	}
	if (strcmp(kind, "List") != 0) {
		item_kind = xstrndup(kind, strlen(kind) - 4);
		w.kind = item_kind;
		w.api_version = str_member(doc, "apiVersion");
	}
	for (size_t i = 0; i < json_array_size(items); i++) {
		w.item = i + 1;
		decode_item(r, json_array_get(items, i), &w);
	}
	free(item_kind);
}

static void decode_document(struct run *r, json_t *doc, size_t d)
{
	struct where w = { .doc = d };
	const char *kind = str_member(doc, "kind");

	if (json_is_null(doc))
		return;
	if (json_is_array(doc)) {
		for (size_t i = 0; i < json_array_size(doc); i++) {
			w.item = i + 1;
			decode_item(r, json_array_get(doc, i), &w);
		}
	} else if (kind && ends_with(kind, "List") &&
		   json_object_get(doc, "items")) {
		decode_list(r, doc, kind, d);
	} else {
		decode_item(r, doc, &w);
	}
}

size_t decode_buffer(const char *file, const char *data, size_t len,
		     enum doc_format fmt, struct decode_result *out)
{
	struct run r = { .file = file, .out = out };
	size_t before = out->errors.n;
	char *err = NULL;
	json_t *docs;
	/* A one-Service manifest's tree fits; bigger ones spill to the heap. */
	char first[DECODE_STACK_ARENA];
	struct arena mem;

	dc_mem_begin(&mem, first, sizeof(first));
	if (fmt == DOC_AUTO)
		fmt = sniff(data, len);
	if (fmt == DOC_JSON)
		docs = json_docs(data, len, &err);
	else
		docs = yaml_load_json(data, len, &err);
	for (size_t i = 0; i < json_array_size(docs); i++)
		decode_document(&r, json_array_get(docs, i), i + 1);
	json_decref(docs);
	dc_mem_end(&mem);
	if (err) {
		/* jansson quotes the input near the error: keep one line. */
		for (char *p = err; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = '?';
		strvec_addf(&out->errors, "%s:%s", file, err);
		out->incomplete = true;
		free(err);
	}
	return out->errors.n - before;
}

void decode_result_free(struct decode_result *r)
{
	for (size_t i = 0; i < r->n; i++) {
		object_free(r->objs[i]);
		if (r->json)
			free(r->json[i]);
	}
	free(r->objs);
	free(r->json);
	strvec_free(&r->errors);
	strvec_free(&r->rejected);
	memset(r, 0, sizeof(*r));
}
