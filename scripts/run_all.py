"""Run the whole assistant (``make run``): action server, Rasa and the web chat; Ctrl-C stops all.

    python scripts/run_all.py            # actions :5055, Rasa :5005, web chat :8080
    python scripts/run_all.py --shell    # action server + `rasa shell` on the command line

Before starting, the knowledge base is built (``python -m scamcheck.build``) and the model is
trained if its inputs changed (``tooling/model.py``). Server logs go to build/logs/.

Everything started here stops together on Ctrl-C (SIGINT), on SIGTERM (a supervisor, a container
runtime, or ``make`` passing on its own SIGTERM) and on SIGHUP (the terminal was closed). If this
launcher is re-parented because whatever ran it has gone, it stops too; if it is killed outright
(SIGKILL), the kernel sends every server SIGTERM (``StackConfig.die_with_parent``).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from tooling.model import TrainingError, ensure_model  # noqa: E402
from tooling.ports import RUN_PORTS, Ports  # noqa: E402
from tooling.processes import StackError, base_env, tail  # noqa: E402
from tooling.stack import Stack, StackConfig  # noqa: E402

WECHAT_ENTRY = "channels.wechat.WeChatInput"


def ensure_knowledge_base() -> None:
    """Build the SQLite knowledge base from knowledge/*.yaml if it changed."""
    subprocess.run([sys.executable, "-m", "scamcheck.build"], cwd=ROOT, check=True)


def wechat_status(credentials: Path, rasa_url: str) -> str:
    """One line saying whether the WeChat webhook is served (it is when WECHAT_TOKEN is set)."""
    entries: dict[str, Any] = {}
    if credentials.exists():
        entries = yaml.safe_load(credentials.read_text(encoding="utf-8")) or {}
    if WECHAT_ENTRY not in entries:
        return f"WeChat: off ({WECHAT_ENTRY} is not in {credentials.name})"
    try:
        from channels.wechat.settings import WeChatSettings

        return WeChatSettings.from_sources(entries[WECHAT_ENTRY]).describe(rasa_url)
    except Exception as error:  # noqa: BLE001 (a status line must never stop the launcher)
        return f"WeChat: misconfigured ({error})"


def banner(stack: Stack) -> str:
    """What to tell the person who ran `make run`."""
    urls = stack.urls
    model = stack.config.model
    endpoints = ("endpoints.yml" if stack.config.ports.actions == RUN_PORTS.actions
                 else stack.endpoints_path)
    try:
        model = model.relative_to(ROOT)
    except ValueError:
        pass
    return "\n".join([
        "",
        "The loan scam assistant is running.",
        f"  Web chat:      {urls.web}/   <- open this in your browser",
        f"  Embed example: {urls.web}/embed-example.html",
        f"  REST channel:  curl -s {urls.rest} -d '{{\"sender\": \"me\", \"message\": \"hello\"}}'",
        "  Command line:  in another terminal, .venv/bin/rasa shell --model "
        f"{model} --endpoints {endpoints} --port {stack.config.ports.rasa + 1}",
        "                 (or stop this and run `make shell`)",
        f"  {wechat_status(stack.config.credentials, urls.rasa)}",
        f"  Logs:          {stack.config.log_dir.relative_to(ROOT)}/"
        "{actions,rasa,webchat}.log",
        "Press Ctrl-C to stop everything.",
        "",
    ])


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class StopRequested(KeyboardInterrupt):
    """SIGINT, SIGTERM or SIGHUP arrived, or the launcher lost its parent: stop everything."""


def _stop_on_signal(signum: int, frame: FrameType | None) -> None:
    # The first signal starts the shutdown; later ones (a second Ctrl-C, SIGHUP after SIGTERM)
    # must not interrupt the clean-up half-way and leave servers behind.
    for sig in STOP_SIGNALS:
        signal.signal(sig, signal.SIG_IGN)
    raise StopRequested(signal.Signals(signum).name)


def install_stop_signals() -> None:
    """Turn SIGINT, SIGTERM and SIGHUP into :class:`StopRequested` in the main thread."""
    for sig in STOP_SIGNALS:
        signal.signal(sig, _stop_on_signal)


class ParentWatch:
    """Notices when this process is re-parented, i.e. whatever started it has gone."""

    def __init__(self) -> None:
        self._parent = os.getppid()

    def check(self) -> None:
        """Raise StopRequested when the original parent is gone."""
        if os.getppid() != self._parent:
            raise StopRequested("parent exited")


def start_analyst_view(port: int = 8001) -> subprocess.Popen[bytes] | None:
    """Datasette on the reports (read-only, login required) when a password is configured."""
    if not (os.environ.get("ANALYST_PASSWORD") or os.environ.get("ANALYST_PASSWORD_HASH")):
        print("Analyst view off: set ANALYST_PASSWORD to start it on port 8001.", flush=True)
        return None
    print(f"Analyst view (Datasette, login required): http://127.0.0.1:{port}/", flush=True)
    return subprocess.Popen([sys.executable, "-m", "reports.analyst", "--port", str(port)], cwd=ROOT)


def serve(config: StackConfig) -> int:
    """Start the servers (and the analyst view), report where they are, and wait for Ctrl-C."""
    stack = Stack(config)
    parent = ParentWatch()
    analyst = None
    try:
        print("Starting the action server, Rasa and the web chat (loading the model takes a "
              "little while)…", flush=True)
        stack.start()
        print(banner(stack), flush=True)
        analyst = start_analyst_view()
        while True:
            parent.check()
            for process in stack.processes:
                if not process.running():
                    print(f"The {process.name} server stopped unexpectedly. Last lines of "
                          f"{process.log_path}:\n{tail(process.log_path)}", file=sys.stderr)
                    return 1
            time.sleep(1)
    except StackError as error:
        print(error, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nStopping…", flush=True)
        return 0
    finally:
        if analyst is not None:
            analyst.terminate()
            analyst.wait(timeout=10)
        stack.close()
        print("Stopped.", flush=True)


def console_command(stack: Stack) -> list[str]:
    """`rasa shell` with the stack's options, through channels.console (text and buttons only)."""
    command = stack.shell_command()
    return [sys.executable, "-m", "channels.console", *command[command.index("shell") + 1:]]


def shell(config: StackConfig) -> int:
    """Start the action server and run `rasa shell` in this terminal."""
    config.rasa = False
    config.web = False
    stack = Stack(config)
    parent = ParentWatch()
    shell_process: subprocess.Popen[bytes] | None = None
    try:
        stack.start()
        print("Action server ready. Starting `rasa shell` (type /stop to quit)…", flush=True)
        # `rasa shell` stays in this terminal's process group (it reads the keyboard), so a
        # closed terminal sends it SIGHUP too; a SIGTERM sent to this launcher alone is passed on.
        shell_process = subprocess.Popen(console_command(stack), cwd=ROOT, env=base_env())
        while True:
            try:
                return shell_process.wait(timeout=1.0)
            except subprocess.TimeoutExpired:
                parent.check()
    except StackError as error:
        print(error, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        if shell_process is not None:
            _stop_shell(shell_process, config.stop_grace)
        stack.close()


def _stop_shell(process: subprocess.Popen[bytes], grace: float) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main(argv: list[str] | None = None) -> int:
    """Parse options, prepare the knowledge base and model, then serve or open the shell."""
    parser = argparse.ArgumentParser(description="Run the loan scam assistant.")
    parser.add_argument("--shell", action="store_true",
                        help="talk to the bot on the command line instead of serving it")
    parser.add_argument("--actions-port", type=int, default=RUN_PORTS.actions)
    parser.add_argument("--rasa-port", type=int, default=RUN_PORTS.rasa)
    parser.add_argument("--web-port", type=int, default=RUN_PORTS.web)
    parser.add_argument("--host", default="127.0.0.1",
                        help="interface the servers bind to (default: this machine only)")
    parser.add_argument("--public-host", default="localhost",
                        help="host name browsers use to reach the servers")
    parser.add_argument("--model", type=Path, help="model to load (default: train if needed)")
    args = parser.parse_args(argv)
    install_stop_signals()
    try:
        ensure_knowledge_base()
        model = args.model or ensure_model()
    except subprocess.CalledProcessError as error:
        print(f"Preparation failed ({' '.join(map(str, error.cmd))}).", file=sys.stderr)
        return 1
    except TrainingError as error:
        print(f"Preparation failed: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    config = StackConfig(
        model=model, ports=Ports(args.actions_port, args.rasa_port, args.web_port),
        host=args.host, public_host=args.public_host, die_with_parent=True,
    )
    return shell(config) if args.shell else serve(config)


if __name__ == "__main__":
    sys.exit(main())
