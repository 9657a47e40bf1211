#!/usr/bin/python3
"""Locust vs one loadfleet injector against the same nginx sink (see BENCHMARKS.md, "Locust").

Usage: compare.py OUT_DIR BUNDLE_DIR STEP...
  STEP = TOOL:STUDENTS[:SECONDS]  (SECONDS defaults to 90 up to 200 students, 150 above)
  TOOL = locust           Debian's locust, 1 master + 2 workers (bench/locust/locustfile.py)
       | loadfleet        BUNDLE_DIR/bin/injector start ... ProctoringSimulation, profile full
       | loadfleet@NAME   the same with the JVM options INJECTOR_VARIANTS[NAME] added to the
                          bundle's own (INJECTOR_JAVA_OPTS), compared with plain loadfleet

Every step gets a fresh nginx (bench/locust/nginx.conf.in) on a free loopback port. CPU is
utime+stime: each process's total from wait4() (this process is their parent, or their subreaper
for the injector's detached wrapper), and, sampled from /proc every 0.1 s, what each had spent when
the sink saw the first request begin; "from first request" is the difference. Bytes are the sum of
nginx's $request_length over the step. Every process is bounded: each step ends SECONDS + 240 s after
its start at the latest (the injector is stopped, Locust and nginx are killed).
"""

import csv
import ctypes
import json
import math
import os
import signal
import socket
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TICK = os.sysconf("SC_CLK_TCK")
BOUND = 240  # seconds past a step's own length before it is stopped
RATE = 10  # students arriving per second, both tools
UPLOAD_S, HEARTBEAT_S, SIZE = 30, 10, 17_500_000
SIMULATION = "dev.loadfleet.simulations.ProctoringSimulation"
# JVM options tried on the injector against its bin/injector defaults (ParallelGC, C2).
INJECTOR_VARIANTS = {
    "c1": "-XX:TieredStopAtLevel=1",
    "serial": "-XX:-UseParallelGC -XX:+UseSerialGC",
    "parts": "-Dloadfleet.uploadBody=gatling",
    "memory": "-Dloadfleet.uploadBody=memory",
    "c2only": "-XX:-TieredCompilation",
}


def loadavg():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_cpu(pid):
    """utime+stime of a live process in seconds, or None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK
    except (OSError, IndexError):
        return None


def hwm_mib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


class Sampler(threading.Thread):
    """Every 0.1 s: (time, {pid: cpu s}) for the pids in `pids` (which may grow)."""

    def __init__(self):
        super().__init__(daemon=True)
        self.pids, self.samples, self.hwm, self.stop = set(), [], {}, threading.Event()

    def run(self):
        while not self.stop.is_set():
            now, cpu = time.time(), {}
            for pid in list(self.pids):
                c = proc_cpu(pid)
                if c is not None:
                    cpu[pid] = c
                    h = hwm_mib(pid)
                    if h is not None:
                        self.hwm[pid] = max(h, self.hwm.get(pid, 0))
            self.samples.append((now, cpu))
            time.sleep(0.1)

    def cpu_at(self, pid, t):
        """The pid's CPU at time t, interpolated between the samples around it (0 before it began)."""
        before = [(s, c[pid]) for s, c in self.samples if pid in c and s <= t]
        after = [(s, c[pid]) for s, c in self.samples if pid in c and s > t]
        if not before:
            return 0.0
        if not after:
            return before[-1][1]
        (t0, c0), (t1, c1) = before[-1], after[0]
        return c0 + (c1 - c0) * (t - t0) / (t1 - t0)


def wait4(pid, deadline, on_timeout):
    """wait4 the pid, calling on_timeout() once when the deadline passes; rusage CPU seconds."""
    fired = False
    while True:
        got, status, ru = os.wait4(pid, os.WNOHANG)
        if got == pid:
            return ru.ru_utime + ru.ru_stime
        if not fired and time.time() > deadline:
            fired = True
            on_timeout()
        time.sleep(0.1)


