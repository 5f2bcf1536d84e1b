"""`python -m litecoop_mlir.cli`: the same as `litecoop-mlir-opt`."""

import sys

from litecoop_mlir.cli.main import main

sys.exit(main())
