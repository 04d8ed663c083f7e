/*
 * requests.c: what each control-socket verb does.
 *
 * list, get and status only read the store; apply and delete change the
 * state dir's files through statedir_write()/statedir_unlink(), so a
 * change made with svcctl is a file like any other and survives a
 * restart.  apply is all or nothing up to the writing: every object is
 * decoded and checked first, and nothing is written when one is bad.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/control.h"
#include "ctl/report.h"
#include "lib/util.h"
#include "model/decode.h"
#include "model/view.h"

json_t *control_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	json_t *a = json_pack("{s:b, s:s}", "ok", 0, "error", msg);
	free(msg);
	return a;
}

static json_t *ok(void)
{
	return json_pack("{s:b}", "ok", 1);
}

static const char *str_field(json_t *req, const char *key, const char *def)
{
	const char *s = json_string_value(json_object_get(req, key));
	return s ? s : def;
}

static json_t *do_list(const struct control_env *env, json_t *req)
{
	const char *ns = str_field(req, "namespace", "default");
	bool all = json_is_true(json_object_get(req, "all"));
	size_t n;
	const struct view_service **v = view_sorted(store_view(env->store), &n);
	int64_t now = now_wall_s();
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++)
		if (all || strcmp(v[i]->obj->meta.namespace, ns) == 0)
			json_array_append_new(list,
					      report_service(v[i], now, false));
	free(v);
	json_t *a = ok();
	json_object_set_new(a, "services", list);
	return a;
}

static json_t *do_get(const struct control_env *env, json_t *req)
{
	const char *ns = str_field(req, "namespace", "default");
	const char *name = str_field(req, "name", NULL);
	if (!name)
		return control_error("get: a service name is required");
	char *key = svc_key(ns, name);
	const struct view_service *vs = view_lookup(store_view(env->store), key);
	free(key);
	if (!vs) {
		const struct store_entry *e =
			store_get(env->store, KIND_SERVICE, ns, name);
		if (e)
			return control_error("service %s/%s is held out by a conflict; see svcctl status",
				    ns, name);
		return control_error("service %s/%s not found", ns, name);
	}
	json_t *a = ok();
	json_object_set_new(a, "service", report_service(vs, now_wall_s(), true));
	return a;
}

/* The state dir's figures, and the files whose last load had errors:
 * every file would make the answer grow with the cluster. */
static json_t *statedir_json(const struct statedir *sd)
{
	size_t n, objects = 0;
	const struct statedir_file **files = statedir_files(sd, &n);
	json_t *bad = json_array();
	for (size_t i = 0; i < n; i++) {
		objects += files[i]->objects;
		if (!files[i]->errors.n)
			continue;
		json_t *errs = json_array();
		for (size_t j = 0; j < files[i]->errors.n; j++)
			json_array_append_new(errs,
					      json_string(files[i]->errors.v[j]));
		json_array_append_new(bad, json_pack("{s:s, s:I, s:I, s:o}",
			"name", files[i]->name,
			"objects", (json_int_t)files[i]->objects,
			"loaded", (json_int_t)files[i]->loaded,
			"errors", errs));
	}
	free(files);
	return json_pack("{s:s, s:s, s:I, s:I, s:o}", "type", "statedir",
			 "path", statedir_path(sd), "files", (json_int_t)n,
			 "objects", (json_int_t)objects, "fileErrors", bad);
}

