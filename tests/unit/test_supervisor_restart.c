// sources: supervisor/restart.c supervisor/deps.c
/* restart policy arithmetic and the dependency graph. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "supervisor/deps.h"
#include "supervisor/restart.h"

#include <string.h>

static void policies(void **state)
{
	struct restart_policy p = RESTART_POLICY_DEFAULT;
	assert_true(restart_wanted(&p, false));
	p.mode = RESTART_ON_FAILURE;
	assert_false(restart_wanted(&p, false));
	assert_true(restart_wanted(&p, true));
	p.mode = RESTART_NEVER;
	assert_false(restart_wanted(&p, true));
	enum restart_mode m;
	assert_int_equal(restart_mode_parse("on-failure", &m), 0);
	assert_int_equal(m, RESTART_ON_FAILURE);
	assert_int_equal(restart_mode_parse("sometimes", &m), -1);
}

static void backoff_doubles_up_to_the_cap(void **state)
{
	struct restart_policy p = RESTART_POLICY_DEFAULT;
	p.max_ms = 5000;
	p.limit = 64;
	p.window_ms = 1000000;
	struct restart_history h;
	restart_history_init(&h);
	double now = 100000;
	int expect[] = {1000, 2000, 4000, 5000, 5000};
	for (int i = 0; i < 5; i++) {
		restart_record_start(&h, now - 30000); /* long ago: no min-interval effect */
		restart_record_failure(&h, now);
		assert_int_equal(restart_delay_ms(&p, &h, now), expect[i]);
		now += 1;
	}
}

static void at_least_min_between_starts(void **state)
{
	struct restart_policy p = RESTART_POLICY_DEFAULT;
	p.min_ms = 1000;
	struct restart_history h;
	restart_history_init(&h);
	restart_record_start(&h, 0);
	restart_record_failure(&h, 10);
	/* Backoff 1000 from t=10 ends at 1010: already >= 1000 after the start. */
	assert_int_equal(restart_delay_ms(&p, &h, 10), 1000);
	p.min_ms = 500;
	p.max_ms = 100; /* a cap below the minimum never shortens the interval */
	assert_int_equal(restart_delay_ms(&p, &h, 10), 490);
}

static void gives_up_after_limit_in_window(void **state)
{
	struct restart_policy p = RESTART_POLICY_DEFAULT;
	p.limit = 3;
	p.window_ms = 10000;
	struct restart_history h;
	restart_history_init(&h);
	restart_record_failure(&h, 0);
	restart_record_failure(&h, 1000);
	assert_false(restart_exhausted(&p, &h, 1000));
	/* The first failure left the window: still two. */
	restart_record_failure(&h, 20000);
	assert_false(restart_exhausted(&p, &h, 20000));
	restart_record_failure(&h, 21000);
	restart_record_failure(&h, 22000);
	assert_true(restart_exhausted(&p, &h, 22000));
}

static void resolve(struct dep_node *nodes, size_t n, int idx[][4])
{
	for (size_t i = 0; i < n; i++)
		nodes[i].dep_index = idx[i];
	deps_resolve(nodes, n);
}

static void unknown_names_and_cycles_are_flagged(void **state)
{
	char *a_deps[] = {"b"}, *b_deps[] = {"c"}, *c_deps[] = {"a"};
	char *d_deps[] = {"nosuch"}, *e_deps[] = {"f"};
	struct dep_node nodes[] = {
	    {.name = "a", .depends_on = a_deps, .n_depends = 1},
	    {.name = "b", .depends_on = b_deps, .n_depends = 1},
	    {.name = "c", .depends_on = c_deps, .n_depends = 1},
	    {.name = "d", .depends_on = d_deps, .n_depends = 1},
	    {.name = "e", .depends_on = e_deps, .n_depends = 1},
	    {.name = "f"},
	};
	int idx[6][4];
	resolve(nodes, 6, idx);
	assert_non_null(strstr(nodes[0].err, "dependency cycle"));
	assert_non_null(strstr(nodes[1].err, "dependency cycle"));
	assert_non_null(strstr(nodes[2].err, "a -> b -> c -> a"));
	assert_non_null(strstr(nodes[3].err, "\"nosuch\": no such service"));
	assert_int_equal(nodes[3].dep_index[0], -1);
	assert_string_equal(nodes[4].err, "");
	assert_int_equal(nodes[4].dep_index[0], 5);
	assert_string_equal(nodes[5].err, "");
}

static void self_dependency_is_flagged(void **state)
{
	char *deps[] = {"x"};
	struct dep_node nodes[] = {{.name = "x", .depends_on = deps, .n_depends = 1}};
	int idx[1][4];
	resolve(nodes, 1, idx);
	assert_string_not_equal(nodes[0].err, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(policies),
	    cmocka_unit_test(backoff_doubles_up_to_the_cap),
	    cmocka_unit_test(at_least_min_between_starts),
	    cmocka_unit_test(gives_up_after_limit_in_window),
	    cmocka_unit_test(unknown_names_and_cycles_are_flagged),
	    cmocka_unit_test(self_dependency_is_flagged),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
