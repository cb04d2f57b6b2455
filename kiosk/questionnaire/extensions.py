"""Which FHIR extensions the engine uses, ignores quietly, or ignores with a warning.

Extensions are identified by URL. Those the engine implements are read by the loader
(:mod:`kiosk.questionnaire.itemext`). Rendering hints, help texts and hints for
server-side data extraction and pre-population are ignored quietly; known features the
engine does not implement, and any other URL, are ignored with a warning (``check``
prints them). Only a ``modifierExtension`` the engine does not know refuses a
questionnaire (the FHIR rule: it may change the meaning of what it sits on).
"""

from __future__ import annotations

from kiosk.i18n import _

CORE = "http://hl7.org/fhir/StructureDefinition/"
SDC = "http://hl7.org/fhir/uv/sdc/StructureDefinition/"

# The extensions the loader reads (each one in exactly one place).
ITEM_CONTROL = CORE + "questionnaire-itemControl"
CHOICE_ORIENTATION = CORE + "questionnaire-choiceOrientation"
ENTRY_FORMAT = CORE + "entryFormat"
HIDDEN = CORE + "questionnaire-hidden"
MIN_OCCURS = CORE + "questionnaire-minOccurs"
MAX_OCCURS = CORE + "questionnaire-maxOccurs"
UNIT = CORE + "questionnaire-unit"
UNIT_OPTION = CORE + "questionnaire-unitOption"
MIN_LENGTH = CORE + "minLength"
REGEX = CORE + "regex"
MIN_VALUE = CORE + "minValue"
MAX_VALUE = CORE + "maxValue"
MAX_DECIMAL_PLACES = CORE + "maxDecimalPlaces"
VARIABLE = CORE + "variable"
CALCULATED = SDC + "sdc-questionnaire-calculatedExpression"
INITIAL_EXPRESSION = SDC + "sdc-questionnaire-initialExpression"
OLD_INITIAL_EXPRESSION = CORE + "questionnaire-initialExpression"
"""The URL of initialExpression before SDC took it over: an alias."""
ENABLE_WHEN_EXPRESSION = SDC + "sdc-questionnaire-enableWhenExpression"
ANSWER_EXPRESSION = SDC + "sdc-questionnaire-answerExpression"
POPULATION_CONTEXT = SDC + "sdc-questionnaire-itemPopulationContext"
"""Names the data a repeating group is filled from (a server's): an empty variable here."""
TARGET_CONSTRAINT = CORE + "targetConstraint"
OLD_CONSTRAINT = CORE + "questionnaire-constraint"
"""The R4 name of targetConstraint (same content): an alias."""
LAUNCH_CONTEXT = SDC + "sdc-questionnaire-launchContext"
OPTION_PREFIX = CORE + "questionnaire-optionPrefix"
OPTION_EXCLUSIVE = CORE + "questionnaire-optionExclusive"
WEIGHTS = frozenset({CORE + "ordinalValue", CORE + "itemWeight", CORE + "iso21090-CO-value"})
"""ordinalValue, its R5 name itemWeight, and its pre-R4 name."""
VALIDATION_TEXT = "http://biodesign.stanford.edu/fhir/StructureDefinition/validationtext"
"""ResearchKitOnFHIR's message for a failed regex; shown to the visitor."""
TRANSLATION = CORE + "translation"

ITEM_EXTENSIONS: frozenset[str] = frozenset(
    {
        ITEM_CONTROL, CHOICE_ORIENTATION, ENTRY_FORMAT, HIDDEN, MIN_OCCURS, MAX_OCCURS, UNIT,
        UNIT_OPTION, MIN_LENGTH, REGEX, MIN_VALUE, MAX_VALUE, MAX_DECIMAL_PLACES, VARIABLE,
        CALCULATED, INITIAL_EXPRESSION, OLD_INITIAL_EXPRESSION, VALIDATION_TEXT,
        ENABLE_WHEN_EXPRESSION, ANSWER_EXPRESSION, TARGET_CONSTRAINT, OLD_CONSTRAINT,
        POPULATION_CONTEXT,
    }
)  # fmt: skip
"""Read by the loader on items."""

