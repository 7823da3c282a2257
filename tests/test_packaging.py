"""The package as a user installs it: a wheel in a fresh virtual environment, used from an empty
directory. The wheel is built and installed once per session (shared by xdist workers); the
dependencies come from this environment so that nothing is downloaded.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import signal
import subprocess
import sys
import sysconfig
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "adding-a-provider.md"
KEY = "test-key"  # the reference relay's default key


@dataclass(frozen=True)
class Installed:
    venv: Path

    @property
    def bin(self) -> Path:
        return self.venv / "bin"

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "PYTHON"))}
        env["PATH"] = f"{self.bin}{os.pathsep}{env.get('PATH', '')}"
        env.pop("VIRTUAL_ENV", None)
        env.update(extra)
        return env

    def run(
        self, cwd: Path, *argv: str, timeout: float = 180, **env: str
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            argv,
            cwd=cwd,
            env=self.env(**env),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


def _sh(*argv: str) -> str:
    done = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=300)
    assert done.returncode == 0, f"{' '.join(argv)}\n{done.stdout}{done.stderr}"
    return done.stdout


def _build(into: Path) -> Path:
    """Build the wheel from a clean copy of the sources and install it into a new venv."""
    src = into / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("conformance", "specs"):
        shutil.copytree(ROOT / name, src / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    pip = (sys.executable, "-m", "pip", "--disable-pip-version-check", "-q")
    dist = into / "dist"
    _sh(*pip, "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", str(dist), str(src))
    (wheel,) = dist.glob("*.whl")
    venv = into / "venv"
    _sh(getattr(sys, "_base_executable", sys.executable), "-m", "venv", "--without-pip", str(venv))
    python = str(venv / "bin" / "python")
    purelib = _sh(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
    _sh(*pip, "--python", python, "install", "--no-deps", "--no-index", str(wheel))
    # The dependencies, from this environment (a path entry: its own .pth files, among them the
    # editable install of the checkout, are not processed there). Written after the install:
    # where this environment has the project installed (CI), pip would see it and skip the wheel.
    (Path(purelib.strip()) / "_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # one build for all workers
    where = shared / "installed-wheel"
    with open(shared / "installed-wheel.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (where / "venv" / "bin" / "conformance").exists():
            shutil.rmtree(where, ignore_errors=True)
            where.mkdir()
            _build(where)
    return Installed(where / "venv")


@pytest.fixture
def empty(tmp_path: Path) -> Path:
    directory = tmp_path / "empty"
    directory.mkdir()
    return directory


def test_every_package_directory_is_listed_in_pyproject() -> None:
    """The package list is explicit (the specs are one of them): a new package must be added."""
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "conformance").rglob("__init__.py")
    }
    assert found | {"conformance.builtin_specs"} == listed


def test_the_wheel_carries_the_specs_and_is_what_runs(installed: Installed, empty: Path) -> None:
    probe = (
        "import conformance, conformance.spec.trees as t; "
        "print(conformance.__file__); print(t.builtin_specs_dir())"
    )
    done = installed.run(empty, "python", "-c", probe)
    assert done.returncode == 0, done.stderr
    module, specs = done.stdout.split()
    assert Path(module).is_relative_to(installed.venv)
    assert Path(specs).is_relative_to(installed.venv) and Path(specs).name == "builtin_specs"
    shipped = sorted(p.relative_to(specs).as_posix() for p in Path(specs).rglob("*.yaml"))
    assert shipped == sorted(
        p.relative_to(ROOT / "specs").as_posix() for p in (ROOT / "specs").rglob("*.yaml")
    )


def test_list_and_run_from_an_empty_directory(installed: Installed, empty: Path) -> None:
    listed = installed.run(empty, "conformance", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert "google" in listed.stdout and "routescope" in listed.stdout
    ran = installed.run(empty, "conformance", "run")
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert " 0 fail" in ran.stdout
    assert list(empty.iterdir()) == []  # nothing written where it was not asked for


def test_the_wheel_generates_the_committed_schemas_and_docs(
    installed: Installed, empty: Path
) -> None:
    """What CI checks from a non-editable install: the built-in tree generates exactly what the
    repo commits (its files are named `specs/...` wherever the package is installed)."""
    for command, committed in (("schemas", ROOT / "schemas"), ("docs", ROOT / "docs" / "params")):
        done = installed.run(empty, "conformance", command, "--check", "--out", str(committed))
        assert done.returncode == 0, done.stdout + done.stderr
    linted = installed.run(empty, "conformance", "lint")
    assert linted.returncode == 0, linted.stdout + linted.stderr


def test_the_pytest_plugin_from_an_empty_directory(installed: Installed, empty: Path) -> None:
    args = ("python", "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider")
    done = installed.run(empty, *args, "--conformance-provider", "google")
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"\d+ passed", done.stdout), done.stdout
    one = "::google/gemini-2.5-flash-image/generateContent::status"
    again = installed.run(empty, *args, one)
    assert again.returncode == 0 and "1 passed" in again.stdout, again.stdout + again.stderr


def test_spec_errors_in_the_plugin_are_diagnostics(installed: Installed, empty: Path) -> None:
    tree = empty / "broken" / "providers"
    tree.mkdir(parents=True)
    (tree / "mine.yaml").write_text("kind: provider\nid: mine\nextends: routescop\n")
    done = installed.run(
        empty,
        "python",
        "-m",
        "pytest",
        "-p",
        "no:randomly",
        "--conformance-specs",
        "broken",
        "--conformance-provider",
        "mine",
    )
    output = done.stdout + done.stderr
    assert "INTERNALERROR" not in output
    assert done.returncode == 4  # pytest's usage error
    assert "broken/providers/mine.yaml:3:10: error[spec.unknown-provider]" in output
    assert "did you mean 'routescope'?" in output


def _doc_steps() -> list[tuple[str, str]]:
    """The walk-through's steps in order: ("$", command) and ("toml", text) for the file."""
    steps: list[tuple[str, str]] = []
    for lang, body in re.findall(r"```(\w+)\n(.*?)```", DOC.read_text(), re.S):
        if lang == "console":
            steps += [("$", line[2:]) for line in body.splitlines() if line.startswith("$ ")]
        elif lang == "toml":
            steps.append(("toml", body))
    return steps


