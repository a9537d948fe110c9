"""`backrelief sound-test`: play every cue and say which audio backend worked."""

from __future__ import annotations

import argparse


def cmd_sound_test(args: argparse.Namespace) -> int:
    from backrelief_tui.audio import sound_test

    return sound_test()
