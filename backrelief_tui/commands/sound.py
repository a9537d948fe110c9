"""`backrelief sound-test`: play every cue and a spoken phrase, and say which audio backend worked."""

from __future__ import annotations

import argparse
import sys


def cmd_sound_test(args: argparse.Namespace) -> int:
    from backrelief_tui.audio import make_player, sound_test
    from backrelief_tui.core.settings import load_settings
    from backrelief_tui.voice import voice_test

    settings, problems = load_settings()  # the voice, its rate and loudness come from Settings
    for problem in problems:
        print(f"warning: {problem}", file=sys.stderr)
    player = make_player(enabled=True, volume=1.0)
    code = sound_test(player=player)
    voice_test(settings, player)  # the voice is optional: without espeak-ng it says so, and the code stands
    return code
