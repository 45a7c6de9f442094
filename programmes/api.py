from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field as PydanticField

from core.schema_types import DbId

from .models import Field, Kind
from .schemas import ProgrammeOut
from .selectors import programme_list_published

router = Router()


class ProgrammeFilters(Schema):
    kind: Kind | None = None
    field: Field | None = None
    age: int | None = PydanticField(None, ge=0, le=120)


@router.get("", response=list[ProgrammeOut], summary="Published programmes")
@paginate
def list_programmes(request: HttpRequest, filters: Query[ProgrammeFilters]):
    return programme_list_published(kind=filters.kind, field=filters.field, age=filters.age)


@router.get("/{int:programme_id}", response=ProgrammeOut, summary="One published programme")
def get_programme(request: HttpRequest, programme_id: DbId):
    return get_object_or_404(programme_list_published(), pk=programme_id)
