/*
 * svcctl.h: how svcctl prints svcd's answers for people.
 */
#ifndef SVCD_SVCCTL_H
#define SVCD_SVCCTL_H

#include <jansson.h>
#include <stdbool.h>

/* The `svcctl list` table, like `kubectl get svc`: the NAMESPACE column
 * only with -A, SELECTOR only with -o wide. */
void svcctl_print_table(json_t *services, bool all_namespaces, bool wide,
			const char *ns);
void svcctl_print_service(json_t *svc);
void svcctl_print_status(json_t *status);
/* kubectl's age format: 45s, 3m20s, 5h, 12d... */
void svcctl_format_age(long long seconds, char *out, size_t size);

#endif
