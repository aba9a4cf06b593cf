// sources: supervisor/lifecycle.c supervisor/restart.c
/* The service lifecycle table: every pair of state and event does what
 * docs/design.md's table says, no pair is left unhandled, and the walks
 * the supervisor relies on end where they must. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "supervisor/lifecycle.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DESIGN "docs/design.md"

static struct svc_step expected[SVC_N_STATES][EV_N_EVENTS];
static const char *expected_shown[SVC_N_STATES];

static int state_named(const char *name)
{
	for (int s = 0; s < SVC_N_STATES; s++)
		if (strcmp(lifecycle_state_name(s), name) == 0)
			return s;
	return -1;
}

static int event_named(const char *name)
{
	for (int e = 0; e < EV_N_EVENTS; e++)
		if (strcmp(lifecycle_event_name(e), name) == 0)
			return e;
	return -1;
}

static int action_named(const char *name)
{
	for (int a = ACT_NONE; a < ACT_N_ACTIONS; a++)
		if (strcmp(lifecycle_action_name(a), name) == 0)
			return a;
	return -1;
}

/* A markdown cell without its spaces and backticks, in place. */
static char *cell(char *text)
{
	while (*text == ' ' || *text == '`')
		text++;
	char *end = text + strlen(text);
	while (end > text && (end[-1] == ' ' || end[-1] == '`'))
		*--end = '\0';
	return text;
}

static int bad_row(const char *why, const char *what)
{
	fprintf(stderr, "%s: lifecycle table: %s %s\n", DESIGN, why, what);
	return -1;
}

/* One row of the table into expected[][]; *state carries over rows that
 * leave the state cell empty. */
static int parse_row(char *line, int *state, bool listed[SVC_N_STATES][EV_N_EVENTS])
{
	char *cells[6];
	int n = 0;
	for (char *save = NULL, *c = strtok_r(line, "|", &save); c && n < 6;
	     c = strtok_r(NULL, "|", &save))
		cells[n++] = cell(c);
	if (n != 5)
		return bad_row("a row needs 5 cells:", line);
	if (cells[0][0]) {
		*state = state_named(cells[0]);
		if (*state < 0)
			return bad_row("no such state", cells[0]);
		expected_shown[*state] = strdup(cells[1]);
	}
	if (*state < 0)
		return bad_row("a row before the first state", "");
	int action = action_named(cells[3]), next = state_named(cells[4]);
	if (action < 0)
		return bad_row("no such action", cells[3]);
	if (next < 0)
		return bad_row("no such state", cells[4]);
	for (char *save = NULL, *e = strtok_r(cells[2], ", ", &save); e;
	     e = strtok_r(NULL, ", ", &save)) {
		int ev = event_named(e);
		if (ev < 0)
			return bad_row("no such event", e);
		if (listed[*state][ev])
			return bad_row("listed twice:", e);
		listed[*state][ev] = true;
		expected[*state][ev] = (struct svc_step){action, next};
	}
	return 0;
}

/* Every pair not in the table: nothing, same state. */
static int load_design(void **state)
{
	(void)state;
	for (int s = 0; s < SVC_N_STATES; s++)
		for (int e = 0; e < EV_N_EVENTS; e++)
			expected[s][e] = (struct svc_step){ACT_NONE, s};
	FILE *f = fopen(DESIGN, "re");
	if (!f) {
		fprintf(stderr, "%s: run from the top of the tree (tests/run does)\n", DESIGN);
		return -1;
	}
	static bool listed[SVC_N_STATES][EV_N_EVENTS];
	char line[512];
	bool inside = false;
	int current = -1, rows = 0;
	bool bad = false;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		if (strcmp(line, "<!-- lifecycle table -->") == 0)
			inside = true;
		else if (strcmp(line, "<!-- end lifecycle table -->") == 0)
			inside = false;
		else if (inside && line[0] == '|' && !strstr(line, "---") &&
			 !strstr(line, "| state |")) {
			bad |= parse_row(line, &current, listed) < 0;
			rows++;
		}
	}
	fclose(f);
	return !bad && rows > 0 ? 0 : -1;
}

static void every_pair_is_as_designed(void **state)
{
	(void)state;
	int checked = 0;
	for (int s = 0; s < SVC_N_STATES; s++) {
		for (int e = 0; e < EV_N_EVENTS; e++) {
			struct svc_step got = lifecycle_step(s, e), want = expected[s][e];
			if (got.action == want.action && got.next == want.next) {
				checked++;
				continue;
			}
			fail_msg("%s + %s: code says %s -> %s, %s says %s -> %s",
				 lifecycle_state_name(s), lifecycle_event_name(e),
				 lifecycle_action_name(got.action), lifecycle_state_name(got.next),
				 DESIGN, lifecycle_action_name(want.action),
				 lifecycle_state_name(want.next));
		}
	}
	assert_int_equal(checked, SVC_N_STATES * EV_N_EVENTS);
}

