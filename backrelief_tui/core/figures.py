"""A stick figure for every move: a skeleton, poses, forward kinematics, props and contacts.

The skeleton has fixed segment lengths (centimetres of a ~1.65 m body). A pose is the
direction of every segment plus the position of the root (the middle of the pelvis); a
frame comes from forward kinematics, so interpolating two poses never stretches a limb.

A segment's direction is two angles, in degrees, in the figure's own frame:
- its angle in the body's side plane: 0 = forward (the way the figure faces), 90 = up,
  -90 = down, 180 = backward. Absolute directions (not relative to the parent segment)
  keep the pose file readable: `thigh = -90` points straight down whatever the trunk does;
- how far it swings `out` sideways, toward its own side (0 for most poses): a fire hydrant
  lifts the near thigh 90° out, a frog has both thighs out wide.
The skeleton lives in 3-D (x forward, y up, z toward the figure's right) and is drawn by an
orthographic projection: `side` (the body in profile, the default), or `back` / `front`
for the moves whose action is sideways (the fire hydrant, the frog stretch, a wall beside
the body). So a shin turning from pointing at the viewer to pointing up grows on screen as
it would, while its real length stays fixed.

Data is written once, for the figure's RIGHT side facing right (+x). The person's right side
is then the one nearer the viewer, so "near" limbs are the working limbs and are drawn in
the highlight colour. The LEFT side is the same drawing mirrored: the figure faces left and
its left limbs are the near, highlighted ones. So "which foot goes forward" is never in
doubt: it is the highlighted one. A move without sides is drawn facing right.

This module is pure Python: the rasteriser (`core.braille`) and the Textual widget draw
what it computes; `core.poses` loads and validates the pose data.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum

from backrelief_tui.core.plan import Side

Point = tuple[float, float]
Point3 = tuple[float, float, float]
Box = tuple[float, float, float, float]  # min x, min y, max x, max y


class View(StrEnum):
    SIDE = "side"  # in profile: screen x = the figure's forward
    BACK = "back"  # from behind: screen x = the figure's right
    FRONT = "front"  # from the front: screen x = the figure's left


class Layer(IntEnum):
    """What a dot belongs to; when dots share a character cell the highest layer gives the colour."""

    FLOOR = 1
    PROP = 2
    FAR = 3  # the limbs further from the viewer
    BODY = 4  # head, trunk and the near limbs
    WORK = 5  # the working limbs: the highlight colour
    HEAD = 6  # the head, in the body colour: it is what makes a stick figure a person, so it wins its cells


class Limb(StrEnum):
    NEAR_ARM = "near_arm"
    FAR_ARM = "far_arm"
    NEAR_LEG = "near_leg"
    FAR_LEG = "far_leg"


class PropKind(StrEnum):
    ROLLER = "roller"
    BALL = "ball"
    PEANUT = "peanut"
    BLOCK = "block"
    WALL = "wall"
    CHAIR = "chair"
    DESK = "desk"
    BAND = "band"


class Surface(StrEnum):
    """What a body part can rest on. Every prop but the band is also a surface."""

    FLOOR = "floor"
    ROLLER = "roller"
    BALL = "ball"
    PEANUT = "peanut"
    BLOCK = "block"
    WALL = "wall"
    CHAIR = "chair"
    DESK = "desk"


# -- the skeleton ---------------------------------------------------------------------------

SIDES = ("near", "far")
TRUNK = ("lower_back", "upper_back", "neck", "head")
ARM = ("upper_arm", "forearm", "hand")
LEG = ("thigh", "shin", "foot")

# Segment lengths in centimetres. The girdles (half the shoulder and the hip width) always
# point straight out sideways, so they show only from the front or the back.
LENGTHS: Mapping[str, float] = {"lower_back": 24, "upper_back": 26, "neck": 7, "head": 20, "clavicle": 16,
                                "pelvis": 9, "upper_arm": 29, "forearm": 25, "hand": 9, "thigh": 44,
                                "shin": 42, "foot": 15}


@dataclass(frozen=True)
class Bone:
    name: str  # the segment, e.g. "near_thigh"
    start: str  # the joint it hangs from
    end: str  # the joint at its far end
    kind: str  # the key in LENGTHS
    limb: Limb | None = None

    @property
    def length(self) -> float:
        return LENGTHS[self.kind]


def _bones() -> tuple[Bone, ...]:
    bones = [Bone("lower_back", "hips", "waist", "lower_back"),
             Bone("upper_back", "waist", "shoulders", "upper_back"),
             Bone("neck", "shoulders", "neck_top", "neck"),
             Bone("head", "neck_top", "crown", "head")]
    for side in SIDES:
        arm, leg = Limb(f"{side}_arm"), Limb(f"{side}_leg")
        bones += [Bone(f"{side}_clavicle", "shoulders", f"{side}_shoulder", "clavicle", arm),
                  Bone(f"{side}_upper_arm", f"{side}_shoulder", f"{side}_elbow", "upper_arm", arm),
                  Bone(f"{side}_forearm", f"{side}_elbow", f"{side}_wrist", "forearm", arm),
                  Bone(f"{side}_hand", f"{side}_wrist", f"{side}_fingers", "hand", arm),
                  Bone(f"{side}_pelvis", "hips", f"{side}_hip", "pelvis", leg),
                  Bone(f"{side}_thigh", f"{side}_hip", f"{side}_knee", "thigh", leg),
                  Bone(f"{side}_shin", f"{side}_knee", f"{side}_ankle", "shin", leg),
                  Bone(f"{side}_foot", f"{side}_ankle", f"{side}_toes", "foot", leg)]
    return tuple(bones)


BONES: tuple[Bone, ...] = _bones()  # parents before children: forward kinematics walks them in order
BONE_BY_NAME: Mapping[str, Bone] = {bone.name: bone for bone in BONES}
GIRDLES = frozenset(name for name in BONE_BY_NAME if name.endswith(("_clavicle", "_pelvis")))
ANGLED = tuple(name for name in BONE_BY_NAME if name not in GIRDLES)  # the segments a pose sets
JOINTS: tuple[str, ...] = ("hips", *(bone.end for bone in BONES))
REQUIRED_ANGLES = tuple(name for name in ANGLED
                        if name not in ("neck", "head") and not name.endswith(("_hand", "_foot")))

# How thick each segment is drawn, in dots of a 12-row figure (scaled with the figure).
WEIGHTS: Mapping[str, int] = {"lower_back": 3, "upper_back": 3, "neck": 2, "clavicle": 2, "pelvis": 2,
                              "upper_arm": 2, "forearm": 2, "hand": 2, "thigh": 2, "shin": 2, "foot": 2}


def fill_angles(given: Mapping[str, float]) -> dict[str, float]:
    """Every segment's side-plane angle from what a pose gives.

    A shared key (`thigh`) sets both sides unless a side is named (`near_thigh`). The neck
    follows the upper back, the head the neck, a hand its forearm, and a foot sits at a right
    angle to its shin (a flexed ankle). Missing required angles stay missing (the loader
    reports them).
    """
    angles = _per_side(given)
    angles.setdefault("neck", angles.get("upper_back", 90.0))
    angles.setdefault("head", angles["neck"])
    for side in SIDES:
        if f"{side}_forearm" in angles:
            angles.setdefault(f"{side}_hand", angles[f"{side}_forearm"])
        if f"{side}_shin" in angles:
            angles.setdefault(f"{side}_foot", angles[f"{side}_shin"] + 90.0)
    return angles


def fill_out(given: Mapping[str, float]) -> dict[str, float]:
    """Every segment's sideways angle: 0 unless given (a shared key sets both sides).

    Children do not follow their parent sideways: a fire hydrant's thigh swings out while
    the shin still points back, which is the knee at 90° the move asks for.
    """
    out = _per_side(given)
    return {name: out.get(name, 0.0) for name in ANGLED}


def _per_side(given: Mapping[str, float]) -> dict[str, float]:
    values: dict[str, float] = {}
    for name in ANGLED:
        if name in given:
            values[name] = given[name]
            continue
        side, _, kind = name.partition("_")
        if side in SIDES and kind in given:
            values[name] = given[kind]
    return values


# -- props ------------------------------------------------------------------------------

ROLLER_RADIUS = 7.5
BALL_RADIUS = 6.0
PEANUT_RADIUS = 6.0
BLOCK_SIZE = (23.0, 9.0)
CHAIR_SEAT, CHAIR_DEPTH, CHAIR_BACK = 45.0, 42.0, 88.0  # seat height, seat depth, top of the backrest
DESK_HEIGHT, DESK_DEPTH = 74.0, 60.0
WALL_HEIGHT = 230.0
ANCHOR_POST = 120.0


@dataclass(frozen=True)
class Prop:
    """A piece of equipment, placed by `at` in the drawing's plane: the bottom middle of a
    roller, ball, peanut or block; the front edge of a chair seat or desk top (on the floor);
    the face of a wall; the anchor of a band. A chair or desk faces `facing` (+1: +x) and
    reaches back from its front edge. `size` overrides the radius of a roller, ball or
    peanut, a wall's height, or a block's (width, height).
    """

    kind: PropKind
    at: Point
    facing: int = 1
    size: tuple[float, ...] = ()
    to: str = "hands"  # a band's other end: the body point that holds it

    @property
    def radius(self) -> float:
        default = {PropKind.ROLLER: ROLLER_RADIUS, PropKind.BALL: BALL_RADIUS}.get(self.kind, PEANUT_RADIUS)
        return self.size[0] if self.size else default

    def circles(self) -> list[tuple[Point, float]]:
        """The circles of a roller, ball or peanut (a peanut is two balls side by side)."""
        x, y = self.at
        r = self.radius
        if self.kind in (PropKind.ROLLER, PropKind.BALL):
            return [((x, y + r), r)]
        if self.kind is PropKind.PEANUT:
            return [((x - r * 0.55, y + r), r), ((x + r * 0.55, y + r), r)]
        return []

    def outline(self) -> list[tuple[Point, Point]]:
        """The straight edges of a block, wall, chair, desk or band post, as line segments."""
        x, y = self.at
        back = -self.facing
        if self.kind is PropKind.BLOCK:
            w, h = self.size if len(self.size) == 2 else BLOCK_SIZE
            corners = [(x - w / 2, y), (x + w / 2, y), (x + w / 2, y + h), (x - w / 2, y + h)]
            return list(zip(corners, corners[1:] + corners[:1], strict=True))
        if self.kind is PropKind.WALL:  # `size = [height]`: as tall as the move needs, so the figure draws larger
            return [((x, 0.0), (x, self.size[0] if self.size else WALL_HEIGHT))]
        if self.kind is PropKind.CHAIR:
            seat_back = x + back * CHAIR_DEPTH
            return [((x, CHAIR_SEAT), (seat_back, CHAIR_SEAT)),  # seat
                    ((seat_back, 0.0), (seat_back, CHAIR_BACK)),  # back leg and backrest
                    ((x, 0.0), (x, CHAIR_SEAT))]  # front leg
        if self.kind is PropKind.DESK:
            far = x + back * DESK_DEPTH
            return [((x, DESK_HEIGHT), (far, DESK_HEIGHT)), ((x, 0.0), (x, DESK_HEIGHT)),
                    ((far, 0.0), (far, DESK_HEIGHT))]
        if self.kind is PropKind.BAND:
            return [((x, 0.0), (x, max(ANCHOR_POST, y + 20)))]
        return []

    def surface_distance(self, point: Point) -> float:
        """How far a point is from this prop's surface (negative inside a roller, ball or peanut)."""
        circles = self.circles()
        if circles:
            return min(math.dist(point, centre) - radius for centre, radius in circles)
        if self.kind is PropKind.WALL:
            return abs(point[0] - self.at[0])
        edges = self.outline()
        if self.kind is PropKind.CHAIR:
            edges = edges[:2]  # the seat and the backrest, not the front leg
        elif self.kind is PropKind.DESK:
            edges = edges[:1]  # the top
        return min((_point_segment_distance(point, a, b) for a, b in edges), default=math.inf)


