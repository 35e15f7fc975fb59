#!/usr/bin/env python3
"""Writes a simulated GpuQos fleet as OpenMetrics text, with its own ground truth, for a real Prometheus TSDB.

N hosts x D days of 60 s scrapes of what `gpuqos run` exposes for usage accounting and for the advisor: per
host 8 GPUs in mixed modes (time-sliced H100s, A100s in MIG mode with their instances owned by tenants,
exclusive L40S), tenants that come and go (jobs of random lengths starting at arbitrary instants, MIG
instances and exclusive GPUs changing hands), and some daemon restarts (the counters start again at 0, and the
host's gpuqos_start_time_seconds changes; truth.json names the hosts that restart).

The counters are what the daemon's ledger would hold: the exact integral of each tenant's use up to the scrape
(the daemon integrates every 1 s cycle). The ground truth is the integral of the same workload over the whole
window, per tenant and per GPU model, written beside the data; `gpuqos report usage` must match it within 1%.

    scripts/gen-fleet.py --hosts 50 --days 1 --out DIR [--end UNIX] [--seed 23] [--bad-hosts 0]
    promtool tsdb create-blocks-from openmetrics DIR/fleet.om DIR/tsdb

--bad-hosts N makes the last N hosts broken: their SM-seconds counters grow 50 times faster than time, which no
GPU can. The report must name them and leave them out; the ground truth leaves them out too.

Writes DIR/fleet.om and DIR/truth.json. Standard library only.
"""
import argparse
import json
import os
import random
import sys
import time

SCRAPE = 60
GPUS = 8
TENANTS = [f"team-{i:02d}" for i in range(16)]
# (gpu_model, mode, MIG instances as (profile, weight)); a 1g instance of an A100 is 1/7 of the GPU.
KINDS = [
    ("NVIDIA H100 80GB HBM3", "time-sliced", None),
    ("NVIDIA A100-SXM4-40GB", "mig", [("3g.20gb", 3 / 7), ("2g.10gb", 2 / 7), ("1g.5gb", 1 / 7), ("1g.5gb", 1 / 7)]),
    ("NVIDIA L40S", "exclusive", None),
]


class Rate:
    """A piecewise-constant rate over time: (start, end, value) pieces, which may overlap (they add up)."""

    def __init__(self):
        self.pieces = []

    def add(self, start, end, value):
        if end > start and value > 0:
            self.pieces.append((start, end, value))

    def at(self, t):
        return sum(v for s, e, v in self.pieces if s <= t < e)

    def sweep(self, times):
        """(rate, integral since -inf) at each of the ascending times, in one pass over the pieces' edges: the
        piecewise sums above cost pieces x scrapes, which at 7 days is 49 times the cost of one day."""
        edges = sorted([(s, v) for s, _, v in self.pieces] + [(e, -v) for _, e, v in self.pieces])
        out, i, rate, acc, last = [], 0, 0.0, 0.0, None
        for t in times:
            while i < len(edges) and edges[i][0] <= t:
                at, dv = edges[i]
                if last is not None:
                    acc += rate * (at - last)
                last, rate = at, rate + dv
                i += 1
            if last is not None:
                acc += rate * (t - last)
                last = t
            out.append((max(rate, 0.0) if abs(rate) > 1e-9 else 0.0, acc))
        return out

    def integral(self, a, b):
        return sum(v * (min(e, b) - max(s, a)) for s, e, v in self.pieces if e > a and s < b)


def jobs(rng, start, end, mean_gap, mean_len, shares):
    """Random jobs in [start, end): (start, end, share), one after another with gaps."""
    t = start + rng.random() * mean_gap
    while t < end:
        length = rng.expovariate(1 / mean_len) + 30
        yield t, min(end, t + length), rng.choice(shares)
        t += length + rng.expovariate(1 / mean_gap)


