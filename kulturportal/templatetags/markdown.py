from django import template
from django.utils.safestring import SafeString

from kulturportal.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    """{{ section.body|markdown }}: the author's Markdown as cleaned HTML."""
    return render_markdown(text)