SURFACE_PROPS: Mapping[Surface, PropKind] = {
    Surface.ROLLER: PropKind.ROLLER, Surface.BALL: PropKind.BALL, Surface.PEANUT: PropKind.PEANUT,
    Surface.BLOCK: PropKind.BLOCK, Surface.WALL: PropKind.WALL, Surface.CHAIR: PropKind.CHAIR,
    Surface.DESK: PropKind.DESK,
}


# -- contacts ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Part:
    """A body part: joints that must ALL touch (a forearm lying on the floor: elbow and wrist),
    or segments that must each touch SOMEWHERE along their length (a calf on a roller)."""

    joints: tuple[str, ...] = ()
    segments: tuple[str, ...] = ()


def _parts() -> dict[str, Part]:
    parts: dict[str, Part] = {
        "head": Part(segments=("head",)),
        "hips": Part(joints=("hips",)),
        "seat": Part(joints=("hips",)),
        "back": Part(joints=("hips", "waist", "shoulders")),  # lying along it: front, back or side
        "lower_back": Part(segments=("lower_back",)),
        "upper_back": Part(segments=("upper_back",)),
        "belly": Part(segments=("lower_back",)),
        "chest": Part(segments=("upper_back",)),
        "shoulders": Part(joints=("shoulders",)),
    }
    per_side = {
        "hand": Part(segments=("hand",)),
        "forearm": Part(joints=("elbow", "wrist")),
        "elbow": Part(joints=("elbow",)),
        "armpit": Part(joints=("shoulder",)),
        "knee": Part(joints=("knee",)),
        "shin": Part(joints=("knee", "ankle")),
        "calf": Part(segments=("shin",)),
        "thigh": Part(segments=("thigh",)),
        "foot": Part(joints=("ankle", "toes")),
        "toes": Part(joints=("toes",)),
        "heel": Part(joints=("ankle",)),
    }
    for name, part in per_side.items():
        both_joints: list[str] = []
        both_segments: list[str] = []
        for side in SIDES:
            joints = tuple(f"{side}_{joint}" for joint in part.joints)
            segments = tuple(f"{side}_{segment}" for segment in part.segments)
            parts[f"{side}_{name}"] = Part(joints, segments)
            both_joints += joints
            both_segments += segments
        plural = {"foot": "feet", "toes": "toes"}.get(name, f"{name}s")
        parts[plural] = Part(tuple(both_joints), tuple(both_segments))
    return parts


