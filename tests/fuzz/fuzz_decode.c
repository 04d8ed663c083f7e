/*
 * fuzz_decode.c: libFuzzer target for decode_buffer (JSON and YAML).
 *
 * A first byte of 0, 1 or 2 selects DOC_AUTO, DOC_JSON or DOC_YAML for
 * the rest of the input, 3, 4 or 5 the same with keep_json; any other
 * first byte means DOC_AUTO over the whole input, so plain manifests work
 * as seeds unchanged.  Besides the sanitizers, it checks what callers
 * rely on: every error is one line, every object has a namespace and a
 * name, a kept JSON text hashes to the digest, and everything is freed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum doc_format formats[] = { DOC_AUTO, DOC_JSON,
						   DOC_YAML };
	enum doc_format fmt = DOC_AUTO;
	struct decode_result r = { 0 };

	if (size && data[0] < 2 * ARRAY_LEN(formats)) {
		fmt = formats[data[0] % ARRAY_LEN(formats)];
		r.keep_json = data[0] >= ARRAY_LEN(formats);
		data++;
		size--;
	}
	decode_buffer("fuzz", (const char *)data, size, fmt, &r);
	for (size_t i = 0; i < r.errors.n; i++)
		if (strchr(r.errors.v[i], '\n') || !r.errors.v[i][0])
			abort();
	for (size_t i = 0; i < r.n; i++) {
		char *key = object_key(r.objs[i]);
		if (!r.objs[i]->meta.namespace[0] || !r.objs[i]->meta.name[0])
			abort();
		if (r.keep_json &&
		    hash_bytes(r.json[i], strlen(r.json[i]), HASH_SEED) !=
			    r.objs[i]->digest)
			abort();
		free(key);
	}
	decode_result_free(&r);
	return 0;
}
