#!/usr/bin/env python3
"""Draws the Grafana dashboards offline, for review (test-only; Grafana is not needed or installed).

It starts the simulated demo daemon (the same stack as the integration tests: the demo configuration, a quick
CPU audit, a policy over two GPUs, an application XID) and a real Prometheus scraping it with the project's rule
files, lets them run for a few minutes, then runs every panel's queries the way Grafana would ("All" selected,
$__interval as the step) and writes one HTML page per dashboard: stats coloured by their thresholds and value
mappings, time series and state timelines as inline SVG, tables as tables. Headless Chromium screenshots each
page to a PNG.

    scripts/render-dashboards.py [--minutes 4] [--out docs/dashboards] [--gpuqos PATH]

Needs the daemon built (dotnet build tests/Daemon.Tests), /usr/bin/prometheus, chromium and, to keep the PNGs small,
ImageMagick's convert (optional). Standard library only.
"""
import argparse
import html
import json
import math
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COL = 60          # px per Grafana grid column (24 columns)
ROW = 30          # px per Grafana grid row
SCRAPE = 5        # s
STEP = 10         # s: the graphs' step, Grafana's $__interval for this width and range
PALETTE = ["#7eb26d", "#eab839", "#6ed0e0", "#ef843c", "#e24d42", "#1f78c1", "#ba43a9", "#705da0",
           "#508642", "#cca300", "#447ebc", "#c15c17", "#890f02", "#0a437c", "#6d1f62", "#584477"]
COLOURS = {"green": "#73bf69", "red": "#f2495c", "orange": "#ff9830", "yellow": "#fade2a", "blue": "#5794f2",
           "text": "#d8d9da", "transparent": "transparent", "purple": "#b877d9"}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {seconds} s")


def start_stack(work, gpuqos):
    """The demo daemon and a Prometheus scraping it, as tests/Daemon.Tests/Observability/DemoStack.cs builds them."""
    demo = open(os.path.join(ROOT, "scenarios", "demo-config.yaml")).read()
    demo = demo.replace("\npolicies:\n", "\npolicies:\n  - name: ml-platform-share-cap\n    tenant: ml-platform\n"
                        "    objectives: [{type: max-sm-share, share: 1.0}]\n\n", 1)
    demo += ("\naudit:\n  enabled: true\n  interval: 30s\n  accelerator: cpu\n  warmup: 1\n  repetitions: 5\n"
             "  probes: [compute, covert]\n  covertChannelMaxBitsPerSecond: 1000000\n  thresholds:\n    cpuCores: 1000\n")
    config = os.path.join(work, "gpuqos.yaml")
    open(config, "w").write(demo)
    scenario = os.path.join(work, "scenario.yaml")
    open(scenario, "w").write(open(os.path.join(ROOT, "scenarios", "demo.yaml")).read().rstrip()
                              + "\n    xids:\n      - {at: 0s, xid: 13}\n")
    port = free_port()
    command = ["dotnet", gpuqos] if gpuqos.endswith(".dll") else [gpuqos]
    daemon = subprocess.Popen(command + ["run", "--backend", "sim", "--config", config, "--scenario", scenario,
                               "--listen", f"127.0.0.1:{port}"], stdout=open(os.path.join(work, "daemon.log"), "w"),
                              stderr=subprocess.STDOUT)
    wait_http(f"http://127.0.0.1:{port}/metrics", 60)
    rules = "\n".join(f"  - '{os.path.join(ROOT, 'deploy', 'prometheus', 'rules', f)}'"
                      for f in sorted(os.listdir(os.path.join(ROOT, "deploy", "prometheus", "rules"))))
    open(os.path.join(work, "prometheus.yml"), "w").write(f"""global:
  scrape_interval: {SCRAPE}s
  evaluation_interval: {SCRAPE}s
rule_files:
{rules}
scrape_configs:
  - job_name: gpuqos
    static_configs:
      - targets: ['127.0.0.1:{port}']
        labels:
          node: sim-node-1
          cluster: sim
""")
    pport = free_port()
    prometheus = subprocess.Popen(["prometheus", f"--config.file={work}/prometheus.yml", f"--storage.tsdb.path={work}/data",
                                   f"--web.listen-address=127.0.0.1:{pport}"],
                                  stdout=open(os.path.join(work, "prometheus.log"), "w"), stderr=subprocess.STDOUT)
    wait_http(f"http://127.0.0.1:{pport}/-/ready", 60)
    return daemon, prometheus, f"http://127.0.0.1:{pport}"


