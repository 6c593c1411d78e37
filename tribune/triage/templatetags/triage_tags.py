from django import template

from tribune.triage.selectors import cluster_line, label_text, triage_of

register = template.Library()


@register.simple_tag
def comment_triage(comment):
    """The comment's triage row (None when it was never scored)."""
    return triage_of(comment)


@register.filter
def triage_label(label: dict) -> str:
    return label_text(label)


@register.filter
def triage_cluster_line(cluster) -> str:
    return cluster_line(cluster)
