/*
 * addr.c: strict parsing and formatting of IP addresses (see addr.h).
 */
#include "lib/addr.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

bool addr_parse(const char *s, struct ipaddr *out)
{
	memset(out, 0, sizeof(*out));
	if (!s || !*s)
		return false;
	if (strchr(s, ':')) {
		if (inet_pton(AF_INET6, s, out->b) != 1)
			return false;
		out->family = AF_INET6;
		out->len = 128;
		return true;
	}
	/* inet_pton rejects leading zeros and trailing junk for AF_INET. */
	if (inet_pton(AF_INET, s, out->b) != 1)
		return false;
	out->family = AF_INET;
	out->len = 32;
	return true;
}

bool cidr_parse(const char *s, struct ipaddr *out)
{
	const char *slash = s ? strchr(s, '/') : NULL;
	if (!slash || slash == s || slash - s >= ADDR_STRLEN)
		return false;
	char host[ADDR_STRLEN];
	memcpy(host, s, (size_t)(slash - s));
	host[slash - s] = '\0';
	if (!addr_parse(host, out))
		return false;
	const char *p = slash + 1;
	if (*p < '0' || *p > '9' || (p[0] == '0' && p[1]))
		return false;
	char *end;
	long len = strtol(p, &end, 10);
	int max = out->family == AF_INET ? 32 : 128;
	if (*end || len < 0 || len > max)
		return false;
	out->len = (uint8_t)len;
	/* Host bits must be zero, as kube-proxy requires of --cluster-cidr. */
	for (int bit = (int)len; bit < max; bit++)
		if (out->b[bit / 8] & (0x80 >> (bit % 8)))
			return false;
	return true;
}

const char *addr_format(const struct ipaddr *a, char buf[ADDR_STRLEN])
{
	if (!a->family || !inet_ntop(a->family, a->b, buf, ADDR_STRLEN))
		strcpy(buf, "<none>");
	return buf;
}

bool addr_equal(const struct ipaddr *a, const struct ipaddr *b)
{
	size_t n = a->family == AF_INET ? 4 : 16;
	return a->family == b->family && memcmp(a->b, b->b, n) == 0;
}

bool cidr_contains(const struct ipaddr *cidr, const struct ipaddr *a)
{
	if (cidr->family != a->family)
		return false;
	int full = cidr->len / 8, rest = cidr->len % 8;
	if (memcmp(cidr->b, a->b, (size_t)full) != 0)
		return false;
	if (!rest)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (cidr->b[full] & mask) == (a->b[full] & mask);
}

bool addr_is_loopback(const struct ipaddr *a)
{
	static const uint8_t v6lo[16] = { [15] = 1 };
	if (a->family == AF_INET)
		return a->b[0] == 127;
	return a->family == AF_INET6 && memcmp(a->b, v6lo, 16) == 0;
}

bool hostport_parse(const char *s, int default_port, struct ipaddr *addr,
		    uint16_t *port)
{
	char host[ADDR_STRLEN + 2];
	const char *portstr = NULL;
	size_t hlen;

	if (!s || !*s)
		return false;
	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (!close)
			return false;
		hlen = (size_t)(close - s - 1);
		if (close[1] == ':')
			portstr = close + 2;
		else if (close[1] != '\0')
			return false;
		if (hlen >= sizeof(host))
			return false;
		memcpy(host, s + 1, hlen);
		host[hlen] = '\0';
		if (!addr_parse(host, addr) || addr->family != AF_INET6)
			return false;
	} else {
		const char *colon = strrchr(s, ':');
		if (colon && strchr(s, ':') != colon)
			return false; /* bare IPv6 needs brackets */
		hlen = colon ? (size_t)(colon - s) : strlen(s);
		if (hlen >= sizeof(host))
			return false;
		memcpy(host, s, hlen);
		host[hlen] = '\0';
		if (!addr_parse(host, addr) || addr->family != AF_INET)
			return false;
		if (colon)
			portstr = colon + 1;
	}
	if (!portstr) {
		if (default_port <= 0)
			return false;
		*port = (uint16_t)default_port;
		return true;
	}
	if (*portstr < '1' || *portstr > '9')
		return false;
	char *end;
	long p = strtol(portstr, &end, 10);
	if (*end || p < 1 || p > 65535)
		return false;
	*port = (uint16_t)p;
	return true;
}
