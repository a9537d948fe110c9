"""The pose files (`routines/poses/*.toml`): every move's figure, loaded and checked.

Format (documented for people in the README's "Writing a routine" and in the file itself):

    [moves.<move id>]               # one table per move
    view = "side"                   # or "back" / "front"; default side
    working = ["near_leg"]          # limbs drawn in the highlight colour: near_/far_ + arm/leg
    props = [{ kind = "roller", at = [40, 0] }]   # roller ball peanut block wall chair desk band

    [moves.<move id>.poses.start]   # every move has "start"; then the names its beats use
    root = [0, 44]                  # the middle of the pelvis, cm (x forward, y up; floor y = 0)
    angles = { lower_back = 14, upper_back = 10, upper_arm = -90, forearm = -90,
               thigh = -90, shin = 180, foot = -90 }
    out = { near_thigh = 90 }       # sideways swing toward the segment's own side (default 0)
    twist = 40                      # shoulders turned about the spine, near shoulder back (default 0)
    contacts = { floor = ["hands", "knees", "toes"] }
    long_way = { start = ["near_thigh"] }   # from or to "start", turn these the long way round

    [neutral.<position>]            # standing, seated, kneeling, floor: for a move without poses
    ...same fields as a move...

Angles are degrees, the direction each segment points (0 forward, 90 up, -90 down, 180
back) for the RIGHT side facing right; the left side is the mirror image. A shared name
(`thigh`) sets both sides unless `near_thigh` / `far_thigh` is given. `neck`, `head`,
`hand` and `foot` may be left out (they follow the upper back, the neck, the forearm, and a
right angle to the shin). Props are placed in the drawing's plane (for a back view, x is
the figure's right). Problems are values naming the file, the move, the pose and the field.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from backrelief_tui.core import paths
from backrelief_tui.core.figures import (
    ANGLED,
    ARM,
    BONE_BY_NAME,
    CONTACT_TOLERANCE,
    LEG,
    PARTS,
    REQUIRED_ANGLES,
    SURFACE_PROPS,
    Contact,
    Limb,
    MoveFigure,
    Pose,
    Prop,
    PropKind,
    Surface,
    View,
    contact_gap,
    fill_angles,
    fill_out,
    lowest_point,
    unproject,
)
from backrelief_tui.core.files import read_regular
from backrelief_tui.core.routine import ID_PATTERN, Move, Position, Problem
from backrelief_tui.core.tomlfile import parse_toml

MAX_FILE_BYTES = 1_000_000
ANGLE_NAMES = frozenset((*ANGLED, *ARM, *LEG))  # a bone, or a limb segment for both sides
MOVE_KEYS = frozenset(("view", "working", "props", "poses"))
POSE_KEYS = frozenset(("root", "angles", "out", "twist", "contacts", "long_way"))
PROP_KEYS = frozenset(("kind", "at", "facing", "size", "to"))
MAX_COORDINATE = 500.0
# The moves that exist: their ids, or the moves themselves by id (then the beats' poses are checked too).
MoveIds = Collection[str] | Mapping[str, Move] | None


def poses_dir() -> Path:
    """The folder of built-in pose files, beside the built-in routines."""
    return paths.builtin_routines_dir() / "poses"


def poses_file() -> Path:
    """The main built-in pose file (the neutral figures and the moves of the built-in routines)."""
    return poses_dir() / "poses.toml"


def pose_files(directory: Path | None = None) -> list[Path]:
    """Every pose file in a folder (`poses.toml` plus any other, e.g. `desk.toml`), in name order."""
    folder = directory if directory is not None else poses_dir()
    return sorted(folder.glob("*.toml")) if folder.is_dir() else []


@dataclass(frozen=True)
class PoseBook:
    """Every move's figure by move id, and a neutral figure for each position."""

    moves: Mapping[str, MoveFigure] = field(default_factory=dict)
    neutral: Mapping[str, MoveFigure] = field(default_factory=dict)

    def figure(self, move: Move | str) -> MoveFigure:
        """A move's figure; a move without pose data gets the neutral figure of its position."""
        move_id = move if isinstance(move, str) else move.id
        if move_id in self.moves:
            return self.moves[move_id]
        position = Position.STANDING if isinstance(move, str) else move.position
        return self.neutral.get(str(position)) or self.neutral.get("standing") or FALLBACK


