from django import template
from django.urls import translate_url

register = template.Library()


@register.simple_tag(takes_context=True)
def path_in_language(context, language: str) -> str:
    """This page's path in another language (/kommuner/ ⇄ /en/kommuner/)."""
    return translate_url(context["request"].get_full_path(), language)
