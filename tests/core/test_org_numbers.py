import pytest
from django import forms
from django.core.exceptions import ValidationError

from kulturportal.models import Organisation, OrganisationKind
from kulturportal.validators import validate_org_number


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "slug", "kind", "org_number"]


def _form(number, slug="kulturforeningen"):
    return OrganisationForm(
        data={
            "name": "Kulturföreningen",
            "slug": slug,
            "kind": OrganisationKind.CIVIL_SOCIETY,
            "org_number": number,
        }
    )


@pytest.mark.parametrize("number", ["232100-0255", "2321000255", "802400-1235"])
def test_valid_org_numbers_pass(number):
    validate_org_number(number)


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("232100-0256", "kontrollsiffran är fel"),
        ("23210002", "tio siffror"),
        ("232100-02555", "tio siffror"),
        ("ABCDEF-GHIJ", "bara innehålla siffror"),
    ],
)
def test_invalid_org_numbers_get_a_swedish_message(number, message):
    with pytest.raises(ValidationError) as error:
        validate_org_number(number)
    assert message in str(error.value.messages[0])


@pytest.mark.django_db
def test_bad_number_is_reported_beside_the_field_and_keeps_the_rest():
    form = _form("232100-0256")
    assert not form.is_valid()
    assert list(form.errors) == ["org_number"]
    html = str(form["org_number"])
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_org_number_helptext id_org_number_error"' in html
    assert 'id="id_org_number_error"' in str(form["org_number"].errors)
    assert form["name"].value() == "Kulturföreningen"


@pytest.mark.django_db
def test_number_is_stored_in_one_form_so_it_cannot_be_entered_twice():
    form = _form("2321000255")
    assert form.is_valid(), form.errors
    assert form.save().org_number == "232100-0255"
    duplicate = _form("232100-0255", slug="en-annan")
    assert not duplicate.is_valid()
    assert "org_number" in duplicate.errors
