"""``{{ event.object_type|audit_object_kind }}`` and ``{{ event.summary|audit_summary_words }}``."""

from django import template

from accounts import audit_words

register = template.Library()
register.filter("audit_object_kind", audit_words.audit_object_kind)
register.filter("audit_summary_words", audit_words.audit_summary_words)
