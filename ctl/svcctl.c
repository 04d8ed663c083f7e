/*
 * svcctl.c: the command-line client of svcd's control socket.
 *
 * Parses the verb and its options, sends one JSON request, and prints the
 * answer as a table (list), a description (get, status) or as JSON (-o
 * json).  Exit status: 0 on success, 1 when svcd answered with an error,
 * is not running, or (status) is not synced; 2 for a usage error.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl/svcctl.h"
#include "lib/util.h"

#define DEFAULT_SOCKET "/run/svcd/svcd.sock"

static const char usage_text[] =
	"usage: svcctl [--socket PATH] VERB [ARGS]\n"
	"  list [-n NS | -A] [-o wide|json]   services, like kubectl get svc\n"
	"  get NAME [-n NS] [-o json]         one service with its endpoints\n"
	"  resolve NAME [TYPE]                what svcd's DNS answers\n"
	"  status [-o json]                   sources, sync state, errors\n"
	"  apply -f FILE|-                    add or replace objects\n"
	"  delete svc NAME [-n NS]            delete a service\n"
	"--socket defaults to " DEFAULT_SOCKET ".\n";

static int usage(const char *fmt, ...) PRINTF(1, 2);
static int usage(const char *fmt, ...)
{
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		fputs("svcctl: ", stderr);
		vfprintf(stderr, fmt, ap);
		fputs("\n", stderr);
		va_end(ap);
	}
	fputs(usage_text, stderr);
	return 2;
}

/* Sends req (consumed) and returns svcd's answer, or NULL after printing
 * why there is none. */
static json_t *call(const char *path, json_t *req)
{
	char *text = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "svcctl: %s: socket path too long\n", path);
		free(text);
		return NULL;
	}
	strcpy(sun.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		if (errno == ENOENT || errno == ECONNREFUSED)
			fprintf(stderr, "svcctl: svcd is not running (no control socket at %s)\n",
				path);
		else
			fprintf(stderr, "svcctl: %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		free(text);
		return NULL;
	}
	struct timeval tv = { 60, 0 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	size_t len = strlen(text), off = 0;
	while (off < len) {
		ssize_t w = write(fd, text + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	free(text);
	shutdown(fd, SHUT_WR);
	struct buf b = { 0 };
	char chunk[65536];
	ssize_t r;
	while ((r = read(fd, chunk, sizeof(chunk))) > 0 ||
	       (r < 0 && errno == EINTR))
		if (r > 0)
			buf_add(&b, chunk, (size_t)r);
	close(fd);
	json_error_t jerr;
	json_t *ans = b.len ? json_loadb(b.p, b.len, 0, &jerr) : NULL;
	buf_free(&b);
	if (!ans)
		fprintf(stderr, "svcctl: no answer from svcd at %s\n", path);
	return ans;
}

/* Prints svcd's error (and its list of errors); returns 1. */
static int print_error(json_t *ans)
{
	fprintf(stderr, "svcctl: %s\n",
		json_string_value(json_object_get(ans, "error")));
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(ans, "errors"), i, e)
		fprintf(stderr, "  %s\n", json_string_value(e));
	return 1;
}

static void print_json(json_t *j)
{
	char *text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	puts(text);
	free(text);
}

struct args {
	const char *socket, *ns, *output, *file;
	bool all;
	const char *pos[4];
	int npos;
};

static int parse_args(int argc, char **argv, struct args *a)
{
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];
		const char **slot = NULL;
		if (!strcmp(s, "-A") || !strcmp(s, "--all-namespaces")) {
			a->all = true;
			continue;
		}
		if (!strcmp(s, "--socket"))
			slot = &a->socket;
		else if (!strcmp(s, "-n") || !strcmp(s, "--namespace"))
			slot = &a->ns;
		else if (!strcmp(s, "-o") || !strcmp(s, "--output"))
			slot = &a->output;
		else if (!strcmp(s, "-f") || !strcmp(s, "--filename"))
			slot = &a->file;
		else if (s[0] == '-' && s[1] && strcmp(s, "-"))
			return usage("unknown option %s", s);
		if (slot) {
			if (++i >= argc)
				return usage("%s needs a value", s);
			*slot = argv[i];
			continue;
		}
		if (a->npos == (int)ARRAY_LEN(a->pos))
			return usage("too many arguments");
		a->pos[a->npos++] = s;
	}
	if (a->output && strcmp(a->output, "json") && strcmp(a->output, "wide"))
		return usage("-o must be wide or json");
	if (a->all && a->ns)
		return usage("-n and -A cannot be used together");
	return 0;
}

static bool json_output(const struct args *a)
{
	return a->output && !strcmp(a->output, "json");
}

/* Sends req (consumed); on success hands the answer to show, whose
 * result is the exit status. */
static int request(const struct args *a, json_t *req,
		   int (*show)(const struct args *a, json_t *ans))
{
	json_t *ans = call(a->socket, req);
	if (!ans)
		return 1;
	int rc = json_is_true(json_object_get(ans, "ok")) ? show(a, ans)
							  : print_error(ans);
	json_decref(ans);
	return rc;
}

