/* ptrace-hold: attach to PID (PTRACE_SEIZE, which does not stop it) and
 * never wait for it, until killed. A traced process that dies stays a
 * zombie its parent cannot reap until the tracer lets it go: a child that
 * outlasts SIGKILL, without a hung kernel. Prints "attached" once it holds.
 * Usage: ptrace-hold PID */
#include <stdio.h>
#include <stdlib.h>
#include <sys/ptrace.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: ptrace-hold PID\n");
		return 2;
	}
	if (ptrace(PTRACE_SEIZE, (pid_t)atoi(argv[1]), NULL, NULL) < 0) {
		perror(argv[1]);
		return 1;
	}
	printf("attached\n");
	fflush(stdout);
	for (;;)
		pause();
}
