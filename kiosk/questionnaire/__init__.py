"""The FHIR R4 questionnaire engine: load, enable, check, calculate and answer questionnaires.

Pure Python (no Textual, no I/O besides reading the file in :func:`load_questionnaire`).
"""

from kiosk.questionnaire.answers import (
    AnswerError,
    Answers,
    Entry,
    Path,
    answer_key,
    format_answer,
    initial_answers,
    input_text,
    instances,
    new_instance,
    option_for,
    parse_text_answer,
    scope_at,
    set_values,
    values_of,
)
from kiosk.questionnaire.calculate import apply_calculations, fresh_answers, has_calculations
from kiosk.questionnaire.enable import EnableState, active_answers, is_enabled
from kiosk.questionnaire.model import (
    AnswerOption,
    AnswerValue,
    Coding,
    EnableWhen,
    Item,
    ItemControl,
    ItemType,
    Page,
    PartialDate,
    Quantity,
    Questionnaire,
    QuestionnaireRefused,
    load_questionnaire,
    load_questionnaire_once,
    parse_questionnaire,
)
from kiosk.questionnaire.response import build_response
from kiosk.questionnaire.validate import problems

__all__ = [
    "AnswerError",
    "AnswerOption",
    "AnswerValue",
    "Answers",
    "Coding",
    "EnableState",
    "EnableWhen",
    "Entry",
    "Item",
    "ItemControl",
    "ItemType",
    "Page",
    "PartialDate",
    "Path",
    "Quantity",
    "Questionnaire",
    "QuestionnaireRefused",
    "active_answers",
    "answer_key",
    "apply_calculations",
    "build_response",
    "format_answer",
    "fresh_answers",
    "has_calculations",
    "initial_answers",
    "input_text",
    "instances",
    "is_enabled",
    "load_questionnaire",
    "load_questionnaire_once",
    "new_instance",
    "option_for",
    "parse_questionnaire",
    "parse_text_answer",
    "problems",
    "scope_at",
    "set_values",
    "values_of",
]
