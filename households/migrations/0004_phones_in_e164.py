"""Numbers written before every write went through core.phones (the demo's among them) were
stored as typed ("0612000001"): stored in E.164 like the others, so that a search or a
duplicate check finds them. A number that is not one is left as it is, for a person to correct."""

from django.db import migrations

from core.phones import phone_to_e164


def numbers_to_e164(apps, schema_editor):
    for name in ("Guardian", "EmergencyContact"):
        model = apps.get_model("households", name)
        typed = model.objects.exclude(phone="").exclude(phone__startswith="+")
        for pk, phone in list(typed.values_list("pk", "phone")):
            try:
                model.objects.filter(pk=pk).update(phone=phone_to_e164(phone))
            except ValueError:
                continue


class Migration(migrations.Migration):
    dependencies = [("households", "0003_consent_answers")]

    operations = [migrations.RunPython(numbers_to_e164, migrations.RunPython.noop)]
