"""Benchmark of the books audit (LL-CRD-003's evidence) by every engine: time as a multiple of
csv.reader on the same file in the same run, peak RSS and peak temporary disk.

For each size (default 1M rows; ``--rows 1000000,10000000``) a realistic clean ledger is generated
(bench_ledger.generate: users pay, earn and withdraw to the paying card within the bound, 3 % of
rows failed) in time order, and a shuffled copy. Then, each in its own child process:

- ``csv.reader``: the floor -- Python's csv module alone iterating the file;
- ``golive check``: the real command path (examples/golive.yaml, ``--ledger``, only LL-CRD-003):
  config, keys, the ledger gatherer running DuckDB (the default engine) and the check;
- ``duckdb``: the engine alone (golive.books.run.audit_books), with ``evidence.ledger_memory_mb``
  (default 512) as its memory cap;
- ``python``: the streaming Python auditor (``evidence.ledger_engine: python``);
- ``postgresql``: the rule pushed down to a real PostgreSQL server started from the machine's
  binaries (the books loaded with COPY first, not timed); the child only sends SQL and reads the
  findings, so its RSS is small -- the server's memory is its own (work_mem etc. at defaults).

Peak RSS is the child's own high-water mark (VmHWM, Python interpreter and imports included; the
rusage ru_maxrss of ``os.wait4`` would start from the parent's RSS at fork, which Linux carries
across exec). Temporary disk is the peak size of the child's private TMPDIR
(DuckDB's spill files, the Python re-sort's runs), polled every 50 ms; for PostgreSQL, of the
server's pgsql_tmp. Ratios divide by csv.reader's time on the same file measured in the same run:
each engine's floor is measured right before it, since the machine's load changes from minute to
minute and the ratio much less. Prints figures; asserts
nothing.

Run it from the repository root: the children import the ``golive`` that Python finds there (the
source tree, or the installed package when run elsewhere); the first line printed says which.

    python bench/bench_books.py [--rows 1000000,10000000] [--engines check,duckdb,python,postgresql]
                                [--memory-mb 512] [--data DIR (keep the generated files)]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench_ledger import generate, shuffled_copy  # bench/ is on sys.path when run as a script

_CHILD = r"""
import json, sys, time
mode, path = sys.argv[1], sys.argv[2]
started = time.perf_counter()
out = {}
if mode == "csv":
    import csv
    with open(path, newline="", encoding="utf-8") as source:
        out["rows"] = sum(1 for _ in csv.reader(source)) - 1
elif mode == "check":
    from importlib.resources import files
    from pathlib import Path
    from golive.engine import RunOptions, run_check
    config = Path(str(files("golive.examples") / "golive.yaml"))
    result = run_check(RunOptions(config_path=config, ledger=path, select={"LL-CRD-003"}))
    check = next(c for c in result["checks"] if c["id"] == "LL-CRD-003")
    out.update(status=check["status"], findings=len(check["findings"]), evidence=check["evidence"][:1],
               gather_s=result["provenance"]["timings_s"].get("gather_ledger_s"))
elif mode in ("duckdb", "python"):
    from pathlib import Path
    from golive.books.run import LedgerSpec, audit_books
    audit = audit_books(LedgerSpec(display=path, path=Path(path), engine=mode, memory_mb=int(sys.argv[3])))
    value = audit.to_evidence()
    out.update(rows=value["rows"], violations=value["violations"], broken=value["broken_rows"], order=value["order"])
elif mode == "postgresql":
    from golive.books.database import DatabaseSource, audit_database
    audit = audit_database(DatabaseSource(dsn=sys.argv[3], table="books", columns={"line": "line"}, timeout_s=3600))
    value = audit.to_evidence()
    out.update(rows=value["rows"], violations=value["violations"], broken=value["broken_rows"])
out["seconds"] = time.perf_counter() - started
with open("/proc/self/status") as status:  # this process's own high-water mark (reset by exec)
    out["hwm_kib"] = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
if mode != "csv":
    import golive
    out["golive"] = golive.__file__
