/* events: the Events.Subscribe stream, reduced to the exits of tasks' init
 * processes in this connection's namespace. */
#include "containerd/call.h"

#include "github.com/containerd/containerd/api/events/task.pb-c.h"
#include "github.com/containerd/containerd/api/services/events/v1/events.pb-c.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define TASK_EXIT_TYPE "containerd.events.TaskExit"

/* Any.type_url is "containerd.events.TaskExit", possibly behind a host
 * part ("types.containerd.io/containerd.events.TaskExit"). */
static bool is_task_exit(const char *type_url)
{
	const char *slash = strrchr(type_url, '/');
	return strcmp(slash ? slash + 1 : type_url, TASK_EXIT_TYPE) == 0;
}

static void on_envelope(struct ctrd *c, const uint8_t *msg, size_t len)
{
	Containerd__Services__Events__V1__Envelope *env =
	    containerd__services__events__v1__envelope__unpack(NULL, len, msg);
	if (!env)
		return; /* not ours to understand; the filter should not let it through */
	if (env->event && is_task_exit(env->event->type_url) &&
	    strcmp(env->namespace_, ctrd_namespace(c)) == 0) {
		Containerd__Events__TaskExit *ev = containerd__events__task_exit__unpack(
		    NULL, env->event->value.len, env->event->value.data);
		/* An exec'd process has its own id; only init's exit ends a task. */
		if (ev && strcmp(ev->id, ev->container_id) == 0)
			ctrd_queue_exit(c, ev->container_id, ev->pid, ev->exit_status);
		if (ev)
			containerd__events__task_exit__free_unpacked(ev, NULL);
	}
	containerd__services__events__v1__envelope__free_unpacked(env, NULL);
}

static void subscription_ended(void *arg, const struct ctrd_result *res)
{
	struct ctrd_subscriber *sub = arg;
	sub->active = false;
	/* Loss and close are the caller's own news; only containerd ending
	 * the stream on a live connection is reported here. */
	if (sub->ended && ctrd_usable(sub->c))
		sub->ended(sub->arg, res);
}

int ctrd_subscribe_exits(struct ctrd *c, ctrd_exit_fn *on_exit, ctrd_done_fn *ended, void *arg)
{
	struct ctrd_subscriber *sub = ctrd_subscriber(c);
	if (!on_exit)
		return errno = EINVAL, -1;
	if (sub->active)
		return errno = EBUSY, -1;
	char filter[256];
	snprintf(filter, sizeof filter, "topic==\"/tasks/exit\",namespace==\"%s\"",
		 ctrd_namespace(c));
	char *filters[] = {filter};
	Containerd__Services__Events__V1__SubscribeRequest req =
	    CONTAINERD__SERVICES__EVENTS__V1__SUBSCRIBE_REQUEST__INIT;
	req.n_filters = 1;
	req.filters = filters;
	struct call_spec spec = {.path = "/containerd.services.events.v1.Events/Subscribe",
				 .request = &req.base,
				 .stream = on_envelope,
				 .done = subscription_ended,
				 .arg = sub};
	*sub = (struct ctrd_subscriber){.c = c, .on_exit = on_exit, .ended = ended, .arg = arg};
	if (call_start(c, &spec) < 0)
		return -1;
	sub->active = true;
	return 0;
}
