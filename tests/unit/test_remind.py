"""`backrelief remind`: the systemd user units it writes (checked by systemd-analyze), install, uninstall, status."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from backrelief_tui.commands import main
from backrelief_tui.commands.remind import backrelief_command, service_text, timer_text, unit_paths


@pytest.fixture(autouse=True)
def config(tmp_path, monkeypatch):
    monkeypatch.setenv("BACKRELIEF_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg"


@pytest.fixture
def fake_bin(tmp_path, monkeypatch):
    """A fake `systemctl` (logs its arguments; `is-active` says active) and `notify-send`, alone on PATH."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "systemctl.log"
    (bin_dir / "systemctl").write_text(
        "#!/bin/sh\n"
        f'echo "$*" >> "{log}"\n'
        'if [ "$2" = show-environment ] && [ -n "$NO_USER_SESSION" ]; then\n'
        '  echo "Failed to connect to bus: No medium found" >&2; exit 1; fi\n'
        'if [ "$2" = is-active ]; then echo active; fi\n')
    (bin_dir / "notify-send").write_text("#!/bin/sh\nexit 0\n")
    for program in bin_dir.iterdir():
        program.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("DISPLAY", ":0")
    return log


def calls(log: Path) -> list[str]:
    return log.read_text().splitlines() if log.exists() else []


# -- the unit files ---------------------------------------------------------------------------------


def test_dry_run_prints_the_units_and_commands_and_changes_nothing(capsys, config, tmp_path):
    assert main(["remind", "install", "--dry-run"]) == 0
    out = capsys.readouterr().out
    service, timer = unit_paths()
    assert service == config / "systemd" / "user" / "backrelief-nudge.service"
    assert f"# {service}\n" in out and f"# {timer}\n" in out
    assert "ExecStart=" + " ".join(backrelief_command()) + " due --notify\n" in out
    assert f'Environment="BACKRELIEF_HOME={tmp_path / "home"}"' in out
    assert "OnCalendar=*:0/5\n" in out and "WantedBy=timers.target\n" in out
    assert "systemctl --user daemon-reload\nsystemctl --user enable --now backrelief-nudge.timer\n" in out
    assert not service.exists() and not timer.exists()


def test_the_command_is_this_backrelief_by_absolute_path(monkeypatch, tmp_path):
    script = tmp_path / "venv" / "bin" / "backrelief"
    script.parent.mkdir(parents=True)
    script.write_text("#!/bin/sh\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.argv", ["venv/bin/backrelief", "remind", "install"])
    assert backrelief_command() == [str(script)]
    monkeypatch.setattr("sys.argv", ["/somewhere/__main__.py"])
    command = backrelief_command()
    assert Path(command[0]).is_absolute() and command[1:] == ["-m", "backrelief_tui"]


def test_awkward_paths_and_values_are_quoted_for_systemd():
    text = service_text(['/opt/my apps/back%relief$x'], {"BACKRELIEF_HOME": '/data/"quoted" 100%'})
    assert 'ExecStart="/opt/my apps/back%%relief$$x" due --notify\n' in text
    assert 'Environment="BACKRELIEF_HOME=/data/\\"quoted\\" 100%%"\n' in text


def _verify(folder: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700, exist_ok=True)
    return subprocess.run(
        ["systemd-analyze", "--user", "verify", str(folder / "backrelief-nudge.service"),
         str(folder / "backrelief-nudge.timer")],
        capture_output=True, text=True, env={**os.environ, "XDG_RUNTIME_DIR": str(runtime)}, timeout=60)


@pytest.mark.skipif(shutil.which("systemd-analyze") is None,
                    reason="systemd-analyze is missing (Debian package: systemd)")
@pytest.mark.parametrize("awkward", [False, True])
def test_the_units_pass_systemd_analyze_verify(tmp_path, awkward):
    folder = tmp_path / "units"
    folder.mkdir()
    command = backrelief_command()
    if awkward:  # a path with a space and a percent sign must survive systemd's quoting
        program = tmp_path / "my apps" / "back%relief"
        program.parent.mkdir()
        program.write_text("#!/bin/sh\n")
        program.chmod(0o755)
        command = [str(program)]
    (folder / "backrelief-nudge.service").write_text(service_text(command, {"BACKRELIEF_HOME": "/tmp/a b%"}))
    (folder / "backrelief-nudge.timer").write_text(timer_text())
    result = _verify(folder, tmp_path)
    assert result.returncode == 0 and result.stderr == "", result.stderr


