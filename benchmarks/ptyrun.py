"""Run a program in a pseudo-terminal of a fixed size, as a person's terminal would.

Textual only renders for real when it has a terminal; CI has none, so the benchmarks
give each program a pty of its own and keep reading its output (a full pty buffer would
stall the program and spoil the timing).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import signal
import struct
import termios
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class PtyProcess:
    pid: int
    fd: int
    started: float  # perf_counter() just before the fork
    output: bytearray = field(default_factory=bytearray)
    chunks: list[tuple[float, int]] = field(default_factory=list)  # (seconds after start, bytes) per read
    marks: dict[bytes, float] = field(default_factory=dict)  # marker -> seconds after start it appeared
    status: int | None = None
    rusage: object | None = None
    peak_rss: float = 0.0  # MB: the last VmHWM read while the child was alive

    def pump(self, timeout: float, markers: tuple[bytes, ...] = ()) -> None:
        """Read output for up to `timeout` seconds, noting when each marker first shows."""
        deadline = time.perf_counter() + timeout
        while self.status is None:
            left = deadline - time.perf_counter()
            if left <= 0:
                return
            ready, _, _ = select.select([self.fd], [], [], min(left, 0.05))
            if ready:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:  # EIO: the child closed the terminal
                    chunk = b""
                self._sample_rss()
                if chunk:
                    self.output += chunk
                    now = time.perf_counter() - self.started
                    self.chunks.append((now, len(chunk)))
                    for marker in markers:
                        if marker not in self.marks and marker in self.output:
                            self.marks[marker] = now
            self.poll()

    def poll(self) -> bool:
        """True once the child has exited (its status and rusage are then kept)."""
        if self.status is None:
            pid, status, rusage = os.wait4(self.pid, os.WNOHANG)
            if pid:
                self.status, self.rusage = status, rusage
                self.ended = time.perf_counter() - self.started
        return self.status is not None

    def wait(self, timeout: float) -> bool:
        self.pump(timeout)
        return self.poll()

    def cpu_seconds(self) -> float:
        """User + system CPU time so far, from /proc (Linux)."""
        with open(f"/proc/{self.pid}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime

    def thread_cpu(self) -> dict[str, int] | None:
        """Each live thread's time on a CPU so far, in nanoseconds (`/proc/<pid>/task/*/schedstat`); None
        where Linux does not say. Exact, where `cpu_seconds` counts in 10 ms ticks."""
        try:
            tasks = os.listdir(f"/proc/{self.pid}/task")
        except OSError:
            return None
        times = {}
        for task in tasks:
            try:
                with open(f"/proc/{self.pid}/task/{task}/schedstat", "rb") as schedstat:
                    times[task] = int(schedstat.read().split()[0])
            except (FileNotFoundError, ProcessLookupError):  # a thread that ended just now
                continue
            except (OSError, ValueError, IndexError):
                return None
        return times or None

    def peak_rss_mb(self) -> float:
        """The resident set's high-water mark (VmHWM) in MB, as last seen while it ran.

        Not `ru_maxrss` from wait4: that counts the benchmark's own memory, which the child
        shares between fork and exec; VmHWM starts afresh at exec.
        """
        self._sample_rss()
        return self.peak_rss

    def _sample_rss(self) -> None:
        try:
            with open(f"/proc/{self.pid}/status") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        self.peak_rss = max(self.peak_rss, int(line.split()[1]) / 1024)
                        return
        except OSError:  # gone (or a zombie without memory figures)
            pass

    def send(self, data: bytes) -> None:
        os.write(self.fd, data)

    def stop(self) -> None:
        """End the child (and anything it started) and reap it."""
        if not self.poll():
            for sig in (signal.SIGTERM, signal.SIGKILL):
                try:
                    os.killpg(self.pid, sig)
                except ProcessLookupError:
                    break
                if self.wait(2.0):
                    break
        with contextlib.suppress(OSError):
            os.close(self.fd)


def spawn(argv: list[str], *, env: dict[str, str], size: tuple[int, int] = (100, 30),
          cwd: str | None = None, before_exec: Callable[[], None] | None = None) -> PtyProcess:
    """Start `argv` on a new pty of `size` (columns, rows), in its own process group."""
    started = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # the child
        try:
            columns, rows = size
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
            if cwd:
                os.chdir(cwd)
            os.execvpe(argv[0], argv, env)
        finally:
            os._exit(127)
    return PtyProcess(pid=pid, fd=fd, started=started)


BURST_GAP = 0.05  # output this close together is one repaint (Textual writes a frame in one go)


@dataclass(frozen=True)
class Usage:
    """What a program cost over a window: CPU, terminal output, and repaints (bursts of output)."""

    cpu_percent: float
    bytes_per_s: float
    repaints_per_s: float
    cpu_percent_ticks: float  # the same from /proc/<pid>/stat alone, in 10 ms ticks (for comparison)


def bursts(chunks: list[tuple[float, int]], since: float, until: float, gap: float = BURST_GAP) -> int:
    """How many bursts of output (reads less than `gap` apart) fell between `since` and `until`."""
    count, last = 0, None
    for when, _size in chunks:
        if since <= when < until:
            if last is None or when - last >= gap:
                count += 1
            last = when
    return count


def measure(processes: dict[str, PtyProcess], seconds: float) -> dict[str, Usage]:
    """CPU, bytes written to the terminal and repaints of each process over the same `seconds`.

    Keeps reading every pty meanwhile (a full pty buffer would stall its program). The
    bytes are what the program wrote to its terminal: for a countdown, a proxy for how
    much of the screen each tick repaints.

    CPU is the threads' own time on a CPU (`thread_cpu`, nanoseconds): `/proc/<pid>/stat`
    counts user and system time in 10 ms ticks, each truncated, and a countdown costs only
    ~25 ticks a minute, so a ratio of two such counts moves by up to ±15 % from the
    truncation alone. When a thread that was there at the start has ended by the end (its
    time is no longer listed), the ticks are used for that process; `cpu_percent_ticks`
    always has them.
    """
    start_cpu = {name: process.cpu_seconds() for name, process in processes.items()}
    start_threads = {name: process.thread_cpu() for name, process in processes.items()}
    start_bytes = {name: len(process.output) for name, process in processes.items()}
    since = {name: time.perf_counter() - process.started for name, process in processes.items()}
    began = time.perf_counter()
    while time.perf_counter() - began < seconds:
        for process in processes.values():
            process.pump(0.02)
    elapsed = time.perf_counter() - began
    usage = {}
    for name, process in processes.items():
        ticks = process.cpu_seconds() - start_cpu[name]
        before, after = start_threads[name], process.thread_cpu()
        exact = ticks
        if before is not None and after is not None and before.keys() <= after.keys():  # no thread went missing
            exact = (sum(after.values()) - sum(before.values())) / 1e9
        usage[name] = Usage(
            cpu_percent=exact / elapsed * 100,
            bytes_per_s=(len(process.output) - start_bytes[name]) / elapsed,
            repaints_per_s=bursts(process.chunks, since[name], since[name] + elapsed) / elapsed,
            cpu_percent_ticks=ticks / elapsed * 100,
        )
    return usage
