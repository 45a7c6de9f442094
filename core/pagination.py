"""The API's one pagination: limit/offset with both bounded."""

from django.conf import settings
from django.utils.translation import gettext_noop
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

from .reads import is_personal, personal_read

# Past this, databases reject the OFFSET (SQLite: 64-bit overflow) and no list is that long.
MAX_OFFSET = 2**31 - 1


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(
            settings.NINJA_PAGINATION_PER_PAGE, ge=1, le=settings.NINJA_PAGINATION_MAX_LIMIT
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def paginate_queryset(self, queryset, pagination, request, **params):
        page = super().paginate_queryset(queryset, pagination, request, **params)
        model = getattr(queryset, "model", None)
        if model is None and isinstance(queryset, list | tuple) and queryset:
            model = type(queryset[0])  # a list already built: its rows' model
        if isinstance(model, type) and is_personal(model):
            # Fetched once here, recorded as read (staff and partners), then serialised.
            page[self.items_attribute] = list(page[self.items_attribute])
            personal_read(request, page[self.items_attribute], summary=gettext_noop("API list"))
        return page
