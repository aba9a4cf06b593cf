/* calls: the typed unary calls of ctrd.h (Version, Containers, Tasks):
 * build the request message, decode the answer into a struct ctrd_result. */
#include "containerd/call.h"

#include "github.com/containerd/containerd/api/services/containers/v1/containers.pb-c.h"
#include "github.com/containerd/containerd/api/services/tasks/v1/tasks.pb-c.h"
#include "github.com/containerd/containerd/api/services/version/v1/version.pb-c.h"
#include "google/protobuf/empty.pb-c.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define CONTAINERS "/containerd.services.containers.v1.Containers/"
#define TASKS	   "/containerd.services.tasks.v1.Tasks/"

/* protobuf-c's string fields are char *; requests never write through them. */
/* Bounds the label arrays kept on the stack below. */
#define CTRD_MAX_LABELS 64

#define STR(s) ((char *)((s) ? (s) : ""))

static bool id_ok(const char *id)
{
	if (id && id[0])
		return true;
	errno = EINVAL;
	return false;
}

static int unary(struct ctrd *c, const char *path, const ProtobufCMessage *req,
		 call_decode_fn *decode, ctrd_done_fn *done, void *arg)
{
	struct call_spec spec = {
	    .path = path, .request = req, .decode = decode, .done = done, .arg = arg};
	return call_start(c, &spec);
}

/* Unpack msg as desc into keep->msg; NULL when it does not parse. */
static void *unpack(const ProtobufCMessageDescriptor *desc, const uint8_t *msg, size_t len,
		    struct call_keep *keep)
{
	keep->msg = protobuf_c_message_unpack(desc, NULL, len, msg);
	return keep->msg;
}

/* --- Version ---------------------------------------------------------- */

static int decode_version(const uint8_t *msg, size_t len, struct ctrd_result *res,
			  struct call_keep *keep)
{
	Containerd__Services__Version__V1__VersionResponse *v = unpack(
	    &containerd__services__version__v1__version_response__descriptor, msg, len, keep);
	if (!v)
		return -1;
	res->version = v->version;
	return 0;
}

int ctrd_version(struct ctrd *c, ctrd_done_fn *done, void *arg)
{
	Google__Protobuf__Empty req = GOOGLE__PROTOBUF__EMPTY__INIT;
	return unary(c, "/containerd.services.version.v1.Version/Version", &req.base,
		     decode_version, done, arg);
}

/* --- Containers --------------------------------------------------------- */

int ctrd_container_create(struct ctrd *c, const char *id, const char *spec_json, size_t spec_len,
			  const char *const *labels, ctrd_done_fn *done, void *arg)
{
	if (!id_ok(id) || !spec_json)
		return errno = EINVAL, -1;
	size_t n_labels = 0;
	while (labels && labels[n_labels])
		if (++n_labels > CTRD_MAX_LABELS)
			return errno = EINVAL, -1;
	Containerd__Services__Containers__V1__Container__LabelsEntry entries[n_labels + 1];
	Containerd__Services__Containers__V1__Container__LabelsEntry *entry_ptrs[n_labels + 1];
	char *keys[n_labels + 1];
	int rv = -1;
	size_t made = 0;
	for (; made < n_labels; made++) {
		const char *eq = strchr(labels[made], '=');
		if (!eq || eq == labels[made]) {
			errno = EINVAL;
			goto out;
		}
		if (!(keys[made] = strndup(labels[made], (size_t)(eq - labels[made]))))
			goto out;
		entries[made] = (Containerd__Services__Containers__V1__Container__LabelsEntry)
		    CONTAINERD__SERVICES__CONTAINERS__V1__CONTAINER__LABELS_ENTRY__INIT;
		entries[made].key = keys[made];
		entries[made].value = (char *)eq + 1;
		entry_ptrs[made] = &entries[made];
	}
	Containerd__Services__Containers__V1__Container__Runtime runtime =
	    CONTAINERD__SERVICES__CONTAINERS__V1__CONTAINER__RUNTIME__INIT;
	runtime.name = CTRD_RUNTIME;
	Google__Protobuf__Any spec = GOOGLE__PROTOBUF__ANY__INIT;
	spec.type_url = CTRD_SPEC_TYPE_URL;
	spec.value = (ProtobufCBinaryData){.len = spec_len, .data = (uint8_t *)spec_json};
	Containerd__Services__Containers__V1__Container container =
	    CONTAINERD__SERVICES__CONTAINERS__V1__CONTAINER__INIT;
	container.id = STR(id);
	container.n_labels = n_labels;
	container.labels = entry_ptrs;
	container.runtime = &runtime;
	container.spec = &spec;
	Containerd__Services__Containers__V1__CreateContainerRequest req =
	    CONTAINERD__SERVICES__CONTAINERS__V1__CREATE_CONTAINER_REQUEST__INIT;
	req.container = &container;
	rv = unary(c, CONTAINERS "Create", &req.base, NULL, done, arg);
out:;
	int saved = errno;
	for (size_t i = 0; i < made; i++)
		free(keys[i]);
	errno = saved;
	return rv;
}

