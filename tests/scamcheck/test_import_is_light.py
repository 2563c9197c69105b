"""Importing scamcheck does no work: no spaCy, no environment read until first use."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import os, sys
import scamcheck
assert "spacy" not in sys.modules, "spaCy imported by 'import scamcheck'"
os.environ["SCAMCHECK_DB"] = "/nonexistent/knowledge.db"
from scamcheck.store import default_db
assert str(default_db()) == "/nonexistent/knowledge.db", default_db()
"""


def test_import_loads_no_spacy_and_reads_the_environment_only_when_asked():
    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
