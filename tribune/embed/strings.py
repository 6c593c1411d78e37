"""The widget's interface strings, translated on the server into the desk's
language and sent with the widget's configuration. Placeholders are named
(``%(name)s``) and filled in by the widget."""

from __future__ import annotations

from django.utils.translation import gettext as _


def widget_strings() -> dict[str, str]:
    """The strings in the active language."""
    return {
        "heading": _("Comments"),
        "pre": _("Comments are moderated before publication and do not appear in real time."),
        "post": _("Comments on this article are published at once and reviewed by moderators "
                  "afterwards."),
        "guidelines": _("Be respectful of others' point of view and stick to the facts."),
        "disclaimer": _("%(publisher)s is not responsible for readers' postings, which are the "
                        "views of their authors."),
        "terms": _("Terms of Use"),
        "page": _("Open the comments in their own page"),
        "own": _("Your comments"),
        "own_hint": _("Only you can see this list, in this browser. It shows what happened to "
                      "each of your comments."),
        "sent": _("Thank you. Your comment has been received and awaits moderation. It will "
                  "not appear in real time."),
        "sent_published": _("Thank you. Your comment has been published."),
        "pending": _("Awaiting moderation. Only you can see it; it will not appear in real "
                     "time."),
        "published": _("Published"),
        "edited": _("Published with changes by a moderator under clause %(number)s"),
        "rejected": _("Not published under clause %(number)s"),
        # The same sentences as the thread page's, with the clause's title.
        "edited_title": _("Published with changes by a moderator under clause %(number)s: "
                          "%(title)s"),
        "rejected_title": _("Not published under clause %(number)s: %(title)s"),
        "read_clause": _("Read clause %(number)s of the Terms of Use"),
        "original": _("What you wrote"),
        "clause": _("Clause %(number)s: %(title)s"),
        "write": _("Write a comment"),
        "write_reply": _("Write a reply"),
        "replying": _("Replying to %(name)s"),
        "cancel": _("Cancel reply"),
        "name": _("Display name"),
        "name_hint": _("1–%(limit)s characters. Shown with your comment; it need not be your "
                       "real name."),
        "body": _("Comment"),
        "body_hint": _("Plain text, up to %(limit)s characters. Line breaks are kept; links "
                       "are shown as text."),
        "privacy": _("No account is needed. This browser keeps a token so that you can see "
                     "your own comments and what became of them."),
        "send": _("Send for moderation"),
        "publish": _("Publish"),
        "sending": _("Sending…"),
        "closed": _("Comments on this article are closed."),
        "count": _("Published comments: %(count)s"),
        "empty": _("No comments have been published yet."),
        "edit_note": _("Edited by a moderator"),
        "featured": _("Featured by the moderators"),
        "edit_note_clause": _("Edited by a moderator under clause %(number)s"),
        "edit_note_title": _("Edited by a moderator under clause %(number)s: %(title)s"),
        "reply": _("Reply"),
        "reply_to": _("Reply to %(name)s"),
        "in_reply_to": _("In reply to %(name)s"),
        "not_sent": _("Your comment was not sent"),
        "email": _("E-mail address (optional)"),
        "email_hint": _("Only if you want one e-mail telling you the decision on this comment. "
                        "Moderators never see it; it is deleted once used, or after 30 days."),
        "confirm": _("Before you send your comment"),
        "edit_comment": _("Edit my comment"),
        "send_anyway": _("Send it anyway"),
        "report": _("Report"),
        "report_who": _("Report the comment by %(name)s"),
        "report_heading": _("Report a comment"),
        "report_why": _("Why should the moderators look at it?"),
        "report_text": _("Anything the moderators should know (optional)"),
        "report_anonymous": _("Your report is anonymous: the moderators do not learn who "
                              "sent it."),
        "report_send": _("Send the report"),
        "report_cancel": _("Cancel"),
        "report_sent": _("Thank you. The moderators will look at this comment; it stays "
                         "published until they decide."),
        "report_not_sent": _("Your report was not sent"),
        "offline": _("Tribune could not be reached. Check your connection and try again."),
    }