static json_t *do_status(const struct control_env *env)
{
	struct store_stats st;
	store_stats(env->store, &st);
	json_t *a = ok();
	json_object_set_new(a, "version", json_string(SVCD_VERSION));
	json_object_set_new(a, "synced", json_boolean(env->synced(env->arg)));
	json_object_set_new(a, "started", json_integer(env->started));
	json_object_set_new(a, "generation", json_integer((json_int_t)st.generation));
	json_object_set_new(a, "updates", json_integer((json_int_t)st.updates));
	json_t *objs = json_object();
	for (int k = 0; k < KIND_COUNT; k++)
		json_object_set_new(objs, kind_name(k),
				    json_integer((json_int_t)st.objects[k]));
	json_object_set_new(a, "objects", objs);
	json_object_set_new(a, "services", json_integer((json_int_t)st.services));
	json_object_set_new(a, "endpoints", json_integer((json_int_t)st.endpoints));

	json_t *sources = json_array();
	if (env->statedir)
		json_array_append_new(sources, statedir_json(env->statedir));
	json_object_set_new(a, "sources", sources);

	struct strvec conflicts = { 0 };
	store_conflicts(env->store, &conflicts);
	json_t *c = json_array();
	for (size_t i = 0; i < conflicts.n; i++)
		json_array_append_new(c, json_string(conflicts.v[i]));
	strvec_free(&conflicts);
	json_object_set_new(a, "conflicts", c);
	if (env->status)
		env->status(env->arg, a);
	return a;
}

/* Where an applied object goes: the file that holds it alone, or a new
 * file of its own.  NULL with *err when it lives among other objects. */
static char *apply_target(const struct control_env *env,
			  const struct k8s_object *obj,
			  const struct store_entry *e, char **err)
{
	if (!e) {
		char *kind = xstrdup(kind_name(obj->kind));
		for (char *p = kind; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		char *name = xasprintf("%s-%s-%s.json", kind,
				       obj->meta.namespace, obj->meta.name);
		free(kind);
		const struct statedir_file *f = statedir_file(env->statedir, name);
		if (f && f->objects) {
			*err = xasprintf("%s %s/%s: file %s exists and holds other objects",
					 kind_name(obj->kind), obj->meta.namespace,
					 obj->meta.name, name);
			free(name);
			return NULL;
		}
		return name;
	}
	const char *file = statedir_file_of(env->statedir, e->source);
	size_t count = store_source_count(env->store, e->source);
	if (!file || count != 1) {
		*err = xasprintf("%s %s/%s is defined in %s%s; change it there",
				 kind_name(obj->kind), obj->meta.namespace,
				 obj->meta.name, e->source,
				 file ? " together with other objects" : "");
		return NULL;
	}
	return xstrdup(file);
}

static json_t *errors_answer(const char *what, struct strvec *errors)
{
	json_t *a = control_error("%s", what);
	json_t *list = json_array();
	for (size_t i = 0; i < errors->n; i++)
		json_array_append_new(list, json_string(errors->v[i]));
	json_object_set_new(a, "errors", list);
	return a;
}

static char *pretty(const char *compact)
{
	json_t *j = json_loads(compact, 0, NULL);
	char *text = j ? json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS) : NULL;
	json_decref(j);
	char *out = xasprintf("%s\n", text ? text : compact);
	free(text);
	return out;
}

