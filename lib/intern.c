/*
 * intern.c: the table of shared strings (see intern.h).
 *
 * A map from the string to its reference count (kept in the value
 * pointer); the interned copy is the map's own key, which never moves
 * while the entry exists.  One mutex guards the table: lookups are short
 * and only decoding and freeing objects take it.
 */
#include "lib/intern.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "lib/map.h"
#include "lib/util.h"

static struct map table;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

const char *intern(const char *s)
{
	if (!s)
		return NULL;
	pthread_mutex_lock(&lock);
	struct map_entry *e = map_find(&table, s);
	if (!e) {
		map_put(&table, s, (void *)(uintptr_t)0);
		e = map_find(&table, s);
	}
	e->value = (void *)((uintptr_t)e->value + 1);
	pthread_mutex_unlock(&lock);
	return e->key;
}

void intern_drop(const char *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&lock);
	struct map_entry *e = map_find(&table, s);
	if (!e) {
		pthread_mutex_unlock(&lock);
		log_error("intern: \"%s\" was never interned", s);
		abort();
	}
	e->value = (void *)((uintptr_t)e->value - 1);
	if (!e->value)
		map_del(&table, s);
	pthread_mutex_unlock(&lock);
}
