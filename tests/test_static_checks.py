"""The static checks run with the tests: ruff (lint and format) and mypy, at the versions
pinned in pyproject.toml's `test` extra, so the README's one test command runs them all."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    found = BIN / name
    if found.exists():
        return str(found)
    on_path = shutil.which(name)
    if on_path is None:
        pytest.fail(f"{name} is not installed: install the project with its test extra ('.[test]')")
    return on_path


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(command, cwd=PROJECT, capture_output=True, text=True, timeout=240, env=env, check=False)


def test_ruff_finds_nothing():
    done = _run(_tool("ruff"), "check", "--no-cache", ".")
    assert done.returncode == 0, done.stdout + done.stderr


def test_ruff_format_leaves_every_file_as_it_is():
    done = _run(_tool("ruff"), "format", "--no-cache", "--check", ".")
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_finds_nothing_in_the_package():
    # The packages come from pyproject.toml ([tool.mypy]); the cache stays out of the tree.
    done = _run(_tool("mypy"), "--cache-dir", os.devnull)
    assert done.returncode == 0, done.stdout + done.stderr