PARTS: Mapping[str, Part] = _parts()
CONTACT_TOLERANCE = 3.0  # centimetres: a stick figure has no flesh, so "touching" is "within 3 cm"


@dataclass(frozen=True)
class Contact:
    surface: Surface
    part: str

    def __str__(self) -> str:
        return f"{self.part} on the {self.surface}"


# -- poses and moves -------------------------------------------------------------------------


@dataclass(frozen=True)
class Pose:
    """One keyframe: the root (pelvis) position and every segment's direction, with its contacts."""

    name: str
    root: Point3  # where the pelvis is (a pose file gives it in the drawing's plane: see `unproject`)
    angles: Mapping[str, float]  # side-plane angle of every segment in ANGLED
    out: Mapping[str, float] = field(default_factory=dict)  # sideways angle; missing = 0
    twist: float = 0.0  # the shoulders turned about the spine: + lifts the near shoulder (opening the chest)
    contacts: tuple[Contact, ...] = ()
    # Segments that turn the long way round between this pose and another: {pose name: segments}.
    # Stepping a foot from a plank up to the hands is the long way for the thigh (under the body).
    long_way: Mapping[str, frozenset[str]] = field(default_factory=dict)


STAND_INS = {"top": "hold", "hold": "top"}


@dataclass(frozen=True)
class MoveFigure:
    """Everything needed to draw one move: its view, props, working limbs and keyframes."""

    move_id: str
    view: View
    poses: Mapping[str, Pose]
    props: tuple[Prop, ...] = ()
    working: frozenset[Limb] = frozenset()

    def pose(self, name: str) -> Pose:
        """The named keyframe. "top" and "hold" stand in for each other (a move's kind may change
        between reps and a hold); any other unknown name gives "start", then the first pose."""
        found = self.poses.get(name) or self.poses.get(STAND_INS.get(name, ""))
        return found or self.poses.get("start") or next(iter(self.poses.values()))


