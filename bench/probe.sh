#!/bin/sh
# The bench probe: a service of every bench image (stele's and the peers',
# the same bundle), in the host's PID namespace, writing "bench: ..." lines
# straight to the serial console (service output may not reach it).
#
# Under stele it waits for the exported boot timeline and prints it, then
# PID 1's and the supervisor's memory. With bench.restarts=N on the kernel
# command line it also restarts the service "svc001" N times through
# stelectl, prints the memory again, and asks for poweroff with the time of
# the request (the shutdown benchmark). Under a peer there is no timeline
# log: it prints PID 1's memory and sleeps. Binds: /run/stele at /run, the
# host's /usr/bin (stelectl) at /usr/sbin.
out=/dev/ttyS0
say() { echo "bench: $*" >"$out"; }
uptime_s() { cut -d ' ' -f 1 /proc/uptime; }
# Private = Private_Clean + Private_Dirty, kB, from the kernel's rollup.
# Dirty alone is what PID 1 really owns: clean private pages are mostly its
# own binary's text, mapped by no one else.
rss() {
	awk '/^Rss:/ {r = $2} /^Private_(Clean|Dirty):/ {p += $2} /^Private_Dirty:/ {d = $2}
	     END {printf "rss_kb=%d private_kb=%d dirty_kb=%d", r, p, d}' "/proc/$1/smaps_rollup" 2>/dev/null
}
arg() { tr ' ' '\n' </proc/cmdline | sed -n "s/^bench\.$1=//p"; }

if [ ! -e /run/timeline.jsonl ]; then
	say "peer pid1 $(rss 1)"
	exec sleep 2147483647
fi
i=0
# init exports the timeline at the hand-off too: wait for the supervisor's.
while ! grep -q '"boot-complete"' /run/boot-timeline.json 2>/dev/null && [ $i -lt 1200 ]; do
	sleep 0.1
	i=$((i + 1))
done
sed 's/^/bench: timeline /' /run/boot-timeline.json >"$out"
say "timeline-end"
sup=$(pidof stele-supervisor | cut -d ' ' -f 1)
say "memory boot pid1 $(rss 1) supervisor $(rss "$sup")"
# Where PID 1's private memory is: per mapping, the largest first.
awk '/^[0-9a-f]+-[0-9a-f]+ / { name = ($6 == "") ? "[anon]" : $6; perm = $2 }
     /^Private_(Clean|Dirty):/ { p[name " " perm] += $2 }
     END { for (k in p) if (p[k] > 0) print p[k], k }' /proc/1/smaps 2>/dev/null |
	sort -rn | head -n 8 | sed 's/^/bench: pid1-map /' >"$out"

n=$(arg restarts)
[ -n "$n" ] || exec sleep 2147483647
i=0
failed=0
while [ $i -lt "$n" ]; do
	stelectl --run /run restart svc001 >/dev/null 2>&1 || failed=$((failed + 1))
	i=$((i + 1))
done
sup=$(pidof stele-supervisor | cut -d ' ' -f 1)
say "memory restarts=$n failed=$failed pid1 $(rss 1) supervisor $(rss "$sup")"
say "poweroff-request $(uptime_s)"
stelectl --run /run poweroff >/dev/null 2>&1
exec sleep 2147483647
