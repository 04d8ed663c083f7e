/*
 * yaml.c: libyaml events to jansson values (see yaml.h).
 *
 * The converter keeps a stack of the containers still open.  Each frame
 * adds up the weight and height of its subtree, so an anchor knows what an
 * alias to it adds once the shared node is expanded (by json_dumps for the
 * digest, by json_decref, by the decoder walking it): the running total of
 * created and aliased weight is what the budget limits, and an alias may
 * not nest the expanded tree deeper than YAML_MAX_DEPTH either.  Anchors
 * are scoped to a document and only ever name finished nodes, so an alias
 * cannot make a cycle.
 *
 * Merge keys ("<<") are kept apart from the mapping's own entries until
 * the mapping ends: explicit keys then win whatever their position, and a
 * duplicate explicit key is still an error.
 */
#include "model/yaml.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "lib/map.h"
#include "lib/util.h"

#define TAG_PREFIX "tag:yaml.org,2002:"

/* What a node costs once expanded: nodes plus scalar text, and the
 * containers nested in it (0 for a scalar). */
struct cost {
	size_t weight, height;
};

struct anchor {
	json_t *node;
	struct cost cost;
};

struct frame {
	json_t *node;     /* object or array under construction */
	json_t *key;      /* mapping: the key waiting for its value (a
			     string made like the values, so it costs no
			     malloc while decode_mem.c's arena is on) */
	bool want_value;  /* mapping: a key was read, its value comes next */
	bool merge;       /* mapping: that key is a plain "<<" */
	json_t *merged;   /* mapping: entries brought in by "<<", or NULL */
	char *anchor;     /* registered when the container ends */
	struct cost cost; /* of the subtree so far */
};

struct conv {
	struct frame stack[YAML_MAX_DEPTH];
	size_t depth;
	json_t *doc;        /* finished root of the current document */
	struct map anchors; /* name -> struct anchor */
	size_t weight, budget;
	yaml_mark_t mark;   /* start of the event being handled */
	char *err;
};

static bool fail(struct conv *c, const char *fmt, ...) PRINTF(2, 3);

static bool fail(struct conv *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (!c->err)
		c->err = xasprintf("%zu:%zu: %s", c->mark.line + 1,
				   c->mark.column + 1, msg);
	free(msg);
	return false;
}

static bool charge(struct conv *c, size_t weight)
{
	c->weight += weight;
	if (c->weight > c->budget)
		return fail(c, "document expands to more than %zu nodes "
			    "(too many aliases)", c->budget);
	return true;
}

static size_t scalar_weight(size_t len)
{
	return 1 + len / 16;
}

static void anchors_clear(struct conv *c)
{
	struct map_iter it;
	struct map_entry *e;

	map_iter_init(&c->anchors, &it);
	while ((e = map_iter_next(&c->anchors, &it))) {
		struct anchor *a = e->value;
		json_decref(a->node);
		free(a);
	}
	map_clear(&c->anchors);
}

/* Takes a reference to node. */
static void anchor_set(struct conv *c, const char *name, json_t *node,
		       struct cost cost)
{
	struct anchor *a = xmalloc(sizeof(*a));
	a->node = json_incref(node);
	a->cost = cost;
	struct anchor *old = map_put(&c->anchors, name, a);
	if (old) {
		json_decref(old->node);
		free(old);
	}
}

static bool merge_one(struct conv *c, struct frame *f, json_t *src)
{
	const char *k;
	json_t *v;

	if (!json_is_object(src))
		return fail(c, "a merge key (<<) needs a mapping or a list of "
			    "mappings");
	if (!f->merged)
		f->merged = json_object();
	/* In a list of merged mappings the first one to give a key wins. */
	json_object_foreach(src, k, v)
		if (!json_object_get(f->merged, k))
			json_object_set(f->merged, k, v);
	return true;
}

static bool merge(struct conv *c, struct frame *f, json_t *v)
{
	if (!json_is_array(v))
		return merge_one(c, f, v);
	for (size_t i = 0; i < json_array_size(v); i++)
		if (!merge_one(c, f, json_array_get(v, i)))
			return false;
	return true;
}

/* Hands v (a new reference) to the open container or the document. */
static bool add_value(struct conv *c, json_t *v, struct cost cost)
{
	if (!c->depth) {
		c->doc = v;
		return true;
	}
	struct frame *f = &c->stack[c->depth - 1];
	bool ok = true;

	f->cost.weight += cost.weight;
	if (f->cost.height < cost.height + 1)
		f->cost.height = cost.height + 1;
	if (json_is_array(f->node)) {
		json_array_append_new(f->node, v);
		return true;
	}
	if (f->merge) {
		ok = merge(c, f, v);
		json_decref(v);
	} else if (json_object_set_new(f->node, json_string_value(f->key),
				       v) != 0) {
		ok = fail(c, "mapping key is not valid UTF-8");
	}
	json_decref(f->key);
	f->key = NULL;
	f->want_value = f->merge = false;
	return ok;
}

static bool want_key(const struct conv *c)
{
	if (!c->depth)
		return false;
	const struct frame *f = &c->stack[c->depth - 1];
	return json_is_object(f->node) && !f->want_value;
}

