"""What auth and TLS cost: GET 1 KiB and GET 16 MiB through the proxy (redirect followed), on a
cluster with client auth on and on one with TLS on, each as a ratio of the same run on a plain
cluster started beside it.

Run: .venv/bin/python benchmarks/bench_security.py [--duration 10] [--rounds 3] [--threads 4]

Each client thread keeps one requests.Session (keep-alive to the proxy and the target) and GETs
objects in a loop: to the proxy, then to the target it redirects to (with auth: the token checked
on the proxy, the redirect signed, the signature checked on the target; with TLS: both legs
encrypted, the target copies instead of sendfile). Rounds alternate which cluster goes first;
the best run of each counts. Goals: auth >= 0.9 (both sizes), TLS GET 16 MiB >= 0.5.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from pyaistore.sdk import Client
from pyaistore.server.local_cluster import LocalCluster

KIB, MIB = 1024, 1024 * 1024
BUCKET = "bench"
WORKLOADS = (("GET 1 KiB", KIB, 200), ("GET 16 MiB", 16 * MIB, 8))


@dataclass
class Subject:
    """One cluster under test and how a client talks to it."""

    label: str
    cluster: LocalCluster
    token: str = ""

    @property
    def verify(self) -> str | bool:
        return self.cluster.security.ca or True

    def client(self) -> Client:
        return Client(
            self.cluster.endpoint, token=self.token or None, ca_cert=self.cluster.security.ca or None
        )


def _fill(subject: Subject) -> None:
    bucket = subject.client().bucket(BUCKET)
    bucket.create()
    for _, size, count in WORKLOADS:
        data = secrets.token_bytes(size)
        for index in range(count):
            bucket.object(f"{size}/{index}").get_writer().put_content(data)


def _run(subject: Subject, size: int, count: int, threads: int, duration: float) -> tuple[float, int]:
    """(GETs per second, errors) of `threads` clients for `duration` seconds."""
    base = f"{subject.cluster.endpoint}/v1/objects/{BUCKET}/{size}/"
    stop = time.monotonic() + duration
    done, errors = [0] * threads, [0] * threads

    def loop(slot: int) -> None:
        session = requests.Session()
        session.verify = subject.verify
        if subject.token:
            session.headers["Authorization"] = f"Bearer {subject.token}"
        index = slot
        while time.monotonic() < stop:
            reply = session.get(f"{base}{index % count}?provider=ais", verify=subject.verify, timeout=60)
            if reply.status_code == 200 and len(reply.content) == size:
                done[slot] += 1
            else:
                errors[slot] += 1
            index += threads

    workers = [threading.Thread(target=loop, args=(slot,)) for slot in range(threads)]
    started = time.monotonic()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(done) / (time.monotonic() - started), sum(errors)


def _wrk(url: str, duration: float, token: str = "") -> float:
    """Requests/s of wrk -t2 -c16 on one URL (redirects are not followed: one leg)."""
    command = ["wrk", "-t2", "-c16", f"-d{max(1, int(duration))}s", "--timeout", "30s", url]
    if token:
        command[1:1] = ["-H", f"Authorization: Bearer {token}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in out:
        raise RuntimeError(f"wrk saw errors on {url}:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]


def _legs(subjects: dict[str, Subject], duration: float, rounds: int) -> dict[tuple[str, str], float]:
    """Each leg alone under wrk: the proxy's redirect (token check, signing) and the target's GET
    (signature check; TLS), best of `rounds`, alternating the order."""
    urls: dict[tuple[str, str], tuple[str, str]] = {}
    for label, subject in subjects.items():
        proxy_url = f"{subject.cluster.endpoint}/v1/objects/{BUCKET}/{KIB}/0?provider=ais"
        urls[("redirect", label)] = (proxy_url, subject.token)
        for name, size in (("target GET 1 KiB", KIB), ("target GET 16 MiB", 16 * MIB)):
            reply = requests.get(
                f"{subject.cluster.endpoint}/v1/objects/{BUCKET}/{size}/0?provider=ais",
                headers={"Authorization": f"Bearer {subject.token}"} if subject.token else {},
                verify=subject.verify,
                allow_redirects=False,
                timeout=10,
            )
            urls[(name, label)] = (reply.headers["Location"], "")  # signed with auth on (5 min)
    best: dict[tuple[str, str], float] = {}
    for round_index in range(rounds):
        for key in sorted(urls, reverse=bool(round_index % 2)):
            url, token = urls[key]
            best[key] = max(best.get(key, 0.0), _wrk(url, duration, token))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-security-"))
    clusters = {
        "plain": LocalCluster(root / "plain", targets=1, http_workers=1),
        "auth": LocalCluster(root / "auth", targets=1, http_workers=1, auth=True),
        "tls": LocalCluster(root / "tls", targets=1, http_workers=1, tls=True),
    }
    try:
        for cluster in clusters.values():
            cluster.start()
        auth = clusters["auth"]
        admin = auth.security.call(
            "POST",
            f"{auth.security.authn_url}/v1/users/admin",
            {"password": auth.security.first_admin_password},
        )["token"]
        subjects = {
            "plain": Subject("plain", clusters["plain"]),
            "auth": Subject("auth", auth, admin),
            "tls": Subject("tls", clusters["tls"]),
        }
        for subject in subjects.values():
            _fill(subject)
        best: dict[tuple[str, str], float] = {}
        errors = 0
        for round_index in range(args.rounds):
            for name, size, count in WORKLOADS:
                order = ["plain", "auth", "tls"] if round_index % 2 == 0 else ["tls", "auth", "plain"]
                for label in order:
                    rate, failed = _run(subjects[label], size, count, args.threads, args.duration)
                    errors += failed
                    best[(name, label)] = max(best.get((name, label), 0.0), rate)
        legs = _legs(subjects, args.duration, args.rounds) if shutil.which("wrk") else {}
        load = os.getloadavg()
        print(f"\n{args.threads} client threads, {args.duration:.0f} s runs, best of {args.rounds}")
        header = "workload   | plain GET/s | auth GET/s | auth ratio | TLS GET/s | TLS ratio"
        print(header + " | plain MiB/s | TLS MiB/s")
        for name, size, _ in WORKLOADS:
            plain, with_auth, with_tls = (best[(name, label)] for label in ("plain", "auth", "tls"))
            print(
                f"{name:10} | {plain:11.1f} | {with_auth:10.1f} | {with_auth / plain:10.2f} | "
                f"{with_tls:9.1f} | {with_tls / plain:9.2f} | {plain * size / MIB:11.1f} | "
                f"{with_tls * size / MIB:9.1f}"
            )
        if legs:
            print("\none leg alone, wrk -t2 -c16 (the proxy's 301, or the target's GET of the URL it gave):")
            print("leg               | plain req/s | auth req/s | auth ratio | TLS req/s | TLS ratio")
            for leg in ("redirect", "target GET 1 KiB", "target GET 16 MiB"):
                plain, with_auth, with_tls = (legs[(leg, label)] for label in ("plain", "auth", "tls"))
                print(
                    f"{leg:17} | {plain:11.1f} | {with_auth:10.1f} | {with_auth / plain:10.2f} | "
                    f"{with_tls:9.1f} | {with_tls / plain:9.2f}"
                )
        averages = " ".join(f"{value:.2f}" for value in load)
        print(f"errors: {errors}; load average {averages} on {os.cpu_count()} CPUs")
    finally:
        for cluster in clusters.values():
            cluster.stop()


if __name__ == "__main__":
    main()
