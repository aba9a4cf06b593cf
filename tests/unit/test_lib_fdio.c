// sources: lib/fdio.c
/* fdio: fds inherited without O_CLOEXEC are marked close-on-exec, fds 0-2
 * and lower ones are left alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "lib/fdio.h"

#include <fcntl.h>
#include <stdbool.h>
#include <unistd.h>

static bool cloexec(int fd)
{
	return (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0;
}

static void inherited_fds_become_cloexec(void **state)
{
	(void)state;
	int low = open("/dev/null", O_RDONLY);
	int pipefd[2];
	assert_int_equal(pipe(pipefd), 0);
	assert_true(low >= 0 && low < pipefd[0]);
	assert_false(cloexec(pipefd[0]) || cloexec(pipefd[1]) || cloexec(low));

	assert_int_equal(fds_set_cloexec_from(pipefd[0]), 0);
	assert_true(cloexec(pipefd[0]));
	assert_true(cloexec(pipefd[1]));
	assert_false(cloexec(low));
	assert_false(cloexec(0));
	close(low);
	close(pipefd[0]);
	close(pipefd[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(inherited_fds_become_cloexec),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