static bool read_key(struct conv *c, const yaml_event_t *ev)
{
	struct frame *f = &c->stack[c->depth - 1];
	const char *s = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;

	if (strlen(s) != len)
		return fail(c, "mapping key contains a NUL character");
	if (!charge(c, scalar_weight(len)))
		return false;
	f->cost.weight += scalar_weight(len);
	f->want_value = true;
	if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	    !ev->data.scalar.tag && strcmp(s, "<<") == 0) {
		f->merge = true;
		return true;
	}
	if (json_object_get(f->node, s))
		return fail(c, "duplicate mapping key \"%.64s\"", s);
	f->key = json_stringn_nocheck(s, len);
	return true;
}

static bool is_word(const char *s, const char *a, const char *b,
		    const char *c)
{
	return !strcmp(s, a) || !strcmp(s, b) || !strcmp(s, c);
}

static bool all_of(const char *s, const char *set)
{
	return *s && strspn(s, set) == strlen(s);
}

/* [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
static bool is_float(const char *s)
{
	size_t n;

	if (*s == '-' || *s == '+')
		s++;
	n = strspn(s, "0123456789");
	s += n;
	if (*s == '.') {
		size_t frac = strspn(s + 1, "0123456789");
		if (!n && !frac)
			return false;
		s += 1 + frac;
	} else if (!n) {
		return false;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '-' || *s == '+')
			s++;
		if (!*s || strspn(s, "0123456789") != strlen(s))
			return false;
		return true;
	}
	return *s == '\0';
}

static json_t *number_or_string(const char *s, size_t len)
{
	double d;

	errno = 0;
	d = strtod(s, NULL);
	if (errno || !isfinite(d))
		return json_stringn(s, len);
	return json_real(d);
}

static json_t *unsigned_or_string(const char *s, size_t len, int base)
{
	unsigned long long u;

	errno = 0;
	u = strtoull(s + 2, NULL, base);
	if (errno || u > LLONG_MAX)
		return json_stringn(s, len);
	return json_integer((json_int_t)u);
}

/* The YAML 1.2 core schema, minus .inf and .nan which JSON cannot hold. */
static json_t *resolve_plain(const char *s, size_t len)
{
	const char *digits = s + (*s == '-' || *s == '+');

	if (!len || is_word(s, "~", "null", "Null") || !strcmp(s, "NULL"))
		return json_null();
	if (is_word(s, "true", "True", "TRUE"))
		return json_true();
	if (is_word(s, "false", "False", "FALSE"))
		return json_false();
	if (all_of(digits, "0123456789")) {
		long long v;
		errno = 0;
		v = strtoll(s, NULL, 10);
		if (errno)
			return number_or_string(s, len);
		return json_integer(v);
	}
	if (s[0] == '0' && s[1] == 'x' &&
	    all_of(s + 2, "0123456789abcdefABCDEF"))
		return unsigned_or_string(s, len, 16);
	if (s[0] == '0' && s[1] == 'o' && all_of(s + 2, "01234567"))
		return unsigned_or_string(s, len, 8);
	if (is_float(s))
		return number_or_string(s, len);
	return json_stringn(s, len);
}

static bool tag_is(const char *tag, const char *name)
{
	size_t n = sizeof(TAG_PREFIX) - 1;
	return strncmp(tag, TAG_PREFIX, n) == 0 && strcmp(tag + n, name) == 0;
}

/* A scalar with a core-schema tag must resolve to that type. */
static json_t *tagged_scalar(struct conv *c, const char *tag, const char *s,
			     size_t len)
{
	json_t *v = strlen(s) == len ? resolve_plain(s, len) : NULL;
	bool ok = v && ((tag_is(tag, "int") && json_is_integer(v)) ||
			(tag_is(tag, "float") && json_is_number(v)) ||
			(tag_is(tag, "bool") && json_is_boolean(v)) ||
			(tag_is(tag, "null") && json_is_null(v)));
	if (!ok) {
		json_decref(v);
		fail(c, "\"%.64s\" is not a valid !!%s", s,
		     tag + sizeof(TAG_PREFIX) - 1);
		return NULL;
	}
	if (tag_is(tag, "float") && json_is_integer(v)) {
		json_t *r = json_real((double)json_integer_value(v));
		json_decref(v);
		v = r;
	}
	return v;
}

static json_t *scalar_value(struct conv *c, const yaml_event_t *ev)
{
	const char *s = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	const char *tag = (const char *)ev->data.scalar.tag;
	json_t *v;

	if (tag && (tag_is(tag, "int") || tag_is(tag, "float") ||
		    tag_is(tag, "bool") || tag_is(tag, "null")))
		return tagged_scalar(c, tag, s, len);
	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
	    (tag && (tag_is(tag, "str") || strcmp(tag, "!") == 0)))
		v = json_stringn(s, len);
	else
		v = resolve_plain(s, len);
	if (!v)
		fail(c, "scalar is not valid UTF-8");
	return v;
}