def reap_strays():
    """Reap any orphan the subreaper adopted and nobody waits for (nohup's children, say)."""
    try:
        while os.waitpid(-1, os.WNOHANG)[0] > 0:
            pass
    except ChildProcessError:
        pass


def scheduled(students, seconds, interval):
    """Requests the workload asks for: student i arrives at i/RATE and repeats every interval."""
    return sum(
        max(0, math.ceil((seconds - i / RATE) / interval)) for i in range(students)
    )


def start_nginx(step_dir):
    port = free_port()
    sink = os.path.join(step_dir, "sink")
    os.makedirs(sink)
    os.chmod(sink, 0o755)
    with open(os.path.join(HERE, "nginx.conf.in")) as f:
        conf = f.read().replace("@DIR@", sink).replace("@PORT@", str(port))
    with open(os.path.join(sink, "nginx.conf"), "w") as f:
        f.write(conf)
    p = subprocess.Popen(
        ["nginx", "-e", os.path.join(sink, "error.log"), "-c", os.path.join(sink, "nginx.conf"),
         "-g", "daemon off;"])
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return p, port, sink
        except OSError:
            time.sleep(0.1)
    p.kill()
    raise SystemExit(f"nginx did not listen on 127.0.0.1:{port} within 10 s; see {sink}/error.log")


def read_access_log(sink):
    first, total, uploads, uploads_read, heartbeats, other = None, 0, 0, 0, 0, {}
    with open(os.path.join(sink, "access.log")) as f:
        for line in f:
            msec, rtime, status, length, method, uri, body_file = line.split()
            begin = float(msec) - float(rtime)
            first = begin if first is None else min(first, begin)
            total += int(length)
            if uri == "/upload" and status == "200":
                uploads += 1
                if int(length) > SIZE and body_file != "-":
                    uploads_read += 1
            elif uri == "/heartbeat" and status == "200":
                heartbeats += 1
            else:
                key = f"{uri} {status}"
                other[key] = other.get(key, 0) + 1
    return first, total, uploads, uploads_read, heartbeats, other


def run_locust(step_dir, port, students, seconds, sampler):
    master_port = free_port()
    common = ["locust", "-f", os.path.join(HERE, "locustfile.py"), "--loglevel", "INFO"]
    log = open(os.path.join(step_dir, "locust.log"), "w")
    master = subprocess.Popen(
        common + ["--master", "--headless", "--expect-workers", "2", "-u", str(students),
                  "-r", str(RATE), "-t", f"{seconds}s", "--stop-timeout", "0",
                  "--host", f"http://127.0.0.1:{port}", "--master-bind-host", "127.0.0.1",
                  "--master-bind-port", str(master_port), "--csv",
                  os.path.join(step_dir, "locust"), "--only-summary"],
        stdout=log, stderr=subprocess.STDOUT)
    workers = [
        subprocess.Popen(
            common + ["--worker", "--master-host", "127.0.0.1", "--master-port", str(master_port)],
            stdout=log, stderr=subprocess.STDOUT)
        for _ in range(2)]
    procs = [master] + workers
    sampler.pids.update(p.pid for p in procs)
    deadline = time.time() + seconds + BOUND

    def kill_all():
        print(f"  locust still running at {seconds + BOUND} s: killed", flush=True)
        for p in procs:
            os.kill(p.pid, signal.SIGKILL)  # not p.kill(): its poll() could reap the pid first

    total = {p.pid: wait4(p.pid, deadline, kill_all) for p in procs}
    stats = {}
    with open(os.path.join(step_dir, "locust_stats.csv")) as f:
        for row in csv.DictReader(f):
            stats[row["Name"]] = {
                "count": int(row["Request Count"]), "ko": int(row["Failure Count"]),
                "p95": float(row["95%"]) if row["95%"] not in ("", "N/A") else float("nan")}
    return total, stats, {"procs": len(procs)}