print(json.dumps(out))
"""


def _tree_bytes(root: Path) -> int:
    total = 0
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            try:
                total += os.stat(os.path.join(dirpath, name)).st_blocks * 512
            except OSError:
                pass
    return total


def child(mode: str, path: Path, *extra: str, watch: Path | None = None) -> dict[str, Any]:
    """Run one measurement in a fresh process: its JSON, plus its peak RSS (MiB) and the peak size of
    its temporary directory (or of `watch`) in MiB."""
    tmp = Path(tempfile.mkdtemp(prefix="golive-bench-tmp-"))
    env = {**os.environ, "TMPDIR": str(tmp)}
    peak = [0]
    done = threading.Event()

    def poll() -> None:
        where = watch or tmp
        while not done.is_set():
            peak[0] = max(peak[0], _tree_bytes(where))
            done.wait(0.05)

    watcher = threading.Thread(target=poll, daemon=True)
    outputs = tmp.parent / f"{tmp.name}.out", tmp.parent / f"{tmp.name}.err"
    with outputs[0].open("w") as stdout, outputs[1].open("w") as stderr:
        process = subprocess.Popen([sys.executable, "-c", _CHILD, mode, str(path), *extra], cwd=os.getcwd(), env=env,
                                   stdout=stdout, stderr=stderr)
        watcher.start()
        _pid, status, usage = os.wait4(process.pid, 0)  # this child's own rusage: its peak RSS alone
    process.returncode = os.waitstatus_to_exitcode(status)
    done.set()
    watcher.join()
    out, err = (o.read_text(encoding="utf-8", errors="replace") for o in outputs)
    for o in outputs:
        o.unlink()
    shutil.rmtree(tmp, ignore_errors=True)
    if process.returncode != 0:
        raise SystemExit(f"{mode} failed on {path}:\n{err[-3000:]}")
    figures: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    # ru_maxrss of wait4 is this child's alone but starts from the parent's RSS at fork (Linux keeps
    # the high-water mark across exec): the child's own VmHWM is reported, ru_maxrss kept beside it.
    figures["rss_mib"] = figures.get("hwm_kib", usage.ru_maxrss) / 1024
    figures["ru_maxrss_mib"] = usage.ru_maxrss / 1024
    figures["temp_mib"] = peak[0] / 2**20
    return figures


# -- PostgreSQL --------------------------------------------------------------------------------------

def _pg_bin(name: str) -> str | None:
    import glob

    found = shutil.which(name)
    if found:
        return found
    for candidate in (f"/usr/local/bin/{name}", *sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)):
        if os.access(candidate, os.X_OK):
            return candidate
    return None


class Postgres:
    """A throw-away server on 127.0.0.1 (as the tests start it: tests/pg_support.py)."""

    def __init__(self) -> None:
        import pwd

        self.initdb, self.pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
        if not self.initdb or not self.pg_ctl:
            raise RuntimeError("no PostgreSQL binaries")
        self.prefix: list[str] = []
        self.base = Path(tempfile.mkdtemp(prefix="golive-bench-pg-"))
        if os.geteuid() == 0:
            self.prefix = ["runuser", "-u", "postgres", "--"]
            entry = pwd.getpwnam("postgres")
            os.chown(self.base, entry.pw_uid, entry.pw_gid)
        self.data = self.base / "data"
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = int(s.getsockname()[1])
        self.env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
        subprocess.run([*self.prefix, self.initdb, "-D", str(self.data), "-U", "golive", "-A", "trust", "-E", "UTF8",
                        "--no-sync"], check=True, capture_output=True, env=self.env)
        options = (f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.base} "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
        subprocess.run([*self.prefix, self.pg_ctl, "-D", str(self.data), "-o", options, "-l", str(self.base / "log"),
                        "-w", "-t", "60", "start"], check=True, capture_output=True, env=self.env)
        self.dsn = f"postgresql+psycopg://golive@127.0.0.1:{self.port}/postgres"

    def load(self, ledger: Path) -> float:
        import psycopg

        started = time.perf_counter()
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=golive dbname=postgres") as db:
            db.execute("DROP TABLE IF EXISTS books")
            db.execute("CREATE TABLE books (line BIGINT GENERATED ALWAYS AS IDENTITY (START WITH 2), user_id TEXT, "
                       "kind TEXT, no_order TEXT, amount TEXT, card TEXT, time TEXT, status TEXT)")
            with db.cursor() as cursor, cursor.copy("COPY books (user_id, kind, no_order, amount, card, time, status) "
                                                    "FROM STDIN (FORMAT csv, HEADER true)") as copy, ledger.open("rb") as f:
                while block := f.read(1 << 20):
                    copy.write(block)
            db.execute("ANALYZE books")
        return time.perf_counter() - started

    def temp_dir(self) -> Path:
        return self.data / "base" / "pgsql_tmp"

    def stop(self) -> None:
        subprocess.run([*self.prefix, self.pg_ctl, "-D", str(self.data), "-m", "immediate", "-w", "stop"],
                       capture_output=True, env=self.env)
        shutil.rmtree(self.base, ignore_errors=True)


# -- the run -------------------------------------------------------------------------------------------

def line(label: str, figures: dict[str, Any], floor: float) -> str:
    seconds = float(figures["seconds"])
    extra = ""
    if "status" in figures:
        evidence = (figures.get("evidence") or [{}])[0]
        extra = (f"; LL-CRD-003 {figures['status']}, {figures['findings']} findings, {evidence.get('rows', '?')} rows "
                 f"(gather {float(figures.get('gather_s') or 0):.2f} s)")
    elif "violations" in figures:
        extra = f"; {figures['rows']} rows, {figures['violations']} violations, {figures['broken']} broken"
    return (f"  {label:11s} {seconds:7.2f} s  {seconds / floor:5.2f} x csv.reader ({floor:5.2f} s)   "
            f"peak RSS {figures['rss_mib']:7.1f} MiB"
            f"   temp disk {figures['temp_mib']:7.1f} MiB{extra}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", default="1000000", help="comma-separated sizes (default 1000000)")
    parser.add_argument("--users", type=int, default=0, help="users (default rows / 20)")
    parser.add_argument("--engines", default="check,duckdb,python,postgresql")
    parser.add_argument("--memory-mb", type=int, default=512, help="DuckDB's memory cap (evidence.ledger_memory_mb)")
    parser.add_argument("--data", help="keep the generated ledgers here and reuse them")
    args = parser.parse_args()
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    keep = Path(args.data) if args.data else None
    work = keep or Path(tempfile.mkdtemp(prefix="golive-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    pg = None
    printed_golive = False
    summary: list[str] = []
    try:
        for rows in (int(r) for r in args.rows.split(",")):
            users = args.users or max(1000, rows // 20)
            ordered, shuffled = work / f"ledger-{rows}.csv", work / f"ledger-{rows}-shuffled.csv"
            if not (ordered.exists() and shuffled.exists()):
                started = time.perf_counter()
                generate(ordered, rows, users)
                shuffled_copy(ordered, shuffled)
                print(f"generated {rows:,} rows ({users:,} users, {ordered.stat().st_size / 1e6:.0f} MB) in "
                      f"{time.perf_counter() - started:.0f} s", flush=True)
            for label, path in (("in order", ordered), ("shuffled", shuffled)):
                # The floor is measured right before each engine, on the same file: the machine's load
                # changes from minute to minute, and each ratio divides by the floor of its moment.
                print(f"{rows:,} rows {label}:", flush=True)
                for engine in engines:
                    if engine == "postgresql":
                        continue
                    floor = float(child("csv", path)["seconds"])
                    extra = (str(args.memory_mb),) if engine in ("duckdb", "python") else ()
                    figures = child(engine, path, *extra)
                    if not printed_golive:
                        print(f"  (golive imported from {figures.get('golive')})")
                        printed_golive = True
                    print(line(engine if engine != "check" else "golive check", figures, floor), flush=True)
                    summary.append(f"{rows:>10,} {label:8s} {engine:11s} {float(figures['seconds']) / floor:5.2f} x "
                                   f"csv.reader  {figures['rss_mib']:7.1f} MiB RSS  {figures['temp_mib']:7.1f} MiB temp")
                if "postgresql" in engines:
                    try:
                        pg = pg or Postgres()
                    except (RuntimeError, subprocess.CalledProcessError, KeyError) as exc:
                        print(f"  postgresql  skipped: {exc}")
                        engines.remove("postgresql")
                        continue
                    loaded = pg.load(path)
                    floor = float(child("csv", path)["seconds"])
                    figures = child("postgresql", path, pg.dsn, watch=pg.temp_dir())
                    print(line("postgresql", figures, floor) + f" (COPY load {loaded:.0f} s, not counted)", flush=True)
                    summary.append(f"{rows:>10,} {label:8s} {'postgresql':11s} {float(figures['seconds']) / floor:5.2f} x "
                                   f"csv.reader  {figures['rss_mib']:7.1f} MiB RSS  {figures['temp_mib']:7.1f} MiB temp "
                                   "(server's pgsql_tmp)")
        print("\nsummary (time as a multiple of csv.reader on the same file, same run):")
        print("\n".join(summary))
    finally:
        if pg is not None:
            pg.stop()
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