static bool on_scalar(struct conv *c, const yaml_event_t *ev)
{
	if (want_key(c))
		return read_key(c, ev);

	struct cost cost = { scalar_weight(ev->data.scalar.length), 0 };
	if (!charge(c, cost.weight))
		return false;
	json_t *v = scalar_value(c, ev);
	if (!v)
		return false;
	if (ev->data.scalar.anchor)
		anchor_set(c, (const char *)ev->data.scalar.anchor, v, cost);
	return add_value(c, v, cost);
}

static bool on_alias(struct conv *c, const yaml_event_t *ev)
{
	const char *name = (const char *)ev->data.alias.anchor;
	struct anchor *a = map_get(&c->anchors, name);

	if (want_key(c))
		return fail(c, "an alias cannot be a mapping key");
	if (!a)
		return fail(c, "undefined alias \"%.64s\"", name);
	if (c->depth + a->cost.height > YAML_MAX_DEPTH)
		return fail(c, "alias \"%.64s\" nests deeper than %d levels",
			    name, YAML_MAX_DEPTH);
	if (!charge(c, a->cost.weight))
		return false;
	return add_value(c, json_incref(a->node), a->cost);
}

static bool on_start(struct conv *c, json_t *node, const yaml_char_t *anchor)
{
	if (want_key(c)) {
		json_decref(node);
		return fail(c, "mapping keys must be scalars");
	}
	if (c->depth == YAML_MAX_DEPTH) {
		json_decref(node);
		return fail(c, "nesting deeper than %d levels", YAML_MAX_DEPTH);
	}
	if (!charge(c, 1)) {
		json_decref(node);
		return false;
	}
	struct frame *f = &c->stack[c->depth++];
	memset(f, 0, sizeof(*f));
	f->node = node;
	f->anchor = anchor ? xstrdup((const char *)anchor) : NULL;
	f->cost.weight = 1;
	f->cost.height = 1;
	return true;
}

static bool on_end(struct conv *c)
{
	struct frame f = c->stack[--c->depth];
	const char *k;
	json_t *v;

	if (f.merged) {
		json_object_foreach(f.merged, k, v)
			if (!json_object_get(f.node, k))
				json_object_set(f.node, k, v);
		json_decref(f.merged);
	}
	json_decref(f.key);
	if (f.anchor) {
		anchor_set(c, f.anchor, f.node, f.cost);
		free(f.anchor);
	}
	return add_value(c, f.node, f.cost);
}

static bool on_event(struct conv *c, const yaml_event_t *ev, json_t *docs)
{
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		anchors_clear(c);
		return true;
	case YAML_DOCUMENT_END_EVENT:
		json_array_append_new(docs, c->doc ? c->doc : json_null());
		c->doc = NULL;
		return true;
	case YAML_SCALAR_EVENT:
		return on_scalar(c, ev);
	case YAML_ALIAS_EVENT:
		return on_alias(c, ev);
	case YAML_MAPPING_START_EVENT:
		return on_start(c, json_object(),
				ev->data.mapping_start.anchor);
	case YAML_SEQUENCE_START_EVENT:
		return on_start(c, json_array(),
				ev->data.sequence_start.anchor);
	case YAML_MAPPING_END_EVENT:
	case YAML_SEQUENCE_END_EVENT:
		return on_end(c);
	default:
		return true;
	}
}

static void parser_fail(struct conv *c, const yaml_parser_t *p,
			const char *data, size_t len)
{
	const char *problem = p->problem ? p->problem : "out of memory";

	if (p->error == YAML_READER_ERROR) {
		/* Reader errors carry a byte offset, not a mark. */
		size_t off = p->problem_offset < len ? p->problem_offset : len;
		size_t line_start = 0;
		c->mark.line = 0;
		for (size_t i = 0; i < off; i++) {
			if (data[i] == '\n') {
				c->mark.line++;
				line_start = i + 1;
			}
		}
		c->mark.column = off - line_start;
		fail(c, "%s", problem);
		return;
	}
	c->mark = p->problem_mark;
	if (p->context)
		fail(c, "%s (%s started at %zu:%zu)", problem, p->context,
		     p->context_mark.line + 1, p->context_mark.column + 1);
	else
		fail(c, "%s", problem);
}

static void conv_free(struct conv *c)
{
	while (c->depth) {
		struct frame *f = &c->stack[--c->depth];
		json_decref(f->node);
		json_decref(f->merged);
		json_decref(f->key);
		free(f->anchor);
	}
	json_decref(c->doc);
	anchors_clear(c);
}

json_t *yaml_load_json(const char *data, size_t len, char **err)
{
	struct conv *c = xcalloc(1, sizeof(*c));
	json_t *docs = json_array();
	yaml_parser_t parser;
	bool more = true;

	map_init(&c->anchors);
	c->budget = YAML_MAX_WEIGHT + len;
	if (!yaml_parser_initialize(&parser)) {
		*err = xstrdup("1:1: out of memory");
		free(c);
		return docs;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
	while (more) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&parser, &ev)) {
			parser_fail(c, &parser, data, len);
			break;
		}
		c->mark = ev.start_mark;
		more = on_event(c, &ev, docs) &&
		       ev.type != YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	conv_free(c);
	*err = c->err;
	free(c);
	return docs;
}
