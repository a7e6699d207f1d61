"""bench/profile's reading of perf's output (stdin), by the first argument:

parts      `perf script -F comm,ip,sym,dso` of a DWARF call-graph recording: each sample
           sorted into one part of a request by the frames of its stack, in this order
           (the first that matches wins): the memory reset when the instance ends, the
           instantiation, the guest (its compiled code, named by the perf map, and the
           host functions it calls), system calls, interrupts, wasi-http's request and
           response plumbing, hyper, tokio, the rest;
guest      `perf report --children --sort sym -g none` of a frame-pointer recording: the
           guest's functions with their inclusive share of the runtime's samples;
durations  the runtime's output: the guest's own `duration_ms` of each request log line.
"""

import collections
import json
import re
import statistics
import sys

PARTS = [
    ("memory reset when the instance ends", ("Store<T> as core::ops::drop::Drop", "deallocate_module")),
    ("instantiation", ("Instantiator", "instantiate", "InstancePre")),
    ("guest code and its host calls", (".map)", "[JIT]", "HostFn", "wasm[", "trampoline", "enter_host_from_wasm")),
    ("system calls (network, futex)", ("entry_SYSCALL",)),
    ("interrupts and scheduling", ("asm_sysvec", "irqentry")),
    ("wasi-http plumbing", ("wasmtime_wasi_http", "prepare_request")),
    ("hyper", ("hyper",)),
    ("tokio", ("tokio",)),
]


def samples(text):
    """The stacks of `perf script` output, leaf first."""
    stack = None
    for line in text.splitlines():
        if line and not line.startswith("\t"):
            if stack is not None:
                yield stack
            stack = []
        elif line.strip() and stack is not None:
            stack.append(re.sub(r"^[0-9a-f]+ ", "", line.strip()))
    if stack is not None:
        yield stack


def parts(text):
    counts = collections.Counter()
    total = 0
    for stack in samples(text):
        total += 1
        joined = "\n".join(stack)
        part = next((name for name, marks in PARTS if any(m in joined for m in marks)), "the rest")
        counts[part] += 1
    print(f"| part of a request (DWARF stacks, {total} samples) | share of the runtime's samples |")
    print("| --- | ---: |")
    for name, count in counts.most_common():
        print(f"| {name} | {100 * count / max(total, 1):.1f}% |")


def guest(text):
    print("| guest function (frame pointers) | inclusive share |")
    print("| --- | ---: |")
    shown = 0
    for line in text.splitlines():
        match = re.match(r"\s*([0-9.]+)%\s+([0-9.]+)%\s+\[\.\]\s+(.*)", line)
        if not match:
            continue
        symbol = match.group(3).strip()
        if not ("wasm[" in symbol or "spinstack" in symbol or symbol.startswith(("session::", "auth::"))):
            continue
        symbol = re.sub(r"^wasm\[\d+\]::function\[\d+\]::", "", symbol)[:110]
        print(f"| `{symbol}` | {match.group(1)}% |")
        shown += 1
        if shown == 40:
            break


def durations(text):
    by_route = collections.defaultdict(list)
    for line in text.splitlines():
        if not line.startswith('{"time"'):
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        by_route[entry.get("route", "?")].append(entry.get("duration_ms", 0) * 1000)
    if not by_route:
        print("(no request log lines: the noop fixture writes none)")
        return
    print("| route | requests | guest duration_ms, median µs | p90 µs |")
    print("| --- | ---: | ---: | ---: |")
    for route, values in sorted(by_route.items()):
        values.sort()
        p90 = values[min(len(values) - 1, len(values) * 9 // 10)]
        print(f"| `{route}` | {len(values)} | {statistics.median(values):.0f} | {p90:.0f} |")


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    readers = {"parts": parts, "guest": guest, "durations": durations}
    if mode not in readers:
        sys.exit(f"usage: profile-parts.py {'|'.join(readers)} < perf output")
    readers[mode](sys.stdin.read())
