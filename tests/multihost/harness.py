"""Two application "hosts" on one machine: PostgreSQL, Redis, nginx and two gunicorn instances.

Each instance is a separate gunicorn master with its own workers, its own local memory and its
own port, exactly as two machines behind a load balancer would be; they share only what a real
deployment shares: the PostgreSQL database and the Redis cache. nginx balances between them with
the retry rule of deploy/nginx (idempotent requests only).

Used by tests/multihost/ and by benchmarks (two-instance figures). Nothing here imports Django.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"
SECRET = "multihost-tests-only-" + "s" * 40


def missing_requirements() -> str | None:
    """Why the two-host setup cannot run here, or None when it can."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return "needs PostgreSQL (DATABASE_URL=postgres://…): the shared source of truth"
    if not Path(REDIS).exists():
        return "needs Debian's redis-server (apt-get install redis-server)"
    if not Path(NGINX).exists():
        return "needs Debian's nginx (apt-get install nginx)"
    if not Path(GUNICORN).exists():
        return "needs gunicorn in the virtualenv"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 60, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process on port {port} exited with {proc.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port} after {timeout} s")


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@dataclass
class Instance:
    """One gunicorn master ("host") with its workers."""

    name: str
    port: int
    proc: subprocess.Popen
    log_path: Path

    def kill(self) -> None:
        """Kill the whole instance at once, as a host that loses power (SIGKILL, no draining)."""
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


@dataclass
class Cluster:
    """PostgreSQL database + Redis + nginx + N gunicorn instances. Use as a context manager."""

    instances_count: int = 2
    workers: int = 2
    extra_env: dict[str, str] = field(default_factory=dict)
    tmp: Path = field(init=False)
    database_url: str = field(init=False)
    redis_port: int = field(init=False)
    nginx_port: int = field(init=False)
    instances: list[Instance] = field(init=False, default_factory=list)
    _procs: list[subprocess.Popen] = field(init=False, default_factory=list)
    _db_name: str = field(init=False)

    # --- life cycle -----------------------------------------------------------------------
    def __enter__(self) -> Cluster:
        self.tmp = Path(tempfile.mkdtemp(prefix="rc-multihost-"))
        try:
            self._create_database()
            self._start_redis()
            self.env = self._env()
            self.manage("migrate", "--no-input", "-v", "0")
            self.manage("load_initial_content")
            self.manage("collectstatic", "--no-input", "-v", "0")
            for i in range(self.instances_count):
                self.instances.append(self._start_instance(f"host{i + 1}"))
            self._start_nginx()
            self.warm()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc) -> None:
        for instance in self.instances:
            instance.stop()
        for proc in reversed(self._procs):
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
        self._drop_database()
        shutil.rmtree(self.tmp, ignore_errors=True)

    # --- pieces ---------------------------------------------------------------------------
    def _create_database(self) -> None:
        import psycopg

        base = os.environ["DATABASE_URL"]
        self._db_name = f"rc_multihost_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(_with_database(base, "postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self._db_name}"')
        self.database_url = _with_database(base, self._db_name)

    def _drop_database(self) -> None:
        if not getattr(self, "_db_name", None):
            return
        import psycopg

        base = os.environ["DATABASE_URL"]
        with (
            contextlib.suppress(Exception),
            psycopg.connect(_with_database(base, "postgres"), autocommit=True) as conn,
        ):
            conn.execute(f'DROP DATABASE IF EXISTS "{self._db_name}" WITH (FORCE)')

    def _start_redis(self) -> None:
        self.redis_port = free_port()
        proc = subprocess.Popen(
            [
                REDIS,
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.tmp),
            ],
            stdout=open(self.tmp / "redis.log", "w"),  # noqa: SIM115 - lives as long as redis
            stderr=subprocess.STDOUT,
        )
        self._procs.append(proc)
        wait_for_port(self.redis_port, 20, proc)

    def _env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "config.settings",
                "DJANGO_DEBUG": "0",
                "DJANGO_SECRET_KEY": SECRET,
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
                "DJANGO_SECURE_SSL_REDIRECT": "0",
                "DJANGO_SECURE_COOKIES": "0",
                "DJANGO_PAGE_CACHE": "1",
                "DATABASE_URL": self.database_url,
                "DJANGO_TRUSTED_PROXIES": "127.0.0.1",
                "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
                "OMP_NUM_THREADS": "1",
                "OPENBLAS_NUM_THREADS": "1",
                "MKL_NUM_THREADS": "1",
            }
        )
        env.update(self.extra_env)
        return env

    def manage(self, *args: str, env: dict | None = None, check: bool = True):
        return subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env={**self.env, **(env or {})},
            check=check,
            capture_output=True,
            text=True,
        )

    def _start_instance(self, name: str) -> Instance:
        port = free_port()
        log_path = self.tmp / f"gunicorn-{name}.log"
        proc = subprocess.Popen(
            [
                GUNICORN,
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(self.workers),
                "--timeout",
                "60",
                "--chdir",
                str(ROOT),
            ],
            cwd=ROOT,
            env=self.env,
            stdout=open(log_path, "w"),  # noqa: SIM115 - lives as long as gunicorn
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: kill() takes the workers too
        )
        instance = Instance(name=name, port=port, proc=proc, log_path=log_path)
        try:
            wait_for_port(port, 60, proc)
        except RuntimeError as error:
            raise RuntimeError(f"{error}\n{log_path.read_text()[-3000:]}") from None
        return instance

    def _start_nginx(self) -> None:
        self.nginx_port = free_port()
        conf = render_nginx_conf(
            listen=f"127.0.0.1:{self.nginx_port}",
            upstreams=[f"127.0.0.1:{i.port}" for i in self.instances],
            static_root=str(ROOT / "staticfiles"),
            prefix=str(self.tmp),
        )
        path = self.tmp / "nginx.conf"
        path.write_text(conf)
        proc = subprocess.Popen(
            [
                NGINX,
                "-p",
                str(self.tmp),
                "-c",
                str(path),
                "-e",
                str(self.tmp / "nginx-error.log"),
                "-g",
                "daemon off;",
            ],
            stdout=open(self.tmp / "nginx.out", "w"),  # noqa: SIM115 - lives as long as nginx
            stderr=subprocess.STDOUT,
        )
        self._procs.append(proc)
        wait_for_port(self.nginx_port, 20, proc)

    def warm(self) -> None:
        """Each worker's first request imports the site (seconds on a busy machine): make them
        all before anything is measured or timed."""
        import urllib.request

        for instance in self.instances:
            for _ in range(self.workers * 3):
                url = f"http://127.0.0.1:{instance.port}/cases/"
                with urllib.request.urlopen(url, timeout=120) as response:  # noqa: S310 - local
                    response.read()

    # --- addresses ------------------------------------------------------------------------
    @property
    def front(self) -> str:
        return f"http://127.0.0.1:{self.nginx_port}"

    def host(self, i: int) -> str:
        return f"http://127.0.0.1:{self.instances[i].port}"

    def sql(self, query: str, *params) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.database_url) as conn:
            return conn.execute(query, params).fetchall()


