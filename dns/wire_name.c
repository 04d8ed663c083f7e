/*
 * wire_name.c: domain names in uncompressed wire form, as text, and as
 * reverse-mapping names for PTR.
 *
 * Every function here takes names the library made (dns_name_from_text,
 * dns_read_name, dns_ptr_name): well formed, at most 255 bytes, ending in
 * the root label.  Text is checked; wire names are trusted.
 *
 * Reverse names are accepted only in the one spelling dns_ptr_name writes
 * (up to case): four decimal octets without leading zeros, or 32 single
 * hex nibbles.  Anything else under in-addr.arpa or ip6.arpa is a name
 * with no address, which the caller answers like any other missing name.
 */
#include <string.h>

#include "dns/wire.h"

static const uint8_t in_addr_arpa[] = "\7in-addr\4arpa";
static const uint8_t ip6_arpa[] = "\3ip6\4arpa";

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* A \DDD or \X escape at s (just past the backslash); -1 if malformed. */
static int unescape(const char **s)
{
	const char *p = *s;
	int v;

	if (is_digit(p[0])) {
		if (!is_digit(p[1]) || !is_digit(p[2]))
			return -1;
		v = (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
		*s = p + 3;
		return v <= 255 ? v : -1;
	}
	if (!p[0])
		return -1;
	*s = p + 1;
	return (uint8_t)p[0];
}

int dns_name_from_text(const char *text, uint8_t out[DNS_NAME_MAX])
{
	const char *s = text;
	size_t n = 0;

	if (!strcmp(s, ".")) {
		out[0] = 0;
		return 1;
	}
	if (!*s)
		return -1;
	while (*s) {
		size_t lab = n++;
		unsigned ll = 0;

		while (*s && *s != '.') {
			int c = (uint8_t)*s++;

			if (c == '\\' && (c = unescape(&s)) < 0)
				return -1;
			/* Room for this byte and the root label after it. */
			if (ll == DNS_LABEL_MAX || n >= DNS_NAME_MAX - 1)
				return -1;
			out[n++] = (uint8_t)c;
			ll++;
		}
		if (!ll)
			return -1;
		out[lab] = (uint8_t)ll;
		if (*s == '.')
			s++;
	}
	out[n++] = 0;
	return (int)n;
}

static bool needs_escape(uint8_t c)
{
	return c <= ' ' || c >= 0x7f || strchr(".\\\"();@$", c);
}

/* The text of one byte of a label into esc; returns its length. */
static int escape(uint8_t c, char esc[4])
{
	if (!needs_escape(c)) {
		esc[0] = (char)c;
		return 1;
	}
	esc[0] = '\\';
	if (c > ' ' && c < 0x7f) {
		esc[1] = (char)c;
		return 2;
	}
	esc[1] = (char)('0' + c / 100);
	esc[2] = (char)('0' + c / 10 % 10);
	esc[3] = (char)('0' + c % 10);
	return 4;
}

int dns_name_to_text(const uint8_t *name, char *out, size_t size)
{
	size_t o = 0;

	if (!name[0]) {
		if (size < 2)
			return -1;
		memcpy(out, ".", 2);
		return 1;
	}
	for (size_t n = 0; name[n]; n += name[n] + 1u) {
		for (size_t i = 1; i <= name[n]; i++) {
			char esc[4];
			int k = escape(name[n + i], esc);

			/* Room for it, the dot after the label and the NUL. */
			if (o + (size_t)k + 2 > size)
				return -1;
			memcpy(out + o, esc, (size_t)k);
			o += (size_t)k;
		}
		out[o++] = '.';
	}
	out[o] = 0;
	return (int)o;
}

size_t dns_name_len(const uint8_t *name)
{
	size_t n = 0;

	while (name[n])
		n += name[n] + 1u;
	return n + 1;
}

bool dns_name_equal(const uint8_t *a, const uint8_t *b)
{
	size_t n = dns_name_len(a);

	if (n != dns_name_len(b))
		return false;
	/* Length bytes are below 'A', so comparing them folded is exact. */
	for (size_t i = 0; i < n; i++)
		if (dns_lower(a[i]) != dns_lower(b[i]))
			return false;
	return true;
}

void dns_name_lower(uint8_t *name)
{
	for (size_t n = 0; name[n]; n += name[n] + 1u)
		for (size_t i = 1; i <= name[n]; i++)
			name[n + i] = dns_lower(name[n + i]);
}

int dns_name_in_zone(const uint8_t *name, const uint8_t *zone)
{
	size_t nl = dns_name_len(name), zl = dns_name_len(zone);

	for (size_t n = 0; nl - n >= zl; n += name[n] + 1u) {
		if (nl - n == zl)
			return dns_name_equal(name + n, zone) ? (int)n : -1;
		if (!name[n])
			break;
	}
	return -1;
}

static size_t put_label(uint8_t *out, const char *s, size_t len)
{
	out[0] = (uint8_t)len;
	memcpy(out + 1, s, len);
	return len + 1;
}

int dns_ptr_name(const struct ipaddr *a, uint8_t out[DNS_NAME_MAX])
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;

	if (a->family == AF_INET) {
		for (int i = 3; i >= 0; i--) {
			char d[4];
			int v = a->b[i], k = 0;

			if (v >= 100)
				d[k++] = (char)('0' + v / 100);
			if (v >= 10)
				d[k++] = (char)('0' + v / 10 % 10);
			d[k++] = (char)('0' + v % 10);
			n += put_label(out + n, d, (size_t)k);
		}
		memcpy(out + n, in_addr_arpa, sizeof(in_addr_arpa));
		return (int)(n + sizeof(in_addr_arpa));
	}
	if (a->family == AF_INET6) {
		for (int i = 15; i >= 0; i--) {
			n += put_label(out + n, &hex[a->b[i] & 0xf], 1);
			n += put_label(out + n, &hex[a->b[i] >> 4], 1);
		}
		memcpy(out + n, ip6_arpa, sizeof(ip6_arpa));
		return (int)(n + sizeof(ip6_arpa));
	}
	return -1;
}