# -- frames ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stroke:
    a: Point
    b: Point
    layer: Layer
    weight: int  # thickness in dots at the reference size


@dataclass(frozen=True)
class Disc:
    centre: Point
    radius: float
    layer: Layer
    filled: bool = True


@dataclass(frozen=True)
class Frame:
    """One drawing: strokes and discs in centimetres with y up and the floor at y = 0, plus the
    skeleton's joints in 3-D (for checks: nothing stretches)."""

    skeleton: Mapping[str, Point3]
    strokes: tuple[Stroke, ...]
    discs: tuple[Disc, ...]
    floor: bool = True

    def mirrored(self) -> Frame:
        return Frame(self.skeleton,
                     tuple(Stroke(_flip(s.a), _flip(s.b), s.layer, s.weight) for s in self.strokes),
                     tuple(Disc(_flip(d.centre), d.radius, d.layer, d.filled) for d in self.discs),
                     self.floor)

    def box(self) -> Box:
        """The smallest box holding every stroke and disc (and the floor at y = 0)."""
        xs: list[float] = []
        ys: list[float] = [0.0]
        for stroke in self.strokes:
            xs += (stroke.a[0], stroke.b[0])
            ys += (stroke.a[1], stroke.b[1])
        for disc in self.discs:
            xs += (disc.centre[0] - disc.radius, disc.centre[0] + disc.radius)
            ys += (disc.centre[1] - disc.radius, disc.centre[1] + disc.radius)
        return (min(xs, default=0.0), min(ys), max(xs, default=0.0), max(ys))


