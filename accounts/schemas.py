from django.contrib.auth.models import AbstractBaseUser
from ninja import Schema

from .roles import user_roles


class MeOut(Schema):
    username: str
    full_name: str
    roles: list[str]

    @staticmethod
    def resolve_full_name(user: AbstractBaseUser) -> str:
        return user.get_full_name()

    @staticmethod
    def resolve_roles(user: AbstractBaseUser) -> list[str]:
        return sorted(user_roles(user))