def test_the_adding_a_provider_walkthrough(installed: Installed, empty: Path) -> None:
    """docs/adding-a-provider.md, step by step: a one-file `extends:` tree runs green against the
    matching route of `conformance serve`, then a `[tool.conformance]` table alone drives it."""
    cwd, env, server = empty, {}, None
    steps = _doc_steps()
    assert [s for kind, s in steps if kind == "$"][-1] == "conformance run"
    try:
        for kind, step in steps:
            if kind == "toml":
                port = server[1] if server else "8080"
                (cwd / "pyproject.toml").write_text(step.replace("8080", port))
                continue
            if step.startswith("mkdir "):
                (cwd / step.split()[1]).mkdir()
            elif step.startswith("cd "):
                cwd = cwd / step.split()[1]
            elif step.startswith("export "):
                name, value = step.split()[1].split("=", 1)
                env[name] = value
            elif step.endswith("&"):
                assert step.startswith("conformance serve --port 8080"), step
                proc = subprocess.Popen(
                    [str(installed.bin / "conformance"), "serve", "--port", "0"],
                    cwd=cwd,
                    env=installed.env(),
                    stdout=subprocess.PIPE,
                    text=True,
                )
                assert proc.stdout is not None
                port = re.search(r":(\d+)", proc.stdout.readline())
                assert port, "serve printed no address"
                server = (proc, port.group(1))
            else:
                argv = step.replace("8080", server[1]).split() if server else step.split()
                done = installed.run(cwd, *argv, **env)
                assert done.returncode == 0, f"$ {step}\n{done.stdout}{done.stderr}"
                if argv[:2] == ["conformance", "run"]:
                    assert "myrelay" in done.stdout and " 0 fail" in done.stdout, done.stdout
                    assert " 0 skipped" in done.stdout, done.stdout
        assert server is not None
        assert (cwd / "myrelay.json").is_file()  # the config's report path
    finally:
        if server is not None:
            server[0].send_signal(signal.SIGINT)
            server[0].wait(timeout=10)


def test_the_readme_quickstart_and_its_own_relay_paragraph() -> None:
    text = (ROOT / "README.md").read_text()
    quickstart = text.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    assert len(re.findall(r"```sh\n", quickstart)) == 2
    paragraph = quickstart.split("**Test your own relay.**", 1)[1]
    steps = [step for kind, step in _doc_steps() if kind == "$"]
    for command in ("conformance init-provider myrelay --extends routescope", "conformance serve"):
        assert command in paragraph and any(s.startswith(command) for s in steps)
    assert "--base-url http://127.0.0.1:8080/routescope" in paragraph
    assert "[tool.conformance]" in paragraph and "docs/adding-a-provider.md" in paragraph