def _flip(point: Point) -> Point:
    return (-point[0], point[1])


def direction(angle: float, out: float, side: str) -> Point3:
    """A unit vector: `angle` in the side plane, then `out` degrees toward the segment's own side."""
    a, o = math.radians(angle), math.radians(out)
    sideways = math.sin(o) * (-1.0 if side == "far" else 1.0)
    return (math.cos(o) * math.cos(a), math.cos(o) * math.sin(a), sideways)


def forward_kinematics(root: Point3, angles: Mapping[str, float], out: Mapping[str, float],
                       twist: float = 0.0) -> dict[str, Point3]:
    """Every joint's position: each segment starts where its parent ends and keeps its length."""
    joints: dict[str, Point3] = {"hips": root}
    for bone in BONES:
        side = bone.name.partition("_")[0]
        if bone.name in GIRDLES:
            unit = _girdle(bone, angles, twist if bone.kind == "clavicle" else 0.0)
        else:
            unit = direction(angles[bone.name], out.get(bone.name, 0.0), side)
        x, y, z = joints[bone.start]
        length = bone.length
        joints[bone.end] = (x + length * unit[0], y + length * unit[1], z + length * unit[2])
    return joints


def _girdle(bone: Bone, angles: Mapping[str, float], twist: float) -> Point3:
    # Shoulders and hips sit square across the body; a twist turns the shoulders about the
    # spine, the near shoulder toward the back (up, on all fours) for a positive twist.
    spine = math.radians(angles["upper_back" if bone.kind == "clavicle" else "lower_back"])
    turn_by = math.radians(twist)
    sign = -1.0 if bone.name.startswith("far") else 1.0
    back = (-math.sin(spine), math.cos(spine))  # the side-plane normal on the back's side
    return (sign * math.sin(turn_by) * back[0], sign * math.sin(turn_by) * back[1], sign * math.cos(turn_by))


def project(point: Point3, view: View) -> Point:
    """Where a 3-D point lands in the drawing (orthographic)."""
    x, y, z = point
    if view is View.SIDE:
        return (x, y)
    return (z, y) if view is View.BACK else (-z, y)


def unproject(point: Point, view: View) -> Point3:
    """The 3-D point on the body's middle plane (or the side plane) that a drawing point stands for."""
    x, y = point
    if view is View.SIDE:
        return (x, y, 0.0)
    return (0.0, y, x) if view is View.BACK else (0.0, y, -x)


def head_centre(joints: Mapping[str, Point3], angles: Mapping[str, float], out: Mapping[str, float]) -> Point3:
    radius = LENGTHS["head"] / 2
    unit = direction(angles["head"], out.get("head", 0.0), "")
    top = joints["neck_top"]
    return (top[0] + radius * unit[0], top[1] + radius * unit[1], top[2] + radius * unit[2])


def build_frame(figure: MoveFigure, joints: Mapping[str, Point3], head: Point3) -> Frame:
    """The drawing of a skeleton (facing right, not mirrored), with the move's props."""
    flat = {name: project(point, figure.view) for name, point in joints.items()}
    strokes: list[Stroke] = []
    for prop in figure.props:
        strokes += [Stroke(a, b, Layer.PROP, 1) for a, b in prop.outline()]
        if prop.kind is PropKind.BAND:
            strokes.append(Stroke(prop.at, _band_end(prop, flat), Layer.PROP, 1))
    for bone in _draw_order(figure.view):
        if bone.name == "head":
            continue
        a, b = flat[bone.start], flat[bone.end]
        if math.dist(a, b) < 0.5:  # pointing straight at the viewer
            continue
        strokes.append(Stroke(a, b, _layer(bone, figure.working), WEIGHTS[bone.kind]))
    # Rollers and balls are filled: a one-dot ring is too faint to read as a solid thing.
    discs = [Disc(c, r, Layer.PROP) for prop in figure.props for c, r in prop.circles()]
    discs.append(Disc(project(head, figure.view), LENGTHS["head"] / 2, Layer.HEAD))
    return Frame(joints, tuple(strokes), tuple(discs))


