"""`synergy serve --workers 2`: two processes answer on one port and stop together."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def children_of(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process tree from /proc")
def test_two_processes_serve_one_port_and_stop_together(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "SYNERGY_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "DEBUG": "1",
    }
    synergy = [sys.executable, "-m", "synergy.cli"]
    subprocess.run([*synergy, "migrate", "--no-input", "-v0"], env=env, check=True)
    port = free_port()
    server = subprocess.Popen(
        [*synergy, "serve", "--port", str(port), "--workers", "2", "--threads", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        status = None
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/account/login/") as r:
                    status = r.status
                    break
            except OSError:
                time.sleep(0.3)
        assert status == 200
        workers = children_of(server.pid)
        assert len(workers) == 2, workers
        for _ in range(20):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/account/login/") as r:
                assert r.status == 200
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0
        for pid in workers:
            assert (
                not Path(f"/proc/{pid}").exists()
                or "zombie" in Path(f"/proc/{pid}/status").read_text()
            )
    finally:
        if server.poll() is None:
            server.kill()
        output = server.stdout.read().decode() if server.stdout else ""
    assert "2 process(es)" in output, output
