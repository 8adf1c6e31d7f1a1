"""`python3 -m offregion scan [options] FILE...` (see offregion._cli)."""

import sys

from ._cli import main

if __name__ == "__main__":
    sys.exit(main())
