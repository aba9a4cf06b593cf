#!/bin/sh
# The "supervisor" of the metadata VM tests: prints what init and
# stele-metadata left behind as "guest ..." lines on the console for the
# host test to grep, then asks PID 1 to power off and waits for SIGTERM.
trap 'exit 0' TERM
echo "guest hostname=$(hostname)"
echo "guest swappiness=$(cat /proc/sys/vm/swappiness)"
find /run/config -mindepth 1 | sort | while read -r f; do
	if [ -L "$f" ]; then
		echo "guest link $f"
	elif [ -d "$f" ]; then
		echo "guest dir $f $(stat -c %a "$f")"
	else
		echo "guest file $f $(stat -c '%a %s' "$f") $(head -c 120 "$f" | tr '\n' '|')"
	fi
done
ip -o -4 addr show 2>/dev/null | sed 's/^/guest addr /'
ip route 2>/dev/null | sed 's/^/guest route /'
for p in /x /etc/x /run/x /escape /run/escape /tmp/escape; do
	[ -e "$p" ] && echo "guest escaped $p"
done
ls -d /tmp/stele-metadata.* 2>/dev/null | sed 's/^/guest leftover /'
grep -E 'iso9660|vfat' /proc/mounts | sed 's/^/guest still-mounted /'
echo "guest report done"
kill -USR2 1
while :; do sleep 1; done
