"""Served throughput: /sparql requests per second and entity pages through real servers (run on demand).

    python bench/bench_serve.py --store /tmp/policykg-bench-1000 [--servers waitress,gunicorn,granian]
                                [--seconds 8] [--connections 16] [--modes distinct,repeated,conditional]

Each server runs the same app (``webapp.create_app``) as a separate process on 127.0.0.1 over the same store.
The load comes from ``wrk`` (Debian's package; one thread, keep-alive connections, no pipelining) or, where it
is not installed, from a small asyncio keep-alive client in this process. Both share the 2 cores with the
server, so the CPU each side used is measured and printed beside the rate: the server's (its process, the
fork server and the SPARQL workers, from /proc) and the client's.

Modes of the /sparql load:

- ``distinct``: every request a different query (a constant in the projection differs), so no cache can
  answer: the engine's throughput — parse, worker, evaluation, serialisation — for a simple query;
- ``repeated``: the same query again and again: after the first, answered from the result cache;
- ``conditional``: the same, with ``If-None-Match`` of its ETag: answered 304 without a body.

Only ``distinct`` is the engine's throughput; the other two say what HTTP caching gives a client that
repeats itself.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parents[1]
PREFIX = "PREFIX pol: <https://w3id.org/policykg/ont#> "
SPARQL = PREFIX + "SELECT ?d ?n WHERE { ?d a pol:Document ; pol:documentNumber ?n } LIMIT 20"
# the distinct form: the same work, one constant more in each answer
DISTINCT = (PREFIX + "SELECT ?d ?n (%d AS ?k) WHERE { ?d a pol:Document ; pol:documentNumber ?n } LIMIT 20")
ACCEPT = "application/sparql-results+json"
PAGES = ["/id/project/cang-vung-ang", "/id/zone/khu-kinh-te-vung-ang", "/id/agency/so-cong-thuong",
         "/id/doc/syn-10", "/id/task/syn-10/3", "/id/project/syn-100", "/id/doc/syn-500", "/id/task/syn-999/24"]
TICK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# -- CPU of a process tree -------------------------------------------------------------------------

def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_bytes().rsplit(b")", 1)[1].split()
            except OSError:
                continue
            tree.setdefault(int(fields[1]), []).append(int(entry))
    return tree


def tree_cpu(pid: int) -> tuple[float, float]:
    """CPU seconds (user + system) used by ``pid`` and its living descendants, plus what its waited-for
    children used (a SPARQL worker replaced during the run still counts); and by the web process alone: the
    parents of the SPARQL pools' fork servers (``pid`` itself under waitress, granian's worker process under
    granian and gunicorn's under gunicorn, where ``pid`` only supervises)."""
    tree = _children()
    total, stack, own = 0.0, [pid], {}
    web = set()
    while stack:
        p = stack.pop()
        try:
            fields = Path(f"/proc/{p}/stat").read_bytes().rsplit(b")", 1)[1].split()
            if b"forkserver" in Path(f"/proc/{p}/cmdline").read_bytes():
                web.add(int(fields[1]))
        except OSError:
            continue
        total += sum(int(f) for f in fields[11:15]) / TICK  # utime stime cutime cstime
        own[p] = sum(int(f) for f in fields[11:13]) / TICK
        stack += tree.get(p, [])
    return total, sum(own.get(p, 0.0) for p in web or {pid})


# -- servers ---------------------------------------------------------------------------------------

def start(server: str, store: Path, port: int, threads: int, workers: int, extra_env: dict) -> subprocess.Popen:
    env = {**os.environ, "POLICYKG_STORE": str(store), "PYTHONPATH": str(ROOT), **extra_env}
    if server in ("waitress", "granian"):  # what `policykg serve` runs (POLICYKG_SERVER=granian for the second)
        code = f"from webapp import serve; serve(host='127.0.0.1', port={port}, threads={threads}, server='{server}')"
        cmd = [sys.executable, "-c", code]
    elif server == "gunicorn":
        cmd = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-k", "gthread", "--threads", str(threads),
               "-b", f"127.0.0.1:{port}", "--log-level", "warning", "webapp:create_app()"]
    else:
        raise SystemExit(f"unknown server {server!r}")
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, start_new_session=True)
    deadline = time.time() + 180
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{server} exited with {proc.returncode}")
        try:
            status, _, _ = get(port, "/sparql?" + urlencode({"query": SPARQL}), {"Accept": ACCEPT})
            if status == 200:
                return proc
        except OSError:
            time.sleep(0.3)
    stop(proc)
    raise RuntimeError(f"{server} did not answer on port {port}")


def stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)


def get(port: int, path: str, headers: dict) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers=headers)
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


def page_times(port: int, rounds: int) -> list[float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    times = []
    for _ in range(rounds):
        for path in PAGES:
            t = time.perf_counter()
            conn.request("GET", path, headers={"Accept": "text/html"})
            resp = conn.getresponse()
            resp.read()
            times.append(time.perf_counter() - t)
            assert resp.status == 200, (path, resp.status)
    conn.close()
    return times


# -- load: wrk, or an asyncio client ---------------------------------------------------------------

WRK_SCRIPT = """
local counter = 0
local prefix = "%(prefix)s"
local suffix = "%(suffix)s"
local fixed = "%(fixed)s"
local distinct = %(distinct)s
wrk.headers["Accept"] = "%(accept)s"
%(conditional)s
request = function()
  if distinct then
    counter = counter + 1
    return wrk.format("GET", prefix .. tostring(counter * 1000 + %(salt)d) .. suffix)
  end
  return wrk.format("GET", fixed)
end
"""


def _split_distinct(salt: int) -> tuple[str, str]:
    marker = 987654321
    path = "/sparql?" + urlencode({"query": DISTINCT % marker}, quote_via=quote)
    before, after = path.split(str(marker))
    return before, after


def wrk_load(port: int, mode: str, seconds: float, connections: int, etag: str | None, salt: int) -> dict:
    prefix, suffix = _split_distinct(salt)
    fixed = "/sparql?" + urlencode({"query": SPARQL}, quote_via=quote)
    conditional = f'wrk.headers["If-None-Match"] = \'{etag}\'' if mode == "conditional" and etag else ""
    script = WRK_SCRIPT % {"prefix": prefix, "suffix": suffix, "fixed": fixed, "accept": ACCEPT,
                           "distinct": "true" if mode == "distinct" else "false", "conditional": conditional,
                           "salt": salt}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(script)
    try:
        before = os.times()
        cmd = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency", "-s", fh.name,
               f"http://127.0.0.1:{port}"]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        after = os.times()
    finally:
        os.unlink(fh.name)
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    elapsed = _duration(re.search(r"requests in ([\d.]+\w+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    lat = dict(re.findall(r"^\s+(50|90|99)%\s+([\d.]+\w+)", out, re.M))
    return {"requests": requests, "seconds": elapsed, "bad_status": int(non2xx.group(1)) if non2xx else 0,
            "socket_errors": errors.group(1).strip() if errors else "",
            "p50_ms": _duration(lat.get("50", "0s")) * 1000, "p99_ms": _duration(lat.get("99", "0s")) * 1000,
            "client_cpu_s": (after.children_user + after.children_system)
            - (before.children_user + before.children_system)}


def _duration(text: str) -> float:
    m = re.match(r"([\d.]+)(us|ms|s|m)", text)
    value, unit = float(m.group(1)), m.group(2)
    return value * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[unit]


async def _async_load(port: int, mode: str, seconds: float, connections: int, etag: str | None,
                      salt: int) -> dict:
    stop_at = time.perf_counter() + seconds
    counter = [salt]
    done, bad, latencies = [0], [0], []
    fixed = "/sparql?" + urlencode({"query": SPARQL}, quote_via=quote)
    extra = f"If-None-Match: {etag}\r\n" if mode == "conditional" and etag else ""

    async def one() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while time.perf_counter() < stop_at:
            if mode == "distinct":
                counter[0] += 1000
                path = "/sparql?" + urlencode({"query": DISTINCT % counter[0]}, quote_via=quote)
            else:
                path = fixed
            t = time.perf_counter()
            writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: {ACCEPT}\r\n{extra}\r\n".encode())
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            m = re.search(rb"(?i)content-length:\s*(\d+)", head)
            if m:
                await reader.readexactly(int(m.group(1)))
            latencies.append(time.perf_counter() - t)
            done[0] += 1
            if status >= 400:
                bad[0] += 1
        writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(connections)))
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies) or [0.0]
    return {"requests": done[0], "seconds": elapsed, "bad_status": bad[0], "socket_errors": "",
            "p50_ms": 1000 * ordered[len(ordered) // 2], "p99_ms": 1000 * ordered[int(0.99 * (len(ordered) - 1))]}


def load(port: int, server_pid: int, mode: str, seconds: float, connections: int, etag: str | None,
         salt: int, client: str) -> dict:
    cpu0, t0, self0 = tree_cpu(server_pid), time.perf_counter(), time.process_time()
    if client == "wrk":
        out = wrk_load(port, mode, seconds, connections, etag, salt)
    else:
        out = asyncio.run(_async_load(port, mode, seconds, connections, etag, salt))
        out["client_cpu_s"] = time.process_time() - self0
    wall = time.perf_counter() - t0
    cpu1 = tree_cpu(server_pid)
    out["server_cpu_s"] = cpu1[0] - cpu0[0]
    out["web_process_cpu_ms_per_req"] = 1000 * (cpu1[1] - cpu0[1]) / max(1, out["requests"])
    out["req_per_s"] = out["requests"] / out["seconds"]
    out["server_cpu_ms_per_req"] = 1000 * out["server_cpu_s"] / max(1, out["requests"])
    out["client_cpu_share"] = out["client_cpu_s"] / (2 * wall)  # of the machine's 2 cores
    out["server_cpu_share"] = out["server_cpu_s"] / (2 * wall)
    out["client"] = client
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--store", type=Path, default=Path("/tmp/policykg-bench-1000"))
    ap.add_argument("--servers", default="waitress,gunicorn")
    ap.add_argument("--modes", default="distinct,repeated,conditional")
    ap.add_argument("--seconds", type=float, default=8.0)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--workers", type=int, default=2, help="gunicorn / granian worker processes")
    ap.add_argument("--threads", type=int, default=32, help="server threads (per process)")
    ap.add_argument("--rounds", type=int, default=5, help="rounds over the entity pages")
    ap.add_argument("--client", choices=["auto", "wrk", "asyncio"], default="auto")
    ap.add_argument("--env", action="append", default=[], help="NAME=VALUE for the server (e.g. POLICYKG_...)")
    ap.add_argument("--json", type=Path, help="write the figures here too")
    args = ap.parse_args()
    client = ("wrk" if shutil.which("wrk") else "asyncio") if args.client == "auto" else args.client
    extra_env = dict(item.split("=", 1) for item in args.env)
    figures: dict = {"store": str(args.store), "client": client, "connections": args.connections, "runs": {}}
    for n, server in enumerate(args.servers.split(",")):
        port = free_port()
        proc = start(server, args.store, port, args.threads, args.workers, extra_env)
        try:
            run: dict = {"load_before": loadavg()}
            page_times(port, 1)  # warm up
            times = page_times(port, args.rounds)
            ordered = sorted(times)
            run["entity_p50_ms"] = round(1000 * statistics.median(times), 1)
            run["entity_p95_ms"] = round(1000 * ordered[int(0.95 * (len(ordered) - 1))], 1)
            _, headers, _ = get(port, "/sparql?" + urlencode({"query": SPARQL}), {"Accept": ACCEPT})
            etag = {k.lower(): v for k, v in headers.items()}.get("etag")
            for mode in args.modes.split(","):
                if mode == "conditional" and not etag:
                    continue
                time.sleep(2)  # the requests wrk left in flight (it stops mid-request) end first
                out = load(port, proc.pid, mode, args.seconds, args.connections, etag, salt=n * 7 + 1,
                           client=client)
                run[mode] = {k: round(v, 3) if isinstance(v, float) else v for k, v in out.items()}
                print(server, mode, json.dumps(run[mode]), flush=True)
            run["load_after"] = loadavg()
            figures["runs"][server] = run
            print(server, "entity p50/p95 ms", run["entity_p50_ms"], run["entity_p95_ms"], "load", run["load_before"],
                  "->", run["load_after"], flush=True)
        finally:
            stop(proc)
    print(json.dumps(figures, indent=1))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
