/*
 * decode_meta.c: object metadata, and the Kubernetes name and time rules.
 *
 * The validators follow k8s.io/apimachinery/pkg/util/validation: DNS-1123
 * labels and subdomains, DNS-1035 labels (Service names), qualified label
 * keys and values, IANA service names (named ports).  Each returns NULL
 * for a valid string and otherwise the reason in the API server's words,
 * so a message can say why, not only that, a name was refused.
 */
#include "model/decode_internal.h"

#include <string.h>

#define LOWER_ALNUM "abcdefghijklmnopqrstuvwxyz0123456789"
#define ALNUM LOWER_ALNUM "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

static bool in(char ch, const char *set)
{
	return ch && strchr(set, ch);
}

/* s[0..n) is [a-z0-9]([-a-z0-9]*[a-z0-9])? */
static bool label_chars(const char *s, size_t n)
{
	if (!n || !in(s[0], LOWER_ALNUM) || !in(s[n - 1], LOWER_ALNUM))
		return false;
	for (size_t i = 1; i + 1 < n; i++)
		if (!in(s[i], LOWER_ALNUM "-"))
			return false;
	return true;
}

const char *dc_dns1123_label_err(const char *s)
{
	size_t n = strlen(s);

	if (n > 63)
		return "must be no more than 63 characters";
	if (!label_chars(s, n))
		return "must consist of lower case alphanumeric characters "
		       "or '-', and must start and end with an alphanumeric "
		       "character";
	return NULL;
}

const char *dc_dns1035_label_err(const char *s)
{
	size_t n = strlen(s);

	if (n > 63)
		return "must be no more than 63 characters";
	if (!label_chars(s, n) || !(s[0] >= 'a' && s[0] <= 'z'))
		return "must consist of lower case alphanumeric characters "
		       "or '-', start with an alphabetic character, and end "
		       "with an alphanumeric character";
	return NULL;
}

const char *dc_dns1123_subdomain_err(const char *s, bool strict)
{
	size_t n = strlen(s);

	if (n > 253)
		return "must be no more than 253 characters";
	for (const char *p = s;;) {
		const char *dot = strchr(p, '.');
		size_t len = dot ? (size_t)(dot - p) : strlen(p);
		if (!label_chars(p, len))
			return "must consist of lower case alphanumeric "
			       "characters, '-' or '.', and must start and end "
			       "with an alphanumeric character";
		if (strict && len > 63)
			return "each dot-separated part must be no more than "
			       "63 characters";
		if (!dot)
			return NULL;
		p = dot + 1;
	}
}

/* ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9], at most 63 characters. */
static const char *qualified_err(const char *s, size_t n)
{
	if (n > 63)
		return "must be no more than 63 characters";
	if (!n || !in(s[0], ALNUM) || !in(s[n - 1], ALNUM))
		goto bad;
	for (size_t i = 1; i + 1 < n; i++)
		if (!in(s[i], ALNUM "-_."))
			goto bad;
	return NULL;
bad:
	return "must consist of alphanumeric characters, '-', '_' or '.', "
	       "and must start and end with an alphanumeric character";
}

const char *dc_label_key_err(const char *s)
{
	const char *slash = strchr(s, '/');

	if (!slash)
		return qualified_err(s, strlen(s));
	if (strchr(slash + 1, '/'))
		return "must be a name with an optional DNS subdomain prefix "
		       "and '/' (e.g. 'example.com/MyName')";
	size_t plen = (size_t)(slash - s);
	if (!plen)
		return "prefix part must not be empty";
	char prefix[256];
	if (plen >= sizeof(prefix))
		return "prefix part must be no more than 253 characters";
	memcpy(prefix, s, plen);
	prefix[plen] = '\0';
	if (dc_dns1123_subdomain_err(prefix, false))
		return "prefix part must be a DNS-1123 subdomain (lower case "
		       "alphanumeric characters, '-' or '.')";
	return qualified_err(slash + 1, strlen(slash + 1));
}

const char *dc_label_value_err(const char *s)
{
	size_t n = strlen(s);
	return n ? qualified_err(s, n) : NULL;
}

