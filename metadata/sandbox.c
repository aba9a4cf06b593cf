#include "metadata/sandbox.h"

#include "lib/log.h"
#include "lib/spawn.h"

#include <errno.h>
#include <seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static const struct {
	int resource;
	rlim_t limit;
} child_limits[] = {
    {RLIMIT_AS, 1024ul << 20}, {RLIMIT_FSIZE, 32ul << 20}, {RLIMIT_NOFILE, 64},
    {RLIMIT_CPU, 20},	       {RLIMIT_CORE, 0},	   {RLIMIT_MEMLOCK, 0},
};

static int set_limits(void)
{
	for (size_t i = 0; i < sizeof child_limits / sizeof child_limits[0]; i++) {
		struct rlimit rl = {child_limits[i].limit, child_limits[i].limit};
		if (setrlimit(child_limits[i].resource, &rl) < 0) {
			log_err("sandbox: setrlimit %d: %s", child_limits[i].resource,
				strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* By fd, not by name: the directory checked by the parent is the one we
 * enter, whatever was renamed meanwhile. Without CAP_SYS_CHROOT (tests as
 * a user) the directory fd still bounds the writes. */
static int confine_root(int dirfd)
{
	if (dirfd < 0)
		return 0;
	if (fchdir(dirfd) < 0) {
		log_err("sandbox: fchdir to the output directory: %s", strerror(errno));
		return -1;
	}
	if (chroot(".") < 0 && errno != EPERM) {
		log_err("sandbox: chroot into the output directory: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static int drop_capabilities(void)
{
	for (cap_value_t cap = 0; cap <= CAP_LAST_CAP; cap++) {
		if (cap_drop_bound(cap) < 0 && errno != EINVAL && errno != EPERM) {
			log_err("sandbox: dropping capability %d from the bounding set: %s",
				(int)cap, strerror(errno));
			return -1;
		}
	}
	cap_t none = cap_init();
	if (!none)
		return -1;
	int r = cap_set_proc(none);
	int saved = errno;
	cap_free(none);
	if (r < 0)
		log_err("sandbox: clearing capabilities: %s", strerror(saved));
	return r;
}

static const char *const writer_calls[] = {
    "read",	      "write",
    "writev",	      "readv",
    "close",	      "openat",
    "mkdirat",	      "renameat",
    "renameat2",      "rename",
    "unlinkat",	      "fchmod",
    "fchmodat",	      "fstat",
    "newfstatat",     "statx",
    "lseek",	      "brk",
    "mmap",	      "munmap",
    "mremap",	      "madvise",
    "mprotect",	      "exit",
    "exit_group",     "rt_sigreturn",
    "rt_sigprocmask", "clock_gettime",
    "getpid",	      "gettid",
    "futex",	      "fcntl",
    "getrandom",      "restart_syscall",
    "tgkill",	      "clock_nanosleep",
    "nanosleep",      "gettimeofday",
    "time",	      "getuid",
    "geteuid",	      "getgid",
    "getegid",	      NULL,
};

static const char *const network_calls[] = {
    "socket",	     "connect",	    "poll",	   "ppoll",
    "select",	     "pselect6",    "sendto",	   "recvfrom",
    "sendmsg",	     "recvmsg",	    "getsockopt",  "setsockopt",
    "getsockname",   "getpeername", "bind",	   "pipe",
    "pipe2",	     "eventfd2",    "socketpair",  "shutdown",
    "epoll_create1", "epoll_ctl",   "epoll_wait",  "epoll_pwait",
    "ioctl",	     "clone",	    "clone3",	   "set_robust_list",
    "rseq",	     "uname",	    "sched_yield", "sysinfo",
    "rt_sigaction",  "getdents64",  NULL,
};

static int allow_calls(scmp_filter_ctx ctx, const char *const *names)
{
	for (; *names; names++) {
		int nr = seccomp_syscall_resolve_name(*names);
		if (nr == __NR_SCMP_ERROR)
			continue; /* not on this architecture */
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0) < 0)
			return -1;
	}
	return 0;
}

static int load_seccomp(enum sandbox_profile profile)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	if (!ctx)
		return -1;
	int r = allow_calls(ctx, writer_calls);
	if (r == 0 && profile == SANDBOX_NETWORK)
		r = allow_calls(ctx, network_calls);
	if (r == 0)
		r = seccomp_load(ctx);
	seccomp_release(ctx);
	if (r < 0)
		log_err("sandbox: loading the seccomp filter: %s", strerror(-r));
	return r < 0 ? -1 : 0;
}

int sandbox_enter(enum sandbox_profile profile, int chroot_fd)
{
	if (set_limits() < 0 || confine_root(chroot_fd) < 0)
		return -1;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		log_err("sandbox: no_new_privs: %s", strerror(errno));
		return -1;
	}
	if (drop_capabilities() < 0 || load_seccomp(profile) < 0)
		return -1;
	return 0;
}

int sandbox_run(const char *what, enum sandbox_profile profile, int chroot_fd, int (*fn)(void *),
		void *arg, int timeout_ms)
{
	pid_t pid = fork();
	if (pid < 0) {
		log_err("%s: fork: %s; continuing without it", what, strerror(errno));
		return -1;
	}
	if (pid == 0) {
		if (sandbox_enter(profile, chroot_fd) < 0)
			_exit(125);
		_exit(fn(arg) & 0xff);
	}
	int status = 0;
	int r = wait_pid_timeout(pid, timeout_ms, &status);
	if (r != 0) {
		kill(pid, SIGKILL);
		wait_pid_timeout(pid, 1000, &status);
		log_err("%s: %s after %d ms; killed, continuing without its output", what,
			r == 1 ? "timed out" : "lost", timeout_ms);
		return -1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) != 125)
		return WEXITSTATUS(status);
	char desc[64];
	log_err("%s: sandboxed child %s%s; continuing without its output", what,
		describe_status(status, desc, sizeof desc),
		WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS
		    ? " (a system call outside the seccomp allowlist)"
		    : "");
	return -1;
}