OPTION_EXTENSIONS: frozenset[str] = frozenset({OPTION_PREFIX, OPTION_EXCLUSIVE, *WEIGHTS})
"""Read by the loader on answerOption (and on ValueSet concepts, for the weights)."""

ROOT_EXTENSIONS: frozenset[str] = frozenset(
    {VARIABLE, LAUNCH_CONTEXT, TARGET_CONSTRAINT, OLD_CONSTRAINT}
)
"""Read by the loader on the Questionnaire itself."""

IGNORED_EXTENSIONS: frozenset[str] = frozenset(
    {
        CORE + "questionnaire-displayCategory",
        CORE + "rendering-xhtml",
        CORE + "rendering-markdown",
        CORE + "rendering-style",
        CORE + "questionnaire-supportLink",
        TRANSLATION,  # read where it belongs (on _text, _title, _display ...)
        # Server-side data extraction and pre-population from observations: the response
        # is the same with or without them.
        SDC + "sdc-questionnaire-itemExtractionContext",
        SDC + "sdc-questionnaire-observationLinkPeriod",
        SDC + "sdc-questionnaire-observationExtract",
        SDC + "sdc-questionnaire-observation-extract-category",
        SDC + "sdc-questionnaire-targetStructureMap",
        SDC + "sdc-questionnaire-sourceStructureMap",
        SDC + "sdc-questionnaire-sourceQueries",
        SDC + "sdc-questionnaire-assembledFrom",
        SDC + "sdc-questionnaire-assemble-expectation",
        # Rendering hints (drawn by the screens where a terminal can honour them).
        SDC + "sdc-questionnaire-entryMode",
        SDC + "sdc-questionnaire-shortText",
        SDC + "sdc-questionnaire-choiceColumn",
        SDC + "sdc-questionnaire-columnCount",
        SDC + "sdc-questionnaire-width",
        SDC + "sdc-questionnaire-collapsible",
        SDC + "sdc-questionnaire-openLabel",
        SDC + "sdc-questionnaire-isSubject",
        CORE + "questionnaire-sliderStepValue",
        CORE + "questionnaire-instruction",
        CORE + "questionnaire-choiceColumn",
        CORE + "rendering-styleSensitive",
        CORE + "questionnaire-usageMode",
        CORE + "questionnaire-signatureRequired",
        CORE + "questionnaire-baseType",
        CORE + "questionnaire-fhirType",
        CORE + "designNote",
        # Where a server would expand value sets; the kiosk only uses contained ones and
        # refuses the rest, so it is never consulted.
        CORE + "terminology-server",
        SDC + "sdc-questionnaire-preferredTerminologyServer",
    }
)
"""Cosmetic or server-side extensions, ignored wherever they appear."""

IGNORED_ON_UNAVAILABLE: frozenset[str] = frozenset(
    {CORE + "mimeType", CORE + "maxSize", CORE + "questionnaire-referenceResource",
     CORE + "questionnaire-referenceProfile", SDC + "sdc-questionnaire-referenceFilter"}
)  # fmt: skip
"""Ignored on attachment and reference items, which the kiosk never answers."""

UNSUPPORTED_EXTENSIONS: dict[str, str] = {
    SDC + "sdc-questionnaire-candidateExpression": "candidateExpression",
    SDC + "sdc-questionnaire-contextExpression": "contextExpression",
    SDC + "sdc-questionnaire-answerOptionsToggleExpression": "answerOptionsToggleExpression",
    CORE + "cqf-expression": "cqf-expression",
    SDC + "sdc-questionnaire-subQuestionnaire": "subQuestionnaire",
}
"""Known features the engine does not implement: ignored with a warning naming the feature."""


def extension_problem(url: str, *, handled: frozenset[str] = frozenset()) -> str | None:
    """``None`` if the extension at *url* is read by the caller (*handled*) or is ignored
    quietly, else the (localized) warning that it is ignored."""
    if url in handled or url in IGNORED_EXTENSIONS:
        return None
    feature = UNSUPPORTED_EXTENSIONS.get(url)
    if feature is not None:
        return _("'{feature}' is not supported").format(feature=feature)
    return _("extension '{url}' is not supported").format(url=url)
