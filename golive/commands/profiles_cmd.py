"""Placeholder for `golive profiles_cmd` while it is being built; replaced by its real module."""

from __future__ import annotations

import argparse

from golive.errors import InputError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    raise InputError("this command is not available yet in this build")
