#!/bin/sh
# From github.com/linuxkit/linuxkit at 3bf33c3a11fc20b459195294a7d8980cbca4195b, test/cases/000_build/070_volumes/004_blank/check.sh
# (Apache-2.0, Copyright the LinuxKit authors): a files: source of tc-000_build-070_volumes-004_blank.yml.

set -x

function failed {
	printf "blank volume test suite FAILED\n" >&1
	exit 1
}

# check that no files exist

[ -d /vola ] || failed

contents=$(ls -A /vola)
[ -z "$contents" ] || failed
printf "blank volume test suite PASSED\n" >&1
