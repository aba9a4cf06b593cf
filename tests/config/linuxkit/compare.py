#!/usr/bin/env python3
"""compare.py FILE.expect.json TREE: stele's config.json against LinuxKit's.

TREE is `stele build --keep-tree`'s NAME-tree. For every container of the
expectation (lkspec.py's output, checked in), prints one line per field
category: "FIELD ok" or "FIELD CONTAINER: want X, got Y". Categories:
capabilities, env, hostname, mounts, binds, net, pid, devices.
"""
import json
import sys

PROP = ("rshared", "rslave", "rprivate", "shared", "slave", "private")


def ns(spec, kind):
    for n in spec.get("linux", {}).get("namespaces") or []:
        if n["type"] == kind:
            return "path" if n.get("path") else "none" if kind == "network" else "new"
    return "host"


# stele's one deliberate env difference (builder/README.md, "Coming from
# LinuxKit"): when the env has no PATH, the usual one is added so that runc
# finds the command. Anything else in env must be LinuxKit's.
USUAL_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def env_of(proc, want_env):
    env = sorted(proc.get("env") or [])
    if USUAL_PATH in env and not any(e.startswith("PATH=") for e in want_env):
        env.remove(USUAL_PATH)
    return env


def check(want, spec):
    """Yields (category, problem or None)."""
    proc = spec.get("process", {})
    yield "capabilities", None if sorted(proc.get("capabilities", {}).get("bounding") or []) == want["capabilities"] \
        else f"want {want['capabilities']}, got {sorted(proc.get('capabilities', {}).get('bounding') or [])}"
    env = env_of(proc, want["env"])
    yield "env", None if env == want["env"] else f"want {want['env']}, got {env}"
    got_host = spec.get("hostname") or ""
    yield "hostname", None if got_host == want["hostname"] else f"want {want['hostname']!r}, got {got_host!r}"
    mounts = {m["destination"]: m for m in spec.get("mounts") or []}
    for dest, w in sorted(want["mounts"].items()):
        m = mounts.get(dest)
        cat = "binds" if w["type"] == "bind" else "mounts"
        if m is None:
            yield cat, f"{dest}: missing"
            continue
        if (m["type"], m["source"]) != (w["type"], w["source"]):
            yield cat, f"{dest}: want {w['type']} from {w['source']}, got {m['type']} from {m['source']}"
            continue
        if w["type"] != "bind":
            yield cat, None
            continue
        opts = m.get("options") or []
        if ("ro" in opts) != w["ro"]:
            yield cat, f"{dest}: want {'ro' if w['ro'] else 'rw'}, got {opts}"
        elif w["propagation"] and w["propagation"] not in opts:
            yield "propagation", f"{dest}: want {w['propagation']}, got {opts}"
        else:
            yield cat, None
    yield "net", None if ns(spec, "network") == want["net"] else f"want {want['net']}, got {ns(spec, 'network')}"
    yield "pid", None if ns(spec, "pid") == want["pid"] else f"want {want['pid']}, got {ns(spec, 'pid')}"
    rules = spec.get("linux", {}).get("resources", {}).get("devices") or []
    nodes = {d["path"] for d in spec.get("linux", {}).get("devices") or []}
    for path, typ in want["devices"]:
        if path == "all":
            okd = any(r.get("allow") and r.get("type") == typ for r in rules)
        else:
            okd = path in nodes
        yield "devices", None if okd else f"{path} ({typ}): no rule"


def main():
    want_all = json.load(open(sys.argv[1]))
    problems = {}
    for name, want in sorted(want_all.items()):
        try:
            spec = json.load(open(f"{sys.argv[2]}/containers/{name}/config.json"))
        except OSError:
            problems.setdefault("containers", []).append(f"{name}: no config.json")
            continue
        for cat, p in check(want, spec):
            problems.setdefault(cat, [])
            if p:
                problems[cat].append(f"{name}: {p}")
    for cat, ps in sorted(problems.items()):
        print(f"{cat} ok" if not ps else f"{cat} " + "; ".join(ps)[:400])


main()
