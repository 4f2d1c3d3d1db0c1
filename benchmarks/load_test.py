"""A bounded load test against a running `samverkan demo` on this machine.

Simulated users (threads, each with its own session, logged in as a demo user) repeat a mix
of what people do, with 0.5–1.5 s of think time between requests:

- the plan page (`/planer/<id>/`), the incident list (`/handelser/`), the week's EST page
  (`/est/<agreement>/<year>/v<week>/`), the lägesbild (`/lagesbild/`, a quick period), the
  incident map's data (`/handelser/karta/data/`, Luleå's city view), and a report filed
  through the API (`POST /api/reports`, session and CSRF token as the browser sends them).

Bounded three ways: at most --users users (50), --requests requests in all and --duration
seconds; only 127.0.0.1/localhost. Prints requests/s, p50/p95/p99 per kind and the errors
(any status other than 200/201, or a failed connection). Logins are counted apart.

It also prints where the machine's processor time went during the measured mix (Linux,
from /proc): the web processes (per request), Samverkan's worker, this client and the rest
of the machine. Capacity is at most the cores divided by the processor time per request.

    samverkan demo --port 8000 &          # gunicorn, SAMVERKAN_WEB_WORKERS processes
    python benchmarks/load_test.py --url http://127.0.0.1:8000 [--users 50] [--duration 60]

The reports it files are real rows in the demo's database (text "Lasttest").
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import statistics
import sys
import threading
import time
from collections import defaultdict
from urllib.parse import urlparse

import requests

USERS = ("samordnare", "kommunpolis", "admin")  # roles that see every page and may report
PASSWORD = "samverkan"
CITY_BBOX = "22.05,65.55,22.25,65.63"  # Luleå's centre, zoom 12
MIX = (
    ("plan", 2),
    ("incident_list", 2),
    ("est_week", 2),
    ("lagesbild", 2),
    ("map", 2),
    ("report_api", 1),
)
QUICK = ("12m", "ar", "tertial", "fjol")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


class Budget:
    """The shared bounds: requests left and the end time."""

    def __init__(self, requests_max: int, duration: float):
        self.left = requests_max
        self.end = time.monotonic() + duration
        self.lock = threading.Lock()

    def take(self) -> bool:
        with self.lock:
            if self.left <= 0 or time.monotonic() >= self.end:
                return False
            self.left -= 1
            return True


class Results:
    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, list[str]] = defaultdict(list)

    def add(self, kind: str, seconds: float, error: str | None = None) -> None:
        with self.lock:
            self.times[kind].append(seconds)
            if error:
                self.errors[kind].append(error)


def login(base: str, username: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    done = session.post(
        f"{base}/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        timeout=60,
    )
    if "sessionid" not in session.cookies:
        raise SystemExit(f"kunde inte logga in som {username}: {done.status_code}")
    return session


def discover(base: str, session: requests.Session) -> dict[str, str]:
    """The plan page, the EST week page and the agreement, read from the demo's own pages."""
    home = session.get(f"{base}/", timeout=60).text
    plans = re.findall(r'href="(/planer/\d+/)"', home)
    if not plans:
        plans = re.findall(r'href="(/planer/\d+/)"', session.get(f"{base}/overenskommelser/").text)
    est = session.get(f"{base}/est/?alla=1", timeout=60).text
    weeks = re.findall(r'href="(/est/(\d+)/\d+/v\d+/)"', est)
    if not plans or not weeks:
        raise SystemExit("hittade ingen plan eller EST-vecka i demot")
    return {"plan": plans[0], "est_week": weeks[0][0], "agreement": weeks[0][1]}


def request(kind: str, base: str, session: requests.Session, urls: dict[str, str], n: int):
    if kind == "plan":
        return session.get(base + urls["plan"], timeout=60)
    if kind == "incident_list":
        return session.get(f"{base}/handelser/", timeout=60)
    if kind == "est_week":
        return session.get(base + urls["est_week"], timeout=60)
    if kind == "lagesbild":
        quick = QUICK[n % len(QUICK)]
        params = {"overenskommelse": urls["agreement"], "snabbval": quick}
        return session.get(f"{base}/lagesbild/", params=params, timeout=120)
    if kind == "map":
        params = {"bbox": CITY_BBOX, "zoom": "12"}
        return session.get(f"{base}/handelser/karta/data/", params=params, timeout=60)
    if kind == "report_api":
        when = dt.datetime.now().astimezone() - dt.timedelta(minutes=random.randint(5, 600))
        body = {
            "category": "klotter",
            "occurred_from": when.isoformat(),
            "lat": 65.5842 + random.uniform(-0.004, 0.004),
            "lon": 22.1547 + random.uniform(-0.008, 0.008),
            "description": "Lasttest: klotter på en vägg.",
        }
        headers = {"X-CSRFToken": session.cookies.get("csrftoken", "")}
        return session.post(f"{base}/api/reports", json=body, headers=headers, timeout=60)
    raise ValueError(kind)


