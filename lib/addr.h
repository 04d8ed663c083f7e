/*
 * addr.h: IPv4 and IPv6 addresses and prefixes as plain values.
 *
 * An address is 16 bytes plus a family; IPv4 uses the first 4 bytes.
 * Parsing is strict: "10.0.0.1" and "fd00::1" are addresses, "010.0.0.1",
 * " 10.0.0.1" and "10.0.0.1/8" are not (the last is a prefix).
 */
#ifndef SVCD_ADDR_H
#define SVCD_ADDR_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

struct ipaddr {
	uint8_t family; /* AF_INET or AF_INET6; 0 when unset */
	uint8_t len;    /* prefix length, for struct ipaddr used as a CIDR */
	uint8_t b[16];
};

#define ADDR_STRLEN 46 /* INET6_ADDRSTRLEN */

bool addr_parse(const char *s, struct ipaddr *out);
/* "10.0.0.0/8", "fd00::/64"; host bits must be zero. */
bool cidr_parse(const char *s, struct ipaddr *out);
/* Writes the canonical text form; returns buf. */
const char *addr_format(const struct ipaddr *a, char buf[ADDR_STRLEN]);
bool addr_equal(const struct ipaddr *a, const struct ipaddr *b);
bool cidr_contains(const struct ipaddr *cidr, const struct ipaddr *a);
bool addr_is_loopback(const struct ipaddr *a);

/* "ADDR:PORT" or "[ADDR6]:PORT"; port 1-65535.  With default_port > 0 the
 * ":PORT" part may be omitted.  Returns false on any syntax error. */
bool hostport_parse(const char *s, int default_port, struct ipaddr *addr,
		    uint16_t *port);

#endif
