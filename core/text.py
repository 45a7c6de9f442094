"""The one rule for text that enters the service, from a form, the API or a search box.

Text must not hold NUL or other control characters (PostgreSQL refuses NUL in a string and
no person types the others): a form shows "Remove the control characters" beside the field,
the API answers 422 naming it. Tabs and line breaks are allowed. Searches are bounded in
length and number of words so that one request cannot keep the database busy.

- ``validate_text``: a Django validator, added to every text field of a form by
  ``TextFormMixin``;
- ``InputSchema``: the base of the API's input schemas, refusing such characters in every
  string field, nested ones included, and any key the schema does not name;
- ``Text`` and ``SearchText``: the same rule for a single API parameter.
"""

import re
from typing import Annotated, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy
from ninja import Schema
from pydantic import (
    AfterValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

# C0 controls except tab, line feed and carriage return; DEL and the C1 controls.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
SEARCH_MAX_LENGTH = 100
SEARCH_MAX_WORDS = 6

CONTROL_MESSAGE = gettext_lazy("Remove the control characters from this text.")


def has_control_characters(value: str) -> bool:
    return bool(CONTROL_CHARACTERS.search(value))


def validate_text(value: Any) -> None:
    """Django validator: refuses NUL and other control characters."""
    if isinstance(value, str) and has_control_characters(value):
        raise ValidationError(CONTROL_MESSAGE, code="control_characters")


def _clean_text(value: str) -> str:
    if has_control_characters(value):
        raise ValueError(gettext("Remove the control characters from this text."))
    return value


def _bounded_search(value: str) -> str:
    _clean_text(value)
    if len(value.split()) > SEARCH_MAX_WORDS:
        raise ValueError(
            gettext("Search with at most %(count)s words.") % {"count": SEARCH_MAX_WORDS}
        )
    return value


# The same rule as the schema states it (ECMAScript syntax, read alike by Python's ``re``).
CONTROL_RANGES = r"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f"
TEXT_PATTERN = rf"^[^{CONTROL_RANGES}]*$"
# A search: at most SEARCH_MAX_WORDS words (runs of non-spaces), no control characters.
_WORD = rf"[^\s{CONTROL_RANGES}]+"
_SPACE = rf"[^\S{CONTROL_RANGES}]"  # a space that is not a control character
SEARCH_PATTERN = rf"^{_SPACE}*({_WORD}{_SPACE}+){{0,{SEARCH_MAX_WORDS - 1}}}({_WORD}{_SPACE}*)?$"

Text = Annotated[
    str, AfterValidator(_clean_text), Field(json_schema_extra={"pattern": TEXT_PATTERN})
]
SearchText = Annotated[
    str,
    StringConstraints(max_length=SEARCH_MAX_LENGTH),
    AfterValidator(_bounded_search),
    Field(json_schema_extra={"pattern": SEARCH_PATTERN}),
]


def search_bounded(value: str) -> str:
    """A search as a query may run it: control characters dropped, the first
    SEARCH_MAX_LENGTH characters, the first SEARCH_MAX_WORDS words (each word is a join)."""
    words = CONTROL_CHARACTERS.sub(" ", value[:SEARCH_MAX_LENGTH]).split()
    return " ".join(words[:SEARCH_MAX_WORDS])


class BoundedSearchAdminMixin:
    """For a ModelAdmin with ``search_fields``: its search box (and the autocompletes that use
    it) runs the same bounded search as the API and the pages, so that thousands of words
    cannot keep the database busy, nor a NUL character reach PostgreSQL."""

    def get_search_results(self, request: Any, queryset: Any, search_term: str) -> Any:
        return super().get_search_results(  # type: ignore[misc]
            request, queryset, search_bounded(search_term)
        )


def bound_admin_searches(site: Any) -> None:
    """Give every ModelAdmin of ``site`` with a search box the bounded search, the project's
    and the installed apps' (users, groups, sign-in attempts) alike, and those added later:
    called once every admin module is registered (``config/urls.py``)."""
    for model, model_admin in list(site._registry.items()):
        if model_admin.search_fields and not isinstance(model_admin, BoundedSearchAdminMixin):
            bounded = type(
                type(model_admin).__name__, (BoundedSearchAdminMixin, type(model_admin)), {}
            )
            site.unregister(model)
            site.register(model, bounded)


def validate_search(value: Any) -> None:
    """Django validator for search boxes: the same bounds as ``SearchText``."""
    validate_text(value)
    if isinstance(value, str) and len(value.split()) > SEARCH_MAX_WORDS:
        raise ValidationError(
            gettext_lazy("Search with at most %(count)s words."),
            params={"count": SEARCH_MAX_WORDS},
            code="too_many_words",
        )


class InputSchema(Schema):
    """Base of every API input schema: no string field, at any depth, holds a control
    character (the 422 names the field), and no key the schema does not name is accepted
    (``extra="forbid"``, stated as ``additionalProperties: false``): a misspelt or misplaced
    key is a 422 naming it, never a field silently left at its default."""

    model_config = ConfigDict(extra="forbid")

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema, handler):
        """The rule stated in the schema: every free-text string carries ``TEXT_PATTERN``."""
        schema = handler(core_schema)
        _state_text_rule(handler.resolve_ref_schema(schema))
        return schema

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, data: Any) -> Any:
        # A JSON array or scalar is not a schema's object, even when every field has a default.
        if isinstance(data, list | tuple | str | int | float) or data is None:
            raise ValueError(gettext("Send a JSON object."))
        return data

    @field_validator("*", mode="after")
    @classmethod
    def _no_control_characters(cls, value: Any) -> Any:
        for text in _strings_in(value):
            _clean_text(text)
        return value


def _state_text_rule(schema: dict[str, Any]) -> None:
    for field in schema.get("properties", {}).values():
        for shape in [field, *field.get("anyOf", [])]:
            _add_pattern(shape)
            _add_pattern(shape.get("items", {}))


def _add_pattern(shape: dict[str, Any]) -> None:
    free_text = shape.get("type") == "string" and not (
        {"format", "enum", "const", "pattern", "$ref"} & set(shape)
    )
    if free_text:
        shape["pattern"] = TEXT_PATTERN


def _strings_in(value: Any):
    if isinstance(value, str):
        yield value
    elif isinstance(value, list | tuple | set):
        for item in value:
            yield from _strings_in(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings_in(item)


class TextFormMixin:
    """Give every text field of a form the rule (Django already refuses NUL; this also
    refuses the other control characters, which no person types)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # type: ignore[attr-defined]
            if isinstance(field, forms.CharField) and validate_text not in field.validators:
                field.validators.append(validate_text)
