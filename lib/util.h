/*
 * util.h: the small helpers every layer of svcd uses.
 *
 * Allocation wrappers never return NULL (an allocation failure aborts: a
 * node daemon that cannot allocate a few bytes cannot recover sensibly).
 * `struct buf` is a growable NUL-terminated string; `struct strvec` an
 * owned array of owned strings, used for error lists.  Logging goes to
 * stderr with a level, one line per message.
 */
#ifndef SVCD_UTIL_H
#define SVCD_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PRINTF(a, b) __attribute__((format(printf, a, b)))
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* Grows *p (of *cap elements of size sz) to hold at least want elements. */
void xgrow(void **p, size_t *cap, size_t want, size_t sz);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) PRINTF(1, 2);
char *xvasprintf(const char *fmt, va_list ap);

/* Growable string; p is always NUL-terminated once anything was added. */
struct buf {
	char *p;
	size_t len, cap;
};
void buf_add(struct buf *b, const void *data, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...) PRINTF(2, 3);
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* Hands the string to the caller (never NULL) and empties the buffer. */
char *buf_take(struct buf *b);
void buf_free(struct buf *b);

/* An owned list of owned strings. */
struct strvec {
	char **v;
	size_t n, cap;
};
void strvec_push(struct strvec *sv, char *owned);
void strvec_addf(struct strvec *sv, const char *fmt, ...) PRINTF(2, 3);
void strvec_free(struct strvec *sv);
/* Moves every string of src to the end of dst; src is left empty. */
void strvec_move(struct strvec *dst, struct strvec *src);

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };
void log_set_level(enum log_level level);
enum log_level log_get_level(void);
/* Parses "debug", "info", "warn" or "error"; returns -1 for anything else. */
int log_level_parse(const char *name);
void log_msg(enum log_level level, const char *fmt, ...) PRINTF(2, 3);
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

/* Monotonic and wall-clock time. */
uint64_t now_mono_ns(void);
int64_t now_wall_s(void);

/* 64-bit FNV-1a, for hash tables and content digests. */
uint64_t hash_bytes(const void *p, size_t n, uint64_t seed);
#define HASH_SEED 0xcbf29ce484222325ULL

/* Reads a whole file (NUL-terminated); NULL with errno set on failure. */
char *read_file(const char *path, size_t *len);

#endif
