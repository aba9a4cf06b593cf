# fd hygiene seen from the host. Source after common.sh.
#
#   cloexec_above_2 PID   every fd of PID above 2 has O_CLOEXEC (02000000)
#                         in its flags; each that lacks it is named

cloexec_above_2() {
	local fd flags bad=0
	for fd in $(ls "/proc/$1/fd"); do
		[ "$fd" -gt 2 ] || continue
		flags=$(awk '$1 == "flags:" {print $2}' "/proc/$1/fdinfo/$fd" 2>/dev/null) || continue
		[ -n "$flags" ] || continue
		if [ $((8#$flags & 8#2000000)) -eq 0 ]; then
			echo "# pid $1 fd $fd -> $(readlink "/proc/$1/fd/$fd") lacks O_CLOEXEC (flags $flags)"
			bad=1
		fi
	done
	return $bad
}