def _fallback() -> MoveFigure:
    # Used only when the pose file itself is unusable: a person standing, arms by the sides.
    angles = fill_angles({"lower_back": 90, "upper_back": 90, "upper_arm": -90, "forearm": -90,
                          "thigh": -90, "shin": -90})
    return MoveFigure("standing", View.SIDE, {"start": Pose("start", (0.0, 86.0, 0.0), angles)})


FALLBACK = _fallback()


@functools.cache
def builtin_poses() -> PoseBook:
    """The built-in pose files, loaded once; entries with problems are left out."""
    book, _problems = load_pose_files(pose_files(), geometry=False)  # `figure --check` and the tests do that
    return book


def validate_poses(path: Path, move_ids: MoveIds = None) -> list[Problem]:
    """Every problem in one pose file; with `move_ids`, also poses for moves that do not exist (and,
    given the moves themselves, the poses their beats end in that are missing)."""
    return load_poses(path, move_ids, require_neutral=False)[1]


def needed_poses(move: Move) -> tuple[str, ...]:
    """The keyframes a move's figure needs: "start", then every pose its beats end in, in order of first use."""
    names = ["start"]
    for beat in move.beats:
        if beat.pose and beat.pose not in names:
            names.append(beat.pose)
    return tuple(names)


def unposed_moves(book: PoseBook, moves: Collection[Move], source: Path) -> list[Problem]:
    """A problem for each of these moves that has no figure of its own (the neutral one would stand in)."""
    return [Problem(str(source), f"moves.{move.id}",
                    f"is missing: the move has no poses (the neutral {move.position} figure stands in)")
            for move in moves if move.id not in book.moves]


def looks_like_pose_file(path: Path) -> bool:
    """A file of poses, not a routine: it sits in a `poses` folder, or its `moves` is a table of
    tables (`[moves.ID.poses.NAME]`) where a routine has an array (`[[moves]]`), or it has `[neutral]`."""
    if path.absolute().parent.name == "poses":
        return True
    raw, _reason = read_regular(path, MAX_FILE_BYTES)
    if raw is None:
        return False
    data, _reason = parse_toml(raw)
    return data is not None and (isinstance(data.get("moves"), dict) or "neutral" in data)


def load_pose_files(files: list[Path], move_ids: MoveIds = None, *,
                    geometry: bool = True) -> tuple[PoseBook, list[Problem]]:
    """Several pose files as one book: a move posed twice, or a neutral figure missing, is a problem.

    `geometry=False` skips checking contacts and the floor (most of the loading time): for drawing.
    """
    moves: dict[str, MoveFigure] = {}
    neutral: dict[str, MoveFigure] = {}
    problems: list[Problem] = []
    where: dict[str, Path] = {}
    for path in files:
        book, found = load_poses(path, move_ids, require_neutral=False, geometry=geometry)
        problems += found
        for group, target, entries in (("moves", moves, book.moves), ("neutral", neutral, book.neutral)):
            for name, figure in entries.items():
                key = f"{group}.{name}"
                if key in where:
                    problems.append(Problem(str(path), key, f"is already in {where[key].name}"))
                    continue
                where[key] = path
                target[name] = figure
    source = str(files[0]) if files else "poses.toml"
    for position in Position:
        if position not in neutral and not any(p.field == f"neutral.{position}" for p in problems):
            problems.append(Problem(source, f"neutral.{position}", "is missing"))
    return PoseBook(moves, neutral), problems


def load_poses(path: Path, move_ids: MoveIds = None, *,
               require_neutral: bool = True, geometry: bool = True) -> tuple[PoseBook, list[Problem]]:
    """Read a pose file: the figures that are sound, and a problem for everything that is not.

    `require_neutral`: the file must give the neutral figure of every position (the main file does).
    """
    source = str(path)
    raw, reason = read_regular(path, MAX_FILE_BYTES)
    if raw is None:
        return PoseBook(), [Problem(source, "", reason)]
    data, reason = parse_toml(raw)
    if data is None:
        return PoseBook(), [Problem(source, "", f"is {reason}")]
    return parse_poses(data, source, move_ids, require_neutral=require_neutral, geometry=geometry)


