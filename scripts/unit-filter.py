#!/usr/bin/python3
"""Runs a command under a systemd unit's own seccomp filter, built as systemd builds it.

Usage: unit-filter.py UNIT_FILE [--print] [--kill] [--deny CALL]... -- COMMAND [ARG...]

Reads the unit's SystemCallFilter=, SystemCallErrorNumber=, SystemCallArchitectures=,
RestrictAddressFamilies= and MemoryDenyWriteExecute= lines, expands the syscall groups with
`systemd-analyze syscall-filter @group` (the host's systemd, so the same lists systemd itself
applies), builds the filter with Debian's libseccomp (python3-seccomp) and execs COMMAND under it.
As systemd (src/core/execute.c, src/shared/seccomp-util.c):
  - a first SystemCallFilter= without `~` makes an allow-list, @default added; later lines with `~`
    take names out of it, later lines without `~` put them back; a first line with `~` makes a
    deny-list instead;
  - a call that is not allowed kills the process (SECCOMP_RET_KILL_PROCESS, seen as SIGSYS), or
    fails with SystemCallErrorNumber= when the unit sets it;
  - SystemCallArchitectures=native: calls through another ABI (x32, i386) are refused;
  - RestrictAddressFamilies=: socket() of another family fails with EAFNOSUPPORT;
  - MemoryDenyWriteExecute=yes: mmap of writable and executable memory, mprotect or pkey_mprotect
    adding PROT_EXEC and shmat with SHM_EXEC fail with EPERM.
Other sandboxing (mount namespaces, DynamicUser) is not applied here. The environment variable
UNIT_FILTER_NOTE=1 prints the filter's summary on stderr before exec; --print prints the allowed
calls, one a line, and exits. For tests: --kill kills on a denied call even when the unit sets
SystemCallErrorNumber= (so that no denied call goes unseen), --deny CALL takes CALL out of the
allow-list (to show the program copes when it fails).
"""
import errno
import os
import socket
import subprocess
import sys

import seccomp

_groups = {}


def expand(name):
    """The calls a name stands for: a group expanded (recursively), else the name itself."""
    if not name.startswith("@"):
        return {name}
    if name not in _groups:
        out = subprocess.run(["systemd-analyze", "syscall-filter", name], check=True,
                             capture_output=True, text=True).stdout
        calls = set()
        for line in out.splitlines()[1:]:
            item = line.strip()
            if not item or item.startswith("#"):
                continue
            calls |= expand(item)
        _groups[name] = calls
    return _groups[name]


def read_unit(path):
    """The unit's [Service] settings this script applies, each as the list of its values in order."""
    settings = {}
    section = None
    for raw in open(path):
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line
            continue
        if section != "[Service]" or "=" not in line:
            continue
        key, value = line.split("=", 1)
        settings.setdefault(key.strip(), []).append(value.strip())
    return settings


def syscall_set(values):
    """(allow_list, names): the SystemCallFilter= lines folded as systemd folds them."""
    allow_list = None
    names = set()
    for value in values:
        if value == "":
            allow_list, names = None, set()
            continue
        invert = value.startswith("~")
        items = value[1:].split() if invert else value.split()
        items = [i.split(":", 1)[0] for i in items]
        if allow_list is None:
            allow_list = not invert
            if allow_list:
                names |= expand("@default")
        calls = set()
        for item in items:
            calls |= expand(item)
        # Allow-list: plain lines add, `~` lines remove. Deny-list: `~` lines add, plain lines remove.
        if invert != (not allow_list):
            names -= calls
        else:
            names |= calls
    return allow_list, names


def add(f, action, name, *args):
    try:
        f.add_rule(action, name, *args)
    except (RuntimeError, ValueError, OSError):
        pass  # not a call on this architecture: systemd skips it too


def main():
    argv = sys.argv[1:]
    if not argv:
        sys.exit(__doc__)
    split = argv.index("--") if "--" in argv else len(argv)
    opts, command = argv[:split], argv[split + 1:]
    unit = opts[0]
    settings = read_unit(unit)
    allow_list, names = syscall_set(settings.get("SystemCallFilter", []))
    denied = {opts[i + 1] for i, o in enumerate(opts[:-1]) if o == "--deny"}
    if allow_list:
        names -= denied
    elif allow_list is not None:
        names |= denied
    if "--print" in opts:
        print("\n".join(sorted(names)))
        return
    if not command:
        sys.exit("unit-filter.py: no command")
    errno_name = "" if "--kill" in opts else (settings.get("SystemCallErrorNumber") or [""])[-1]
    deny = seccomp.ERRNO(getattr(errno, errno_name)) if errno_name else seccomp.KILL_PROCESS
    if allow_list is None:
        f = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    elif allow_list:
        f = seccomp.SyscallFilter(defaction=deny)
        for name in names:
            add(f, seccomp.ALLOW, name)
    else:
        f = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
        for name in names:
            add(f, deny, name)
    # SystemCallArchitectures=native: libseccomp's filter holds the native architecture only and
    # kills on any other (its bad-architecture action).
    archs = (settings.get("SystemCallArchitectures") or ["native"])[-1].split()
    if archs != ["native"]:
        sys.exit("unit-filter.py: only SystemCallArchitectures=native is supported")

    # As systemd does, the address families and write-execute rules are filters of their own,
    # loaded beside the call filter: the kernel runs them all and the strictest answer wins.
    extra = []
    families = (settings.get("RestrictAddressFamilies") or [""])[-1].split()
    if families and not families[0].startswith("~"):
        keep = {getattr(socket, fam) for fam in families}
        g = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
        for d in range(64):
            if d not in keep:
                add(g, seccomp.ERRNO(errno.EAFNOSUPPORT), "socket", seccomp.Arg(0, seccomp.EQ, d))
        add(g, seccomp.ERRNO(errno.EAFNOSUPPORT), "socket", seccomp.Arg(0, seccomp.GE, 64))
        extra.append(g)

    if (settings.get("MemoryDenyWriteExecute") or ["no"])[-1] in ("yes", "true", "1", "on"):
        PROT_WRITE, PROT_EXEC, SHM_EXEC = 0x2, 0x4, 0o100000
        eperm = seccomp.ERRNO(errno.EPERM)
        g = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
        add(g, eperm, "mmap", seccomp.Arg(2, seccomp.MASKED_EQ, PROT_WRITE | PROT_EXEC, PROT_WRITE | PROT_EXEC))
        add(g, eperm, "mprotect", seccomp.Arg(2, seccomp.MASKED_EQ, PROT_EXEC, PROT_EXEC))
        add(g, eperm, "pkey_mprotect", seccomp.Arg(2, seccomp.MASKED_EQ, PROT_EXEC, PROT_EXEC))
        add(g, eperm, "shmat", seccomp.Arg(2, seccomp.MASKED_EQ, SHM_EXEC, SHM_EXEC))
        extra.append(g)

    if os.environ.get("UNIT_FILTER_NOTE") == "1":
        mode = {None: "no filter", True: "allow-list", False: "deny-list"}[allow_list]
        print(f"unit-filter: {mode} of {len(names)} calls, otherwise "
              f"{'errno ' + errno_name if errno_name else 'kill'}; families {families or 'any'}",
              file=sys.stderr)
    for g in extra:
        g.load()
    f.load()
    os.execvp(command[0], command)


if __name__ == "__main__":
    main()