def query(prom, path, **params):
    data = urllib.parse.urlencode(params).encode()
    with urllib.request.urlopen(prom + path, data=data, timeout=30) as r:
        body = json.load(r)
    if body.get("status") != "success":
        raise RuntimeError(body.get("error"))
    return body["data"]


def substitute(expr):
    for name, value in (("$__rate_interval", f"{max(STEP + SCRAPE, 4 * SCRAPE)}s"), ("$__interval", f"{STEP}s"),
                        ("$__range", "5m")):
        expr = expr.replace(name, value)
    return re.sub(r"\$\{?[A-Za-z_][A-Za-z0-9_]*(:[a-z]+)?\}?", ".*", expr)


def legend(fmt, labels):
    if not fmt or fmt == "__auto":
        return ", ".join(f"{k}={v}" for k, v in sorted(labels.items()) if k != "__name__") or "value"
    return re.sub(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}", lambda m: labels.get(m.group(1), ""), fmt)


# ---------------------------------------------------------------------------------------------- formatting
def fmt_value(v, unit, decimals=None):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "no value"
    unit = unit or "none"

    def num(x, d=None):
        d = decimals if decimals is not None else d
        if d is None:
            d = 0 if abs(x) >= 100 or x == int(x) else (1 if abs(x) >= 10 else 2)
        return f"{x:.{d}f}"

    def scaled(x, base, units):
        i = 0
        while abs(x) >= base and i < len(units) - 1:
            x /= base
            i += 1
        return f"{num(x)} {units[i]}".strip()

    if unit == "percentunit":
        return f"{num(v * 100, 1 if decimals is None else decimals)}%"
    if unit == "bytes":
        return scaled(v, 1024, ["B", "KiB", "MiB", "GiB", "TiB"])
    if unit == "Bps":
        return scaled(v, 1000, ["B/s", "kB/s", "MB/s", "GB/s"])
    if unit == "bps":
        return scaled(v, 1000, ["b/s", "kb/s", "Mb/s", "Gb/s"])
    if unit == "hertz":
        return scaled(v, 1000, ["Hz", "kHz", "MHz", "GHz"])
    if unit == "watt":
        return f"{num(v)} W"
    if unit == "celsius":
        return f"{num(v)} °C"
    if unit == "cps":
        return f"{num(v)} c/s"
    if unit == "s":
        a = abs(v)
        if a < 1:
            return f"{num(v * 1000)} ms"
        if a < 120:
            return f"{num(v)} s"
        if a < 7200:
            return f"{num(v / 60)} min"
        if a < 172800:
            return f"{num(v / 3600)} hour"
        return f"{num(v / 86400)} day"
    if unit.startswith("suffix:"):
        return f"{num(v)}{unit[len('suffix:'):]}"
    return num(v)


def colour_of(v, defaults):
    steps = (defaults.get("thresholds") or {}).get("steps") or []
    colour = steps[0]["color"] if steps else "green"
    for s in steps[1:]:
        if v is not None and s.get("value") is not None and v >= s["value"]:
            colour = s["color"]
    return COLOURS.get(colour, colour)


def mapped(v, defaults):
    for m in defaults.get("mappings") or []:
        opt = (m.get("options") or {}).get(format(v, "g") if v is not None else "")
        if m.get("type") == "value" and opt:
            return opt.get("text"), COLOURS.get(opt.get("color"), opt.get("color"))
    return None, None


