/*
 * intern.h: one shared copy of strings that repeat across many objects.
 *
 * Namespaces, label keys, node names, zones and port names repeat in
 * thousands of objects; storing each once saves a small allocation per
 * use.  intern() returns the stored copy of a string and counts one
 * reference; intern_drop() releases one, and the copy is freed with the
 * last.  Pointers compare equal exactly when the strings do.
 *
 * Safe to call from several threads: decoding may run on workers.
 */
#ifndef SVCD_INTERN_H
#define SVCD_INTERN_H

/* The stored copy of s (NULL for NULL), holding one reference. */
const char *intern(const char *s);
/* Releases a reference taken by intern(); NULL is ignored. */
void intern_drop(const char *s);

#endif