def parse_poses(data: Mapping[str, Any], source: str, move_ids: MoveIds = None, *,
                require_neutral: bool = True, geometry: bool = True) -> tuple[PoseBook, list[Problem]]:
    """Pose data (a parsed TOML table) -> figures and problems.

    `move_ids`: the moves that exist; a figure for any other id is a problem. Given as the moves
    themselves (id -> Move, e.g. `Library.moves`), a pose that one of a move's beats ends in and
    its figure lacks is a problem too, so the poses cannot drift from the beats.
    """
    problems: list[Problem] = []
    for key in data:
        if key not in ("moves", "neutral"):
            problems.append(Problem(source, key, "unknown table (expected [moves.ID] or [neutral.POSITION])"))
    moves: dict[str, MoveFigure] = {}
    neutral: dict[str, MoveFigure] = {}
    for group, target in (("moves", moves), ("neutral", neutral)):
        table = data.get(group, {})
        if not isinstance(table, dict):
            problems.append(Problem(source, group, "must be a table"))
            continue
        for name, entry in table.items():
            where = f"{group}.{name}"
            if group == "moves" and not ID_PATTERN.match(name):
                problems.append(Problem(source, where, f"{name!r} is not a valid move id"))
                continue
            if group == "moves" and move_ids is not None and name not in move_ids:
                problems.append(Problem(source, where, "no move with this id in the routines"))
                continue
            if group == "neutral" and name not in tuple(Position):
                problems.append(Problem(source, where, f"{name!r} is not one of: {', '.join(Position)}"))
                continue
            figure, found = _move_figure(name, entry, where, source, geometry)
            problems += found
            if figure is not None:
                target[name] = figure
                if group == "moves" and isinstance(move_ids, Mapping):
                    problems += _missing_poses(move_ids[name], figure, where, source)
    for position in Position if require_neutral else ():
        if position not in neutral and not any(p.field == f"neutral.{position}" for p in problems):
            problems.append(Problem(source, f"neutral.{position}", "is missing"))
    return PoseBook(moves, neutral), problems


def _move_figure(name: str, entry: Any, where: str, source: str,
                 geometry: bool = True) -> tuple[MoveFigure | None, list[Problem]]:
    if not isinstance(entry, dict):
        return None, [Problem(source, where, "must be a table")]
    problems = [Problem(source, f"{where}.{key}", "unknown field") for key in entry if key not in MOVE_KEYS]
    view_name = entry.get("view", "side")
    if view_name not in tuple(View):
        problems.append(Problem(source, f"{where}.view", f"{view_name!r} is not one of: {', '.join(View)}"))
        view_name = "side"
    view = View(view_name)
    working = _names(entry.get("working", []), tuple(Limb), f"{where}.working", source, problems)
    props = _props(entry.get("props", []), f"{where}.props", source, problems)
    figure = MoveFigure(name, view, {}, tuple(props), frozenset(Limb(limb) for limb in working))
    poses_table = entry.get("poses")
    if not isinstance(poses_table, dict) or not poses_table:
        problems.append(Problem(source, f"{where}.poses", "is missing (give at least [..poses.start])"))
        return None, problems
    if "start" not in poses_table:
        problems.append(Problem(source, f"{where}.poses.start", "is missing: every move needs a start position"))
    poses: dict[str, Pose] = {}
    warnings: list[Problem] = []
    for pose_name, pose_entry in poses_table.items():
        pose = _pose(figure, pose_name, pose_entry, f"{where}.poses.{pose_name}", source, problems,
                     warnings if geometry else None)
        if pose is not None:
            poses[pose_name] = pose
    for pose in poses.values():
        for other in pose.long_way:
            if other not in poses_table:
                problems.append(Problem(source, f"{where}.poses.{pose.name}.long_way.{other}",
                                        "no pose with this name"))
    if problems:
        return None, problems + warnings
    return MoveFigure(name, view, poses, figure.props, figure.working), warnings