# ---------------------------------------------------------------------------------------------- panels
def series_of(prom, panel, start, end):
    out = []
    for t in panel.get("targets", []):
        expr = substitute(t["expr"])
        try:
            if t.get("instant") or panel["type"] in ("stat", "table", "bargauge", "gauge"):
                data = query(prom, "/api/v1/query", query=expr, time=end)
                for r in data["result"] if data["resultType"] == "vector" else []:
                    out.append((r["metric"], [(float(r["value"][0]), float(r["value"][1]))], t))
                if data["resultType"] == "scalar":
                    out.append(({}, [(float(data["result"][0]), float(data["result"][1]))], t))
            else:
                data = query(prom, "/api/v1/query_range", query=expr, start=start, end=end, step=STEP)
                for r in data["result"]:
                    out.append((r["metric"], [(float(a), float(b)) for a, b in r["values"]], t))
        except (RuntimeError, OSError) as e:
            out.append(({"error": str(e)}, [], t))
    return out


def draw_stat(panel, series, d):
    v = series[0][1][-1][1] if series and series[0][1] else None
    text, colour = mapped(v, d)
    text = text or fmt_value(v, d.get("unit"), d.get("decimals"))
    colour = colour or (colour_of(v, d) if v is not None else COLOURS["text"])
    size = 34 if len(text) < 9 else 24
    return f'<div class="stat" style="color:{colour};font-size:{size}px">{html.escape(text)}</div>'


def draw_matrix(opts, series, d):
    cells = {(l.get(opts["rowField"], ""), l.get(opts["columnField"], "")): pts[-1][1] for l, pts, _ in series if pts}
    rows = sorted({r for r, _ in cells})
    cols = sorted({c for _, c in cells})
    out = f'<table><tr><th>{html.escape(opts["rowField"])} \\ {html.escape(opts["columnField"])}</th>'
    out += "".join(f"<th>{html.escape(c)}</th>" for c in cols) + "</tr>"
    for r in rows:
        out += f"<tr><td>{html.escape(r)}</td>"
        for c in cols:
            v = cells.get((r, c))
            out += (f'<td style="color:{colour_of(v, d)}">{html.escape(fmt_value(v, d.get("unit"), d.get("decimals")))}</td>'
                    if v is not None else "<td></td>")
        out += "</tr>"
    return out + "</table>"


def draw_table(panel, series, d):
    for t in panel.get("transformations", []):
        if t.get("id") == "groupingToMatrix":
            return draw_matrix(t["options"], series, d)
    rows = [(labels, pts[-1][1]) for labels, pts, _ in series if pts][:9]
    if not rows:
        return '<div class="nodata">No data</div>'
    hidden = {k for t in panel.get("transformations", []) if t.get("id") == "organize"
              for k, v in ((t.get("options") or {}).get("excludeByName") or {}).items() if v}
    keys = [k for k in sorted({k for l, _ in rows for k in l}) if k not in ("__name__", "job", "cluster", "node", "uuid") and k not in hidden][:8]
    show_value = "Value" not in hidden
    head = "".join(f"<th>{html.escape(k)}</th>" for k in keys) + ("<th>Value</th>" if show_value else "")
    body = ""
    for labels, v in rows:
        text, colour = mapped(v, d)
        colour = colour or colour_of(v, d)
        body += "<tr>" + "".join(f"<td>{html.escape(labels.get(k, ''))}</td>" for k in keys)
        if show_value:
            body += f'<td style="color:{colour}">{html.escape(text or fmt_value(v, d.get("unit"), d.get("decimals")))}</td>'
        body += "</tr>"
    more = len(series) - len(rows)
    return f'<table><tr>{head}</tr>{body}</table>' + (f'<div class="more">… {more} more rows</div>' if more > 0 else "")