def _band_end(prop: Prop, flat: Mapping[str, Point]) -> Point:
    if prop.to == "hands":
        (ax, ay), (bx, by) = flat["near_wrist"], flat["far_wrist"]
        return ((ax + bx) / 2, (ay + by) / 2)
    return flat.get(prop.to, flat["near_wrist"])


def _draw_order(view: View) -> tuple[Bone, ...]:
    # Far limbs first; from the front or back no limb is "behind", the order is only cosmetic.
    far = tuple(bone for bone in BONES if bone.limb and bone.limb.startswith("far"))
    return far + tuple(bone for bone in BONES if bone not in far)


def _layer(bone: Bone, working: frozenset[Limb]) -> Layer:
    if bone.limb is None:
        return Layer.BODY
    if bone.limb in working:
        return Layer.WORK
    return Layer.FAR if bone.limb.startswith("far") else Layer.BODY


# -- interpolation ---------------------------------------------------------------------------


PLANTED = 12.0  # cm: a contact that moves less than this between two poses is held in place between them


def ease(fraction: float) -> float:
    """Ease in and out (a half cosine): the body starts and stops gently."""
    fraction = min(1.0, max(0.0, fraction))
    return 0.5 - 0.5 * math.cos(math.pi * fraction)


def turn(start: float, end: float, *, long_way: bool = False) -> float:
    """The signed turn from one angle to another: the short way round unless asked otherwise."""
    delta = (end - start + 180.0) % 360.0 - 180.0
    if long_way and delta:
        delta -= math.copysign(360.0, delta)
    return delta


def pose_skeleton(pose: Pose) -> tuple[dict[str, Point3], Point3]:
    """A keyframe's joints and head centre."""
    joints = forward_kinematics(pose.root, pose.angles, pose.out, pose.twist)
    return joints, head_centre(joints, pose.angles, pose.out)


def blend_skeleton(a: Pose, b: Pose, fraction: float) -> tuple[dict[str, Point3], Point3]:
    """The joints `fraction` of the way from pose `a` to pose `b` (eased).

    Angles turn the short way; the root moves in a straight line. Then the whole body shifts
    so that the parts touching the same surface in both poses (hands and feet in a bear
    squat) stay put instead of sliding or sinking, and it never goes below the floor.
    """
    t = ease(fraction)
    if t <= 0.0:
        return pose_skeleton(a)
    if t >= 1.0:
        return pose_skeleton(b)
    long_way = a.long_way.get(b.name, frozenset()) | b.long_way.get(a.name, frozenset())
    angles = {name: a.angles[name] + t * turn(a.angles[name], b.angles[name], long_way=name in long_way)
              for name in ANGLED}
    out = {name: a.out.get(name, 0.0) + t * (b.out.get(name, 0.0) - a.out.get(name, 0.0)) for name in ANGLED}
    root: Point3 = (a.root[0] + (b.root[0] - a.root[0]) * t, a.root[1] + (b.root[1] - a.root[1]) * t,
                    a.root[2] + (b.root[2] - a.root[2]) * t)
    twist = a.twist + t * (b.twist - a.twist)
    joints = forward_kinematics(root, angles, out, twist)
    joints_a, _ = pose_skeleton(a)
    joints_b, _ = pose_skeleton(b)
    # A joint on the same surface in both poses and (nearly) in the same place is planted:
    # hands and feet in a bear squat. A foot stepping from one spot to another is not.
    planted = {name: _lerp3(joints_a[name], joints_b[name], t)
               for name in sorted({joint for _, joint in contact_joints(a) & contact_joints(b)})
               if math.dist(joints_a[name], joints_b[name]) <= PLANTED}
    shift = [0.0, 0.0, 0.0]
    for name, target in planted.items():  # first the whole body, on average...
        for axis in range(3):
            shift[axis] += (target[axis] - joints[name][axis]) / len(planted)
    joints = {name: (x + shift[0], y + shift[1], z + shift[2]) for name, (x, y, z) in joints.items()}
    head = head_centre(joints, angles, out)
    for limb in LIMB_CHAINS:  # ...then each planted hand or foot, by bending its elbow or knee
        _plant(joints, limb, planted, angles, out)
        # and a swinging limb passes over the floor, not through it, carried on the way it is turning
        heading = turn(a.angles[limb[0]], b.angles[limb[0]], long_way=limb[0] in long_way)
        _clear_floor(joints, limb, planted, 1 if heading >= 0 else -1)
    lowest = min(min(point[1] for point in joints.values()), head[1] - LENGTHS["head"] / 2)
    if lowest < 0:
        joints = {name: (x, y - lowest, z) for name, (x, y, z) in joints.items()}
        head = (head[0], head[1] - lowest, head[2])
    return joints, head