def _missing_poses(move: Move, figure: MoveFigure, where: str, source: str) -> list[Problem]:
    # "start" is never missing here: a figure without it is not loaded at all.
    first_beat = {beat.pose: (index, beat) for index, beat in reversed(list(enumerate(move.beats, 1)))}
    return [Problem(source, f"{where}.poses.{name}",
                    f"is missing: beat {first_beat[name][0]} of the move ({first_beat[name][1].label!r}) ends in it")
            for name in needed_poses(move) if name not in figure.poses and name in first_beat]


def _names(value: Any, allowed: tuple[str, ...], where: str, source: str, problems: list[Problem]) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        problems.append(Problem(source, where, "must be a list of names"))
        return []
    bad = [item for item in value if item not in allowed]
    if bad:
        problems.append(Problem(source, where, f"{bad[0]!r} is not one of: {', '.join(allowed)}"))
    return [item for item in value if item in allowed]


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def _point(value: Any) -> tuple[float, float] | None:
    if not isinstance(value, list) or len(value) != 2:
        return None
    x, y = _number(value[0]), _number(value[1])
    if x is None or y is None or abs(x) > MAX_COORDINATE or abs(y) > MAX_COORDINATE:
        return None
    return (x, y)


def _props(value: Any, where: str, source: str, problems: list[Problem]) -> list[Prop]:
    if not isinstance(value, list):
        problems.append(Problem(source, where, "must be a list of tables like { kind = \"roller\", at = [40, 0] }"))
        return []
    props: list[Prop] = []
    for index, item in enumerate(value):
        here = f"{where}[{index + 1}]"  # counted from 1, as people count
        if not isinstance(item, dict):
            problems.append(Problem(source, here, "must be a table"))
            continue
        for key in item:
            if key not in PROP_KEYS:
                problems.append(Problem(source, f"{here}.{key}", "unknown field"))
        kind = item.get("kind")
        if kind not in tuple(PropKind):
            problems.append(Problem(source, f"{here}.kind", f"{kind!r} is not one of: {', '.join(PropKind)}"))
            continue
        at = _point(item.get("at"))
        if at is None:
            problems.append(Problem(source, f"{here}.at", f"must be [x, y] within ±{MAX_COORDINATE:.0f} cm"))
            continue
        facing = item.get("facing", 1)
        if facing not in (1, -1) or isinstance(facing, bool):
            problems.append(Problem(source, f"{here}.facing", "must be 1 (facing forward) or -1"))
            continue
        size_value = item.get("size", [])
        size = [_number(v) for v in size_value] if isinstance(size_value, list) else [None]
        if any(v is None or not 0 < v <= 300 for v in size) or len(size) > 2:
            problems.append(Problem(source, f"{here}.size",
                                    "must be [radius], [height] or [width, height], in cm (up to 300)"))
            continue
        to = item.get("to", "hands")
        if to != "hands" and to not in _joint_names():
            problems.append(Problem(source, f"{here}.to", f"{to!r} is not \"hands\" or a joint"))
            continue
        props.append(Prop(PropKind(kind), at, facing, tuple(v for v in size if v is not None), to))
    return props


@functools.cache
def _joint_names() -> frozenset[str]:
    return frozenset(("hips", *(bone.end for bone in BONE_BY_NAME.values())))


