"""``python -m benchmarks``: every benchmark in one run (see ``benchmarks/run.py``)."""

import sys

from benchmarks.run import main

sys.exit(main())
