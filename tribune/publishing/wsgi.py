"""Tribune's WSGI application behind its fast paths (published renders, and
submissions), for WSGI servers that take a ``module:attribute``
(``tribune.publishing.wsgi:application``)."""

# isort: off
from tribune.wsgi import application as django_application  # sets Django up first
from tribune.api.intake import SubmissionFastPath  # imports models: after the set-up
# isort: on

from .fastpath import PublishedFastPath

application = SubmissionFastPath(PublishedFastPath(django_application))
