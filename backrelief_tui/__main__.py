"""Entry point: `backrelief` and `python -m backrelief_tui`."""

import sys

from backrelief_tui.cli import main

if __name__ == "__main__":
    sys.exit(main())