const char *dc_iana_svc_name_err(const char *s)
{
	size_t n = strlen(s);

	if (n > 15)
		return "must be no more than 15 characters";
	if (!n || strspn(s, LOWER_ALNUM "-") != n)
		return "must contain only lower case alphanumeric characters "
		       "or '-'";
	if (strspn(s, "0123456789-") == n)
		return "must contain at least one letter";
	if (s[0] == '-' || s[n - 1] == '-')
		return "must not begin or end with '-'";
	if (strstr(s, "--"))
		return "must not contain consecutive '-'";
	return NULL;
}

static bool digits(const char *s, int n, int *out)
{
	*out = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*out = *out * 10 + (s[i] - '0');
	}
	return true;
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int month_days(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30,
				    31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : days[m - 1];
}

/* YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM) */
bool dc_rfc3339(const char *s, int64_t *out)
{
	int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;

	if (strlen(s) < 20 || !digits(s, 4, &y) || s[4] != '-' ||
	    !digits(s + 5, 2, &mo) || s[7] != '-' || !digits(s + 8, 2, &d) ||
	    (s[10] != 'T' && s[10] != 't') || !digits(s + 11, 2, &h) ||
	    s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' ||
	    !digits(s + 17, 2, &sec))
		return false;
	s += 19;
	if (*s == '.') {
		size_t n = strspn(s + 1, "0123456789");
		if (!n)
			return false;
		s += 1 + n;
	}
	if (*s == 'Z' || *s == 'z') {
		s++;
	} else if (*s == '+' || *s == '-') {
		sign = *s == '-' ? -1 : 1;
		if (!digits(s + 1, 2, &oh) || s[3] != ':' ||
		    !digits(s + 4, 2, &om))
			return false;
		s += 6;
	} else {
		return false;
	}
	if (*s || mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo) ||
	    h > 23 || mi > 59 || sec > 59 || oh > 23 || om > 59)
		return false;
	*out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec -
	       sign * (oh * 3600 + om * 60);
	return true;
}

static bool check_name(struct dctx *c, const struct fpath *p, const char *s,
		       enum k8s_kind kind)
{
	const char *why, *what;

	if (!*s)
		return dc_fail(c, p, "is required");
	if (kind == KIND_SERVICE) {
		why = dc_dns1035_label_err(s);
		what = "DNS-1035 label";
	} else {
		why = dc_dns1123_subdomain_err(s, false);
		what = "DNS-1123 subdomain";
	}
	if (why)
		return dc_fail(c, p, "%s is not a valid %s: %s", dc_quote(s),
			       what, why);
	return true;
}

static bool meta_time(struct dctx *c, const json_t *md, const struct fpath *p,
		      const char *key, int64_t *out)
{
	const char *s;

	*out = 0;
	if (!dc_string(c, md, p, key, false, &s))
		return false;
	if (s && !dc_rfc3339(s, out))
		return dc_fail(c, FIELD(p, key),
			       "%s is not an RFC 3339 time "
			       "(like 2024-05-01T10:00:00Z)", dc_quote(s));
	return true;
}

bool decode_meta(struct dctx *c, const json_t *item, enum k8s_kind kind,
		 struct k8s_object **out)
{
	const struct fpath *p = FIELD(NULL, "metadata");
	const char *name, *ns, *uid, *rv, *why;
	int64_t deleted;
	json_t *md;

	*out = NULL;
	if (!dc_object(c, item, NULL, "metadata", true, &md) ||
	    !dc_string(c, md, p, "name", true, &name) ||
	    !check_name(c, FIELD(p, "name"), name, kind))
		return false;
	struct k8s_object *obj = *out = object_new(kind, name);
	struct k8s_meta *m = &obj->meta;
	if (!dc_string(c, md, p, "namespace", false, &ns))
		return false;
	if (ns && *ns && (why = dc_dns1123_label_err(ns)))
		return dc_fail(c, FIELD(p, "namespace"),
			       "%s is not a valid DNS-1123 label: %s",
			       dc_quote(ns), why);
	if (!dc_string(c, md, p, "uid", false, &uid) ||
	    !dc_string(c, md, p, "resourceVersion", false, &rv) ||
	    !meta_time(c, md, p, "creationTimestamp", &m->created) ||
	    !meta_time(c, md, p, "deletionTimestamp", &deleted) ||
	    !dc_labels(c, md, p, "labels", &m->labels))
		return false;
	m->namespace = intern(ns && *ns ? ns : "default");
	m->uid = dc_dup(uid);
	m->resource_version = dc_dup(rv);
	m->deleting = dc_get(md, "deletionTimestamp") != NULL;
	return true;
}
