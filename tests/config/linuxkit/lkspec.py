#!/usr/bin/env python3
"""lkspec.py FILE.yml PKG_DIR: what LinuxKit's conversion yields, per container.

A second, independent reading of LinuxKit's ConfigToOCI
(src/cmd/linuxkit/moby/config.go at 3bf33c3a, Apache-2.0) for the fields
tests/config/47-linuxkit-files.test compares: capabilities (bounding set),
env, hostname, mounts (destination -> type, source, and for binds rw/ro and
propagation), the net and pid namespaces, and device cgroup rules. The
image's Env and org.mobyproject.config label come from the shipped package
(PKG_DIR/NAME); a bind naming a volume becomes the volume's folder, and a
file with "# Built after: OTHER.yml" lines is read after those files, as
LinuxKit reads several files on one command line. Prints
{"onboot/000-NAME": {...}, "services/NAME": {...}}.
Run it by hand when a corpus file changes; its output is checked in as
FILE.expect.json, so the test needs neither LinuxKit nor this script's
correctness at run time to be reproducible.
"""
import json
import sys

import yaml

ALL_CAPS = """CAP_AUDIT_CONTROL CAP_AUDIT_READ CAP_AUDIT_WRITE CAP_BLOCK_SUSPEND CAP_BPF
CAP_CHECKPOINT_RESTORE CAP_CHOWN CAP_DAC_OVERRIDE CAP_DAC_READ_SEARCH CAP_FOWNER CAP_FSETID
CAP_IPC_LOCK CAP_IPC_OWNER CAP_KILL CAP_LEASE CAP_LINUX_IMMUTABLE CAP_MAC_ADMIN CAP_MAC_OVERRIDE
CAP_MKNOD CAP_NET_ADMIN CAP_NET_BIND_SERVICE CAP_NET_BROADCAST CAP_NET_RAW CAP_PERFMON CAP_SETFCAP
CAP_SETGID CAP_SETPCAP CAP_SETUID CAP_SYSLOG CAP_SYS_ADMIN CAP_SYS_BOOT CAP_SYS_CHROOT
CAP_SYS_MODULE CAP_SYS_NICE CAP_SYS_PACCT CAP_SYS_PTRACE CAP_SYS_RAWIO CAP_SYS_RESOURCE
CAP_SYS_TIME CAP_SYS_TTY_CONFIG CAP_WAKE_ALARM""".split()
PROPAGATION = ("rshared", "rslave", "rprivate", "shared", "slave", "private")
DEFAULT_MOUNTPOINT = {"proc": "/proc", "devpts": "/dev/pts", "sysfs": "/sys",
                      "cgroup": "/sys/fs/cgroup", "mqueue": "/dev/mqueue"}


def image_config(pkgs, name):
    d = f"{pkgs}/{name}"
    idx = json.load(open(f"{d}/index.json"))
    blob = lambda dg: json.load(open(f"{d}/blobs/sha256/{dg.split(':')[1]}"))
    man = blob(idx["manifests"][0]["digest"])
    cfg = blob(man["config"]["digest"]).get("config", {})
    label = json.loads((cfg.get("Labels") or {}).get("org.mobyproject.config", "{}"))
    return cfg, label


def assign(label, y, key):
    """assignStrings and friends: the YAML's value if set, else the label's."""
    return y[key] if key in y else label.get(key)


def merged(label, y, key):
    """assignStrings(mergeStrings(label.KEY, yaml.KEY.add), yaml.KEY)."""
    if key in y:
        return y[key] or []
    return (label.get(key) or []) + (y.get(key + ".add") or [])


def volume_binds(y, volumes):
    """updateMountsAndBindsFromVolumes (moby/build/volume.go): a bind in the
    YAML's binds or binds.add whose source does not start with / names a
    volume, and becomes its merged folder; so does a bind mount's source.
    (Its loop over mounts assigns to a copy, but LinuxKit's own test case
    070_volumes/006_mount_types checks the volume's content at the mount's
    destination: that meaning is the one taken here.)"""
    y = dict(y)
    if y.get("mounts"):
        y["mounts"] = [dict(m, source=f"/containers/volumes/{m['source']}/merged")
                       if m.get("type") == "bind" and m.get("source") in volumes else m
                       for m in y["mounts"]]
    for key in ("binds", "binds.add"):
        if y.get(key):
            y[key] = [b if b.startswith("/") or b.split(":")[0] not in volumes else
                      ":".join([f"/containers/volumes/{b.split(':')[0]}/merged"] + b.split(":")[1:])
                      for b in y[key]]
    return y