static void no_pair_is_unhandled(void **state)
{
	(void)state;
	for (int s = 0; s < SVC_N_STATES; s++)
		for (int e = 0; e < EV_N_EVENTS; e++) {
			struct svc_step got = lifecycle_step(s, e);
			if (got.action == ACT_UNHANDLED || got.action >= ACT_N_ACTIONS ||
			    got.next >= SVC_N_STATES)
				fail_msg("%s + %s is unhandled", lifecycle_state_name(s),
					 lifecycle_event_name(e));
		}
	assert_int_equal(lifecycle_step(SVC_N_STATES, EV_GO).action, ACT_UNHANDLED);
	assert_int_equal(lifecycle_step(SVC_WAITING, EV_N_EVENTS).action, ACT_UNHANDLED);
}

/* stelectl and its users see 9 names, the design's "shown as" column. */
static void states_show_nine_names(void **state)
{
	(void)state;
	static const char *const names[] = {"waiting", "starting", "running", "ready",	"stopping",
					    "exited",  "backoff",  "failed",  "stopped"};
	bool used[9] = {false};
	for (int s = 0; s < SVC_N_STATES; s++) {
		const char *shown = lifecycle_shown(s);
		assert_non_null(expected_shown[s]);
		assert_string_equal(shown, expected_shown[s]);
		bool known = false;
		for (size_t i = 0; i < 9; i++)
			if (strcmp(shown, names[i]) == 0)
				known = used[i] = true;
		assert_true(known);
	}
	for (size_t i = 0; i < 9; i++)
		assert_true(used[i]);
}

/* The timer means something exactly where an event of it does something. */
static void the_timer_only_matters_where_it_is_armed(void **state)
{
	(void)state;
	for (int s = 0; s < SVC_N_STATES; s++) {
		struct svc_step st = lifecycle_step(s, EV_TIMER);
		bool acts = st.action != ACT_NONE || st.next != (enum svc_state)s;
		assert_int_equal(acts, lifecycle_timer(s) != TIMER_NONE);
	}
}

/* Walk the table with the events the supervisor would feed. */
static enum svc_state walk(enum svc_state s, const enum svc_event *events, size_t n)
{
	for (size_t i = 0; i < n; i++)
		s = lifecycle_step(s, events[i]).next;
	return s;
}

#define WALK(from, ...)                                                                            \
	walk(from, (const enum svc_event[]){__VA_ARGS__},                                          \
	     sizeof((const enum svc_event[]){__VA_ARGS__}) / sizeof(enum svc_event))

static void the_walks_the_supervisor_relies_on(void **state)
{
	(void)state;
	/* A crash: backoff, then waiting for a slot again. */
	assert_int_equal(
	    WALK(SVC_WAITING, EV_GO, EV_STARTED, EV_READY, EV_EXIT, EV_CLEANED, EV_TIMER),
	    SVC_WAITING);
	/* The limit: the failure is counted in BACKOFF, give_up ends it. */
	assert_int_equal(WALK(SVC_READY, EV_EXIT, EV_CLEANED, EV_GIVE_UP), SVC_FAILED);
	/* restart: never. */
	assert_int_equal(WALK(SVC_READY, EV_EXIT_FINAL, EV_CLEANED), SVC_EXITED);
	/* An exit before the start's answer is handled after it. */
	assert_int_equal(WALK(SVC_STARTING, EV_EXIT, EV_STARTED, EV_EXIT, EV_CLEANED), SVC_BACKOFF);
	/* ... and a stop meanwhile still ends stopped, not restarted. */
	assert_int_equal(WALK(SVC_STARTING, EV_EXIT, EV_STOP, EV_STARTED, EV_EXIT, EV_CLEANED),
			 SVC_STOPPED);
	/* stelectl restart, and start while stopping. */
	assert_int_equal(WALK(SVC_READY, EV_RESTART, EV_EXIT, EV_CLEANED), SVC_WAITING);
	assert_int_equal(WALK(SVC_READY, EV_STOP, EV_START, EV_EXIT, EV_CLEANED), SVC_WAITING);
	assert_int_equal(WALK(SVC_READY, EV_RESTART, EV_STOP, EV_EXIT, EV_CLEANED), SVC_STOPPED);
	/* A stop during the start stops it once it runs. */
	assert_int_equal(WALK(SVC_STARTING, EV_STOP, EV_STARTED, EV_EXIT, EV_CLEANED), SVC_STOPPED);
	/* The shutdown overrides a restart being cleaned up. */
	assert_int_equal(WALK(SVC_READY, EV_RESTART, EV_EXIT, EV_SHUTDOWN, EV_CLEANED),
			 SVC_STOPPED);
	assert_int_equal(WALK(SVC_READY, EV_EXIT, EV_SHUTDOWN, EV_CLEANED), SVC_STOPPED);
	/* Adoption after a supervisor restart. */
	assert_int_equal(WALK(SVC_WAITING, EV_ADOPT), SVC_READY);
	/* A broken service never starts. */
	for (int e = 0; e < EV_N_EVENTS; e++)
		assert_int_equal(lifecycle_step(SVC_BROKEN, e).next, SVC_BROKEN);
}

