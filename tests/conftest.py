"""Test helpers shared by the unit and integration suites live beside this file
(``iam_eval.py``, ``dynamodb_requests.py``); put this directory on ``sys.path`` so that every test
directory imports them by name, whatever pytest's import mode.
"""

import sys
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)
