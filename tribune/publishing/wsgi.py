"""Tribune's WSGI application behind the published-render fast path, for WSGI
servers that take a ``module:attribute`` (``tribune.publishing.wsgi:application``)."""

from tribune.wsgi import application as django_application  # sets Django up first

from .fastpath import PublishedFastPath

application = PublishedFastPath(django_application)