/* From any state, the events the supervisor feeds during the shutdown
 * (answers, exits, clean-ups, and shutdown itself) end in a state that is
 * not active, so the shutdown can move on to the containers. */
static void the_shutdown_always_settles(void **state)
{
	(void)state;
	static const enum svc_event answers[] = {EV_SHUTDOWN, EV_STARTED,  EV_EXIT,
						 EV_CLEANED,  EV_SHUTDOWN, EV_CLEANED};
	for (int s = 0; s < SVC_N_STATES; s++) {
		enum svc_state end = walk(s, answers, sizeof answers / sizeof answers[0]);
		if (lifecycle_active(end))
			fail_msg("%s: still %s after the shutdown's events",
				 lifecycle_state_name(s), lifecycle_state_name(end));
		if (lifecycle_active(s))
			assert_int_equal(end, SVC_STOPPED);
	}
	/* A failed start during the shutdown, too. */
	assert_int_equal(WALK(SVC_STARTING, EV_SHUTDOWN, EV_START_FAILED, EV_CLEANED), SVC_STOPPED);
}

/* Every state can be reached from where services begin. */
static void every_state_is_reachable(void **state)
{
	(void)state;
	bool seen[SVC_N_STATES] = {[SVC_WAITING] = true, [SVC_STOPPED] = true, [SVC_BROKEN] = true};
	for (bool grew = true; grew;) {
		grew = false;
		for (int s = 0; s < SVC_N_STATES; s++)
			for (int e = 0; e < EV_N_EVENTS && seen[s]; e++) {
				enum svc_state n = lifecycle_step(s, e).next;
				grew |= !seen[n];
				seen[n] = true;
			}
	}
	for (int s = 0; s < SVC_N_STATES; s++)
		if (!seen[s])
			fail_msg("%s cannot be reached", lifecycle_state_name(s));
}

/* Requests are refused only for a broken service. */
static void only_broken_services_refuse(void **state)
{
	(void)state;
	for (int s = 0; s < SVC_N_STATES; s++)
		for (int e = 0; e < EV_N_EVENTS; e++) {
			bool refused = lifecycle_step(s, e).action == ACT_REFUSE;
			bool request = e == EV_START || e == EV_STOP || e == EV_RESTART;
			assert_int_equal(refused, s == SVC_BROKEN && request);
		}
}

static void exits_follow_the_restart_policy(void **state)
{
	(void)state;
	struct restart_policy p = RESTART_POLICY_DEFAULT;
	assert_int_equal(lifecycle_exit_event(&p, 0), EV_EXIT);
	p.mode = RESTART_ON_FAILURE;
	assert_int_equal(lifecycle_exit_event(&p, 0), EV_EXIT_FINAL);
	assert_int_equal(lifecycle_exit_event(&p, 1), EV_EXIT);
	assert_int_equal(lifecycle_exit_event(&p, 128 + 9), EV_EXIT);
	p.mode = RESTART_NEVER;
	assert_int_equal(lifecycle_exit_event(&p, 1), EV_EXIT_FINAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_pair_is_as_designed),
	    cmocka_unit_test(no_pair_is_unhandled),
	    cmocka_unit_test(states_show_nine_names),
	    cmocka_unit_test(the_timer_only_matters_where_it_is_armed),
	    cmocka_unit_test(the_walks_the_supervisor_relies_on),
	    cmocka_unit_test(the_shutdown_always_settles),
	    cmocka_unit_test(every_state_is_reachable),
	    cmocka_unit_test(only_broken_services_refuse),
	    cmocka_unit_test(exits_follow_the_restart_policy),
	};
	return cmocka_run_group_tests(tests, load_design, NULL);
}