def draw_bars(panel, series, d, w):
    rows = [(legend(t.get("legendFormat"), labels), pts[-1][1]) for labels, pts, t in series if pts][:8]
    top = max([v for _, v in rows] + [1e-9])
    out = ""
    for name, v in rows:
        out += (f'<div class="bar"><span>{html.escape(name)}</span><i style="width:{int((w - 260) * v / top)}px;'
                f'background:{colour_of(v, d)}"></i><b>{html.escape(fmt_value(v, d.get("unit"), d.get("decimals")))}</b></div>')
    return out or '<div class="nodata">No data</div>'


def draw_graph(panel, series, d, w, h, start, end):
    lines = [(legend(t.get("legendFormat"), labels), pts) for labels, pts, t in series if pts]
    if not lines:
        return '<div class="nodata">No data</div>'
    legend_rows = min(len(lines), max(1, (h - 110) // 16 // 2), 6)
    gh = h - 40 - 16 * legend_rows
    gw = w - 70
    vals = [v for _, pts in lines for _, v in pts if not math.isnan(v) and not math.isinf(v)]
    lo = d.get("min", min(vals + [0]))
    hi = d.get("max", max(vals + [lo + 1e-9]))
    if hi - lo <= 1e-9:
        hi = lo + 1
    svg = [f'<svg width="{w - 10}" height="{gh}">']
    for i in range(5):
        y = gh - 14 - (gh - 20) * i / 4
        svg.append(f'<line x1="60" x2="{gw + 60}" y1="{y:.0f}" y2="{y:.0f}" stroke="#2c3235"/>')
        svg.append(f'<text x="56" y="{y + 4:.0f}" text-anchor="end">{html.escape(fmt_value(lo + (hi - lo) * i / 4, d.get("unit")))}</text>')
    for i in range(5):
        x = 60 + gw * i / 4
        t = time.strftime("%H:%M:%S" if end - start < 600 else "%H:%M", time.gmtime(start + (end - start) * i / 4))
        svg.append(f'<text x="{x:.0f}" y="{gh - 1}" text-anchor="middle">{t}</text>')
    bars = ((d.get("custom") or {}).get("drawStyle") == "bars")
    for i, (name, pts) in enumerate(lines):
        c = PALETTE[i % len(PALETTE)]

        def xy(p):
            x = 60 + gw * (p[0] - start) / (end - start)
            y = gh - 14 - (gh - 20) * (min(max(p[1], lo), hi) - lo) / (hi - lo)
            return x, y
        if bars:
            for p in pts:
                x, y = xy(p)
                svg.append(f'<rect x="{x - 2:.1f}" y="{y:.1f}" width="4" height="{gh - 14 - y:.1f}" fill="{c}"/>')
        else:
            svg.append(f'<polyline fill="none" stroke="{c}" stroke-width="1.5" points="' +
                       " ".join(f"{x:.1f},{y:.1f}" for x, y in map(xy, pts)) + '"/>')
    for s in ((d.get("thresholds") or {}).get("steps") or [])[1:]:
        if ((d.get("custom") or {}).get("thresholdsStyle") or {}).get("mode", "off") != "off" and lo <= s["value"] <= hi:
            y = gh - 14 - (gh - 20) * (s["value"] - lo) / (hi - lo)
            svg.append(f'<line x1="60" x2="{gw + 60}" y1="{y:.0f}" y2="{y:.0f}" stroke="{COLOURS.get(s["color"], s["color"])}" stroke-dasharray="4 3"/>')
    svg.append("</svg>")
    names = "".join(f'<span><i style="background:{PALETTE[i % len(PALETTE)]}"></i>{html.escape(n)}</span>'
                    for i, (n, _) in enumerate(lines[:legend_rows * 2]))
    more = f'<span class="more">… {len(lines) - legend_rows * 2} more</span>' if len(lines) > legend_rows * 2 else ""
    return "".join(svg) + f'<div class="legend">{names}{more}</div>'


def draw_timeline(panel, series, d, w, h, start, end):
    rows = [(legend(t.get("legendFormat"), labels), pts) for labels, pts, t in series if pts][: max(1, (h - 40) // 22)]
    if not rows:
        return '<div class="nodata">No data</div>'
    out = [f'<svg width="{w - 10}" height="{22 * len(rows) + 16}">']
    gw = w - 300
    for r, (name, pts) in enumerate(rows):
        y = r * 22
        out.append(f'<text x="0" y="{y + 15}">{html.escape(name[:42])}</text>')
        for k, (t, v) in enumerate(pts):
            t2 = pts[k + 1][0] if k + 1 < len(pts) else end
            x = 290 + gw * (t - start) / (end - start)
            text, colour = mapped(v, d)
            out.append(f'<rect x="{x:.1f}" y="{y + 2}" width="{max(gw * (t2 - t) / (end - start), 1):.1f}" height="18" fill="{colour or "#555"}"/>')
    keys = "".join(f'<tspan fill="{COLOURS.get(o["color"], o["color"])}">■ {o["text"]}  </tspan>'
                   for m in d.get("mappings") or [] for o in (m.get("options") or {}).values())
    out.append(f'<text x="290" y="{22 * len(rows) + 13}">{keys}</text></svg>')
    return "".join(out)


def render(prom, path, start, end):
    dash = json.load(open(path))
    cells = []
    bottom = 0

    def panels(ps):
        for p in ps:
            yield p
            yield from panels(p.get("panels", []))
    for p in panels(dash["panels"]):
        g = p["gridPos"]
        x, y, w, h = g["x"] * COL, g["y"] * ROW, g["w"] * COL, g["h"] * ROW
        bottom = max(bottom, y + h)
        if p["type"] == "row":
            cells.append(f'<div class="row" style="left:{x}px;top:{y}px;width:{w}px">{html.escape(p["title"])}</div>')
            continue
        d = (p.get("fieldConfig") or {}).get("defaults") or {}
        series = series_of(prom, p, start, end)
        errors = [s[0]["error"] for s in series if "error" in s[0]]
        if errors:
            body = f'<div class="nodata">query error: {html.escape(errors[0])}</div>'
        elif p["type"] == "stat":
            body = draw_stat(p, series, d)
        elif p["type"] == "table":
            body = draw_table(p, series, d)
        elif p["type"] in ("bargauge", "gauge"):
            body = draw_bars(p, series, d, w)
        elif p["type"] == "state-timeline":
            body = draw_timeline(p, series, d, w, h, start, end)
        else:
            body = draw_graph(p, series, d, w, h, start, end)
        cells.append(f'<div class="panel" style="left:{x + 3}px;top:{y + 3}px;width:{w - 6}px;height:{h - 6}px">'
                     f'<div class="title">{html.escape(p["title"])}</div>{body}</div>')
    page = f"""<!doctype html><html><head><meta charset="utf-8"><title>{html.escape(dash['title'])}</title><style>
body{{background:#111217;color:#d8d9da;font:12px sans-serif;margin:0}}
h1{{font-size:16px;margin:8px 12px}} .sub{{margin:0 12px 8px;color:#8e8e8e}}
.grid{{position:relative;width:{24 * COL}px;height:{bottom}px;margin-left:8px}}
.panel{{position:absolute;background:#181b1f;border:1px solid #2c3235;border-radius:2px;overflow:hidden}}
.title{{font-weight:600;padding:5px 8px}} .row{{position:absolute;font-size:14px;font-weight:600;padding:6px 4px;border-bottom:1px solid #2c3235}}
.stat{{text-align:center;font-weight:600;margin-top:10px}} .nodata{{color:#8e8e8e;padding:30px;text-align:center}}
svg text{{fill:#8e8e8e;font-size:10px}} .legend{{padding:0 8px;font-size:10px;line-height:16px;column-count:2}}
.legend span{{display:block;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}} .legend i{{display:inline-block;width:10px;height:3px;margin-right:4px;vertical-align:middle}}
table{{border-collapse:collapse;margin:0 8px;font-size:10px}} td,th{{border-bottom:1px solid #2c3235;padding:2px 6px;text-align:left;white-space:nowrap}}
.more{{color:#8e8e8e;font-size:10px;padding:0 8px}} .bar{{display:flex;align-items:center;gap:6px;padding:2px 8px;font-size:10px}}
.bar span{{width:170px;overflow:hidden;white-space:nowrap}} .bar i{{height:12px;display:inline-block}}
</style></head><body><h1>{html.escape(dash['title'])}</h1>
<div class="sub">Drawn offline by scripts/render-dashboards.py from a real Prometheus that scraped the simulated demo host
every {SCRAPE} s ({time.strftime('%H:%M', time.gmtime(start))}–{time.strftime('%H:%M', time.gmtime(end))} UTC); every variable on All.</div>
<div class="grid">{''.join(cells)}</div></body></html>"""
    return page, bottom + 70


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=4)
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "dashboards"))
    # The build the integration tests run (gpuqos.dll with gpuqos-probe beside it, for the audit).
    ap.add_argument("--gpuqos", default=os.path.join(ROOT, "tests", "Daemon.Tests", "bin", "Debug", "net10.0", "gpuqos.dll"))
    ap.add_argument("--prometheus", help="render from this Prometheus (one started with --stack-only) instead of a new stack")
    ap.add_argument("--stack-only", action="store_true", help="start the stack, print its Prometheus URL, and keep it running")
    ap.add_argument("--dashboard", help="only this dashboard (file name without .json)")
    args = ap.parse_args()
    args.out = os.path.abspath(args.out)
    os.makedirs(args.out, exist_ok=True)
    if args.prometheus:
        end = time.time()
        # From the daemon's start at the earliest, so the graphs are not half empty.
        started = query(args.prometheus, "/api/v1/query", query="min(gpuqos_start_time_seconds)")["result"]
        start = max(end - args.minutes * 60, float(started[0]["value"][1]) + 10 if started else 0)
        render_all(args, args.prometheus, start, end)
        return
    work = tempfile.mkdtemp(prefix="gpuqos-render-")
    daemon, prometheus, prom = start_stack(work, args.gpuqos)
    try:
        begin = time.time()
        if args.stack_only:
            print(prom, flush=True)
            daemon.wait()
            return
        print(f"scraping the demo host for {args.minutes} min…", file=sys.stderr)
        time.sleep(args.minutes * 60)
        end = time.time()
        render_all(args, prom, max(begin, end - 15 * 60), end)
    finally:
        for p in (prometheus, daemon):
            p.terminate()
            p.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


def render_all(args, prom, start, end):
    # The graphs' last step falls on `end`, where the stats and tables are read, so both show the same moment.
    start = end - math.floor((end - start) / STEP) * STEP
    for name in sorted(os.listdir(os.path.join(ROOT, "dashboards"))):
        if args.dashboard and name != args.dashboard + ".json":
            continue
        page, height = render(prom, os.path.join(ROOT, "dashboards", name), start, end)
        base = os.path.join(args.out, name[:-len(".json")])
        open(base + ".html", "w").write(page)
        # Pictures over 300 KB (a long dashboard) are shot again at a smaller scale; text stays legible down to 0.65.
        for scale in (1, 0.75, 0.65):
            subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--disable-lcd-text",
                            f"--force-device-scale-factor={scale}", f"--window-size={24 * COL + 20},{height}",
                            f"--screenshot={base}.png", f"file://{base}.html"],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if os.path.getsize(base + ".png") <= 300 * 1024:
                break
        os.remove(base + ".html")
        print(f"{base}.png ({os.path.getsize(base + '.png') // 1024} KiB)", file=sys.stderr)


if __name__ == "__main__":
    main()
