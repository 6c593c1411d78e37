"""The signal threads send for what renders their published view.

Publishing (above threads) renders a thread's view; threads does not import it.
:data:`thread_view_changed` is sent, inside the transaction of the change, when
something the view shows changed through ``Thread.objects.update`` (which sends
no ``post_save``): a title filled in by the embedding page, a thread that closed
by itself. Publishing re-renders the thread on it
(:mod:`tribune.publishing.signals`), in the same transaction.
"""

from django.dispatch import Signal

# Sent with ``thread``: the Thread as it now is.
thread_view_changed = Signal()
