"""A throw-away Virtuoso server for tests and benchmarks: Debian's ``virtuoso-t`` on free loopback ports.

    with VirtuosoServer(tmp_path) as server:       # starts, waits until it answers
        server.bulk_load([path_to_nquads])         # ld_dir + rdf_loader_run() through isql-vt
        store = server.store()                     # a graph.store.remote.SparqlStore on it

Everything lives in one temporary folder (database, log, ini, the files to load); nothing
is read from or written to /etc or /var/lib. ``ResultSetMaxRows`` is raised well above
Virtuoso's default of 10,000, which silently truncates larger results.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType

VIRTUOSO = "virtuoso-t"
ISQL_NAMES = ("isql-vt", "isql")  # Debian renames Virtuoso's isql to isql-vt (unixODBC owns isql)
PASSWORD = "dba"  # a fresh database's dba password; the server only listens on 127.0.0.1
RESULT_SET_MAX_ROWS = 10_000_000

INI = """\
[Database]
DatabaseFile       = {dir}/virtuoso.db
ErrorLogFile       = {dir}/virtuoso.log
LockFile           = {dir}/virtuoso.lck
TransactionFile    = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {dir}/virtuoso-temp.db
TransactionFile    = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort               = 127.0.0.1:{sql_port}
LiteMode                 = 0
DisableUnixSocket        = 1
DisableTcpSocket         = 0
MaxClientConnections     = 10
CheckpointInterval       = 60
O_DIRECT                 = 0
CaseMode                 = 2
MaxStaticCursorRows      = 5000
CheckpointAuditTrail     = 0
AllowOSCalls             = 0
SchedulerInterval        = 10
DirsAllowed              = ., {dir}, {load_dir}, /usr/share/virtuoso-opensource-7/vad
ThreadCleanupInterval    = 0
ThreadThreshold          = 10
ResourcesCleanupInterval = 0
FreeTextBatchSize        = 100000
SingleCPU                = 0
VADInstallDir            = /usr/share/virtuoso-opensource-7/vad/
PrefixResultNames        = 0
RdfFreeTextRulesSize     = 100
IndexTreeMaps            = 64
MaxQueryMem              = 2G
VectorSize               = 1000
MaxVectorSize            = 1000000
AdjustVectorSize         = 0
ThreadsPerQuery          = 2
AsyncQueueMaxThreads     = 10
NumberOfBuffers          = {buffers}
MaxDirtyBuffers          = {dirty_buffers}

[HTTPServer]
ServerPort                  = 127.0.0.1:{http_port}
ServerRoot                  = {dir}/vsp
MaxClientConnections        = 10
DavRoot                     = DAV
EnabledDavVSP               = 0
HTTPProxyEnabled            = 0
TempASPXDir                 = 0
ServerThreads               = 10
MaxKeepAlives               = 10
KeepAliveTimeout            = 10
HTTPThreadSize              = 280000
HttpPrintWarningsInOutput   = 0
Charset                     = UTF-8
EnabledGzipContent          = 1

[Client]
SQL_PREFETCH_ROWS  = 100
SQL_PREFETCH_BYTES = 16000
SQL_QUERY_TIMEOUT  = 0
SQL_TXN_TIMEOUT    = 0

