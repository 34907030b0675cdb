"""Reads bin/proxy-timeline's recording and prints each proxy's per-request timeline (µs).

A request starts where the proxy reads "POST" from a client connection. Its forward is the proxy's
first write to another fd; that fd is the engine connection. The engine's part is matched by time:
its first read of "POST" after the forward, then its writes on that thread (the head, every chunk).
"""
import bisect
import statistics
import sys
from collections import defaultdict


def load(path, pids):
    events = defaultdict(list)
    with open(path, errors="replace") as f:
        for line in f:
            p = line.split(" ", 6)
            if len(p) < 6 or p[0] not in "RWV":
                continue
            try:
                pid, tid, fd, t, n = (int(x) for x in p[1:6])
            except ValueError:
                continue
            if pid in pids:
                events[pid].append((t, p[0], tid, fd, n, p[6] if len(p) > 6 else ""))
    for v in events.values():
        v.sort()
    return events


def requests(proxy, engine_reads, engine_writes):
    """One dict of segment -> ns per request the proxy served in full."""
    read_times = [e[0] for e in engine_reads]
    write_times = [e[0] for e in engine_writes]
    starts = [i for i, e in enumerate(proxy) if e[1] == "R" and e[5].startswith("POST")]
    for a, b in zip(starts, starts[1:]):
        seg, client, t0, t1 = proxy[a:b], proxy[a][3], proxy[a][0], proxy[b][0]
        fi = next((i for i, e in enumerate(seg) if e[1] in "WV" and e[3] != client), None)
        if fi is None or t1 - t0 > 50e6:  # not forwarded, or a pause between rounds
            continue
        forward, upstream = seg[fi][0], seg[fi][3]
        body_in = max(e[0] for e in seg[:fi] if e[1] == "R" and e[3] == client)
        ins = [e for e in seg if e[1] == "R" and e[3] == upstream]
        outs = [e for e in seg if e[1] in "WV" and e[3] == client]
        j = bisect.bisect_left(read_times, forward)
        if len(ins) < 2 or len(outs) < 2 or j >= len(engine_reads) or engine_reads[j][0] - forward > 5e6:
            continue
        got, thread = engine_reads[j][0], engine_reads[j][2]
        k = bisect.bisect_left(write_times, got)
        mine = []
        while k < len(engine_writes) and engine_writes[k][0] < t1:
            if engine_writes[k][2] == thread:
                mine.append(engine_writes[k][0])
            k += 1
        if not mine:
            continue
        yield {
            "1 request read whole -> forwarded": forward - body_in,
            "2 forwarded -> engine has it": got - forward,
            "3 engine: request -> its head": mine[0] - got,
            "4 engine: head -> last write": mine[-1] - mine[0],
            "5 proxy: engine head in -> client head out": outs[0][0] - ins[0][0],
            "6 engine last write -> client's last": outs[-1][0] - mine[-1],
            "7 client's last -> next request read": t1 - outs[-1][0],
            "8 whole cycle": t1 - t0,
        }


def main():
    path, engine = sys.argv[1], int(sys.argv[2])
    proxies = {int(a.split("=", 1)[1]): a.split("=", 1)[0] for a in sys.argv[3:]}
    events = load(path, set(proxies) | {engine})
    engine_reads = [e for e in events[engine] if e[1] == "R" and e[5].startswith("POST")]
    engine_writes = [e for e in events[engine] if e[1] in "WV" and e[3] > 2]  # not its log on stderr
    for pid, name in proxies.items():
        rows = defaultdict(list)
        for r in requests(events[pid], engine_reads, engine_writes):
            for k, v in r.items():
                rows[k].append(v)
        n = len(rows["8 whole cycle"])
        print(f"== {name} (pid {pid}): {n} requests, µs")
        for k in sorted(rows):
            xs = sorted(rows[k])
            print(f"  {k:44s} p50 {xs[len(xs) // 2] / 1e3:8.1f}  p90 {xs[9 * len(xs) // 10] / 1e3:8.1f}"
                  f"  mean {statistics.mean(xs) / 1e3:8.1f}")


if __name__ == "__main__":
    main()
