"""A recorded trace is untrusted input: every line is read by the one bounded JSON reader
(advisor.validation.json_from_text: size, depth, digits, duplicate keys) and checked
against the models below before anything compares or prints it, as a Situation is.

The models hold what replay reads (codes, likelihoods, rule ids, debts, priorities,
matched slot values, declared facts) and bound every size; the records themselves stay
plain dicts (fields other features add, such as a header's `as_of`, are kept).  Texts
are not trusted for being valid: whatever is shown goes through advisor.texts.sanitise.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, ValidationError

from credit_advisor.facts.enums import Likelihood

MAX_NAME = 200  # a rule id, a code, a fact name, a version
MAX_TEXT = 20_000  # a recorded sentence
MAX_ITEMS = 10_000  # firings' matched facts, declared facts, effects, actions, debts

Name = Annotated[str, Field(min_length=1, max_length=MAX_NAME)]
Text = Annotated[str, Field(max_length=MAX_TEXT)]
Scalar = StrictBool | StrictInt | StrictFloat | Text | None
SlotValue = Scalar | Annotated[list[Scalar], Field(max_length=MAX_ITEMS)]
Debts = Annotated[list[Annotated[StrictInt, Field(ge=-1, le=MAX_ITEMS)]], Field(max_length=MAX_ITEMS)]
Rules = Annotated[list[Name], Field(max_length=MAX_ITEMS)]
# Its codes as strings (the models are strict): the one declaration of the order and codes.
LikelihoodName = Annotated[Likelihood, Field(strict=False)]


class _Checked(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)


class Header(_Checked):
    kind: Literal["header"]
    format: str
    format_version: StrictInt
    ruleset_version: Name
    input_sha256: Name
    input: dict[str, Any]
    time: Annotated[str, Field(max_length=64)] = ""
    language: Literal["zh", "zh-Hant", "en"]
    firings: Annotated[StrictInt, Field(ge=0)] | None = None


class Matched(_Checked):
    fact: Name
    values: dict[Name, SlotValue] = Field(default_factory=dict)


class DeclaredEffect(_Checked):
    topic: Name
    code: Name
    likelihood: LikelihoodName
    debt: StrictInt = -1


class DeclaredAction(_Checked):
    code: Name
    rank: StrictInt | StrictFloat
    debt: StrictInt = -1


class DeclaredFinding(_Checked):
    likelihood: LikelihoodName
    debt: StrictInt = -1


DECLARED: dict[str, type[BaseModel]] = {"Effect": DeclaredEffect, "Action": DeclaredAction, "OnReport": DeclaredFinding}


class Firing(_Checked):
    kind: Literal["firing"]
    seq: StrictInt | None = None
    rule: Name
    salience: StrictInt | None = None
    matched: Annotated[list[Matched], Field(max_length=MAX_ITEMS)] = Field(default_factory=list)
    declared: Annotated[list[Text], Field(max_length=MAX_ITEMS)] = Field(default_factory=list)


class RecordedEffect(_Checked):
    code: Name
    likelihood: LikelihoodName
    debts: Debts = Field(default_factory=list)
    rules: Rules = Field(default_factory=list)


class RecordedTopic(_Checked):
    effects: Annotated[list[RecordedEffect], Field(max_length=MAX_ITEMS)] = Field(default_factory=list)


class RecordedAction(_Checked):
    code: Name
    priority: StrictInt | None = None
    debts: Debts = Field(default_factory=list)
    rules: Rules = Field(default_factory=list)


class RecordedTimeline(_Checked):
    debt: StrictInt


class RecordedAdvice(_Checked):
    topics: dict[Name, RecordedTopic] = Field(default_factory=dict)
    actions: Annotated[list[RecordedAction], Field(max_length=MAX_ITEMS)] = Field(default_factory=list)
    timeline: Annotated[list[RecordedTimeline], Field(max_length=MAX_ITEMS)] = Field(default_factory=list)


class AdviceLine(_Checked):
    kind: Literal["advice"]
    advice: RecordedAdvice


def problems(model: type[BaseModel], record: Any, lang: str) -> list[tuple[str, str]]:
    """The (field, message) problems of `record` against `model`; [] when it fits."""
    from advisor.validation import validation_problems

    try:
        model.model_validate(record)
    except ValidationError as error:
        return validation_problems(error, lang)
    return []


def declared_problems(firing: dict, lang: str) -> list[tuple[str, str]]:
    """Each declared fact is `"<Class> f-<id> <json>"`: its JSON must be an object read
    by the bounded reader, and an Effect, Action or finding must carry what replay reads."""
    from advisor.validation import SituationError, json_from_text

    found: list[tuple[str, str]] = []
    for index, line in enumerate(firing.get("declared", [])):
        kind, _, rest = line.partition(" ")
        _, _, payload = rest.partition(" ")
        where = f"declared[{index}]"
        if not payload:
            continue
        try:
            values = json_from_text(payload, lang)
        except SituationError as error:
            found += [(where, message) for _, message in error.problems]
            continue
        if not isinstance(values, dict):
            found.append((where, json.dumps(type(values).__name__)))
            continue
        model = DECLARED.get(kind)
        if model is not None:
            found += [(f"{where}.{name}", message) for name, message in problems(model, values, lang)]
    return found
