#include "builder/seccomp.h"

#include <seccomp.h>
#include <stdbool.h>
#include <string.h>

/* Docker's unconditional allowlist, less io_uring (Docker and containerd
 * dropped it: a large, fast-moving kernel surface, and its operations slip
 * past seccomp's per-syscall checks). `clone` is below: allowed only
 * without namespace flags unless the container has CAP_SYS_ADMIN. */
static const char *const allowed =
    "accept accept4 access adjtimex alarm bind brk capget capset chdir chmod chown chown32 "
    "clock_adjtime clock_adjtime64 clock_getres clock_getres_time64 clock_gettime "
    "clock_gettime64 clock_nanosleep clock_nanosleep_time64 close close_range connect "
    "copy_file_range creat dup dup2 dup3 epoll_create epoll_create1 epoll_ctl epoll_ctl_old "
    "epoll_pwait epoll_pwait2 epoll_wait epoll_wait_old eventfd eventfd2 execve execveat exit "
    "exit_group faccessat faccessat2 fadvise64 fadvise64_64 fallocate fanotify_mark fchdir "
    "fchmod fchmodat fchown fchown32 fchownat fcntl fcntl64 fdatasync fgetxattr flistxattr "
    "flock fork fremovexattr fsetxattr fstat fstat64 fstatat64 fstatfs fstatfs64 fsync "
    "ftruncate ftruncate64 futex futex_time64 futex_waitv futimesat getcpu getcwd getdents "
    "getdents64 getegid getegid32 geteuid geteuid32 getgid getgid32 getgroups getgroups32 "
    "getitimer getpeername getpgid getpgrp getpid getppid getpriority getrandom getresgid "
    "getresgid32 getresuid getresuid32 getrlimit get_robust_list getrusage getsid getsockname "
    "getsockopt get_thread_area gettid gettimeofday getuid getuid32 getxattr "
    "inotify_add_watch inotify_init inotify_init1 inotify_rm_watch io_cancel ioctl io_destroy "
    "io_getevents io_pgetevents io_pgetevents_time64 ioprio_get ioprio_set io_setup io_submit "
    "ipc kill landlock_add_rule "
    "landlock_create_ruleset landlock_restrict_self lchown lchown32 lgetxattr link linkat "
    "listen listxattr llistxattr _llseek lremovexattr lseek lsetxattr lstat lstat64 madvise "
    "membarrier memfd_create memfd_secret mincore mkdir mkdirat mknod mknodat mlock mlock2 "
    "mlockall mmap mmap2 mprotect mq_getsetattr mq_notify mq_open mq_timedreceive "
    "mq_timedreceive_time64 mq_timedsend mq_timedsend_time64 mq_unlink mremap msgctl msgget "
    "msgrcv msgsnd msync munlock munlockall munmap name_to_handle_at nanosleep newfstatat "
    "_newselect open openat openat2 pause pidfd_open pidfd_send_signal pipe pipe2 pkey_alloc "
    "pkey_free pkey_mprotect poll ppoll ppoll_time64 prctl pread64 preadv preadv2 prlimit64 "
    "process_mrelease pselect6 pselect6_time64 pwrite64 pwritev pwritev2 read readahead "
    "readlink readlinkat readv recv recvfrom recvmmsg recvmmsg_time64 recvmsg "
    "remap_file_pages removexattr rename renameat renameat2 restart_syscall rmdir rseq "
    "rt_sigaction rt_sigpending rt_sigprocmask rt_sigqueueinfo rt_sigreturn rt_sigsuspend "
    "rt_sigtimedwait rt_sigtimedwait_time64 rt_tgsigqueueinfo sched_getaffinity "
    "sched_getattr sched_getparam sched_get_priority_max sched_get_priority_min "
    "sched_getscheduler sched_rr_get_interval sched_rr_get_interval_time64 sched_setaffinity "
    "sched_setattr sched_setparam sched_setscheduler sched_yield seccomp select semctl semget "
    "semop semtimedop semtimedop_time64 send sendfile sendfile64 sendmmsg sendmsg sendto "
    "setfsgid setfsgid32 setfsuid setfsuid32 setgid setgid32 setgroups setgroups32 setitimer "
    "setpgid setpriority setregid setregid32 setresgid setresgid32 setresuid setresuid32 "
    "setreuid setreuid32 setrlimit set_robust_list setsid setsockopt set_thread_area "
    "set_tid_address setuid setuid32 setxattr shmat shmctl shmdt shmget shutdown sigaltstack "
    "signalfd signalfd4 sigprocmask sigreturn socket socketcall socketpair splice stat stat64 "
    "statfs statfs64 statx symlink symlinkat sync sync_file_range syncfs sysinfo tee tgkill "
    "time timer_create timer_delete timer_getoverrun timer_gettime timer_gettime64 "
    "timer_settime timer_settime64 timerfd_create timerfd_gettime timerfd_gettime64 "
    "timerfd_settime timerfd_settime64 times tkill truncate truncate64 ugetrlimit umask uname "
    "unlink unlinkat utime utimensat utimensat_time64 utimes vfork vmsplice wait4 waitid "
    "waitpid write writev personality arch_prctl modify_ldt "
    /* Docker allows these on kernels >= 4.8, which every stele kernel is. */
    "kcmp pidfd_getfd process_madvise process_vm_readv process_vm_writev ptrace";

