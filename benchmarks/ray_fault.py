"""Batch on a real two-node Ray cluster on this machine, with the worker node's raylet killed mid-run.

A head node (``ray start --head``) and a second node (``ray start --address``) each offer one CPU;
``hypecheck batch --engine ray`` joins them through ``RAY_ADDRESS`` with one actor per CPU. Once two
chunks are committed, the second node's raylet gets SIGKILL. The job must still finish, and its
output and errors file must be byte-identical to the local engine's. Ray's telemetry is off
everywhere (``RAY_USAGE_STATS_ENABLED=0``). Only the processes of this cluster (found by its own
temporary folder) are stopped at the end.

    python -m benchmarks.ray_fault --model BUNDLE [--records 2000]   (writes reports/ray_fault.json)
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

from benchmarks import report_path

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0", "PYTHONUNBUFFERED": "1"}


def write_input(path: Path, records: int) -> None:
    """Articles of three sentences each, from the project's own labelled sentences."""
    sentences = [
        json.loads(line)["text"]
        for part in sorted((ROOT / "data" / "written").glob("*.jsonl"))
        for line in part.read_text().splitlines()
    ]
    with path.open("w") as out:
        for i in range(records):
            text = " ".join(sentences[(3 * i + k) % len(sentences)] for k in range(3))
            out.write(json.dumps({"id": f"a{i}", "text": text}) + "\n")


def batch(args: list[str], env: dict[str, str]) -> subprocess.Popen:
    command = [sys.executable, "-m", "hypecheck.serve.cli", "batch", *args, "--no-progress"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ray(*args: str) -> None:
    command = [str(Path(sys.executable).parent / "ray"), *args]
    subprocess.run(command, env=ENV, check=True, capture_output=True)


def cluster_processes(temp_dir: str) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter(["cmdline"]):
        if any(temp_dir in part for part in process.info["cmdline"] or []):
            found.append(process)
    return found


def worker_raylet(temp_dir: str) -> psutil.Process:
    """The raylet of the node that is not the head (two raylets run; the head's carries --head)."""
    raylets = [p for p in cluster_processes(temp_dir) if p.name() == "raylet"]
    workers = [p for p in raylets if "--head" not in " ".join(p.cmdline())]
    if len(raylets) != 2 or len(workers) != 1:
        raise RuntimeError(f"expected two raylets, one of them the head's; found {len(raylets)}")
    return workers[0]


def committed(checkpoint: Path) -> int:
    try:
        return json.loads(checkpoint.read_text())["chunks"]
    except (FileNotFoundError, json.JSONDecodeError, KeyError):
        return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--chunk-size", type=int, default=16)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="hc-ray-fault-"))
    source = work / "in.jsonl"
    write_input(source, args.records)
    common = ["--chunk-size", str(args.chunk_size), "--model", args.model]

    started = time.perf_counter()
    local = batch([str(source), "-o", str(work / "local.jsonl"), *common], ENV)
    local.wait()
    local_s = time.perf_counter() - started

    temp_dir = tempfile.mkdtemp(prefix="hcray", dir="/tmp")
    # The cluster's own token (Ray asks one of every node and driver), so nothing else is read.
    token = Path(temp_dir) / "auth_token"
    token.write_text(secrets.token_hex(32))
    ENV.update({"RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN_PATH": str(token)})
    port = free_port()
    report: dict[str, object] = {"records": args.records, "chunk_size": args.chunk_size}
    try:
        ray("start", "--head", f"--port={port}", "--num-cpus=1", "--include-dashboard=false",
            f"--temp-dir={temp_dir}", "--disable-usage-stats")  # fmt: skip
        ray("start", f"--address=127.0.0.1:{port}", "--num-cpus=1", "--disable-usage-stats")
        env = {**ENV, "RAY_ADDRESS": f"127.0.0.1:{port}"}
        output = work / "ray.jsonl"
        checkpoint = work / "ray.jsonl.checkpoint.json"
        started = time.perf_counter()
        job = batch([str(source), "-o", str(output), "--engine", "ray", "--workers", "2", *common], env)
        while committed(checkpoint) < 2 and job.poll() is None:
            time.sleep(0.05)
        victim = worker_raylet(temp_dir)
        killed_at = committed(checkpoint)
        os.kill(victim.pid, signal.SIGKILL)
        killed_s = time.perf_counter() - started
        log, _ = job.communicate()
        runs = [job.returncode]
        if job.returncode != 0:  # the checkpoint lets the same command finish what was committed
            again = batch([str(source), "-o", str(output), "--engine", "ray", "--workers", "1", *common], env)
            log2, _ = again.communicate()
            runs.append(again.returncode)
            log += log2
        ray_s = time.perf_counter() - started
        same = all(
            (work / f"local.jsonl{suffix}").read_bytes() == (work / f"ray.jsonl{suffix}").read_bytes()
            for suffix in ("", ".errors.jsonl")
        )
        report.update(
            {
                "local_engine_s": round(local_s, 1),
                "ray_engine_s": round(ray_s, 1),
                "raylet_killed_after_s": round(killed_s, 1),
                "chunks_committed_when_killed": killed_at,
                "exit_codes": runs,
                "byte_identical_to_local": same,
                "output_bytes": output.stat().st_size if output.exists() else 0,
                "log_tail": log.decode(errors="replace")[-1500:],
            }
        )
    finally:
        for process in cluster_processes(temp_dir):
            with contextlib.suppress(psutil.NoSuchProcess):
                process.kill()
    report_path("ray_fault.json").write_text(json.dumps(report, indent=1) + "\n")
    print(json.dumps({k: v for k, v in report.items() if k != "log_tail"}, indent=1))


if __name__ == "__main__":
    main()
