#!/bin/sh
# From github.com/linuxkit/linuxkit at 3bf33c3a11fc20b459195294a7d8980cbca4195b, test/cases/000_build/070_volumes/003_ro_on_rw/check.sh
# (Apache-2.0, Copyright the LinuxKit authors): a files: source of tc-000_build-070_volumes-003_ro_on_rw.yml.

set -x

function failed {
	printf "ro_on_rw test suite FAILED\n" >&1
	exit 1
}

# the file should not exist, as it was mounted read-only

[ -d /vola ] || failed
[ -e /vola/mytestfile ] && failed
printf "ro_on_rw test suite PASSED\n" >&1