def run_loadfleet(step_dir, port, students, seconds, sampler, bundle, jvm_options=""):
    run_dir = os.path.join(step_dir, "run")
    env = dict(os.environ)
    env["INJECTOR_JAVA_OPTS"] = f"-Xlog:gc:file={step_dir}/gc.log {jvm_options}".strip()
    ramp = students / RATE
    subprocess.run(
        [os.path.join(bundle, "bin", "injector"), "start", run_dir, SIMULATION,
         "-Dprofile=full", f"-DbaseUrl=http://127.0.0.1:{port}", f"-Dusers={students}",
         f"-DrampRate={RATE}", f"-DsteadyDuration={max(0, seconds - ramp):g}s"],
        env=env, check=True, stdout=subprocess.DEVNULL)
    wrapper = int(open(os.path.join(run_dir, "pid")).read())
    for _ in range(100):
        if os.path.exists(os.path.join(run_dir, "jvm.pid")):
            break
        time.sleep(0.05)
    jvm = int(open(os.path.join(run_dir, "jvm.pid")).read())
    sampler.pids.add(jvm)
    deadline = time.time() + seconds + BOUND

    def stop():
        print(f"  injector still running at {seconds + BOUND} s: stopped", flush=True)
        subprocess.run([os.path.join(bundle, "bin", "injector"), "stop", run_dir, "10"])

    # The wrapper waits for the JVM, so its rusage holds the JVM's CPU (and its own few ms). A
    # wrapper ended by `injector stop` dies before reaping the JVM: the orphan comes here.
    total = {jvm: wait4(wrapper, deadline, stop)}
    try:
        total[jvm] += wait4(jvm, time.time() + 30, lambda: os.kill(jvm, signal.SIGKILL))
    except ChildProcessError:
        pass  # reaped by the wrapper: already in its rusage
    reap_strays()
    exit_code = open(os.path.join(run_dir, "exit")).read().strip() \
        if os.path.exists(os.path.join(run_dir, "exit")) else "none"
    log = os.path.join(run_dir, "simulation.log")
    stats = {}
    if os.path.exists(log):
        out = subprocess.run(
            ["java", "-cp", os.path.join(bundle, "lib", "*"), os.path.join(HERE, "GatlingLog.java"),
             log], capture_output=True, text=True, check=True).stdout
        stats = json.loads(out)
    heap = 0
    if os.path.exists(os.path.join(step_dir, "gc.log")):
        for line in open(os.path.join(step_dir, "gc.log")):
            if "->" in line:
                before = line.split("->")[0].split()[-1]
                heap = max(heap, int(before.rstrip("M")) if before.endswith("M") else 0)
    return total, stats, {"exit": exit_code, "peakHeapUsedMiB": heap,
                          "peakRssMiB": round(sampler.hwm.get(jvm, 0))}