@pytest.mark.skipif(shutil.which("systemd-analyze") is None,
                    reason="systemd-analyze is missing (Debian package: systemd)")
def test_systemd_analyze_would_catch_a_broken_unit(tmp_path):
    folder = tmp_path / "units"
    folder.mkdir()
    (folder / "backrelief-nudge.service").write_text(service_text(["/nonexistent/backrelief"], {}))
    (folder / "backrelief-nudge.timer").write_text(timer_text())
    result = _verify(folder, tmp_path)
    assert result.returncode != 0 and "/nonexistent/backrelief" in result.stderr


# -- install, status, uninstall ---------------------------------------------------------------------


def test_install_status_uninstall(capsys, fake_bin):
    assert main(["remind", "status"]) == 1
    assert capsys.readouterr().out == "Reminders are not installed (backrelief remind install).\n"
    assert main(["remind", "install"]) == 0
    assert capsys.readouterr().out.startswith("Reminders on: every 5 minutes backrelief-nudge.timer runs")
    service, timer = unit_paths()
    assert service.read_text() == service_text(backrelief_command(), dict(os.environ))
    assert timer.read_text() == timer_text()
    assert calls(fake_bin) == ["--user show-environment", "--user daemon-reload",
                               "--user enable --now backrelief-nudge.timer"]
    assert main(["remind", "status"]) == 0
    assert capsys.readouterr().out.startswith("Reminders are installed and active")
    assert main(["remind", "uninstall", "--dry-run"]) == 0
    assert capsys.readouterr().out == (f"systemctl --user disable --now backrelief-nudge.timer\nrm {service}\n"
                                       f"rm {timer}\nsystemctl --user daemon-reload\n")
    assert service.exists()
    assert main(["remind", "uninstall"]) == 0
    assert not service.exists() and not timer.exists()
    assert calls(fake_bin)[-2:] == ["--user disable --now backrelief-nudge.timer", "--user daemon-reload"]
    assert main(["remind", "uninstall"]) == 0
    assert capsys.readouterr().out.endswith("Reminders are not installed; nothing to remove.\n")


def test_status_notices_a_command_that_is_gone(capsys, fake_bin):
    service, timer = unit_paths()
    service.parent.mkdir(parents=True)
    service.write_text(service_text(["/gone/venv/bin/backrelief"], {}))
    timer.write_text(timer_text())
    assert main(["remind", "status"]) == 1
    assert "their command /gone/venv/bin/backrelief no longer exists" in capsys.readouterr().out


@pytest.mark.parametrize(("setup", "reason"), [
    ("no systemctl", "there is no systemd user session here"),
    ("no user session", "there is no systemd user session here"),
    ("no desktop", "there is no desktop session here"),
    ("no notify-send", "notify-send is missing (Debian, Ubuntu: install libnotify-bin"),
])
def test_install_where_it_cannot_work_says_so_in_one_line(capsys, fake_bin, monkeypatch, tmp_path, setup, reason):
    bin_dir = tmp_path / "bin"
    if setup == "no systemctl":
        (bin_dir / "systemctl").unlink()
    elif setup == "no user session":
        monkeypatch.setenv("NO_USER_SESSION", "1")
    elif setup == "no desktop":
        for name in ("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS"):
            monkeypatch.delenv(name, raising=False)
    else:
        (bin_dir / "notify-send").unlink()
    assert main(["remind", "install"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"backrelief: no desktop reminders: {reason}")
    assert "#(backrelief due --format tmux)" in err and "backrelief due --format prompt" in err
    assert not unit_paths()[0].exists()
    assert main(["remind", "install", "--dry-run"]) == 0
    assert f"# on this machine install would stop here: {reason}" in capsys.readouterr().out


def test_a_failing_systemctl_is_one_line(capsys, fake_bin, tmp_path):
    (tmp_path / "bin" / "systemctl").write_text(
        '#!/bin/sh\nif [ "$2" = enable ]; then echo "Failed to enable unit: Access denied" >&2; exit 1; fi\n')
    assert main(["remind", "install"]) == 1
    assert capsys.readouterr().err == ("backrelief: systemctl --user enable --now backrelief-nudge.timer failed: "
                                       "Failed to enable unit: Access denied\n")
