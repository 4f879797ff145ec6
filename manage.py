#!/usr/bin/env python
"""Django's usual entry point; `dxdesk` (the console script) does the same."""

from dxdesk.__main__ import main

if __name__ == "__main__":
    main()