def step(out, bundle, spec, repeat):
    parts = spec.split(":")
    tool, students = parts[0], int(parts[1])
    seconds = int(parts[2]) if len(parts) > 2 else (90 if students <= 200 else 150)
    name = f"{tool}-{students}-{seconds}s" + (f"#{repeat}" if repeat > 1 else "")
    step_dir = os.path.join(out, name)
    os.makedirs(step_dir)
    load_start = loadavg()
    print(f"{name}: load average {load_start:.2f}", flush=True)
    nginx, port, sink = start_nginx(step_dir)
    sampler = Sampler()
    sampler.pids.add(nginx.pid)
    sampler.start()
    t0 = time.time()
    try:
        if tool == "locust":
            total, stats, extra = run_locust(step_dir, port, students, seconds, sampler)
        elif tool == "loadfleet":
            total, stats, extra = run_loadfleet(step_dir, port, students, seconds, sampler, bundle)
        elif tool.startswith("loadfleet@") and tool[len("loadfleet@"):] in INJECTOR_VARIANTS:
            total, stats, extra = run_loadfleet(
                step_dir, port, students, seconds, sampler, bundle,
                INJECTOR_VARIANTS[tool[len("loadfleet@"):]])
        else:
            raise SystemExit(f"unknown tool '{tool}' in step '{spec}' (locust, loadfleet or "
                             f"loadfleet@ one of {', '.join(INJECTOR_VARIANTS)})")
    finally:
        time.sleep(1.5)  # the access log's flush=1s
        nginx.send_signal(signal.SIGQUIT)  # graceful: the workers finish and are reaped
        sink_cpu = wait4(nginx.pid, time.time() + 20, lambda: os.kill(nginx.pid, signal.SIGKILL))
        sampler.stop.set()
        sampler.join()
    first, total_bytes, uploads, uploads_read, heartbeats, other = read_access_log(sink)
    startup_cpu = sum(sampler.cpu_at(pid, first) for pid in total)
    whole_cpu = sum(total.values())
    gb = total_bytes / 1e9
    r = {
        "step": name, "tool": tool, "students": students, "seconds": seconds, "repeat": repeat,
        "loadStart": load_start, "loadEnd": loadavg(),
        "bytes": total_bytes, "uploads200": uploads, "uploadsBodyRead": uploads_read,
        "uploadsScheduled": scheduled(students, seconds, UPLOAD_S),
        "heartbeats200": heartbeats, "heartbeatsScheduled": scheduled(students, seconds, HEARTBEAT_S),
        "otherResponses": other,
        "cpuWhole": whole_cpu, "cpuAtFirstRequest": startup_cpu,
        "cpuFromFirstRequest": whole_cpu - startup_cpu,
        "cpuPerGbFromFirstRequest": (whole_cpu - startup_cpu) / gb if gb else None,
        "cpuPerGbWhole": whole_cpu / gb if gb else None,
        "timeToFirstRequestS": first - t0, "sinkCpu": sink_cpu,
        "sinkCpuPerGb": sink_cpu / gb if gb else None,
        "requests": stats, **extra,
    }
    print(f"  {gb:.2f} GB, {whole_cpu:.1f} CPU-s whole ({startup_cpu:.1f} before the first "
          f"request, {r['timeToFirstRequestS']:.1f} s after start), "
          f"{r['cpuPerGbFromFirstRequest']:.2f} CPU-s/GB from the first request, "
          f"uploads {uploads}/{r['uploadsScheduled']}, load {r['loadEnd']:.2f}", flush=True)
    with open(os.path.join(step_dir, "result.json"), "w") as f:
        json.dump(r, f, indent=1)
    return r


def p95(r, name):
    s = r["requests"].get(name)
    return "-" if not s else f"{s['p95']:.0f}"


def ko(r):
    return sum(s["ko"] for s in r["requests"].values())


def repeat_label(r):
    """The n-th run of the same tool and size pairs with the n-th of the other tool: " s (#n)"."""
    return f" s (#{r['repeat']})" if r.get("repeat", 1) > 1 else " s"