/* Allowed only with a capability, as in Docker's profile. */
static const struct {
	const char *cap;
	const char *names;
} by_cap[] = {
    {"CAP_SYS_ADMIN", "bpf clone3 fanotify_init fsconfig fsmount fsopen fspick lookup_dcookie "
		      "mount mount_setattr move_mount open_tree perf_event_open quotactl "
		      "quotactl_fd setdomainname sethostname setns syslog umount umount2 "
		      "unshare"},
    {"CAP_SYS_BOOT", "reboot"},
    {"CAP_SYS_CHROOT", "chroot"},
    {"CAP_SYS_MODULE", "delete_module init_module finit_module"},
    {"CAP_SYS_PACCT", "acct"},
    {"CAP_SYS_RAWIO", "iopl ioperm"},
    {"CAP_SYS_TIME", "settimeofday stime clock_settime clock_settime64"},
    {"CAP_SYS_TTY_CONFIG", "vhangup"},
    {"CAP_SYS_NICE", "get_mempolicy mbind set_mempolicy"},
    {"CAP_SYSLOG", "syslog"},
    {"CAP_BPF", "bpf"},
    {"CAP_PERFMON", "perf_event_open"},
};

static bool in_list(const json_t *list, const char *name)
{
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v) if (strcasecmp(json_string_value(v), name) == 0) return true;
	return false;
}

/* Append each known name of the space-separated list, once. */
static void add_names(json_t *names, const char *list, const json_t *deny)
{
	char name[64];
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, " ");
		if (n > 0 && n < sizeof name) {
			memcpy(name, p, n);
			name[n] = '\0';
			if (seccomp_syscall_resolve_name(name) != __NR_SCMP_ERROR &&
			    !in_list(names, name) && !in_list(deny, name))
				json_array_append_new(names, json_string(name));
		}
		p += n;
		p += strspn(p, " ");
	}
}

/* CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET:
 * Docker's mask. Without CAP_SYS_ADMIN a container may fork and make
 * threads, never new namespaces (a user namespace would hand it every
 * capability inside and the kernel surface that comes with them). */
#define CLONE_NAMESPACE_FLAGS 0x7E020000ULL

static json_t *clone_rule(bool namespaces_allowed)
{
	if (namespaces_allowed)
		return json_pack("{s:[s],s:s}", "names", "clone", "action", "SCMP_ACT_ALLOW");
	return json_pack("{s:[s],s:s,s:[{s:i,s:I,s:I,s:s}]}", "names", "clone", "action",
			 "SCMP_ACT_ALLOW", "args", "index", 0, "value",
			 (json_int_t)CLONE_NAMESPACE_FLAGS, "valueTwo", (json_int_t)0, "op",
			 "SCMP_CMP_MASKED_EQ");
}

/* The native ABI only, unless the YAML names the 32-bit ones (x86, x32):
 * a compat syscall is then killed (libseccomp's bad-arch action), as
 * systemd's SystemCallArchitectures=native does. The compat entry points
 * are kernel surface few appliance containers use, and each listed ABI
 * makes runc's libseccomp compile the whole allowlist again: with all
 * three, the filter is most of a `runc run`'s CPU (docs/benchmarks.md). */
static json_t *architectures(const json_t *custom)
{
	json_t *arches = json_pack("[s]", "SCMP_ARCH_X86_64");
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(custom, "architectures"), i, v)
	{
		const char *name = json_string_value(v);
		const char *oci = strcasecmp(name, "x86") == 0	 ? "SCMP_ARCH_X86"
				  : strcasecmp(name, "x32") == 0 ? "SCMP_ARCH_X32"
								 : NULL;
		if (oci && !in_list(arches, oci))
			json_array_append_new(arches, json_string(oci));
	}
	return arches;
}

json_t *seccomp_default_profile(const json_t *caps, const json_t *custom)
{
	const json_t *deny = json_object_get(custom, "deny");
	json_t *names = json_array();
	add_names(names, allowed, deny);
	for (size_t i = 0; i < sizeof by_cap / sizeof *by_cap; i++)
		if (in_list(caps, by_cap[i].cap))
			add_names(names, by_cap[i].names, deny);
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(custom, "allow"), i, v)
	    add_names(names, json_string_value(v), deny);

	json_t *syscalls = json_pack("[{s:o,s:s}]", "names", names, "action", "SCMP_ACT_ALLOW");
	if (!in_list(deny, "clone"))
		json_array_append_new(syscalls, clone_rule(in_list(caps, "CAP_SYS_ADMIN") ||
							   in_list(names, "unshare")));
	if (!in_list(names, "clone3") && !in_list(deny, "clone3"))
		json_array_append_new(syscalls,
				      json_pack("{s:[s],s:s,s:i}", "names", "clone3", "action",
						"SCMP_ACT_ERRNO", "errnoRet", 38 /* ENOSYS */));
	return json_pack("{s:s,s:i,s:o,s:o}", "defaultAction", "SCMP_ACT_ERRNO", "defaultErrnoRet",
			 1 /* EPERM */, "architectures", architectures(custom), "syscalls",
			 syscalls);
}
