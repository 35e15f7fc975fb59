#!/usr/bin/env python3
"""Turns a dump of real GPUs into an NVML stand-in fixture (tests/NvmlStub, format in docs/nvml.md).

Reads `nvidia-smi -q -x` (XML) or `nvidia-smi -q` (text) output and writes a fixture whose readings are the
dump's: names, PCI bus IDs, memory (total, reserved, in use), temperature, power draw and limits, clocks,
device utilization, PCIe throughput, fans, MIG devices with their memory and SM counts, and processes with
their instances, types and memory. The fixture's header records where the dump came from.

What a dump does not hold is not invented: per-process utilization is turned off (`proc_util=0`, so NVML's
call answers NOT_SUPPORTED), MIG device UUIDs are derived from the GPU's UUID and the instance IDs, and MIG
placements are the first valid ones for the profiles found (nvidia-smi -q does not print them).

usage: nvml-fixture-from-smi.py DUMP --source REPO@COMMIT:PATH [--note TEXT] [-o FIXTURE]
"""
import argparse
import re
import sys
import uuid
import xml.etree.ElementTree as ElementTree

# MIG GPU-instance profiles by name: (reported profile ID, NVML_GPU_INSTANCE_PROFILE_* enum, memory slices,
# allowed placement starts). IDs and placements as NVML reports them on A100 80GB and H100 80GB; the SM counts
# and memory sizes come from the dump.
PROFILES = {
    "1g.10gb": (19, 0, 1, range(0, 7)),
    "1g.20gb": (15, 9, 2, (0, 2, 4, 6)),
    "2g.20gb": (14, 1, 2, (0, 2, 4)),
    "3g.40gb": (9, 2, 4, (0, 4)),
    "4g.40gb": (5, 3, 4, (0,)),
    "7g.80gb": (0, 4, 8, (0,)),
}

# Compute slices by a MIG device's SM count, per GPU family (NVML's profile tables; not linear: H100's 3g has 60).
SLICES_BY_SMS = {
    "A100": {14: 1, 28: 2, 42: 3, 56: 4, 98: 7},
    "H100": {16: 1, 26: 1, 32: 2, 60: 3, 64: 4, 132: 7},
}


def number(text):
    """The leading number of a reading such as '433.78 W' or '81559 MiB'; None for N/A and the like."""
    if text is None:
        return None
    match = re.match(r"\s*(-?\d+(?:\.\d+)?)", text)
    if not match:
        return None
    return float(match.group(1))


# ---- nvidia-smi -q (text): a tree of "label : value" lines, nested by indentation ----

class Node:
    def __init__(self, label, value, indent):
        self.label, self.value, self.indent, self.children = label, value, indent, []

    def child(self, *labels):
        node = self
        for label in labels:
            node = next((c for c in node.children if c.label == label), None)
            if node is None:
                return None
        return node

    def get(self, *labels):
        node = self.child(*labels)
        return node.value if node else None


def parse_text(text):
    root = Node("", None, -1)
    stack = [root]
    for line in text.splitlines():
        if not line.strip() or line.startswith("="):
            continue
        indent = len(line) - len(line.lstrip(" "))
        label, _, value = line.strip().partition(":")
        node = Node(label.strip(), value.strip() if _ else None, indent)
        while stack[-1].indent >= indent:
            stack.pop()
        stack[-1].children.append(node)
        stack.append(node)
    gpus = [c for c in root.children if c.label.startswith("GPU ")]
    return [text_gpu(g) for g in gpus]


def text_gpu(g):
    mig_devices = []
    for d in (c for c in g.children if c.label == "MIG Device"):
        mig_devices.append({
            "gi": int(d.get("GPU Instance ID")),
            "ci": int(d.get("Compute Instance ID")),
            "sms": int(d.get("Device Attributes", "Shared", "Multiprocessor count")),
            "total": number(d.get("Shared FB Memory Usage", "Total")),
            "used": number(d.get("Shared FB Memory Usage", "Used")),
        })
    processes, gi, ci = [], None, None
    for p in (g.child("Processes").children if g.child("Processes") else []):
        if p.label == "GPU instance ID":
            gi = number(p.value)
        elif p.label == "Compute instance ID":
            ci = number(p.value)
        elif p.label == "Process ID":
            processes.append({"pid": int(p.value), "gi": gi, "ci": ci, "type": p.get("Type"), "name": p.get("Name"),
                              "memory": number(p.get("Used GPU Memory"))})
    power = g.child("GPU Power Readings")
    # nvmlDeviceGetPowerUsage is the 1 s average on Ampere (but GA100) and later, instantaneous before; drivers
    # from 535 print both, older ones one "Power Draw".
    draw = power.get("Average Power Draw") or power.get("Power Draw")
    return {
        "name": g.get("Product Name"), "uuid": g.get("GPU UUID"), "serial": g.get("Serial Number"),
        "minor": g.get("Minor Number"), "pci": g.get("PCI", "Bus Id"),
        "mig": g.get("MIG Mode", "Current") == "Enabled", "mig_devices": mig_devices,
        "total": number(g.get("FB Memory Usage", "Total")),
        "reserved": number(g.get("FB Memory Usage", "Reserved")),
        "used": number(g.get("FB Memory Usage", "Used")),
        "compute_mode": g.get("Compute Mode"),
        "gpu_util": number(g.get("Utilization", "GPU") or g.get("Utilization", "Gpu")),
        "mem_util": number(g.get("Utilization", "Memory")),
        "temp": number(g.get("Temperature", "GPU Current Temp")),
        "power": number(draw),
        "power_limit": number(power.get("Current Power Limit")),
        "power_min": number(power.get("Min Power Limit")),
        "power_max": number(power.get("Max Power Limit")),
        "sm_clock": number(g.get("Clocks", "SM")),
        "mem_clock": number(g.get("Clocks", "Memory")),
        "sm_clock_max": number(g.get("Max Clocks", "SM")),
        "pcie_tx": number(g.get("PCI", "Tx Throughput")),
        "pcie_rx": number(g.get("PCI", "Rx Throughput")),
        "fan": number(g.get("Fan Speed")),
        "virtualization": g.get("GPU Virtualization Mode", "Virtualization Mode"),
        "processes": processes,
    }


