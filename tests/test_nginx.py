"""deploy/nginx in front of gunicorn: slow clients cannot pin the workers (review M8).

Starts a real gunicorn (2 sync workers, production settings, a throwaway SQLite file) and Debian's
nginx with the shipped snippet (deploy/nginx/realitycheck-proxy.conf) and upstream block, both on
free local ports. Slowloris-style clients (headers a line at a time, bodies a few bytes at a
time) are opened against each: straight to gunicorn they hold every worker and a normal request
waits; through nginx the normal request is answered at once. The shipped site file
(deploy/nginx/realitycheck.conf, with TLS) must pass `nginx -t`.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings

from tests.multihost.harness import render_nginx_conf

pytestmark = pytest.mark.slow

ROOT = Path(settings.BASE_DIR)
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
DEPLOY = ROOT / "deploy" / "nginx"

if not Path(NGINX).exists():
    pytest.skip("nginx is not installed (CI installs Debian's)", allow_module_level=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int, path: str = "/healthz", timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path, headers={"Host": "127.0.0.1"})
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"nothing answered on port {port}")


def timed_get(port: int, path: str = "/healthz", timeout: float = 4) -> float | None:
    """Seconds for one GET, or None when it did not complete within ``timeout``."""
    started = time.monotonic()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        conn.request("GET", path, headers={"Host": "127.0.0.1"})
        response = conn.getresponse()
        response.read()
        assert response.status == 200
    except TimeoutError:
        return None
    return time.monotonic() - started


def slow_client(port: int, stop: threading.Event, *, body: bool) -> None:
    """Headers one line every 0.5 s, or a POST body 10 bytes every 0.5 s, until stopped."""
    try:
        sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        if body:
            sock.sendall(
                b"POST /simulations/base-rate/run/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\n"
                b"Content-Length: 100000\r\n\r\n"
            )
        else:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        while not stop.is_set():
            sock.sendall(b"a=bbbbbbbb" if body else b"X-Slow: 1\r\n")
            stop.wait(0.5)
        sock.close()
    except OSError:
        pass  # nginx cut the connection off: what it should do, eventually


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("nginx")
    os.chmod(tmp, 0o755)
    gunicorn_port, nginx_port = free_port(), free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "nginx-test-only-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_TRUSTED_PROXIES": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
    }
    env.pop("REDIS_URL", None)
    gunicorn = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{gunicorn_port}",
            "--timeout",
            "30",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp / "gunicorn.log", "w"),  # noqa: SIM115 - closed with the process
    )
    static = tmp / "static"
    static.mkdir()
    (static / "app.0123456789ab.css").write_text("body{}")
    (static / "app.css").write_text("body{}")
    # The shipped files, with this test's ports and folders (the two-host test renders them the
    # same way).
    (tmp / "nginx.conf").write_text(
        render_nginx_conf(
            listen=f"127.0.0.1:{nginx_port}",
            upstreams=[f"127.0.0.1:{gunicorn_port}"],
            static_root=str(static),
            prefix=str(tmp),
        )
    )
    nginx = subprocess.Popen(
        [NGINX, "-c", str(tmp / "nginx.conf"), "-e", str(tmp / "error.log"), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(gunicorn_port)
        wait_for(nginx_port)
        yield {"gunicorn": gunicorn_port, "nginx": nginx_port, "tmp": tmp}
    finally:
        for proc in (nginx, gunicorn):
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _under_slow_clients(port: int, n_slow: int, n_requests: int = 5) -> list[float | None]:
    stop = threading.Event()
    threads = [
        threading.Thread(target=slow_client, args=(port, stop), kwargs={"body": i % 2 == 1})
        for i in range(n_slow)
    ]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1.0)  # every slow client has connected and started dribbling
        return [timed_get(port) for _ in range(n_requests)]
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=10)


def test_slow_clients_pin_bare_gunicorn(servers):
    """The control: without nginx, 4 slow clients hold both workers and a GET waits."""
    times = _under_slow_clients(servers["gunicorn"], 4, n_requests=1)
    assert times[0] is None, f"gunicorn answered within 4 s with every worker held: {times}"


def test_slow_clients_do_not_delay_requests_through_nginx(servers):
    times = _under_slow_clients(servers["nginx"], 8)
    print("GET /healthz through nginx with 8 slow clients (s):", times)
    assert None not in times, times
    assert max(times) < 0.5, times


def test_nginx_refuses_a_body_over_the_limit(servers):
    conn = http.client.HTTPConnection("127.0.0.1", servers["nginx"], timeout=10)
    conn.request(
        "POST",
        "/api/v1/simulations/base-rate/runs/",
        body=b"x" * (1024 * 1024 + 1),
        headers={"Host": "127.0.0.1", "Content-Type": "application/json"},
    )
    assert conn.getresponse().status == 413


def test_nginx_serves_static_files_with_their_cache_lifetimes(servers):
    conn = http.client.HTTPConnection("127.0.0.1", servers["nginx"], timeout=5)
    conn.request("GET", "/static/app.0123456789ab.css", headers={"Host": "127.0.0.1"})
    hashed = conn.getresponse()
    hashed.read()
    assert hashed.status == 200
    assert "immutable" in hashed.getheader("Cache-Control")
    conn.request("GET", "/static/app.css", headers={"Host": "127.0.0.1"})
    plain = conn.getresponse()
    plain.read()
    assert plain.status == 200 and plain.getheader("Cache-Control") == "max-age=3600"


def test_the_shipped_site_file_passes_nginx_t(tmp_path):
    """deploy/nginx/realitycheck.conf as installed, with a throwaway certificate."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is needed for a throwaway certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=test", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    site = (DEPLOY / "realitycheck.conf").read_text()
    site = re.sub(r"/etc/letsencrypt/\S+/fullchain\.pem", str(cert), site)
    site = re.sub(r"/etc/letsencrypt/\S+/privkey\.pem", str(key), site)
    site = site.replace(
        "/etc/nginx/snippets/realitycheck-proxy.conf", str(DEPLOY / "realitycheck-proxy.conf")
    )
    (tmp_path / "site.conf").write_text(site)
    user = "user root;" if os.geteuid() == 0 else ""
    (tmp_path / "nginx.conf").write_text(
        f"{user}\npid {tmp_path / 'nginx.pid'};\nerror_log {tmp_path / 'error.log'};\n"
        "events {}\n"
        f"http {{ include /etc/nginx/mime.types; include {tmp_path / 'site.conf'}; }}\n"
    )
    out = subprocess.run(
        [NGINX, "-t", "-c", str(tmp_path / "nginx.conf"), "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "syntax is ok" in out.stderr
