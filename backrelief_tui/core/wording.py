"""Safety wording shown in more than one place: one copy of each line, here.

`RED_FLAG_LINE` is the general stop rule a person should see before every
session (the picker's preview, the lead-in, `backrelief show`); it never
diagnoses, it says when to stop. `INJURY_CAUTION` is the article's own advice for
pain that follows trauma, and the caution of every built-in and built routine.
"""

from __future__ import annotations

RED_FLAG_LINE = "Stop if you feel sharp pain, or pain, tingling or numbness spreading down a leg."
INJURY_CAUTION = "If your back pain follows a fall or injury, see a doctor first."