[SPARQL]
ResultSetMaxRows           = {max_rows}
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime      = 600
"""


class VirtuosoError(RuntimeError):
    """Virtuoso did not start, or an isql command failed."""


def virtuoso_binary() -> str | None:
    """The path of ``virtuoso-t``, or None when Virtuoso is not installed."""
    return shutil.which(VIRTUOSO)


def isql_binary() -> str | None:
    for name in ISQL_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def skip_reason() -> str | None:
    """Why Virtuoso tests cannot run here (None when they can)."""
    if virtuoso_binary() is None:
        return ("virtuoso-t is not installed (Debian: apt-get install virtuoso-opensource, "
                "or run scripts/install-test-deps.sh)")
    if isql_binary() is None:
        return "isql-vt (Virtuoso's SQL client, Debian package virtuoso-opensource-7-bin) is not installed"
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class VirtuosoServer:
    """One Virtuoso process with its database in ``workdir``; stopped (and its files kept) by :meth:`stop`."""

    def __init__(self, workdir: Path, *, memory_gb: float = 1.0, start_timeout: float = 120.0) -> None:
        self.workdir = Path(workdir).resolve()
        self.db_dir = self.workdir / "db"
        self.load_dir = self.workdir / "load"
        self.sql_port = free_port()
        self.http_port = free_port()
        while self.http_port == self.sql_port:
            self.http_port = free_port()
        # Virtuoso's rule of thumb: about 85,000 8 KB buffers per GB given to it.
        self.buffers = max(10_000, int(85_000 * memory_gb))
        self.start_timeout = start_timeout
        self.process: subprocess.Popen[bytes] | None = None
        self.started_in: float | None = None

    # ---- lifecycle -------------------------------------------------------------------------
    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql"

    @property
    def auth_endpoint(self) -> str:
        """The SPARQL endpoint that accepts updates (digest auth as dba)."""
        return f"http://127.0.0.1:{self.http_port}/sparql-auth"

    @property
    def gsp_endpoint(self) -> str:
        """The SPARQL 1.1 Graph Store HTTP Protocol endpoint (digest auth as dba)."""
        return f"http://127.0.0.1:{self.http_port}/sparql-graph-crud-auth"

    @property
    def log(self) -> Path:
        return self.db_dir / "virtuoso.log"

    def start(self) -> VirtuosoServer:
        binary = virtuoso_binary()
        if binary is None:
            raise VirtuosoError(skip_reason() or "virtuoso-t not found")
        for folder in (self.db_dir, self.load_dir, self.db_dir / "vsp"):
            folder.mkdir(parents=True, exist_ok=True)
        ini = self.db_dir / "virtuoso.ini"
        ini.write_text(INI.format(dir=self.db_dir, load_dir=self.load_dir, sql_port=self.sql_port,
                                  http_port=self.http_port, buffers=self.buffers,
                                  dirty_buffers=self.buffers * 3 // 4, max_rows=RESULT_SET_MAX_ROWS),
                       encoding="utf-8")
        started = time.perf_counter()
        self._stdout = (self.db_dir / "stdout.log").open("wb")
        self.process = subprocess.Popen([binary, "+foreground", "+configfile", str(ini)], cwd=self.db_dir,
                                        stdout=self._stdout, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        try:
            self._wait_ready(started)
        except BaseException:
            self.stop()
            raise
        self.started_in = time.perf_counter() - started
        return self

    def _wait_ready(self, started: float) -> None:
        probe = f"{self.endpoint}?query=ASK%7B%7D&format=json"
        while True:
            if self.process is not None and self.process.poll() is not None:
                raise VirtuosoError(f"virtuoso-t exited with {self.process.returncode}:\n{self._log_tail()}")
            try:
                with urllib.request.urlopen(probe, timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            if time.perf_counter() - started > self.start_timeout:
                raise VirtuosoError(f"Virtuoso did not answer within {self.start_timeout:.0f} s:\n{self._log_tail()}")
            time.sleep(0.2)

    def _log_tail(self, lines: int = 30) -> str:
        texts = []
        for path in (self.log, self.db_dir / "stdout.log"):
            if path.exists():
                texts.append("\n".join(path.read_text(errors="replace").splitlines()[-lines:]))
        return "\n".join(texts)

    def stop(self, timeout: float = 30.0) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            try:
                self.isql("shutdown();", timeout=timeout)
                self.process.wait(timeout=timeout)
            except (VirtuosoError, subprocess.TimeoutExpired):
                self.process.terminate()
                try:
                    self.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
        self.process = None
        self._stdout.close()

    def __enter__(self) -> VirtuosoServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # ---- SQL -------------------------------------------------------------------------------
    def isql(self, sql: str, *, timeout: float = 3600.0) -> str:
        """Run SQL statements through isql-vt as dba; raises on any ``*** Error``."""
        isql = isql_binary()
        if isql is None:
            raise VirtuosoError(skip_reason() or "isql-vt not found")
        done = subprocess.run([isql, f"127.0.0.1:{self.sql_port}", "dba", PASSWORD, "VERBOSE=OFF",
                               "BANNER=OFF", "PROMPT=OFF", "ECHO=OFF", "ERRORS=STDOUT"],
                              input=sql.encode(), capture_output=True, timeout=timeout)
        out = done.stdout.decode(errors="replace") + done.stderr.decode(errors="replace")
        if done.returncode != 0 or "*** Error" in out:
            raise VirtuosoError(f"isql failed ({done.returncode}) on {sql[:200]!r}:\n{out[-2000:]}")
        return out

    def bulk_load(self, files: Iterable[Path], default_graph: str = "urn:policykg:default") -> int:
        """Bulk-load N-Quads / N-Triples / Turtle files (ld_dir + rdf_loader_run + checkpoint).

        Files are copied into the server's load folder (the one in ``DirsAllowed``). Triples
        without a graph go to ``default_graph``. Returns the number of files loaded.
        """
        batch = self.load_dir / f"batch-{time.time_ns()}"
        batch.mkdir()
        names = []
        for path in files:
            target = batch / Path(path).name
            shutil.copyfile(path, target)
            names.append(target.name)
        if not names:
            return 0
        self.isql(f"ld_dir('{batch}', '*', '{default_graph}');\nrdf_loader_run();\ncheckpoint;\n")
        errors = self.isql(f"SELECT ll_file, ll_error FROM DB.DBA.load_list "
                           f"WHERE ll_file LIKE '{batch}/%' AND ll_error IS NOT NULL;")
        if str(batch) in errors:
            raise VirtuosoError(f"bulk load errors:\n{errors}")
        return len(names)

    def store(self, **kwargs: object):  # noqa: ANN201 (graph.store.remote.SparqlStore)
        """A :class:`graph.store.remote.SparqlStore` on this server (updates as dba)."""
        from graph.store.remote import SparqlStore

        return SparqlStore(self.endpoint, update_endpoint=self.auth_endpoint, gsp_endpoint=self.gsp_endpoint,
                           user="dba", password=PASSWORD, **kwargs)