def summary(results):
    lines = [
        "| students, seconds | Locust CPU-s/GB | loadfleet CPU-s/GB | ratio | heartbeat p95 ms, "
        "Locust / loadfleet | upload p95 ms, Locust / loadfleet | load avg (Locust; loadfleet) |",
        "|---|---|---|---|---|---|---|"]
    by = {}
    for r in results:
        by.setdefault((r["students"], f"{r['seconds']}{repeat_label(r)}"), {})[r["tool"]] = r
    for (students, seconds), pair in by.items():
        lo, lf = pair.get("locust"), pair.get("loadfleet")
        if not lo or not lf:
            continue
        a, b = lo["cpuPerGbFromFirstRequest"], lf["cpuPerGbFromFirstRequest"]
        lines.append(
            f"| {students}, {seconds} | {a:.2f} | {b:.2f} | {b / a:.2f} | {p95(lo, 'heartbeat')} / "
            f"{p95(lf, 'heartbeat')} | {p95(lo, 'upload')} / {p95(lf, 'upload')} | "
            f"{lo['loadStart']:.1f}-{lo['loadEnd']:.1f}; {lf['loadStart']:.1f}-{lf['loadEnd']:.1f} |")
    variants = [
        f"| {students}, {seconds} | {tool} ({INJECTOR_VARIANTS[tool.split('@')[1]]}) | "
        f"{pair['loadfleet']['cpuPerGbFromFirstRequest']:.2f} | {r['cpuPerGbFromFirstRequest']:.2f} | "
        f"{r['cpuPerGbFromFirstRequest'] / pair['loadfleet']['cpuPerGbFromFirstRequest']:.2f} | "
        f"{p95(pair['loadfleet'], 'heartbeat')} / {p95(r, 'heartbeat')} | "
        f"{pair['loadfleet']['loadStart']:.1f}-{pair['loadfleet']['loadEnd']:.1f}; "
        f"{r['loadStart']:.1f}-{r['loadEnd']:.1f} |"
        for (students, seconds), pair in by.items() if "loadfleet" in pair
        for tool, r in pair.items() if tool.startswith("loadfleet@")]
    if variants:
        lines += [
            "", "| students, seconds | injector variant (added JVM options) | loadfleet CPU-s/GB | "
            "variant CPU-s/GB | variant / loadfleet | heartbeat p95 ms, loadfleet / variant | "
            "load avg (loadfleet; variant) |", "|---|---|---|---|---|---|---|"] + variants
    lines += [
        "", "Every step (CPU-s: utime+stime of every process of the tool; whole = start to exit, "
        "first = spent before the sink saw the first request; GB = nginx's $request_length summed):",
        "", "| step | GB | uploads 200 (body read) / scheduled | heartbeats 200 / scheduled | KO "
        "| CPU-s whole | CPU-s before first request | time to first request s | CPU-s/GB from first "
        "request | CPU-s/GB whole | peak heap used MiB | peak RSS MiB | sink CPU-s/GB | load avg "
        "start/end |", "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        lines.append(
            f"| {r['step']} | {r['bytes'] / 1e9:.2f} | {r['uploads200']} ({r['uploadsBodyRead']}) / "
            f"{r['uploadsScheduled']} | {r['heartbeats200']} / {r['heartbeatsScheduled']} | {ko(r)} | "
            f"{r['cpuWhole']:.1f} | {r['cpuAtFirstRequest']:.1f} | {r['timeToFirstRequestS']:.1f} | "
            f"{r['cpuPerGbFromFirstRequest']:.2f} | {r['cpuPerGbWhole']:.2f} | "
            f"{r.get('peakHeapUsedMiB', '-')} | {r.get('peakRssMiB', '-')} | "
            f"{r['sinkCpuPerGb']:.2f} | {r['loadStart']:.1f} / {r['loadEnd']:.1f} |")
    return "\n".join(lines) + "\n"


def main():
    if len(sys.argv) < 4:
        raise SystemExit(__doc__)
    # Absolute: nginx resolves a relative path against its own prefix, not this directory.
    out, bundle, steps = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]), sys.argv[3:]
    # Subreaper: the injector's setsid'd wrapper is re-parented here, so wait4 reads its CPU.
    ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    os.makedirs(out, exist_ok=True)
    with open("/proc/cpuinfo") as f:
        model = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    results = []
    seen = {}
    for spec in steps:
        key = spec if spec.count(":") > 1 else spec + ":"
        seen[key] = seen.get(key, 0) + 1
        results.append(step(out, bundle, spec, seen[key]))
        with open(os.path.join(out, "results.json"), "w") as f:
            json.dump({"machine": f"{os.cpu_count()} x {model}", "results": results}, f, indent=1)
    text = (f"Machine: {os.cpu_count()} x {model}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
            f"\n\n" + summary(results))
    with open(os.path.join(out, "summary.md"), "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
