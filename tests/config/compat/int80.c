/* getpid through the i386 syscall gate (int $0x80), the compat ABI a 64-bit
 * process can reach and seccomp sees as AUDIT_ARCH_I386: the probe of
 * tests/config/35-hardening.test for `seccomp: architectures`. */
#include <stdio.h>

int main(void)
{
	long ret;
	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(20L /* i386 __NR_getpid */) : "memory");
	printf("int80: getpid returned %ld\n", ret);
	return ret > 0 ? 0 : 1;
}
