/*
 * test_lib.c: the memory and work helpers the state-dir load is built
 * on: the bump arena (lib/arena.h), shared strings (lib/intern.h), the
 * ordered parallel pipeline (lib/pipeline.h), and in-place map lookups
 * (map_find).
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/arena.h"
#include "lib/intern.h"
#include "lib/map.h"
#include "lib/pipeline.h"
#include "lib/util.h"
#include "tests/unit/check.h"

static void test_arena(void)
{
	char first[256];
	struct arena a;

	arena_init(&a, first, sizeof(first));
	char *p = arena_alloc(&a, 10);
	char *q = arena_alloc(&a, 1);
	CHECK(arena_owns(&a, p) && arena_owns(&a, q));
	CHECK(p >= first && p < first + sizeof(first));
	CHECK((uintptr_t)q % sizeof(void *) == 0);
	CHECK(q >= p + 10);
	memset(p, 'x', 10);

	/* Beyond the first chunk: heap chunks, each big enough. */
	char *big = arena_alloc(&a, 100000);
	memset(big, 'y', 100000);
	CHECK(arena_owns(&a, big) && arena_owns(&a, big + 99999));
	char *more[64];
	for (int i = 0; i < 64; i++) {
		more[i] = arena_alloc(&a, 1000);
		memset(more[i], i, 1000);
	}
	CHECK(more[63][999] == 63 && p[9] == 'x' && big[0] == 'y');
	int on_heap = 0;
	char local;
	CHECK(!arena_owns(&a, &local));
	void *m = malloc(16);
	CHECK(!arena_owns(&a, m));
	free(m);
	for (int i = 0; i < 64; i++)
		on_heap += !(more[i] >= first && more[i] < first + sizeof(first));
	CHECK_INT(on_heap, 64);
	arena_release(&a);
	CHECK(!arena_owns(&a, p) && !arena_owns(&a, big));

	/* No first chunk at all. */
	arena_init(&a, NULL, 0);
	p = arena_alloc(&a, 0);
	CHECK(p && arena_owns(&a, p));
	arena_release(&a);
}

static void test_intern(void)
{
	char buf[16];

	strcpy(buf, "node-a");
	const char *a = intern(buf);
	strcpy(buf, "node-b");
	const char *b = intern(buf);
	const char *a2 = intern("node-a");
	CHECK(a == a2 && a != b);
	CHECK_STR(a, "node-a");
	CHECK_STR(b, "node-b");
	CHECK(intern(NULL) == NULL);
	intern_drop(NULL);

	/* The copy lives while a reference does. */
	intern_drop(a);
	CHECK_STR(a2, "node-a");
	CHECK(intern("node-a") == a2);
	intern_drop(a2);
	intern_drop(a2);
	intern_drop(b);
	/* Gone: interning again makes a fresh copy (LeakSanitizer checks
	 * that the old one was freed). */
	const char *c = intern("node-a");
	CHECK_STR(c, "node-a");
	intern_drop(c);
}

/* Records the order of calls; prepare may run on any thread. */
struct order {
	size_t n, window;
	int *prepared;        /* prepared[i]: prepare(i) ran */
	size_t *applied_when; /* items applied when prepare(i) started */
	size_t applied;       /* apply() calls so far, in order */
	int bad_order;        /* apply() out of order or before prepare() */
	pthread_mutex_t lock;
};

static void order_prepare(void *arg, size_t i)
{
	struct order *o = arg;
	pthread_mutex_lock(&o->lock);
	o->applied_when[i] = o->applied;
	pthread_mutex_unlock(&o->lock);
	/* A little work, so that threads interleave. */
	volatile unsigned x = 0;
	for (unsigned k = 0; k < (unsigned)(i % 7) * 1000; k++)
		x += k;
	pthread_mutex_lock(&o->lock);
	o->prepared[i]++;
	pthread_mutex_unlock(&o->lock);
}

static void order_apply(void *arg, size_t i)
{
	struct order *o = arg;
	pthread_mutex_lock(&o->lock);
	if (i != o->applied || o->prepared[i] != 1)
		o->bad_order++;
	o->applied++;
	pthread_mutex_unlock(&o->lock);
}

static void run_order(size_t n, size_t window, size_t workers)
{
	struct order o = { .n = n, .window = window };

	o.prepared = xcalloc(n + 1, sizeof(*o.prepared));
	o.applied_when = xcalloc(n + 1, sizeof(*o.applied_when));
	pthread_mutex_init(&o.lock, NULL);
	pipeline_run(n, window, workers, order_prepare, order_apply, &o);
	CHECK_INT(o.applied, n);
	CHECK_INT(o.bad_order, 0);
	size_t twice = 0, ahead = 0;
	for (size_t i = 0; i < n; i++) {
		twice += o.prepared[i] != 1;
		/* prepare(i) starts only once apply(i - window) is done. */
		ahead += i >= window && o.applied_when[i] < i - window + 1;
	}
	CHECK_INT(twice, 0);
	CHECK_INT(ahead, 0);
	pthread_mutex_destroy(&o.lock);
	free(o.prepared);
	free(o.applied_when);
}

static void test_pipeline(void)
{
	run_order(0, 8, 3);
	run_order(1, 8, 3);
	run_order(1000, 8, 0);
	run_order(1000, 8, 1);
	run_order(1000, 1, 3);
	run_order(5000, 64, 3);
	CHECK(pipeline_workers(0) == 0);
	CHECK(pipeline_workers(3) <= 3);
}

static void test_map_find(void)
{
	struct map m;
	map_init(&m);
	CHECK(map_find(&m, "a") == NULL);
	for (int i = 0; i < 100; i++) {
		char key[16];
		snprintf(key, sizeof(key), "k%d", i);
		map_put(&m, key, (void *)(uintptr_t)i);
	}
	struct map_entry *e = map_find(&m, "k42");
	CHECK(e && !strcmp(e->key, "k42") && (uintptr_t)e->value == 42);
	e->value = (void *)(uintptr_t)4242;
	CHECK((uintptr_t)map_get(&m, "k42") == 4242);
	CHECK(map_find(&m, "k100") == NULL);
	CHECK_INT(m.count, 100);
	map_clear(&m);
}

int main(void)
{
	test_arena();
	test_intern();
	test_pipeline();
	test_map_find();
	return check_done("test_lib");
}