def _clear_floor(joints: dict[str, Point3], chain: tuple[str, str, str], planted: Mapping[str, Point3],
                 heading: int) -> None:
    """Swing a limb that dips below the floor up about its shoulder or hip, as little as needed,
    the way it is already turning (`heading`: +1 anticlockwise) if that works within 90°."""
    bones = [BONE_BY_NAME[name] for name in chain]
    names = [bone.end for bone in bones]
    if any(name in planted for name in names) or min(joints[name][1] for name in names) >= 0:
        return
    cx, cy, _ = joints[bones[0].start]
    tries = [(heading, degrees) for degrees in range(2, 92, 2)] + [(-heading, degrees) for degrees in range(2, 182, 2)]
    for sign, degrees in tries:
        theta = math.radians(sign * degrees)
        cos, sin = math.cos(theta), math.sin(theta)
        moved = {name: (cx + (joints[name][0] - cx) * cos - (joints[name][1] - cy) * sin,
                        cy + (joints[name][0] - cx) * sin + (joints[name][1] - cy) * cos, joints[name][2])
                 for name in names}
        if min(point[1] for point in moved.values()) >= 0:
            joints.update(moved)
            return


def _lerp3(a: Point3, b: Point3, t: float) -> Point3:
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t)


# Each limb as (upper segment, lower segment, end segment): shoulder-elbow-wrist-fingers, hip-knee-ankle-toes.
LIMB_CHAINS = tuple((f"{side}_{upper}", f"{side}_{lower}", f"{side}_{end}") for side in SIDES
                    for upper, lower, end in (("upper_arm", "forearm", "hand"), ("thigh", "shin", "foot")))


def _plant(joints: dict[str, Point3], chain: tuple[str, str, str], planted: Mapping[str, Point3],
           angles: Mapping[str, float], out: Mapping[str, float]) -> None:
    """Bend a limb (two-bone inverse kinematics in the side plane) so its planted end stays put.

    Only for a limb that is not swung out sideways; the segment lengths stay exact.
    """
    upper, lower, end = (BONE_BY_NAME[name] for name in chain)
    tip, wrist = end.end, end.start
    if wrist not in planted and tip not in planted:
        return
    if any(abs(out.get(name, 0.0)) > 1e-6 for name in chain):
        return
    offset = (joints[tip][0] - joints[wrist][0], joints[tip][1] - joints[wrist][1])
    goal = planted[wrist] if wrist in planted else (planted[tip][0] - offset[0], planted[tip][1] - offset[1], 0.0)
    (sx, sy, _), (mx, my, _) = joints[upper.start], joints[upper.end]
    l1, l2 = upper.length, lower.length
    dx, dy = goal[0] - sx, goal[1] - sy
    reach = min(max(math.hypot(dx, dy), abs(l1 - l2) + 1e-6), l1 + l2 - 1e-6)
    base = math.atan2(dy, dx)
    bend = math.acos(max(-1.0, min(1.0, (l1 * l1 + reach * reach - l2 * l2) / (2 * l1 * reach))))
    # Keep the elbow or knee bending the way it already bends.
    options = [(sx + l1 * math.cos(base + sign * bend), sy + l1 * math.sin(base + sign * bend)) for sign in (1, -1)]
    mid = min(options, key=lambda point: math.dist(point, (mx, my)))
    z = joints[upper.end][2]
    direction = math.atan2(goal[1] - mid[1], goal[0] - mid[0])
    new_wrist = (mid[0] + l2 * math.cos(direction), mid[1] + l2 * math.sin(direction), joints[wrist][2])
    joints[upper.end] = (mid[0], mid[1], z)
    joints[wrist] = new_wrist
    joints[tip] = (new_wrist[0] + offset[0], new_wrist[1] + offset[1], joints[tip][2])


def contact_joints(pose: Pose) -> frozenset[tuple[Surface, str]]:
    """(surface, joint) for every joint a pose's contacts rest on: `toes` on the floor in one pose
    and `far_toes` in the next share the far toes, which then stay put between them."""
    return frozenset((contact.surface, joint) for contact in pose.contacts for joint in part_points(contact.part))


