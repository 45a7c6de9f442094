"""The safety sheet's page and its API take the same lengths: a text the page accepts is never
refused by the API, nor the other way round."""

from households.forms import SafetySheetForm
from households.schemas import HealthIn, PersonIn


def _max_lengths(schema) -> dict[str, int | None]:
    properties = schema.model_json_schema()["properties"]
    return {name: field.get("maxLength") for name, field in properties.items()}


def test_the_page_and_the_api_agree_on_every_text_length():
    form = SafetySheetForm()
    health = _max_lengths(HealthIn)
    person = _max_lengths(PersonIn)
    pairs = [(name, health[name]) for name in health if name != "has_pai"] + [
        (f"{prefix}_1_{name}", limit)
        for prefix in ("contact", "authorised")
        for name, limit in person.items()
    ]
    for field_name, limit in pairs:
        assert limit is not None, field_name
        assert form.fields[field_name].max_length == limit, field_name
