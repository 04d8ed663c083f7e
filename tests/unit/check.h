/*
 * check.h: the unit-test harness.  Each test_*.c is one program; CHECK
 * records a failure with its line and goes on, check_done() prints the
 * summary and gives the exit status.
 */
#ifndef SVCD_CHECK_H
#define SVCD_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failures, check_count;

#define CHECK(cond)                                                        \
	do {                                                               \
		check_count++;                                             \
		if (!(cond)) {                                             \
			check_failures++;                                  \
			fprintf(stderr, "%s:%d: CHECK(%s) failed\n",       \
				__FILE__, __LINE__, #cond);                \
		}                                                          \
	} while (0)

#define CHECK_STR(got, want)                                               \
	do {                                                               \
		const char *g_ = (got), *w_ = (want);                      \
		check_count++;                                             \
		if (!g_ || !w_ || strcmp(g_, w_) != 0) {                   \
			check_failures++;                                  \
			fprintf(stderr, "%s:%d: %s is \"%s\", want \"%s\"\n", \
				__FILE__, __LINE__, #got, g_ ? g_ : "(null)", \
				w_ ? w_ : "(null)");                       \
		}                                                          \
	} while (0)

/* got contains want as a substring. */
#define CHECK_HAS(got, want)                                               \
	do {                                                               \
		const char *g_ = (got), *w_ = (want);                      \
		check_count++;                                             \
		if (!g_ || !strstr(g_, w_)) {                              \
			check_failures++;                                  \
			fprintf(stderr, "%s:%d: %s is \"%s\", want it to contain \"%s\"\n", \
				__FILE__, __LINE__, #got, g_ ? g_ : "(null)", w_); \
		}                                                          \
	} while (0)

#define CHECK_INT(got, want)                                               \
	do {                                                               \
		long long g_ = (long long)(got), w_ = (long long)(want);   \
		check_count++;                                             \
		if (g_ != w_) {                                            \
			check_failures++;                                  \
			fprintf(stderr, "%s:%d: %s is %lld, want %lld\n",  \
				__FILE__, __LINE__, #got, g_, w_);         \
		}                                                          \
	} while (0)

static inline int check_done(const char *name)
{
	printf("%-24s %d checks, %d failed\n", name, check_count,
	       check_failures);
	return check_failures ? 1 : 0;
}

#endif