static json_t *do_apply(const struct control_env *env, json_t *req)
{
	if (!env->statedir)
		return control_error("apply: svcd runs without a state dir");
	json_t *jdata = json_object_get(req, "data");
	if (!json_is_string(jdata))
		return control_error("apply: no data");
	const char *name = str_field(req, "name", "-");
	struct decode_result res = { .keep_json = true };
	decode_buffer(name, json_string_value(jdata), json_string_length(jdata),
		      doc_format_for(name), &res);
	json_t *answer = NULL;
	struct strvec errors = { 0 };
	char **targets = xcalloc(res.n, sizeof(*targets));

	strvec_move(&errors, &res.errors);
	if (!errors.n && !res.n)
		strvec_addf(&errors, "%s: no Service, EndpointSlice, Endpoints or Pod objects", name);
	for (size_t i = 0; i < res.n && !errors.n; i++) {
		const struct k8s_object *o = res.objs[i];
		char *err = NULL;
		for (size_t j = 0; j < i; j++)
			if (res.objs[j]->kind == o->kind &&
			    !strcmp(res.objs[j]->meta.namespace, o->meta.namespace) &&
			    !strcmp(res.objs[j]->meta.name, o->meta.name))
				err = xasprintf("%s: %s %s/%s appears twice", name,
						kind_name(o->kind), o->meta.namespace,
						o->meta.name);
		const struct store_entry *e = store_get(env->store, o->kind,
							o->meta.namespace,
							o->meta.name);
		if (!err)
			targets[i] = apply_target(env, o, e, &err);
		if (err)
			strvec_push(&errors, err);
	}
	if (errors.n) {
		answer = errors_answer("nothing applied", &errors);
		goto out;
	}

	json_t *applied = json_array();
	for (size_t i = 0; i < res.n; i++) {
		const struct k8s_object *o = res.objs[i];
		const struct store_entry *e = store_get(env->store, o->kind,
							o->meta.namespace,
							o->meta.name);
		const char *action = !e ? "created" :
				     e->obj->digest == o->digest ? "unchanged" :
				     "configured";
		char *err = NULL;
		if (strcmp(action, "unchanged") != 0) {
			char *text = pretty(res.json[i]);
			int rc = statedir_write(env->statedir, targets[i], text,
						strlen(text), &err);
			free(text);
			if (rc < 0) {
				strvec_push(&errors, err);
				break;
			}
		}
		json_array_append_new(applied, json_pack("{s:s, s:s, s:s, s:s, s:s}",
			"kind", kind_name(o->kind), "namespace", o->meta.namespace,
			"name", o->meta.name, "file", targets[i], "action", action));
	}
	answer = errors.n ? errors_answer("apply stopped", &errors) : ok();
	json_object_set_new(answer, "applied", applied);
out:
	for (size_t i = 0; i < res.n; i++)
		free(targets[i]);
	free(targets);
	strvec_free(&errors);
	decode_result_free(&res);
	return answer;
}

static json_t *do_delete(const struct control_env *env, json_t *req)
{
	const char *kind = str_field(req, "kind", "");
	const char *ns = str_field(req, "namespace", "default");
	const char *name = str_field(req, "name", NULL);
	if (strcmp(kind, "svc") && strcmp(kind, "service") &&
	    strcmp(kind, "services"))
		return control_error("delete: unknown kind \"%s\" (only svc)", kind);
	if (!name)
		return control_error("delete: a service name is required");
	if (!env->statedir)
		return control_error("delete: svcd runs without a state dir");
	const struct store_entry *e = store_get(env->store, KIND_SERVICE, ns, name);
	if (!e)
		return control_error("service %s/%s not found", ns, name);
	const char *file = statedir_file_of(env->statedir, e->source);
	size_t count = store_source_count(env->store, e->source);
	if (!file)
		return control_error("service %s/%s comes from %s, not from the state dir",
			    ns, name, e->source);
	if (count != 1)
		return control_error("service %s/%s is defined in %s together with %zu other object(s); remove it from that file",
			    ns, name, e->source, count - 1);
	char *fname = xstrdup(file);
	char *err = NULL;
	json_t *a;
	if (statedir_unlink(env->statedir, fname, &err) < 0) {
		a = control_error("%s", err);
		free(err);
	} else {
		a = ok();
		json_object_set_new(a, "file", json_string(fname));
	}
	free(fname);
	return a;
}

json_t *control_handle(const struct control_env *env, json_t *req)
{
	const char *verb = str_field(req, "verb", "");
	if (!json_is_object(req))
		return control_error("bad request: not a JSON object");
	if (!strcmp(verb, "list"))
		return do_list(env, req);
	if (!strcmp(verb, "get"))
		return do_get(env, req);
	if (!strcmp(verb, "status"))
		return do_status(env);
	if (!strcmp(verb, "apply"))
		return do_apply(env, req);
	if (!strcmp(verb, "delete"))
		return do_delete(env, req);
	if (!strcmp(verb, "resolve"))
		return control_error("resolve: the DNS half is not in this build");
	return control_error("unknown verb \"%s\"", verb);
}