def _pose(figure: MoveFigure, name: str, entry: Any, where: str, source: str,
          problems: list[Problem], warnings: list[Problem] | None) -> Pose | None:
    if not isinstance(entry, dict):
        problems.append(Problem(source, where, "must be a table"))
        return None
    before = len(problems)
    for key in entry:
        if key not in POSE_KEYS:
            problems.append(Problem(source, f"{where}.{key}", "unknown field"))
    root = _point(entry.get("root"))
    if root is None:
        problems.append(Problem(source, f"{where}.root", f"must be [x, y] within ±{MAX_COORDINATE:.0f} cm"))
    given = _degrees(entry.get("angles"), f"{where}.angles", source, problems, required=True)
    angles = fill_angles(given)
    missing = [angle for angle in REQUIRED_ANGLES if angle not in angles]
    if missing:
        problems.append(Problem(source, f"{where}.angles", f"{', '.join(missing)} missing"))
    out = fill_out(_degrees(entry.get("out", {}), f"{where}.out", source, problems, required=False))
    twist = _number(entry.get("twist", 0))
    if twist is None or not -90 <= twist <= 90:
        problems.append(Problem(source, f"{where}.twist",
                                f"must be degrees from -90 to 90 (got {entry.get('twist')!r})"))
    contacts = _contacts(figure, entry.get("contacts", {}), f"{where}.contacts", source, problems)
    long_way = _long_way(entry.get("long_way", {}), f"{where}.long_way", source, problems)
    if len(problems) > before or root is None or twist is None:
        return None
    pose = Pose(name, unproject(root, figure.view), angles, out, twist, tuple(contacts), long_way)
    # Contacts and the floor are checked, but a pose a little off is still drawn: the
    # validation (and the test of the built-in file) is where they must be exact.
    if warnings is not None:
        warnings.extend(pose_problems(figure, pose, where, source))
    return pose


def pose_problems(figure: MoveFigure, pose: Pose, where: str, source: str) -> list[Problem]:
    """The contacts a pose declares but does not meet, and any part of it below the floor."""
    problems = []
    for contact in pose.contacts:
        gap = contact_gap(figure, pose, contact)
        if gap > CONTACT_TOLERANCE:
            problems.append(Problem(source, f"{where}.contacts.{contact.surface}",
                                    f"{contact.part} is {gap:.1f} cm off the {contact.surface} "
                                    f"(allowed: {CONTACT_TOLERANCE:.0f})"))
    joint, height = lowest_point(pose)
    if height < -CONTACT_TOLERANCE:
        problems.append(Problem(source, f"{where}.root",
                                f"the {joint.replace('_', ' ')} is {-height:.1f} cm below the floor"))
    return problems


def _long_way(value: Any, where: str, source: str, problems: list[Problem]) -> dict[str, frozenset[str]]:
    if not isinstance(value, dict):
        problems.append(Problem(source, where, "must be a table like { start = [\"near_thigh\"] }"))
        return {}
    allowed = tuple(sorted(ANGLE_NAMES))
    return {other: frozenset(segment for name in _names(names, allowed, f"{where}.{other}", source, problems)
                             for segment in _both_sides(name))
            for other, names in value.items()}


def _both_sides(name: str) -> tuple[str, ...]:
    # `upper_arm` means both upper arms, as it does in `angles`.
    return (name,) if name in ANGLED else tuple(f"{side}_{name}" for side in ("near", "far"))


def _degrees(value: Any, where: str, source: str, problems: list[Problem], *, required: bool) -> dict[str, float]:
    if not isinstance(value, dict):
        what = "is missing (a table of segment = degrees)" if value is None and required else \
            "must be a table of segment = degrees"
        problems.append(Problem(source, where, what))
        return {}
    degrees: dict[str, float] = {}
    for key, item in value.items():
        number = _number(item)
        if key not in ANGLE_NAMES:
            problems.append(Problem(source, f"{where}.{key}", "unknown joint"))
        elif number is None or not -360 <= number <= 360:
            problems.append(Problem(source, f"{where}.{key}", f"must be degrees from -360 to 360 (got {item!r})"))
        else:
            degrees[key] = number
    return degrees


def _contacts(figure: MoveFigure, value: Any, where: str, source: str, problems: list[Problem]) -> list[Contact]:
    if not isinstance(value, dict):
        problems.append(Problem(source, where, "must be a table like { floor = [\"hands\", \"knees\"] }"))
        return []
    contacts: list[Contact] = []
    present = {prop.kind for prop in figure.props}
    for surface_name, parts in value.items():
        here = f"{where}.{surface_name}"
        if surface_name not in tuple(Surface):
            problems.append(Problem(source, here, f"{surface_name!r} is not one of: {', '.join(Surface)}"))
            continue
        surface = Surface(surface_name)
        if surface is not Surface.FLOOR and SURFACE_PROPS[surface] not in present:
            problems.append(Problem(source, here, f"the move has no {surface} among its props"))
            continue
        for part in _names(parts, tuple(PARTS), here, source, problems):
            contacts.append(Contact(surface, part))
    return contacts

