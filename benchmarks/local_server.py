"""Start ``hypecheck serve`` on a free loopback port and wait until it is ready.

Used by the load benchmark and the end-to-end tests, so both exercise the server a user runs, with
the command a user types (``--model`` passed as an option, other settings as ``HYPECHECK_*``).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_local_server(
    model: str | None = None,
    *,
    options: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
    python: str = sys.executable,
    cwd: Path = ROOT,
    capture: bool = False,
    timeout_s: float = 120,
) -> tuple[subprocess.Popen, str]:
    """A uvicorn process serving ``model`` (else the default) and its URL, once ``/readyz`` answers 200.

    ``options`` are more ``hypecheck serve`` options; ``env`` adds ``HYPECHECK_*`` settings; ``python``
    and ``cwd`` choose the interpreter (hence the installed hypecheck) and the working folder.
    With ``capture`` the server's output is piped (``process.stdout``) instead of inherited.
    """
    port = free_port()
    environment = {**os.environ, **(env or {})}
    output = subprocess.PIPE if capture else None
    process = subprocess.Popen(
        [python, "-m", "hypecheck.serve.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
        + (["--model", str(model)] if model else [])
        + list(options),
        cwd=cwd,
        env=environment,
        stdout=output,
        stderr=subprocess.STDOUT if capture else None,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return process, url
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            detail = process.stdout.read().decode() if capture and process.stdout else ""
            raise RuntimeError(f"server exited with {process.returncode}: {detail}")
        time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"server did not become ready in {timeout_s:.0f} s")