def convert(y, pkgs, volumes):
    y = volume_binds(y, volumes)
    cfg, label = image_config(pkgs, y["image"])
    out = {}
    env = y["env"] if "env" in y else label["env"] if "env" in label else cfg.get("Env") or []
    out["env"] = sorted(env)
    out["hostname"] = assign(label, y, "hostname") or ""
    mounts = {}
    for t in assign(label, y, "tmpfs") or []:
        mounts[t.split(":")[0]] = {"type": "tmpfs", "source": "tmpfs"}
    for b in merged(label, y, "binds"):
        p = b.split(":")
        opts = p[2].split(",") if len(p) == 3 else ["rw", "rshared"]
        prop = [o for o in opts if o in PROPAGATION]
        mounts[p[1]] = {"type": "bind", "source": p[0], "ro": "ro" in opts,
                        "propagation": prop[0] if prop else None}
    for m in assign(label, y, "mounts") or []:
        tp, src, dest = m.get("type", ""), m.get("source", ""), m.get("destination", "")
        if not tp and src in ("mqueue", "devpts", "proc", "sysfs", "cgroup"):
            tp = src
        if not tp and dest == "/dev":
            tp = "tmpfs"
        dest = dest or DEFAULT_MOUNTPOINT.get(tp, "")
        mounts[dest] = {"type": tp, "source": src or tp}
        if tp == "bind":
            opts = m.get("options") or []
            prop = [o for o in opts if o in PROPAGATION]
            mounts[dest].update(ro="ro" in opts, propagation=prop[0] if prop else None)
    out["mounts"] = mounts
    caps = merged(label, y, "capabilities")
    if len(caps) == 1 and caps[0].lower() == "all":
        caps = ALL_CAPS
    if len(caps) == 1 and caps[0].lower() == "none":
        caps = []
    amb = assign(label, y, "ambient") or []
    out["capabilities"] = sorted(set(caps) | set(amb))
    net = assign(label, y, "net") or "root"
    out["net"] = "host" if net in ("host", "root") else "none" if net in ("none", "new") else "path"
    pid = assign(label, y, "pid") or ""
    out["pid"] = "host" if pid in ("host", "root") else "new"
    devs = assign(label, y, "devices") or []
    out["devices"] = sorted({(d["path"], d["type"]) for d in devs})
    out["devices"] = [list(d) for d in out["devices"]]
    return out


def load(path):
    """The file, after those its header names ("# Built after: FILE.yml"),
    merged as LinuxKit's AppendConfig merges several files: init, onboot,
    onshutdown, services, files and volumes are concatenated in order."""
    import os
    import re
    doc = {}
    for line in open(path):
        m = re.match(r"# Built after: (\S+\.yml)", line)
        if m:
            doc = load(os.path.join(os.path.dirname(path), m.group(1)))
    for key, val in (yaml.safe_load(open(path)) or {}).items():
        if key in ("init", "onboot", "onshutdown", "services", "files", "volumes") and key in doc:
            doc[key] = (doc[key] or []) + (val or [])
        else:
            doc[key] = val
    return doc


def main():
    doc = load(sys.argv[1])
    res = {}
    volumes = {v["name"] for v in doc.get("volumes") or []}
    for i, y in enumerate(doc.get("onboot") or []):
        res[f"onboot/{i:03d}-{y['name']}"] = convert(y, sys.argv[2], volumes)
    for y in doc.get("services") or []:
        res[f"services/{y['name']}"] = convert(y, sys.argv[2], volumes)
    json.dump(res, sys.stdout, indent=1, sort_keys=True)
    print()


main()