# ---- nvidia-smi -q -x (XML) ----

def parse_xml(text):
    root = ElementTree.fromstring(text)
    return [xml_gpu(g) for g in root.findall("gpu")]


def xml_gpu(g):
    def get(path):
        e = g.find(path)
        return e.text.strip() if e is not None and e.text else None

    mig_devices = [{
        "gi": int(d.findtext("gpu_instance_id")), "ci": int(d.findtext("compute_instance_id")),
        "sms": int(d.findtext("device_attributes/shared/multiprocessor_count")),
        "total": number(d.findtext("fb_memory_usage/total")),
        "used": number(d.findtext("fb_memory_usage/used")),
    } for d in g.findall("mig_devices/mig_device")]
    processes = [{
        "pid": int(p.findtext("pid")), "gi": number(p.findtext("gpu_instance_id")),
        "ci": number(p.findtext("compute_instance_id")), "type": p.findtext("type"),
        "name": p.findtext("process_name"), "memory": number(p.findtext("used_memory")),
    } for p in g.findall("processes/process_info")]
    draw = get("gpu_power_readings/average_power_draw") or get("gpu_power_readings/power_draw")
    return {
        "name": get("product_name"), "uuid": get("uuid"), "serial": get("serial"), "minor": get("minor_number"),
        "pci": get("pci/pci_bus_id"), "mig": get("mig_mode/current_mig") == "Enabled", "mig_devices": mig_devices,
        "total": number(get("fb_memory_usage/total")),
        "reserved": number(get("fb_memory_usage/reserved")),
        "used": number(get("fb_memory_usage/used")),
        "compute_mode": get("compute_mode"),
        "gpu_util": number(get("utilization/gpu_util")),
        "mem_util": number(get("utilization/memory_util")),
        "temp": number(get("temperature/gpu_temp")),
        "power": number(draw),
        "power_limit": number(get("gpu_power_readings/current_power_limit")),
        "power_min": number(get("gpu_power_readings/min_power_limit")),
        "power_max": number(get("gpu_power_readings/max_power_limit")),
        "sm_clock": number(get("clocks/sm_clock")),
        "mem_clock": number(get("clocks/mem_clock")),
        "sm_clock_max": number(get("max_clocks/sm_clock")),
        "pcie_tx": number(get("pci/tx_util")),
        "pcie_rx": number(get("pci/rx_util")),
        "fan": number(get("fan_speed")),
        "virtualization": get("gpu_virtualization_mode/virtualization_mode"),
        "processes": processes,
    }


# ---- the fixture ----

COMPUTE_MODES = {"Default": 0, "Exclusive_Thread": 1, "Prohibited": 2, "Exclusive_Process": 3}
CONTEXTS = {"C": "compute", "G": "graphics", "C+G": "compute+graphics", "M": "mps", "M+C": "mps+compute"}


def profile_name(gpu, device):
    family = next((f for f in SLICES_BY_SMS if f in gpu["name"]), None)
    if family is None:
        raise SystemExit(f"{gpu['name']}: no MIG profile table for this GPU (known: {', '.join(SLICES_BY_SMS)})")
    slices = SLICES_BY_SMS[family].get(device["sms"])
    if slices is None:
        raise SystemExit(f"{gpu['name']}: no {family} MIG profile has {device['sms']} SMs")
    name = f"{slices}g.{round(device['total'] / 1024)}gb"
    if name not in PROFILES:
        raise SystemExit(f"{gpu['name']}: MIG profile {name} is not in the table")
    return name


def place(names):
    """The first valid placement (memory-slice starts) of every instance, largest first, without overlap."""
    order = sorted(range(len(names)), key=lambda i: -PROFILES[names[i]][2])
    starts = [None] * len(names)

    def fit(k, used):
        if k == len(order):
            return True
        i = order[k]
        _, _, size, allowed = PROFILES[names[i]]
        for start in allowed:
            span = set(range(start, start + size))
            if start + size <= 8 and not span & used:
                starts[i] = start
                if fit(k + 1, used | span):
                    return True
        return False

    if not fit(0, set()):
        raise SystemExit("no valid MIG placement for " + ", ".join(names))
    return starts


