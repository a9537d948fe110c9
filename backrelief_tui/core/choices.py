"""The closed sets and ranges a person types on the command line, importable without the models.

`commands/parser.py` names them in its help text, and `backrelief --help` must start
quickly, so this module imports nothing: the routine model, the settings and the
builder take their constants from here (one copy of each).
"""

TARGETS = ("calves", "hamstrings", "hips", "glutes", "abs", "spine", "lats", "thoracic", "pecs", "core")
"""The body areas a move works on (routine `targets`, `set --tight`, `build --focus`)."""

EQUIPMENT = ("ball", "roller", "peanut", "block", "band", "wall", "chair", "desk")
"""The kit a move may need (routine `equipment`, `build --equipment`)."""

OVERRIDE_FIELDS = ("hold", "reps", "sides", "rest", "rep_rest")
"""The fields of a move a person may set (`backrelief set MOVE FIELD=VALUE`)."""

MIN_MINUTES = 2
MAX_MINUTES = 60
"""The time budget `build` accepts, in minutes."""

PAIN_SCALE = (0, 10)
DEFAULT_PAIN_LIMIT = 5
DEFAULT_PAIN_LOW = 2
"""The 0-10 pain scale and the traffic light's default thresholds (core/pain.py; `set pain-limit`)."""
