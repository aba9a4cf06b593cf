#!/bin/sh
# From github.com/linuxkit/linuxkit at 3bf33c3a11fc20b459195294a7d8980cbca4195b, test/cases/000_build/020_binds/check.sh
# (Apache-2.0, Copyright the LinuxKit authors): a files: source of tc-000_build-020_binds.yml.

set -x

function failed {
	printf "bindmerge test suite FAILED\n" >&1
	exit 1
}

# the very fact that this is running means that the bind worked, so just need to check that the defaults also
# are there

[ -d /dev/mapper ] || failed
[ -d /hostroot ] || failed
printf "bindmerge test suite PASSED\n" >&1