DEPLOY = ROOT / "deploy" / "nginx"


def render_nginx_conf(*, listen: str, upstreams: list[str], static_root: str, prefix: str) -> str:
    """A complete nginx.conf around the shipped configuration (deploy/nginx: the upstream block
    of realitycheck.conf with this run's hosts, and the realitycheck-proxy.conf snippet), with
    this run's ports, static folder and a private prefix for logs, pid and temporary files."""
    snippet = (DEPLOY / "realitycheck-proxy.conf").read_text()
    snippet = snippet.replace("/srv/realitycheck/staticfiles/", static_root.rstrip("/") + "/")
    snippet_path = Path(prefix) / "realitycheck-proxy.conf"
    snippet_path.write_text(snippet)
    site = (DEPLOY / "realitycheck.conf").read_text()
    upstream = re.search(r"^upstream realitycheck \{.*?^\}", site, re.S | re.M).group(0)
    options = re.search(r"server 127\.0\.0\.1:8001 ([^;]*);", upstream).group(1)
    servers = "\n".join(f"    server {u} {options};" for u in upstreams)
    upstream = re.sub(r"^\s*#?\s*server [^;]*;\n", "", upstream, flags=re.M)
    upstream = upstream.replace("upstream realitycheck {", "upstream realitycheck {\n" + servers, 1)
    user = "user root;" if os.geteuid() == 0 else ""
    return f"""{user}
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    access_log {prefix}/nginx-access.log;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
{upstream}
    server {{
        listen {listen};
        server_name _;
        include {snippet_path};
    }}
}}
"""
