from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from tribune.abuse.forms import HONEYPOT_FIELD, STAMP_FIELD, form_stamp

register = template.Library()


@register.simple_tag
def form_guard(url: str) -> str:
    """The signed timestamp and the honeypot of a comment form for ``url``."""
    return format_html(
        '<input type="hidden" name="{}" value="{}">'
        '<div class="form-guard" hidden aria-hidden="true">'
        '<label for="id_{}">{}</label>'
        '<input type="text" id="id_{}" name="{}" value="" tabindex="-1" autocomplete="off">'
        "</div>",
        STAMP_FIELD, form_stamp(url=url), HONEYPOT_FIELD,
        _("Leave this field empty"), HONEYPOT_FIELD, HONEYPOT_FIELD,
    )
