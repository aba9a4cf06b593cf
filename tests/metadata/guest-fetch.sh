#!/bin/sh
# Supervisor of the fetch VM test: brings eth0 up on qemu's user network,
# runs stele-metadata fetch first against the IMDSv1-only service
# (10.0.2.101, must give up), then with gcp (nothing at 10.0.2.102) before
# aws (the IMDSv2 service, 10.0.2.100), prints "guest fetch-*" lines, and
# hands over to the report.
ip link set lo up
ip link set eth0 up
ip addr add 10.0.2.15/24 dev eth0
/usr/bin/stele-metadata fetch --providers aws --endpoint aws=http://10.0.2.101
echo "guest fetch-v1 exit=$?"
[ -e /run/config/provider ] && echo "guest fetch-v1 wrote something"
/usr/bin/stele-metadata fetch --providers gcp,aws --endpoint gcp=http://10.0.2.102 \
	--endpoint aws=http://10.0.2.100
echo "guest fetch-v2 exit=$?"
exec /sbin/stele-test-report