int ctrd_container_delete(struct ctrd *c, const char *id, ctrd_done_fn *done, void *arg)
{
	if (!id_ok(id))
		return -1;
	Containerd__Services__Containers__V1__DeleteContainerRequest req =
	    CONTAINERD__SERVICES__CONTAINERS__V1__DELETE_CONTAINER_REQUEST__INIT;
	req.id = STR(id);
	return unary(c, CONTAINERS "Delete", &req.base, NULL, done, arg);
}

/* One block holds the info array, each container's label pointer array and
 * the "key=value" strings, so the result is freed with one free(). */
static int decode_container_list(const uint8_t *msg, size_t len, struct ctrd_result *res,
				 struct call_keep *keep)
{
	Containerd__Services__Containers__V1__ListContainersResponse *list =
	    unpack(&containerd__services__containers__v1__list_containers_response__descriptor, msg,
		   len, keep);
	if (!list)
		return -1;
	size_t size = list->n_containers * sizeof(struct ctrd_container_info);
	for (size_t i = 0; i < list->n_containers; i++) {
		const Containerd__Services__Containers__V1__Container *ct = list->containers[i];
		size += (ct->n_labels + 1) * sizeof(char *);
		for (size_t l = 0; l < ct->n_labels; l++)
			size += strlen(ct->labels[l]->key) + strlen(ct->labels[l]->value) + 2;
	}
	char *block = malloc(size ? size : 1);
	if (!block)
		return -1;
	keep->arrays = block;
	struct ctrd_container_info *infos = (struct ctrd_container_info *)block;
	char *cursor = block + list->n_containers * sizeof *infos;
	for (size_t i = 0; i < list->n_containers; i++) {
		const Containerd__Services__Containers__V1__Container *ct = list->containers[i];
		const char **labels = (const char **)cursor;
		cursor += (ct->n_labels + 1) * sizeof(char *);
		for (size_t l = 0; l < ct->n_labels; l++) {
			labels[l] = cursor;
			cursor = stpcpy(stpcpy(stpcpy(cursor, ct->labels[l]->key), "="),
					ct->labels[l]->value) +
				 1;
		}
		labels[ct->n_labels] = NULL;
		infos[i] = (struct ctrd_container_info){
		    .id = ct->id,
		    .runtime = ct->runtime ? ct->runtime->name : "",
		    .labels = labels,
		};
	}
	res->n_containers = list->n_containers;
	res->containers = infos;
	return 0;
}

int ctrd_container_list(struct ctrd *c, ctrd_done_fn *done, void *arg)
{
	Containerd__Services__Containers__V1__ListContainersRequest req =
	    CONTAINERD__SERVICES__CONTAINERS__V1__LIST_CONTAINERS_REQUEST__INIT;
	return unary(c, CONTAINERS "List", &req.base, decode_container_list, done, arg);
}

/* --- Tasks ------------------------------------------------------------ */

static int decode_task_create(const uint8_t *msg, size_t len, struct ctrd_result *res,
			      struct call_keep *keep)
{
	Containerd__Services__Tasks__V1__CreateTaskResponse *r = unpack(
	    &containerd__services__tasks__v1__create_task_response__descriptor, msg, len, keep);
	if (!r)
		return -1;
	res->pid = r->pid;
	return 0;
}

int ctrd_task_create(struct ctrd *c, const char *id, const char *stdout_uri, const char *stderr_uri,
		     ctrd_done_fn *done, void *arg)
{
	if (!id_ok(id))
		return -1;
	Containerd__Services__Tasks__V1__CreateTaskRequest req =
	    CONTAINERD__SERVICES__TASKS__V1__CREATE_TASK_REQUEST__INIT;
	req.container_id = STR(id);
	req.stdout = STR(stdout_uri);
	req.stderr = STR(stderr_uri);
	/* In file mode the shim copies both streams to stdout's file, and it
	 * crashes (ttrpc: closed) when stderr is empty: name the file twice. */
	if (stdout_uri && strncmp(stdout_uri, "file://", 7) == 0)
		req.stderr = req.stdout;
	return unary(c, TASKS "Create", &req.base, decode_task_create, done, arg);
}

