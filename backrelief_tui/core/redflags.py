"""The red-flag check: a short checklist for the rare signs that back pain needs a clinician first.

The checklist is data (`RED_FLAGS`), asked on the first run and again when pain jumps
by 3 or more points between sessions or the person reports pain, tingling or
numbness spreading down a leg (`trigger_for`). Any "yes" advises seeing a clinician
before continuing: the same day for the three signs that need a prompt look
(`urgent`), otherwise before the next session. The words never name a condition and
never diagnose: they say who to see and how soon. Answers are kept in the journal
(core/journal.py) and written in the report.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Trigger(StrEnum):
    FIRST_RUN = "first-run"
    PAIN_JUMP = "pain-jump"
    LEG_SYMPTOMS = "leg-symptoms"
    ASKED = "asked"  # the person opened the checklist themselves


PAIN_JUMP_POINTS = 3

TRIGGER_WORDS = {
    Trigger.FIRST_RUN: "first run",
    Trigger.PAIN_JUMP: f"pain rose by {PAIN_JUMP_POINTS} or more points between sessions",
    Trigger.LEG_SYMPTOMS: "pain, tingling or numbness spreading down a leg",
    Trigger.ASKED: "asked for",
}


@dataclass(frozen=True)
class RedFlag:
    id: str
    question: str  # asked as a yes/no question, in plain words
    label: str  # short, for the report: "fever"
    urgent: bool  # a "yes" needs a clinician today, not only before the next session


RED_FLAGS: tuple[RedFlag, ...] = (
    RedFlag("saddle-numbness", "Numbness or tingling around your bottom, genitals or inner thighs "
            "(where you would sit on a saddle)?", "numbness around the saddle area", urgent=True),
    RedFlag("bladder-bowel", "New trouble passing urine, or controlling your bladder or bowels?",
            "new bladder or bowel changes", urgent=True),
    RedFlag("leg-weakness", "Weakness in one or both legs that is getting worse (tripping, a foot that drags)?",
            "leg weakness that is getting worse", urgent=True),
    RedFlag("fever", "A fever, or feeling hot and shivery, along with the back pain?", "fever", urgent=False),
    RedFlag("cancer", "Have you ever had cancer?", "a history of cancer", urgent=False),
    RedFlag("fall-injury", "Did this back pain start after a fall, an accident or an injury?",
            "a fall or injury", urgent=False),
    RedFlag("weight-loss", "Have you lost weight recently without trying?", "weight loss without trying",
            urgent=False),
    RedFlag("night-pain", "Pain at night that does not ease when you rest or change position?",
            "night pain that rest does not ease", urgent=False),
)
RED_FLAG_IDS = tuple(flag.id for flag in RED_FLAGS)
_BY_ID = {flag.id: flag for flag in RED_FLAGS}

INTRO = ("A few questions before you go on. They look for uncommon signs that back pain should be checked by "
         "a doctor or physiotherapist before exercising. Answer for how things are now.")


class Advice(StrEnum):
    CLEAR = "clear"
    SEE_CLINICIAN = "see-clinician"  # before continuing with the exercises
    URGENT = "urgent"  # today


ADVICE_TEXT = {
    Advice.CLEAR: ("Thank you: nothing here needs a check before you go on. If any of these appears later, "
                   "stop the exercises and get advice."),
    Advice.SEE_CLINICIAN: ("Please see a doctor or physiotherapist before you continue with these exercises, and "
                           "tell them what you answered yes to. This is not a diagnosis: back pain with these "
                           "is usually not serious, but it is worth a check first."),
    Advice.URGENT: ("Please get medical advice today (your doctor's urgent line, an out-of-hours service, or an "
                    "emergency department if you cannot reach one) and do not continue with these exercises "
                    "until you have been checked. This is not a diagnosis: these signs have several causes, "
                    "and a clinician should look at them soon."),
}


def advise(answers: Mapping[str, bool]) -> Advice:
    """What to advise for these answers (flag id -> yes); an unknown id is ignored."""
    yes = [_BY_ID[flag_id] for flag_id, said_yes in answers.items() if said_yes and flag_id in _BY_ID]
    if any(flag.urgent for flag in yes):
        return Advice.URGENT
    return Advice.SEE_CLINICIAN if yes else Advice.CLEAR


@dataclass(frozen=True)
class RedFlagCheck:
    """One time the checklist was answered."""

    asked: datetime
    trigger: Trigger
    answers: Mapping[str, bool] = field(default_factory=dict)  # flag id -> yes; a question not answered is absent
    seen_clinician: bool = False  # the person said later that a clinician has seen them about it

    @property
    def yes(self) -> tuple[RedFlag, ...]:
        return tuple(flag for flag in RED_FLAGS if self.answers.get(flag.id))

    @property
    def advice(self) -> Advice:
        return advise(self.answers)

    @property
    def needs_clinician(self) -> bool:
        """A "yes" that no clinician has looked at yet (as far as the person told us)."""
        return self.advice is not Advice.CLEAR and not self.seen_clinician

    @property
    def words(self) -> str:
        """`Mon 03 Mar, first run: no to all 8` / `..., yes to fever — advised to see a clinician before
        continuing; has seen one since`: one line for the report."""
        head = f"{self.asked:%a %d %b %Y}, {TRIGGER_WORDS[self.trigger]}"
        answered = [flag for flag in RED_FLAGS if flag.id in self.answers]
        if not self.yes:
            if len(answered) == len(RED_FLAGS):
                return f"{head}: no to all {len(RED_FLAGS)}"
            return f"{head}: no to {len(answered)} of {len(RED_FLAGS)} (the others not answered)"
        advised = ("advised to get medical advice the same day" if self.advice is Advice.URGENT
                   else "advised to see a clinician before continuing")
        seen = "; has seen a clinician since" if self.seen_clinician else ""
        return f"{head}: yes to {', '.join(flag.label for flag in self.yes)} — {advised}{seen}"


# -- what the app says around the checklist ------------------------------------------------------

CHECK_TITLE = "A short safety check"

_ASKED_BECAUSE = {
    Trigger.PAIN_JUMP: f"Your pain is {PAIN_JUMP_POINTS} or more points higher than after your last session.",
    Trigger.LEG_SYMPTOMS: "You said you have pain, tingling or numbness spreading down a leg.",
}


def asked_because(trigger: Trigger) -> str:
    """Why the checklist is shown now, said to the person ("" on the first run, or when they asked for it)."""
    return _ASKED_BECAUSE.get(trigger, "")


def answers_line(answers: Mapping[str, bool]) -> str:
    """`You answered yes to: fever, a history of cancer.`, or `You answered no to all 8.`: above the advice."""
    yes = [flag.label for flag in RED_FLAGS if answers.get(flag.id)]
    if yes:
        return f"You answered yes to: {', '.join(yes)}."
    answered = sum(flag.id in answers for flag in RED_FLAGS)
    if answered == len(RED_FLAGS):
        return f"You answered no to all {len(RED_FLAGS)}."
    return f"You answered no to {answered} of {len(RED_FLAGS)}; the others were not answered."


def reminder(check: RedFlagCheck) -> str:
    """The start screen's calm line while a check's "yes" has not been seen by a clinician."""
    if check.advice is Advice.URGENT:
        advice = "please get medical advice today, before going on with these exercises"
    else:
        advice = "please see a doctor or physiotherapist before going on with these exercises"
    return f"Your safety check on {check.asked:%a %d %b} found something to have looked at: {advice}."


def pain_jumped(previous: int | None, now: int | None) -> bool:
    """Pain `PAIN_JUMP_POINTS` or more above the last rating."""
    return previous is not None and now is not None and now - previous >= PAIN_JUMP_POINTS


def last_rating(before: int | None, after: int | None) -> int | None:
    """A session's last pain rating: after if given, else before."""
    return after if after is not None else before


def should_ask(trigger: Trigger | None, last_check: RedFlagCheck | None, now: datetime) -> bool:
    """Whether to show the checklist for `trigger` now: the first run only once; a pain jump unless a
    checklist was answered earlier the same day (where the person is now); leg symptoms, or the person
    asking, always."""
    if trigger is None:
        return False
    if trigger is Trigger.FIRST_RUN:
        return last_check is None
    if trigger is Trigger.PAIN_JUMP and last_check is not None:
        return last_check.asked.astimezone(now.tzinfo).date() != now.date()
    return True


def trigger_for(*, first_run: bool, previous_pain: int | None = None, pain_now: int | None = None,
                leg_symptoms: bool = False) -> Trigger | None:
    """Why the checklist should be asked now, or None.

    `first_run`: no check has ever been answered. `previous_pain`: the last rating
    before this one (`last_rating` of the previous rated session); `pain_now`: the
    rating just given before a session. `leg_symptoms`: the person said pain, tingling
    or numbness spreads down a leg. The most specific reason wins.
    """
    if leg_symptoms:
        return Trigger.LEG_SYMPTOMS
    if pain_jumped(previous_pain, pain_now):
        return Trigger.PAIN_JUMP
    return Trigger.FIRST_RUN if first_run else None
