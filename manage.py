#!/usr/bin/env python
"""Greenroom's command line: Django's manage.py, with one-line start-up errors."""

import sys

if __name__ == "__main__":
    from portal.startup import run_command_line

    run_command_line(sys.argv)