static int decode_task_start(const uint8_t *msg, size_t len, struct ctrd_result *res,
			     struct call_keep *keep)
{
	Containerd__Services__Tasks__V1__StartResponse *r =
	    unpack(&containerd__services__tasks__v1__start_response__descriptor, msg, len, keep);
	if (!r)
		return -1;
	res->pid = r->pid;
	return 0;
}

int ctrd_task_start(struct ctrd *c, const char *id, ctrd_done_fn *done, void *arg)
{
	if (!id_ok(id))
		return -1;
	Containerd__Services__Tasks__V1__StartRequest req =
	    CONTAINERD__SERVICES__TASKS__V1__START_REQUEST__INIT;
	req.container_id = STR(id);
	return unary(c, TASKS "Start", &req.base, decode_task_start, done, arg);
}

int ctrd_task_kill(struct ctrd *c, const char *id, int sig, bool all, ctrd_done_fn *done, void *arg)
{
	if (!id_ok(id))
		return -1;
	if (sig <= 0 || sig >= 65)
		return errno = EINVAL, -1;
	Containerd__Services__Tasks__V1__KillRequest req =
	    CONTAINERD__SERVICES__TASKS__V1__KILL_REQUEST__INIT;
	req.container_id = STR(id);
	req.signal = (uint32_t)sig;
	req.all = all;
	return unary(c, TASKS "Kill", &req.base, NULL, done, arg);
}

static int decode_task_delete(const uint8_t *msg, size_t len, struct ctrd_result *res,
			      struct call_keep *keep)
{
	Containerd__Services__Tasks__V1__DeleteResponse *r =
	    unpack(&containerd__services__tasks__v1__delete_response__descriptor, msg, len, keep);
	if (!r)
		return -1;
	res->pid = r->pid;
	res->exit_status = r->exit_status;
	return 0;
}

int ctrd_task_delete(struct ctrd *c, const char *id, ctrd_done_fn *done, void *arg)
{
	if (!id_ok(id))
		return -1;
	Containerd__Services__Tasks__V1__DeleteTaskRequest req =
	    CONTAINERD__SERVICES__TASKS__V1__DELETE_TASK_REQUEST__INIT;
	req.container_id = STR(id);
	return unary(c, TASKS "Delete", &req.base, decode_task_delete, done, arg);
}

static int decode_task_list(const uint8_t *msg, size_t len, struct ctrd_result *res,
			    struct call_keep *keep)
{
	Containerd__Services__Tasks__V1__ListTasksResponse *list = unpack(
	    &containerd__services__tasks__v1__list_tasks_response__descriptor, msg, len, keep);
	if (!list)
		return -1;
	struct ctrd_task_info *infos = calloc(list->n_tasks ? list->n_tasks : 1, sizeof *infos);
	if (!infos)
		return -1;
	keep->arrays = infos;
	for (size_t i = 0; i < list->n_tasks; i++) {
		const Containerd__V1__Types__Process *p = list->tasks[i];
		infos[i] = (struct ctrd_task_info){
		    /* containerd 1.6 fills only id (the task's, which is
		     * the container's) in List answers */
		    .id = p->container_id && p->container_id[0] ? p->container_id : p->id,
		    .pid = p->pid,
		    .status = (enum ctrd_task_status)p->status,
		    .exit_status = p->exit_status,
		};
	}
	res->n_tasks = list->n_tasks;
	res->tasks = infos;
	return 0;
}

int ctrd_task_list(struct ctrd *c, ctrd_done_fn *done, void *arg)
{
	Containerd__Services__Tasks__V1__ListTasksRequest req =
	    CONTAINERD__SERVICES__TASKS__V1__LIST_TASKS_REQUEST__INIT;
	return unary(c, TASKS "List", &req.base, decode_task_list, done, arg);
}

const char *ctrd_task_status_name(enum ctrd_task_status status)
{
	switch (status) {
	case CTRD_TASK_CREATED:
		return "created";
	case CTRD_TASK_RUNNING:
		return "running";
	case CTRD_TASK_STOPPED:
		return "stopped";
	case CTRD_TASK_PAUSED:
		return "paused";
	case CTRD_TASK_PAUSING:
		return "pausing";
	default:
		return "unknown";
	}
}
