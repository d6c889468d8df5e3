"""`python -m advisor` runs the command line."""

import sys

from credit_advisor.cli import main

sys.exit(main())