def _ticks(pid: str) -> int:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime
    except (OSError, IndexError, ValueError):
        return 0


def cpu_seconds() -> dict[str, float]:
    """Processor seconds so far of Samverkan's web processes and worker (by command line),
    this client, and the whole machine (busy time in /proc/stat); empty off Linux."""
    if not os.path.exists("/proc/stat"):
        return {}
    hz = os.sysconf("SC_CLK_TCK")
    out = {"web": 0.0, "worker": 0.0}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        if int(pid) == os.getpid():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                args = cmdline.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if "samverkan" not in args or "load_test" in args:
            continue
        if " worker" in args:
            out["worker"] += _ticks(pid) / hz
        elif any(word in args for word in (" demo", " serve", "gunicorn", "waitress")):
            out["web"] += _ticks(pid) / hz
    times = os.times()
    out["client"] = times.user + times.system
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    out["machine"] = (sum(values) - idle) / hz
    return out


def user_loop(i, base, urls, budget, results, think, ready: threading.Barrier):
    rng = random.Random(i)
    username = USERS[i % len(USERS)]
    start = time.perf_counter()
    try:
        session = login(base, username)
        results.add("login", time.perf_counter() - start)
    except Exception as exc:  # noqa: BLE001 - counted as an error of the login
        results.add("login", time.perf_counter() - start, repr(exc))
        ready.wait()
        return
    # Every user is logged in before the measured mix starts.
    ready.wait()
    kinds = [k for k, weight in MIX for _ in range(weight)]
    n = i
    while budget.take():
        kind = rng.choice(kinds)
        n += 1
        start = time.perf_counter()
        error = None
        try:
            response = request(kind, base, session, urls, n)
            if response.status_code not in (200, 201):
                error = f"{response.status_code} {response.url}"
        except requests.RequestException as exc:
            error = repr(exc)
        results.add(kind, time.perf_counter() - start, error)
        time.sleep(rng.uniform(*think))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--requests", type=int, default=6000)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--think", type=float, nargs=2, default=(0.5, 1.5))
    args = parser.parse_args()
    host = urlparse(args.url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("bara mot den här maskinen: --url http://127.0.0.1:PORT")
    if not (1 <= args.users <= 50 and args.requests <= 20000 and args.duration <= 600):
        sys.exit("högst 50 användare, 20 000 anrop och 600 s")
    base = args.url.rstrip("/")

    urls = discover(base, login(base, USERS[0]))
    results = Results()
    ready = threading.Barrier(args.users + 1)
    budget = Budget(args.requests, args.duration + 3600)  # the clock starts after the logins
    threads = [
        threading.Thread(
            target=user_loop,
            args=(i, base, urls, budget, results, tuple(args.think), ready),
            daemon=True,
        )
        for i in range(args.users)
    ]
    for thread in threads:
        thread.start()
    ready.wait()
    began = time.monotonic()
    cpu_before = cpu_seconds()
    budget.end = began + args.duration
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    cpu_after = cpu_seconds()

    measured = {k: v for k, v in results.times.items() if k != "login"}
    total = sum(len(v) for v in measured.values())
    errors = sum(len(results.errors[k]) for k in measured)
    every = [t for v in measured.values() for t in v]
    print(f"{args.users} användare, {elapsed:.1f} s, {total} anrop, {total / elapsed:.1f} anrop/s, "
          f"{errors} fel")  # fmt: skip
    print()
    print("| slag | anrop | fel | p50 ms | p95 ms | p99 ms |")
    print("|---|---|---|---|---|---|")
    for kind, _weight in (*MIX, ("login", 0)):
        values = results.times.get(kind, [])
        print(
            f"| {kind} | {len(values)} | {len(results.errors.get(kind, []))} | "
            f"{percentile(values, 50) * 1000:.0f} | {percentile(values, 95) * 1000:.0f} | "
            f"{percentile(values, 99) * 1000:.0f} |"
        )
    print(
        f"| alla utom login | {total} | {errors} | {percentile(every, 50) * 1000:.0f} | "
        f"{percentile(every, 95) * 1000:.0f} | {percentile(every, 99) * 1000:.0f} |"
    )
    if every:
        print(f"\nmedel {statistics.mean(every) * 1000:.0f} ms")
    if cpu_before and total:
        used = {k: cpu_after[k] - cpu_before[k] for k in cpu_before}
        rest = used["machine"] - used["web"] - used["worker"] - used["client"]
        print(
            f"processortid under {elapsed:.0f} s ({os.cpu_count()} kärnor): "
            f"webbprocesserna {used['web']:.1f} s ({used['web'] / total * 1000:.1f} ms per anrop), "
            f"workern {used['worker']:.1f} s, klienten {used['client']:.1f} s, "
            f"resten av maskinen {max(rest, 0):.1f} s; "
            f"maskinen upptagen {used['machine'] / elapsed / (os.cpu_count() or 1):.0%}"
        )
    for kind, messages in results.errors.items():
        for message in messages[:5]:
            print(f"fel ({kind}): {message}")


if __name__ == "__main__":
    main()