def host_model(h, t0, t1, seed):
    """Every (gpu, tenant) series of host h: used and reserved rates, memory, and the GPU's identity."""
    rng = random.Random(seed * 1_000_003 + h)
    gpus = []
    for g in range(GPUS):
        model, mode, instances = KINDS[(h + g) % len(KINDS)]
        uuid = f"GPU-{h:05d}-{g}"
        series = {}

        def rates(tenant):
            return series.setdefault(tenant, {"used": Rate(), "reserved": Rate(), "memory": Rate()})

        pods = []
        if mode == "time-sliced":
            # Two job streams share the GPU; each job is a pod of one of a few tenants (its namespace).
            for stream in range(2):
                for n, (s, e, share) in enumerate(jobs(rng, t0, t1, 1800, 2400, [0.2, 0.3, 0.45])):
                    tenant = rng.choice(TENANTS[:8])
                    r = rates(tenant)
                    r["used"].add(s, e, share)
                    r["memory"].add(s, e, share * 40e9)
                    pods.append((tenant, namespace(tenant, n), f"job-{h:04d}-{g}-{stream}-{n}", s, e, share))
        elif mode == "mig":
            for _, weight in instances:
                # The instance changes hands a few times; its owner reserves it whole and uses it in bursts.
                bounds = sorted([t0, t1] + [rng.uniform(t0, t1) for _ in range(rng.randint(0, 2))])
                for a, b in zip(bounds, bounds[1:]):
                    r = rates(rng.choice(TENANTS[4:12]))
                    r["reserved"].add(a, b, weight)
                    for s, e, busy in jobs(rng, a, b, 900, 1200, [0.5, 0.8, 1.0]):
                        r["used"].add(s, e, busy * weight)
                        r["memory"].add(s, e, busy * weight * 35e9)
        else:
            # Held exclusively by one tenant at a time, with idle stretches between holders.
            for s, e, _ in jobs(rng, t0, t1, 3600, 5 * 3600, [1.0]):
                r = rates(rng.choice(TENANTS[8:]))
                r["reserved"].add(s, e, 1.0)
                for bs, be, busy in jobs(rng, s, e, 600, 1800, [0.6, 0.9, 1.0]):
                    r["used"].add(bs, be, busy)
                    r["memory"].add(bs, be, busy * 30e9)
        gpus.append((g, uuid, model, mode, series, pods))
    # One host in ten restarts once: its counters start again from 0.
    restart = rng.uniform(t0, t1) if rng.random() < 0.1 else None
    return gpus, restart


def namespace(tenant, n):
    """The pod's namespace: most tenants are one namespace of their own name, team-00 to team-03 run every other
    job in a second namespace, and team-06 and team-07 share one: the report's namespace rows must split and join."""
    if tenant in ("team-06", "team-07"):
        return "research-shared"
    if tenant in TENANTS[:4] and n % 2:
        return tenant + "-batch"
    return tenant


def utilization(series, t0, t1):
    """The GPU's SM utilization at each scrape: its tenants' shares added up, at most 1."""
    times = list(scrapes(t0, t1))
    total = [0.0] * len(times)
    for r in series.values():
        for k, (v, _) in enumerate(r["used"].sweep(times)):
            total[k] += v
    return [(t, min(1.0, v)) for t, v in zip(times, total)]