static int show_list(const struct args *a, json_t *ans)
{
	json_t *services = json_object_get(ans, "services");
	if (json_output(a))
		print_json(services);
	else
		svcctl_print_table(services, a->all, a->output != NULL,
				   a->ns ? a->ns : "default");
	return 0;
}

static int cmd_list(const struct args *a)
{
	json_t *req = json_pack("{s:s, s:b}", "verb", "list", "all", a->all);
	if (a->ns)
		json_object_set_new(req, "namespace", json_string(a->ns));
	return request(a, req, show_list);
}

static int show_get(const struct args *a, json_t *ans)
{
	if (json_output(a))
		print_json(json_object_get(ans, "service"));
	else
		svcctl_print_service(json_object_get(ans, "service"));
	return 0;
}

static int cmd_get(const struct args *a)
{
	if (a->npos != 2)
		return usage("get needs one service name");
	return request(a, json_pack("{s:s, s:s, s:s}", "verb", "get", "name",
				    a->pos[1], "namespace",
				    a->ns ? a->ns : "default"),
		       show_get);
}

static int show_status(const struct args *a, json_t *ans)
{
	if (json_output(a))
		print_json(ans);
	else
		svcctl_print_status(ans);
	return json_is_true(json_object_get(ans, "synced")) ? 0 : 1;
}

static int cmd_status(const struct args *a)
{
	return request(a, json_pack("{s:s}", "verb", "status"), show_status);
}

static void print_applied(json_t *ans)
{
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(ans, "applied"), i, o) {
		char *kind = xstrdup(json_string_value(json_object_get(o, "kind")));
		for (char *p = kind; *p; p++)
			*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
		printf("%s/%s %s (%s)\n", kind,
		       json_string_value(json_object_get(o, "name")),
		       json_string_value(json_object_get(o, "action")),
		       json_string_value(json_object_get(o, "file")));
		free(kind);
	}
}

static int cmd_apply(const struct args *a)
{
	if (!a->file || a->npos != 1)
		return usage("apply needs -f FILE or -f -");
	bool in = !strcmp(a->file, "-");
	size_t len = 0;
	char *data;
	if (in) {
		struct buf b = { 0 };
		char chunk[65536];
		size_t r;
		while ((r = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
			buf_add(&b, chunk, r);
		len = b.len;
		data = buf_take(&b);
	} else if (!(data = read_file(a->file, &len))) {
		fprintf(stderr, "svcctl: %s: %s\n", a->file, strerror(errno));
		return 1;
	}
	json_t *req = json_pack("{s:s, s:s, s:s%}", "verb", "apply", "name",
				in ? "<stdin>" : a->file, "data", data, len);
	free(data);
	if (!req) {
		fprintf(stderr, "svcctl: %s: not UTF-8 text\n", a->file);
		return 1;
	}
	json_t *ans = call(a->socket, req);
	if (!ans)
		return 1;
	/* What was applied before a failure is still worth showing. */
	print_applied(ans);
	int rc = json_is_true(json_object_get(ans, "ok")) ? 0 : print_error(ans);
	json_decref(ans);
	return rc;
}

static int show_deleted(const struct args *a, json_t *ans)
{
	printf("service \"%s\" deleted\n", a->pos[2]);
	return 0;
}

static int cmd_delete(const struct args *a)
{
	if (a->npos != 3)
		return usage("delete needs: delete svc NAME");
	return request(a, json_pack("{s:s, s:s, s:s, s:s}", "verb", "delete",
				    "kind", a->pos[1], "name", a->pos[2],
				    "namespace", a->ns ? a->ns : "default"),
		       show_deleted);
}

static int show_resolve(const struct args *a, json_t *ans)
{
	print_json(ans);
	return 0;
}

static int cmd_resolve(const struct args *a)
{
	if (a->npos < 2 || a->npos > 3)
		return usage("resolve needs NAME [TYPE]");
	return request(a, json_pack("{s:s, s:s, s:s}", "verb", "resolve",
				    "name", a->pos[1], "type",
				    a->npos == 3 ? a->pos[2] : "A"),
		       show_resolve);
}

int main(int argc, char **argv)
{
	struct args a = { .socket = DEFAULT_SOCKET };
	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fputs(usage_text, stdout);
		return 0;
	}
	int rc = parse_args(argc, argv, &a);
	if (rc)
		return rc;
	if (!a.npos)
		return usage(NULL);
	const char *verb = a.pos[0];
	if (!strcmp(verb, "list"))
		return cmd_list(&a);
	if (!strcmp(verb, "get"))
		return cmd_get(&a);
	if (!strcmp(verb, "status"))
		return cmd_status(&a);
	if (!strcmp(verb, "apply"))
		return cmd_apply(&a);
	if (!strcmp(verb, "delete"))
		return cmd_delete(&a);
	if (!strcmp(verb, "resolve"))
		return cmd_resolve(&a);
	return usage("unknown verb %s", verb);
}
