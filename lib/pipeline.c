/*
 * pipeline.c: ordered parallel work (see pipeline.h).
 *
 * One mutex guards the counters and the done flags; one condition
 * variable is broadcast whenever an item is prepared or applied.  The
 * calling thread never idles while there is work in the window: waiting
 * for item i, it prepares the next untaken item itself.
 */
#include "lib/pipeline.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "lib/util.h"

#define MAX_WORKERS 16

struct pipeline {
	size_t n, window;
	pipeline_fn prepare, apply;
	void *arg;
	bool *done;     /* done[i % window]: item i is prepared */
	size_t next;    /* the first item nobody has taken */
	size_t applied; /* items applied, in order */
	pthread_mutex_t lock;
	pthread_cond_t cond;
};

/* Prepares the next item if the window allows; called and returns with
 * the lock held. */
static bool take_one(struct pipeline *p)
{
	if (p->next >= p->n || p->next >= p->applied + p->window)
		return false;
	size_t i = p->next++;
	pthread_mutex_unlock(&p->lock);
	p->prepare(p->arg, i);
	pthread_mutex_lock(&p->lock);
	p->done[i % p->window] = true;
	pthread_cond_broadcast(&p->cond);
	return true;
}

static void *worker(void *arg)
{
	struct pipeline *p = arg;

	pthread_mutex_lock(&p->lock);
	while (p->next < p->n)
		if (!take_one(p))
			pthread_cond_wait(&p->cond, &p->lock);
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

void pipeline_run(size_t n, size_t window, size_t workers,
		  pipeline_fn prepare, pipeline_fn apply, void *arg)
{
	struct pipeline p = { .n = n, .window = window ? window : 1,
			      .prepare = prepare, .apply = apply,
			      .arg = arg };
	pthread_t tids[MAX_WORKERS];
	size_t nw = 0;

	if (workers > MAX_WORKERS)
		workers = MAX_WORKERS;
	if (workers > n)
		workers = n;
	p.done = xcalloc(p.window, sizeof(*p.done));
	pthread_mutex_init(&p.lock, NULL);
	pthread_cond_init(&p.cond, NULL);
	while (nw < workers && pthread_create(&tids[nw], NULL, worker, &p) == 0)
		nw++;

	for (size_t i = 0; i < n; i++) {
		bool *done = &p.done[i % p.window];
		pthread_mutex_lock(&p.lock);
		while (!*done)
			if (!take_one(&p))
				pthread_cond_wait(&p.cond, &p.lock);
		pthread_mutex_unlock(&p.lock);
		apply(arg, i);
		pthread_mutex_lock(&p.lock);
		*done = false;
		p.applied = i + 1;
		pthread_cond_broadcast(&p.cond);
		pthread_mutex_unlock(&p.lock);
	}
	for (size_t i = 0; i < nw; i++)
		pthread_join(tids[i], NULL);
	pthread_cond_destroy(&p.cond);
	pthread_mutex_destroy(&p.lock);
	free(p.done);
}

size_t pipeline_workers(size_t max)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	if (cpus < 2)
		return 0;
	return (size_t)cpus - 1 < max ? (size_t)cpus - 1 : max;
}
