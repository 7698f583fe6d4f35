#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""How many copies of a test password a process holds, and where.

  secret_scan.py [--label TEXT] [--holders] PID

The password comes from the environment, never a command line:
  SCAN_PASSWORD  the whole password, a fixed prefix then a random part
  SCAN_SECRET    that random part (the password's tail), which is searched for

Every readable private mapping of PID is read through /proc/PID/mem (the
caller stops PID meanwhile, so the picture is one moment's) and the random
part counted, not the whole password: a block freed unwiped keeps its tail
even after the allocator has written its own pointers over the block's first
16 bytes (a test's prefix is longer). Prints the count on stdout; with
--holders, three counts instead: "OURS GNUTLS STACK", the hits outside any
GnuTLS record block, in one, and on a stack (in_gnutls_record() says how a
GnuTLS block is told apart). Each hit goes to stderr, prefixed with TEXT: a
whole copy or the remains of one, its address and mapping, the bytes around.

A mapping of 1 GiB or more can only be a sanitizer's shadow (AddressSanitizer
reserves terabytes of it, readable): poison bytes, never text. It is named
on stderr and left out.
"""
import collections
import os
import sys

HUGE = 1 << 30
# The kernel's own pages: not the process's memory, and not readable this way.
KERNEL_PAGES = ("[vvar]", "[vvar_vclock]", "[vsyscall]")
OURS, GNUTLS, STACK = range(3)
HOLDERS = ("ours or unknown", "GnuTLS record buffer", "stack, unattributed")
CONTEXT = 40

Region = collections.namedtuple("Region", "lo name where data")


def note(label, text):
    print(f"{label}{text}", file=sys.stderr)


def regions(pid, mem, label):
    """Each readable private mapping of pid, read whole."""
    with open(f"/proc/{pid}/maps") as maps:
        for line in maps:
            f = line.split(maxsplit=5)
            lo, hi = (int(x, 16) for x in f[0].split("-"))
            name = f[5].strip() if len(f) > 5 else "[anon]"
            if f[1][0] != "r" or f[1][3] != "p" or name in KERNEL_PAGES:
                continue
            where = f"{f[0]} {f[1]} {name}"
            if hi - lo >= HUGE:
                note(label, f"left out {where}: {(hi - lo) >> 30} GiB")
                continue
            try:
                mem.seek(lo)
                data = mem.read(hi - lo)
            except OSError:
                continue  # unmapped since maps was read, or a guard page
            yield Region(lo, name, where, data)


def qword(data, at):
    return int.from_bytes(data[at:at + 8], "little") if at >= 0 else 0


# GnuTLS decrypts each record into a block of its own (an mbuffer) and frees
# it unwiped once read. GnuTLS 3.7's struct mbuffer_st (64 bits) at h keeps
# its data from h + 80 (+ up to 15 to align it): msg.data at h + 24, msg.size
# at h + 32, maximum_size (16-20 KiB for a record) at h + 40.
RECORD_MIN, RECORD_MAX = 16384, 20480


def is_mbuffer_at(data, h, hit):
    most = qword(data, h + 40)
    return (RECORD_MIN <= most <= RECORD_MAX and qword(data, h + 32) <= most and
            h + 80 <= hit < h + 96 + most)


def glibc_block(data, off):
    """On glibc's main heap, the start of the data of the block holding off."""
    at = 0
    while at + 16 <= len(data) and not any(data[at + 8:at + 16]):
        at += 16
    while at + 16 <= len(data):
        size = qword(data, at + 8) & ~7
        if size < 32 or at + size > len(data):
            return None
        if at + 16 <= off < at + size + 8:
            return at + 16
        at += size
    return None


def in_gnutls_record(region, hit):
    """A heuristic: either msg.data still points into its own header's block
    (the allocator has not reused that word), or, on glibc's heap, the block
    that holds the hit (walked from the heap's start) begins with an mbuffer
    header. It says where a copy sits now, not who wrote it: a GnuTLS block
    allocated over a freed buffer of ours looks the same."""
    data, lo = region.data, region.lo
    for h in range(hit - 80 - hit % 8, max(0, hit - 96 - RECORD_MAX) - 1, -8):
        ptr = qword(data, h + 24)
        if lo + h + 80 <= ptr < lo + h + 96 and is_mbuffer_at(data, h, hit):
            return True
    if region.name != "[heap]":
        return False
    h = glibc_block(data, hit)
    return h is not None and is_mbuffer_at(data, h, hit)


def holder(region, hit):
    if region.name.startswith("[stack"):
        return STACK
    return GNUTLS if in_gnutls_record(region, hit) else OURS


def shown(b):
    return "".join(chr(c) if 32 <= c < 127 else "." for c in b)


def describe(region, hit, password, needle):
    """One hit: a whole copy (from its start) or the remains of one (from the
    random part), where it sits, and the bytes around it."""
    data, start, end = region.data, hit - (len(password) - len(needle)), hit + len(needle)
    if start >= 0 and data[start:end] == password:
        what, mark = "copy", "[password]"
    else:
        what, mark, start = "remains", "[secret]", hit
    return (f"{what} at {region.lo + start:#x} in {region.where}: "
            f"...{shown(data[max(0, start - CONTEXT):start])}{mark}"
            f"{shown(data[end:end + CONTEXT // 2])}...")


def scan(pid, password, needle, label, by_holder):
    counts = [0, 0, 0]
    with open(f"/proc/{pid}/mem", "rb", 0) as mem:
        for region in regions(pid, mem, label):
            hit = region.data.find(needle)
            while hit >= 0:
                kind = holder(region, hit) if by_holder else OURS
                counts[kind] += 1
                prefix = f"{HOLDERS[kind]}: " if by_holder else ""
                note(label, prefix + describe(region, hit, password, needle))
                hit = region.data.find(needle, hit + 1)
    return counts


def main():
    args, label, by_holder = sys.argv[1:], "", False
    while len(args) > 1 and args[0].startswith("--"):
        if args[0] == "--holders":
            by_holder, args = True, args[1:]
        elif args[0] == "--label" and len(args) > 2:
            label, args = f"{args[1]}: ", args[2:]
        else:
            sys.exit(__doc__)
    password = os.environb.get(b"SCAN_PASSWORD", b"")
    needle = os.environb.get(b"SCAN_SECRET", b"")
    if len(args) != 1 or not args[0].isdigit() or not needle or not password.endswith(needle):
        sys.exit(__doc__)
    try:
        counts = scan(args[0], password, needle, label, by_holder)
    except OSError as e:
        sys.exit(f"{label}cannot read process {args[0]}: {e}")
    if by_holder:
        print(*counts)
    else:
        print(sum(counts))


if __name__ == "__main__":
    main()
