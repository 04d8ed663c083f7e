/*
 * decode_digest.c: the digest of an object's canonical JSON.
 *
 * The digest is hash_bytes() over json_dumps(item, JSON_COMPACT |
 * JSON_SORT_KEYS).  Producing that text through jansson's dump callback
 * costs a sorted key array, a qsort and many small callbacks per object,
 * a quarter of the time of decoding a large list; this walk feeds the
 * same bytes straight into the running FNV-1a hash instead.  It must
 * match jansson byte for byte: the unit test and the fuzz target compare
 * it with the hash of the real json_dumps text.
 *
 * Trees here come from jansson's parser or yaml.c: strings are valid
 * UTF-8 (jansson escapes only '"', '\\' and control characters, as
 * below) and keys hold no NUL, so strcmp orders them as jansson does.
 */
#include "model/decode_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FNV_PRIME 0x100000001b3ULL
#define STACK_KEYS 32

struct member {
	const char *key;
	const json_t *value;
};

static uint64_t add_byte(uint64_t h, unsigned char c)
{
	return (h ^ c) * FNV_PRIME;
}

static uint64_t add_text(uint64_t h, const char *s)
{
	return hash_bytes(s, strlen(s), h);
}

static uint64_t add_string(uint64_t h, const char *s, size_t n)
{
	char seq[8];

	h = add_byte(h, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\') {
			h = add_byte(h, c);
			continue;
		}
		switch (c) {
		case '"':  h = add_text(h, "\\\""); break;
		case '\\': h = add_text(h, "\\\\"); break;
		case '\b': h = add_text(h, "\\b"); break;
		case '\f': h = add_text(h, "\\f"); break;
		case '\n': h = add_text(h, "\\n"); break;
		case '\r': h = add_text(h, "\\r"); break;
		case '\t': h = add_text(h, "\\t"); break;
		default:
			snprintf(seq, sizeof(seq), "\\u%04X", c);
			h = add_text(h, seq);
		}
	}
	return add_byte(h, '"');
}

static int member_cmp(const void *a, const void *b)
{
	return strcmp(((const struct member *)a)->key,
		      ((const struct member *)b)->key);
}

/* Objects of a manifest have a handful of keys: insertion sort beats
 * qsort there; big ones go to qsort. */
static void sort_members(struct member *m, size_t n)
{
	if (n > STACK_KEYS) {
		qsort(m, n, sizeof(*m), member_cmp);
		return;
	}
	for (size_t i = 1; i < n; i++) {
		struct member x = m[i];
		size_t j = i;
		for (; j > 0 && strcmp(m[j - 1].key, x.key) > 0; j--)
			m[j] = m[j - 1];
		m[j] = x;
	}
}

static uint64_t add_value(uint64_t h, const json_t *v);

static uint64_t add_object(uint64_t h, const json_t *obj)
{
	struct member stack[STACK_KEYS], *m = stack;
	size_t n = json_object_size(obj), i = 0;
	const char *k;
	json_t *v;

	if (n > STACK_KEYS)
		m = xmalloc(n * sizeof(*m));
	json_object_foreach((json_t *)obj, k, v)
		m[i++] = (struct member){ k, v };
	sort_members(m, n);
	h = add_byte(h, '{');
	for (i = 0; i < n; i++) {
		if (i)
			h = add_byte(h, ',');
		h = add_string(h, m[i].key, strlen(m[i].key));
		h = add_byte(h, ':');
		h = add_value(h, m[i].value);
	}
	if (m != stack)
		free(m);
	return add_byte(h, '}');
}

static int dump_chunk(const char *buf, size_t size, void *data)
{
	buf_add(data, buf, size);
	return 0;
}

static uint64_t add_value(uint64_t h, const json_t *v)
{
	char num[32];
	struct buf text = { 0 };

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return add_object(h, v);
	case JSON_ARRAY:
		h = add_byte(h, '[');
		for (size_t i = 0; i < json_array_size(v); i++) {
			if (i)
				h = add_byte(h, ',');
			h = add_value(h, json_array_get(v, i));
		}
		return add_byte(h, ']');
	case JSON_STRING:
		return add_string(h, json_string_value(v), json_string_length(v));
	case JSON_INTEGER:
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
			 json_integer_value(v));
		return add_text(h, num);
	case JSON_TRUE:
		return add_text(h, "true");
	case JSON_FALSE:
		return add_text(h, "false");
	case JSON_NULL:
		return add_text(h, "null");
	case JSON_REAL:
		/* Rare, and jansson's number formatting is its own.  (Not
		 * json_dumps(): its result would come from decode_mem.c's
		 * arena, not from malloc.) */
		json_dump_callback(v, dump_chunk, &text,
				   JSON_ENCODE_ANY | JSON_COMPACT);
		if (text.len)
			h = hash_bytes(text.p, text.len, h);
		buf_free(&text);
		return h;
	}
	return h;
}

uint64_t dc_digest(const json_t *v)
{
	return add_value(HASH_SEED, v);
}
