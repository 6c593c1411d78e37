"""Tribune's WSGI application behind its fast paths (published renders, and
submissions), for WSGI servers that take a ``module:attribute``
(``tribune.publishing.wsgi:application``). With ``TRIBUNE_FAST_PATHS=0``, Django
answers every request (see :mod:`tribune.publishing.checks`)."""

# isort: off
from tribune.wsgi import application as django_application  # sets Django up first
from .intake import SubmissionFastPath  # imports models: after the set-up
# isort: on

from django.conf import settings

from .fastpath import PublishedFastPath

application = (SubmissionFastPath(PublishedFastPath(django_application))
               if settings.TRIBUNE_FAST_PATHS else django_application)