static int octet(const uint8_t *label)
{
	int v = 0;

	if (label[0] < 1 || label[0] > 3 || (label[0] > 1 && label[1] == '0'))
		return -1;
	for (int i = 1; i <= label[0]; i++) {
		if (!is_digit(label[i]))
			return -1;
		v = v * 10 + (label[i] - '0');
	}
	return v <= 255 ? v : -1;
}

static int nibble(const uint8_t *label)
{
	uint8_t c = dns_lower(label[1]);

	if (label[0] != 1)
		return -1;
	if (is_digit(c))
		return c - '0';
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The labels of name before offset end, which must be exactly want. */
static bool count_labels(const uint8_t *name, int end, int want)
{
	int n = 0, k = 0;

	while (n < end) {
		n += name[n] + 1;
		k++;
	}
	return k == want && n == end;
}

bool dns_ptr_name_addr(const uint8_t *name, struct ipaddr *out)
{
	int end, n = 0;

	memset(out, 0, sizeof(*out));
	if ((end = dns_name_in_zone(name, in_addr_arpa)) >= 0) {
		if (!count_labels(name, end, 4))
			return false;
		for (int i = 3; i >= 0; i--) {
			int v = octet(name + n);

			if (v < 0)
				return false;
			out->b[i] = (uint8_t)v;
			n += name[n] + 1;
		}
		out->family = AF_INET;
		out->len = 32;
		return true;
	}
	if ((end = dns_name_in_zone(name, ip6_arpa)) >= 0) {
		if (!count_labels(name, end, 32))
			return false;
		for (int i = 31; i >= 0; i--, n += 2) {
			int v = nibble(name + n);

			if (v < 0)
				return false;
			out->b[i / 2] |= (uint8_t)(i % 2 ? v : v << 4);
		}
		out->family = AF_INET6;
		out->len = 128;
		return true;
	}
	return false;
}