def scrapes_within(t0, t1, s, e):
    """The scrapes of [t0, t1] that fall in [s, e)."""
    k = max(0, int(-(-(s - t0) // SCRAPE)))
    t = t0 + k * SCRAPE
    while t <= t1 and t < e:
        yield t
        t += SCRAPE


def scrapes(t0, t1):
    t = t0
    while t <= t1:
        yield t
        t += SCRAPE


def counter_values(rate, t0, t1, restart):
    """The counter at each scrape: the integral since the daemon (re)started (the integral up to the scrape less
    the integral up to the restart, once the restart is past)."""
    times = list(scrapes(t0, t1))
    at_restart = rate.integral(t0, restart) if restart is not None else 0.0
    out, last, restarted = [], 0.0, False
    for t, (_, acc) in zip(times, rate.sweep(times)):
        if restart is not None and restart <= t and not restarted:
            restarted, last = True, 0.0
        value = acc - at_restart if restarted else acc
        # Never below the previous scrape: the sweep's float residues (a rate of -1e-17 where pieces cancel) must
        # not read as a counter reset, which increase() would count as the whole counter again.
        last = max(last, value)
        out.append((t, last))
    return out


def fmt(v):
    return repr(float(v)) if v != int(v) or abs(v) >= 1e15 else str(int(v))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--hosts", type=int, default=50)
    p.add_argument("--days", type=float, default=1)
    p.add_argument("--end", type=int, default=None, help="Unix time of the last scrape (default: the last whole hour)")
    p.add_argument("--seed", type=int, default=23)
    p.add_argument("--scrape", type=int, default=60, help="seconds between scrapes (the daemon still integrates every 1 s)")
    p.add_argument("--bad-hosts", type=int, default=0)
    p.add_argument("--pods", action="store_true", help="also each pod's process series and the targets' up")
    p.add_argument("--out", required=True)
    a = p.parse_args()
    if a.hosts < 1 or a.days <= 0 or a.scrape < 1 or not 0 <= a.bad_hosts < a.hosts:
        sys.exit("gen-fleet: --hosts and --scrape must be at least 1, --days more than 0, --bad-hosts from 0 to hosts - 1")
    global SCRAPE
    SCRAPE = a.scrape
    bad = set(range(a.hosts - a.bad_hosts, a.hosts))
    t1 = a.end if a.end is not None else int(time.time()) // 3600 * 3600
    t0 = t1 - int(a.days * 86400)
    os.makedirs(a.out, exist_ok=True)
    hosts = [(h, *host_model(h, t0, t1, a.seed)) for h in range(a.hosts)]
    truth = {"from": t0, "until": t1, "hosts": a.hosts, "gpus": a.hosts * GPUS, "scrape_seconds": SCRAPE,
             "tenants": {}, "gpu_models": {}, "gauge_tenants": {}, "bad_hosts": [f"host-{h:04d}:9450" for h in sorted(bad)], "pods": {}, "namespaces": {},
             "restarted_hosts": [f"host-{h:04d}:9450" for h, _, restart in hosts if restart is not None]}
    samples = 0
    with open(os.path.join(a.out, "fleet.om"), "w", encoding="ascii") as f:
        def family(name, kind, help_text, rows):
            nonlocal samples
            f.write(f"# HELP {name} {help_text}\n# TYPE {name} {kind}\n")
            for labels, points in rows:
                lab = ",".join(f'{k}="{v}"' for k, v in labels)
                metric = name + ("_total" if kind == "counter" else "")
                for t, v in points:
                    f.write(f"{metric}{{{lab}}} {fmt(v)} {t}\n")
                    samples += 1

        def base(h, g, uuid):
            return [("instance", f"host-{h:04d}:9450"), ("job", "gpuqos"), ("gpu", str(g)), ("uuid", uuid)]

        def counters(kind):
            for h, gpus, restart in hosts:
                for g, uuid, model, _, series, _ in gpus:
                    for tenant, r in sorted(series.items()):
                        values = counter_values(r[kind], t0, t1, restart)
                        if h in bad and kind == "used":
                            values = [(t, v * 50) for t, v in values]
                        yield base(h, g, uuid) + [("tenant", tenant), ("gpu_model", model)], values

        def gauges(kind):
            for h, gpus, _ in hosts:
                for g, uuid, model, mode, series, _ in gpus:
                    for tenant, r in sorted(series.items()):
                        times = list(scrapes(t0, t1))
                        held = [v for v, _ in r["reserved"].sweep(times)] if kind == "memory" else [0] * len(times)
                        pts = [(t, v) for t, (v, _), h in zip(times, r[kind].sweep(times), held) if v > 0 or h > 0]
                        if pts:
                            yield base(h, g, uuid) + [("tenant", tenant)], pts

        family("gpuqos_tenant_sm_seconds", "counter", "GPU-seconds of SM time used.", counters("used"))
        family("gpuqos_tenant_reserved_seconds", "counter", "GPU-seconds reserved.", counters("reserved"))
        family("gpuqos_tenant_sm_share_ratio", "gauge", "The tenant's share of the GPU's SM time.", gauges("used"))
        family("gpuqos_tenant_memory_used_bytes", "gauge", "Device memory held by the tenant on the GPU.", gauges("memory"))
        family("gpuqos_gpu_info", "gauge", "GPU identity and sharing mode; always 1.",
               ((base(h, g, uuid) + [("name", model), ("pci_bus_id", f"00000000:{g + 1:02x}:00.0"), ("mode", mode)],
                 [(t, 1) for t in scrapes(t0, t1)]) for h, gpus, _ in hosts for g, uuid, model, mode, _, _ in gpus))
        family("gpuqos_gpu_sm_utilization_ratio", "gauge", "Fraction of time a kernel was running on the GPU.",
               ((base(h, g, uuid), utilization(series, t0, t1))
                for h, gpus, _ in hosts for g, uuid, model, mode, series, _ in gpus if mode != "mig"))
        # The daemon's start time, one series per host: it changes at a restart, which is how `report usage` finds
        # the hosts whose counters reset without reading every counter sample. Before the window the daemons have
        # run for a while (their counters hold nothing from before it: every job starts inside the window).
        family("gpuqos_start_time_seconds", "gauge", "Unix time the daemon started.",
               (([("instance", f"host-{h:04d}:9450"), ("job", "gpuqos")],
                 [(t, restart if restart is not None and restart <= t else t0 - 3600) for t in scrapes(t0, t1)]) for h, _, restart in hosts))
        if a.pods:
            family("gpuqos_process_sm_utilization_ratio", "gauge", "Fraction of the GPU's SM time the process used.",
                   ((base(h, g, uuid) + [("pid", str(1000 + i)), ("namespace", ns), ("pod", pod), ("tenant", tenant)], pts)
                    for h, gpus, _ in hosts for g, uuid, _, _, _, pods in gpus for i, (tenant, ns, pod, s0, e0, share) in enumerate(pods)
                    for pts in [[(t, share) for t in scrapes_within(t0, t1, s0, e0)]] if pts))
            family("up", "gauge", "Whether the target was scraped.",
                   (([("instance", f"host-{h:04d}:9450"), ("job", "gpuqos")], [(t, 1) for t in scrapes(t0, t1)]) for h, _, _ in hosts))
        f.write("# EOF\n")

    for h, gpus, restart in hosts:
        if h in bad:
            continue
        for g, uuid, model, _, series, _ in gpus:
            for tenant, r in series.items():
                used, reserved = r["used"].integral(t0, t1) / 3600, r["reserved"].integral(t0, t1) / 3600
                gauge = sum(v for v, _ in r["used"].sweep(list(scrapes(t0 + SCRAPE, t1)))) * SCRAPE / 3600
                for key, table in ((tenant, truth["tenants"]), (model, truth["gpu_models"])):
                    row = table.setdefault(key, {"used_gpu_hours": 0.0, "reserved_gpu_hours": 0.0})
                    row["used_gpu_hours"] += used
                    row["reserved_gpu_hours"] += reserved
                truth["gauge_tenants"][tenant] = truth["gauge_tenants"].get(tenant, 0.0) + gauge
        for g, uuid, model, _, series, pods in gpus:
            for _, ns, pod, s0, e0, share in pods:
                truth["pods"][f"{ns}/{pod}"] = share * (min(e0, t1) - max(s0, t0)) / 3600
                row = truth["namespaces"].setdefault(ns, {"used_gpu_hours": 0.0})
                row["used_gpu_hours"] += share * (min(e0, t1) - max(s0, t0)) / 3600
            for tenant, r in series.items():
                # Time no pod accounts for (MIG instances, exclusive GPUs: no process series here) has no namespace.
                rest = r["used"].integral(t0, t1) / 3600 - sum(p[5] * (min(p[4], t1) - max(p[3], t0)) / 3600 for p in pods if p[0] == tenant)
                if rest > 1e-9:
                    row = truth["namespaces"].setdefault("", {"used_gpu_hours": 0.0})
                    row["used_gpu_hours"] += rest
    truth["samples"] = samples
    with open(os.path.join(a.out, "truth.json"), "w", encoding="ascii") as f:
        json.dump(truth, f, indent=2, sort_keys=True)
    print(f"gen-fleet: {a.hosts} hosts x {a.days:g} days, {samples} samples, to {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
