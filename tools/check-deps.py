#!/usr/bin/env python3
"""check-deps: every file's includes stay inside its folder's declared
dependencies.

Each source folder's README.md has one paragraph
    May depend on: `lib/`, `state/`, libmount, libblkid, libc.
naming the folders (in backticks, with a slash) and the third-party
libraries (by the names in LIBRARIES) its files may include. A file may
always include its own folder's headers and libc's. Prints one TAP line per
folder and exits 1 when any include is outside what its folder declares.

Usage: tools/check-deps.py [TOP]"""
import os
import re
import sys

# A library's name in a README -> the include paths that belong to it.
LIBRARIES = {
    "libmount": ("libmount.h", "libmount/"),
    "libblkid": ("blkid.h", "blkid/"),
    "libfdisk": ("libfdisk.h", "libfdisk/"),
    "libnl": ("netlink/",),
    "jansson": ("jansson.h",),
    "libyaml": ("yaml.h",),
    "libarchive": ("archive.h", "archive_entry.h"),
    "libcurl": ("curl/",),
    "nghttp2": ("nghttp2/",),
    "protobuf-c": ("protobuf-c/", "google/protobuf/", "github.com/"),
    "libseccomp": ("seccomp.h",),
    "libcap": ("sys/capability.h",),
    "openssl": ("openssl/",),
    "zlib": ("zlib.h",),
}
INCLUDE = re.compile(r'^\s*#\s*include\s+([<"])([^>"]+)[>"]', re.M)
DECL = re.compile(r"^May depend on:(.*?)(?:\n\s*\n|\Z)", re.M | re.S)


def library_of(path):
    for name, prefixes in LIBRARIES.items():
        if any(path == p or (p.endswith("/") and path.startswith(p)) for p in prefixes):
            return name
    return None


def declared(readme):
    m = DECL.search(open(readme, encoding="utf-8").read())
    if not m:
        return None
    text = m.group(1)
    folders = set(re.findall(r"`([a-z0-9_]+)/`", text))
    libs = {name for name in LIBRARIES if re.search(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])", text)}
    return folders, libs


def check_folder(top, folder, folders_known):
    readme = os.path.join(top, folder, "README.md")
    decl = declared(readme) if os.path.exists(readme) else None
    if decl is None:
        return [f"{folder}/README.md: no 'May depend on:' line: add one naming the folders and libraries it uses"]
    folders, libs = decl
    problems = []
    for name in sorted(os.listdir(os.path.join(top, folder))):
        if not name.endswith((".c", ".h")):
            continue
        src = open(os.path.join(top, folder, name), encoding="utf-8").read()
        for kind, path in INCLUDE.findall(src):
            head = path.split("/", 1)[0]
            lib = library_of(path)
            if kind == '"' and head in folders_known and "/" in path:
                if head != folder and head not in folders:
                    problems.append(f"{folder}/{name}: includes {path}, but {folder}/README.md does not list `{head}/`")
            elif lib is not None and lib not in libs:
                problems.append(f"{folder}/{name}: includes {path} ({lib}), but {folder}/README.md does not list {lib}")
    return problems


def main():
    top = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    makefile = open(os.path.join(top, "Makefile"), encoding="utf-8").read()
    # The source folders are the ones the top Makefile includes a build.mk of.
    folders = [f for f in re.findall(r"^include ([a-z0-9_]+)/build\.mk$", makefile, re.M) if f != "tests"]
    known = set(folders)
    failed = 0
    for n, folder in enumerate(folders, 1):
        problems = check_folder(top, folder, known)
        if problems:
            failed += 1
            print(f"not ok {n} - {folder}/: includes within its declared dependencies")
            for p in problems:
                print(f"# {p}")
        else:
            print(f"ok {n} - {folder}/: includes within its declared dependencies")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
