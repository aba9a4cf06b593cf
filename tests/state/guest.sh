# A hand-staged guest for the state volume VM tests. Source after
# common.sh, vm.sh and stage.sh.
#
#   guest_initrd OUT        stele's init, virtio_blk, e2fsprogs, the record
#                           writer, and /test/sv as the supervisor
#   guest_cmdline MODE ...  the kernel command line: stele.supervisor=/test/sv,
#                           test.mode=MODE, plus any stele.KEY=VALUE given
#
# /test/sv prints "TEST status: <state-status>", acts on test.mode, prints
# "TEST done" and powers off through PID 1 (SIGUSR2). Modes:
#   write   put "hello" in /var/lib/hello
#   check   print /var/lib/hello and the volume's size, then run the record
#           writer until the test kills the VM
#   verify  print how many records /var/lib/records holds
#   show    print /var/lib/hello and the volume's size
#   fill    leave 32 MiB unwritten in /var/lib/fill, print "TEST filled"
#           and wait, without powering off, for the test's shutdown
#   none    nothing
GUEST_INIT=${GUEST_INIT:-$BIN/init}

_guest_supervisor() {
	cat <<'SV'
#!/bin/sh
echo "TEST status: $(cat /run/stele/state-status 2>&1)"
mode=$(sed -n 's/.*test\.mode=\([a-z]*\).*/\1/p' /proc/cmdline)
case $mode in
write) echo hello >/var/lib/hello && echo "TEST wrote" ;;
check)
	echo "TEST hello: $(cat /var/lib/hello 2>&1)"
	echo "TEST size-kb: $(df -k /var/lib | awk 'NR == 2 {print $2}')"
	/test/recwriter /var/lib/records 1000000
	;;
verify) echo "TEST records: $(wc -l </var/lib/records)" ;;
show)
	echo "TEST hello: $(cat /var/lib/hello 2>&1)"
	echo "TEST size-kb: $(df -k /var/lib | awk 'NR == 2 {print $2}')"
	;;
fill)
	dd if=/dev/zero of=/var/lib/fill bs=1M count=32 2>/dev/null
	echo "TEST filled"
	exec sleep 600
	;;
esac
echo "TEST fstype: $(awk '$2 == "/var/lib" {print $3}' /proc/mounts)"
echo "TEST done"
poweroff
exec sleep 600
SV
}

guest_initrd() {
	local out=$1 d=$T/guest-root
	rm -rf "$d"
	stage_base "$d"
	cp "$GUEST_INIT" "$d/sbin/init"
	stage_modules "$d" virtio_pci virtio_blk
	local tool
	for tool in mke2fs e2fsck resize2fs; do stage_binary "$d" "/sbin/$tool"; done
	mkdir -p "$d/etc/stele" "$d/test"
	printf 'modules=virtio_pci virtio_blk\nstate_wait=30\n' >"$d/etc/stele/init.conf"
	cp "$BUILD/tests/state-recwriter" "$d/test/recwriter"
	_guest_supervisor >"$d/test/sv"
	chmod 755 "$d/test/sv"
	stage_initrd "$d" "$out"
}

guest_cmdline() {
	local mode=$1 kv out="stele.supervisor=/test/sv test.mode=$1"
	shift
	for kv in "$@"; do out="$out stele.$kv"; done
	echo "$out"
}