def quote(text):
    if text is None:
        return '""'
    if '"' in text:
        raise SystemExit(f"cannot write a value with a double quote: {text}")
    return f'"{text}"' if re.search(r"\s|#", text) or text == "" else text


def mw(watts):
    return int(round(watts * 1000))


def fixture(gpus, source, note):
    lines = [
        "# A real device, converted by scripts/nvml-fixture-from-smi.py (format: docs/nvml.md).",
        f"# source: {source}",
    ]
    lines += [f"# {line}" for line in note.splitlines()] if note else []
    lines += [
        "# Readings are the dump's. Not in the dump, so not invented: per-process utilization (proc_util=0:",
        "# NOT_SUPPORTED); MIG device UUIDs (derived) and placements (first valid ones).",
        "",
    ]
    for index, g in enumerate(gpus):
        keys = [f"uuid={g['uuid']}", f"name={quote(g['name'])}", f"pci={g['pci']}"]
        if g["serial"] and number(g["serial"]) is not None:
            keys.append(f"serial={g['serial']}")
        keys.append(f"minor={int(g['minor'])}")
        keys += [f"memory={int(g['total'])}", f"reserved={int(g['reserved'] or 0)}", f"used={int(g['used'])}"]
        if not g["mig"] and g["gpu_util"] is not None:
            keys += [f"sm_util={int(g['gpu_util'])}", f"mem_util={int(g['mem_util'])}"]
        keys += [f"sm_clock={int(g['sm_clock'])}", f"sm_clock_max={int(g['sm_clock_max'])}", f"mem_clock={int(g['mem_clock'])}"]
        keys += [f"power={mw(g['power'])}", f"power_limit={mw(g['power_limit'])}", f"power_min={mw(g['power_min'])}", f"power_max={mw(g['power_max'])}"]
        keys.append(f"temp={int(g['temp'])}")
        if g["fan"] is not None:
            keys.append(f"fan={int(g['fan'])}")
        mode = COMPUTE_MODES.get(g["compute_mode"] or "Default")
        if mode is None:
            raise SystemExit(f"GPU {index}: unknown compute mode {g['compute_mode']}")
        if mode:
            keys.append(f"compute_mode={mode}")
        if g["mig"]:
            keys.append("mig=1")
        if g["pcie_tx"] is not None:
            keys += [f"pcie_tx={int(g['pcie_tx'])}", f"pcie_rx={int(g['pcie_rx'])}"]
        keys.append("proc_util=0")
        lines.append("gpu " + " ".join(keys))

        if g["mig"]:
            names = [profile_name(g, d) for d in g["mig_devices"]]
            used_profiles = {}
            for name, d in zip(names, g["mig_devices"]):
                used_profiles.setdefault(name, d)
            for name, d in used_profiles.items():
                pid, enum, _, allowed = PROFILES[name]
                slices = int(name.split("g.")[0])
                lines.append(f"profile gpu={index} enum={enum} id={pid} slices={slices} count={len(list(allowed))} "
                             f"sms={d['sms']} memory={int(d['total'])}   # {name}")
            for d, name, start in zip(g["mig_devices"], names, place(names)):
                mig_uuid = "MIG-" + str(uuid.uuid5(uuid.NAMESPACE_OID, f"{g['uuid']}/{d['gi']}/{d['ci']}"))
                lines.append(f"gi gpu={index} id={d['gi']} ci={d['ci']} profile={PROFILES[name][0]} start={start} "
                             f"size={PROFILES[name][2]} used={int(d['used'])} uuid={mig_uuid}   # {name}")

        for p in g["processes"]:
            keys = [f"gpu={index}", f"pid={p['pid']}", f"name={quote(p['name'])}", f"memory={int(p['memory'] or 0)}"]
            if p["gi"] is not None:
                keys += [f"gi={int(p['gi'])}", f"ci={int(p['ci'])}"]
            context = CONTEXTS.get(p["type"] or "C")
            if context is None:
                raise SystemExit(f"process {p['pid']}: unknown type {p['type']}")
            if context != "compute":
                keys.append(f"context={context}")
            lines.append("process " + " ".join(keys))
        lines.append("")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dump", help="nvidia-smi -q -x (XML) or nvidia-smi -q (text) output")
    parser.add_argument("--source", required=True, help="where the dump comes from: REPO@COMMIT:PATH")
    parser.add_argument("--note", default="", help="more header lines (licence, what was cut)")
    parser.add_argument("-o", "--output", help="the fixture to write (default: stdout)")
    args = parser.parse_args()

    with open(args.dump, encoding="utf-8") as f:
        text = f.read()
    gpus = parse_xml(text) if text.lstrip().startswith("<") else parse_text(text)
    if not gpus:
        raise SystemExit(f"{args.dump}: no GPU in the dump")
    out = fixture(gpus, args.source, args.note)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(out)
    else:
        sys.stdout.write(out)


if __name__ == "__main__":
    main()