def part_points(part: str) -> tuple[str, ...]:
    """The joints that stand for a body part (both ends of each of its segments)."""
    spec = PARTS[part]
    return spec.joints + tuple(joint for segment in spec.segments
                               for joint in (BONE_BY_NAME[segment].start, BONE_BY_NAME[segment].end))


# -- checking a pose -------------------------------------------------------------------------


def contact_gap(figure: MoveFigure, pose: Pose, contact: Contact) -> float:
    """How far a declared contact is from being met, in centimetres, in the drawing's plane.

    Joints must each be on the surface; a segment must touch it somewhere along its length.
    """
    joints, head = pose_skeleton(pose)
    flat = {name: project(point, figure.view) for name, point in joints.items()}
    spec = PARTS[contact.part]
    surfaces = _surfaces(figure, contact.surface)
    if not surfaces:
        return math.inf
    worst = 0.0
    for joint in spec.joints:
        worst = max(worst, min(abs(distance(flat[joint])) for distance in surfaces))
    for segment in spec.segments:
        bone = BONE_BY_NAME[segment]
        if segment == "head":
            points = list(_circle(project(head, figure.view), LENGTHS["head"] / 2))
        else:
            points = list(_along(flat[bone.start], flat[bone.end]))
        worst = max(worst, min(abs(distance(point)) for point in points for distance in surfaces))
    return worst


def _surfaces(figure: MoveFigure, surface: Surface) -> list[Callable[[Point], float]]:
    if surface is Surface.FLOOR:
        return [_floor_distance]
    kind = SURFACE_PROPS[surface]
    return [prop.surface_distance for prop in figure.props if prop.kind is kind]


def _floor_distance(point: Point) -> float:
    return point[1]


def _along(a: Point, b: Point, samples: int = 24) -> Iterator[Point]:
    for index in range(samples + 1):
        t = index / samples
        yield (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)


def _circle(centre: Point, radius: float) -> Iterator[Point]:
    for step in range(24):
        theta = 2 * math.pi * step / 24
        yield (centre[0] + radius * math.cos(theta), centre[1] + radius * math.sin(theta))


def lowest_point(pose: Pose) -> tuple[str, float]:
    """The body's lowest joint (or "head") and its height above the floor."""
    joints, head = pose_skeleton(pose)
    name, point = min(joints.items(), key=lambda item: item[1][1])
    bottom = head[1] - LENGTHS["head"] / 2
    return ("head", bottom) if bottom < point[1] else (name, point[1])


def _point_segment_distance(point: Point, a: Point, b: Point) -> float:
    (px, py), (ax, ay), (bx, by) = point, a, b
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
    return math.dist(point, (ax + t * dx, ay + t * dy))


def segment_lengths(frame: Frame) -> dict[str, float]:
    """The 3-D length of every segment of a frame's skeleton (for the tests: nothing stretches)."""
    return {bone.name: math.dist(frame.skeleton[bone.start], frame.skeleton[bone.end]) for bone in BONES}


def union_box(boxes: Iterable[Box]) -> Box:
    items = list(boxes)
    return (min(b[0] for b in items), min(b[1] for b in items), max(b[2] for b in items), max(b[3] for b in items))


# -- what the widget and the CLI ask for -------------------------------------------------------


def frame_between(figure: MoveFigure, from_pose: str, to_pose: str, fraction: float, side: Side | None) -> Frame:
    """The frame `fraction` (0..1, eased) of the way between two keyframes, for a side."""
    joints, head = blend_skeleton(figure.pose(from_pose), figure.pose(to_pose), fraction)
    frame = build_frame(figure, joints, head)
    return frame.mirrored() if side is Side.LEFT else frame


def frame_of_pose(figure: MoveFigure, pose: str, side: Side | None) -> Frame:
    """One keyframe, for a side (an unknown pose name gives the start position)."""
    frame = build_frame(figure, *pose_skeleton(figure.pose(pose)))
    return frame.mirrored() if side is Side.LEFT else frame


def figure_box(figure: MoveFigure, side: Side | None) -> Box:
    """The box around every keyframe of a move: one scale for all its frames, so nothing jumps."""
    box = union_box(build_frame(figure, *pose_skeleton(pose)).box() for pose in figure.poses.values())
    return (-box[2], box[1], -box[0], box[3]) if side is Side.LEFT else box
