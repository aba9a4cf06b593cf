#!/bin/sh
# The bench probe: a service of every bench image (stele's and the peers',
# the same bundle), in the host's PID namespace, writing "bench: ..." lines
# straight to the serial console (service output may not reach it).
#
# Under stele it waits for the exported boot timeline and prints it (and,
# in the instrumented image, stele-execlog's runc and shim calls), then
# PID 1's, the supervisor's, the shims' and the guest's memory, and where
# the CPU went (cpu_profile). With bench.restarts=N on the kernel command
# line it also restarts the svcNNN services N times in all through
# stelectl, prints the memory again, and asks for poweroff with the time of
# the request; bench.poweroff=1 asks for poweroff at once (the shutdown
# benchmark). Under a peer there is no timeline
# log: it prints PID 1's memory and, with bench.poweroff=1, sends PID 1
# SIGUSR2 (poweroff) with the time of the request; then it sleeps. Binds: /run/stele at /run, the
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
# Memory the whole guest uses (MemTotal - MemAvailable), kB.
used() { awk '/^MemTotal:/ {t = $2} /^MemAvailable:/ {a = $2} END {printf "used_kb=%d", t - a}' /proc/meminfo; }

# Where the CPU went since the kernel started, from /proc at this moment:
# per command name, its live processes' own time and the time of the
# children they reaped (a shim's `runc create`, containerd's `shim start`),
# which is all a boot leaves behind without accounting; the probe leaves
# itself out. In ms (USER_HZ 100).
cpu_profile() {
	awk '/^cpu / {printf "bench: cpu-total user_ms=%d sys_ms=%d idle_ms=%d", ($2 + $3) * 10, ($4 + $7 + $8) * 10, ($5 + $6) * 10}
	     /^processes / {printf " forks=%d\n", $2}' /proc/stat >"$out"
	# Not the probe itself: it is a "sh" as the services are, and its polling
	# would be counted as theirs.
	for f in /proc/[0-9]*/stat; do [ "$f" = "/proc/$$/stat" ] || { cat "$f" 2>/dev/null && echo; }; done |
		sed -n 's/^[0-9]* (\(.*\)) [A-Za-z] \(.*\)$/\1|\2/p' |
		awk -F'|' '{ split($2, v, " "); n[$1]++; self[$1] += v[11] + v[12]; kids[$1] += v[13] + v[14] }
		     END { for (c in n) if (self[c] + kids[c] > 0)
		           printf "bench: cpu total_ms=%d self_ms=%d children_ms=%d processes=%d %s\n",
		                  (self[c] + kids[c]) * 10, self[c] * 10, kids[c] * 10, n[c], c }' |
		sort -t= -k2 -rn >"$out"
}

if [ ! -e /run/timeline.jsonl ]; then
	say "peer pid1 $(rss 1)"
	if [ -n "$(arg poweroff)" ]; then
		# Once its services run and its handler is set (the peer's
		# marker); SIGUSR2 is busybox init's convention.
		i=0
		while [ ! -e /run/peer-up ] && [ $i -lt 3000 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		say "poweroff-request $(uptime_s)"
		kill -USR2 1
	fi
	exec sleep 2147483647
fi
i=0
# init exports the timeline at the hand-off too: wait for the supervisor's.
while ! grep -q '"boot-complete"' /run/boot-timeline.json 2>/dev/null && [ $i -lt 1200 ]; do
	sleep 0.1
	i=$((i + 1))
done
# A console shell (a getty's autologin) may have left its prompt on the
# line: start on a fresh one.
echo >"$out"
sed 's/^/bench: timeline /' /run/boot-timeline.json >"$out"
say "timeline-end"
# In the instrumented image, each runc and shim call's times (stele-execlog).
[ ! -e /run/exec.jsonl ] || sed 's/^/bench: exec /' /run/exec.jsonl >"$out"
sup=$(pidof stele-supervisor | cut -d ' ' -f 1)
shims=$(pidof containerd-shim-runc-v2)
shim_kb=0
for p in $shims; do shim_kb=$((shim_kb + $(awk '/^Rss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0))); done
say "memory boot pid1 $(rss 1) supervisor $(rss "$sup") system $(used) shims n=$(echo $shims | wc -w) rss_kb=$shim_kb"
cpu_profile
# Where PID 1's private memory is: per mapping, the largest first.
awk '/^[0-9a-f]+-[0-9a-f]+ / { name = ($6 == "") ? "[anon]" : $6; perm = $2 }
     /^Private_(Clean|Dirty):/ { p[name " " perm] += $2 }
     END { for (k in p) if (p[k] > 0) print p[k], k }' /proc/1/smaps 2>/dev/null |
	sort -rn | head -n 8 | sed 's/^/bench: pid1-map /' >"$out"
say "report-end"

n=$(arg restarts)
if [ -z "$n" ]; then
	[ -n "$(arg poweroff)" ] || exec sleep 2147483647
	n=0
fi
# Rounds of one restart of every svcNNN service at once, until n are done:
# what is measured is memory after n restarts, not their speed.
services=$(stelectl --run /run status | awk '$1 ~ /^svc[0-9]+$/ {print $1}')
[ -n "$services" ] || services=svc001
i=0
failed=0
while [ $i -lt "$n" ]; do
	for s in $services; do
		[ $i -lt "$n" ] || break
		stelectl --run /run restart "$s" >/dev/null 2>&1 || echo x >>/dev/shm/restart-failed &
		i=$((i + 1))
	done
	wait
done
[ -e /dev/shm/restart-failed ] && failed=$(wc -l </dev/shm/restart-failed)
sup=$(pidof stele-supervisor | cut -d ' ' -f 1)
say "memory restarts=$n failed=$failed pid1 $(rss 1) supervisor $(rss "$sup")"
say "poweroff-request $(uptime_s)"
stelectl --run /run poweroff >/dev/null 2>&1
exec sleep 2147483647
