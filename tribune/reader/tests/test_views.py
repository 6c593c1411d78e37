"""The no-JavaScript thread page, its form and the Terms of Use, through Django's
test client: what a reader sends, sees and is told, and what is (not) stored."""

from __future__ import annotations

import json
import re
from html import unescape
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client, override_settings

from tribune.comments.models import Comment, Commenter
from tribune.core.testing import make_comment, make_published, make_site
from tribune.moderation.decisions import comment_decide
from tribune.threads.models import ModerationMode, Thread

ARTICLE = "https://news.example.org/2026/11/article"
OTHER_ARTICLE = "https://news.example.org/2026/11/other"
UG_ARTICLE = "https://uy.example.org/2026/11/maqale"

AWAITING = "Awaiting moderation. Only you can see it; it will not appear in real time."
THANKS = ("Thank you. Your comment has been received and awaits moderation. "
          "It will not appear in real time.")


# --- helpers ---------------------------------------------------------------------


def page(client: Client, url: str = ARTICLE, **params):
    return client.get("/embed/thread", {"url": url, **params})


def send(client: Client, url: str | None = ARTICLE, **fields):
    data = {"author": "Reader", "body": "A comment.", **fields}
    if url is not None:
        data["url"] = url
    return client.post("/embed/thread", {k: v for k, v in data.items() if v is not None})


def html(response) -> str:
    return response.content.decode()


def rows() -> tuple[int, int, int]:
    return Comment.objects.count(), Thread.objects.count(), Commenter.objects.count()


def decide(api: Client, comment_id: int, **decision):
    response = api.post(
        f"/api/v1/moderation/comments/{comment_id}/decision",
        data=json.dumps(decision), content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response


def sent_id(response) -> int:
    assert response.status_code == 303
    return int(parse_qs(urlsplit(response["Location"]).query)["sent"][0])


class _Tree(HTMLParser):
    """Records, for each published comment, the comments whose list item holds it
    (a comment's replies follow its <article>, inside the same <li>)."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
            "source", "track", "wbr"}

    def __init__(self):
        super().__init__()
        self.stack: list[list] = []  # [tag, comment id of the <li> or None]
        self.ancestors: dict[int, list[int]] = {}

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        match = re.fullmatch(r"comment-(\d+)", dict(attrs).get("id") or "")
        if tag == "article" and match and self.stack and self.stack[-1][0] == "li":
            self.ancestors[int(match[1])] = [
                entry[1] for entry in self.stack[:-1] if entry[1] is not None
            ]
            self.stack[-1][1] = int(match[1])
        self.stack.append([tag, None])

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break


def nesting(response) -> dict[int, list[int]]:
    tree = _Tree()
    tree.feed(html(response))
    return tree.ancestors


def assert_no_script(response):
    assert "<script" not in html(response).lower()


# --- the page -----------------------------------------------------------------------


def test_thread_page_shows_rules_limits_and_labelled_form(site, reader):
    response = page(reader)
    body = html(response)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert '<html lang="en" dir="ltr">' in body
    assert "Be respectful of others' point of view and stick to the facts." in body
    assert "is not responsible for readers' postings" in body
    assert "Comments are moderated before publication and do not appear in real time." in body
    assert f'href="/terms/{site.pk}?url=' in body
    assert "No comments have been published yet." in body
    # Every field has a label; the limits are on the form and in the markup.
    assert '<label for="id_author">' in body and 'id="id_author"' in body
    assert '<label for="id_body">' in body and 'id="id_body"' in body
    assert 'maxlength="60"' in body and "1–60 characters" in body
    assert 'maxlength="3000"' in body and "up to 3,000 characters" in body
    assert f'<input type="hidden" name="url" value="{ARTICLE}">' in body
    assert 'name="csrfmiddlewaretoken"' in body
    assert "<main" in body and "<h1>" in body
    assert_no_script(response)


def test_in_a_frame_the_page_fits_it_and_shows_comments_before_the_form(site, reader):
    make_published(url=ARTICLE, author="Earlier", body="Published first.")
    framed = reader.get("/embed/thread", {"url": ARTICLE}, headers={"Sec-Fetch-Dest": "iframe"})
    body = html(framed)
    # The one script, Tribune's own, that tells the framing page its height.
    assert re.findall(r"<script[^>]*>", body) == [
        '<script src="/static/reader/frame.js" defer>']
    assert "script-src 'self'" in framed["Content-Security-Policy"]
    assert "Sec-Fetch-Dest" in framed["Vary"]
    # Published comments, then the house rules, then the form.
    assert body.index('id="comments"') < body.index('class="about"') \
        < body.index('id="comment-form"')
    # On its own, the page has no script and keeps the form first.
    alone = html(page(reader))
    assert "<script" not in alone
    assert alone.index('class="about"') < alone.index('id="comment-form"') \
        < alone.index('id="comments"')


def test_thread_page_headers_allow_framing_by_the_site_only(site, reader):
    response = page(reader)
    csp = response["Content-Security-Policy"]
    for directive in ("default-src 'none'", "style-src 'self'", "img-src 'self'",
                      "form-action 'self'", "base-uri 'none'"):
        assert directive in csp
    assert "frame-ancestors 'self' https://news.example.org" in csp
    assert "X-Frame-Options" not in response
    assert "private" in response["Cache-Control"] and "no-cache" in response["Cache-Control"]
    # Not even this server is told which article a reader came from.
    assert response["Referrer-Policy"] == "no-referrer"


def test_stylesheet_is_served_from_our_static_files(site, reader):
    body = html(page(reader))
    href = re.search(r'<link rel="stylesheet" href="([^"]+)"', body)[1]
    assert href.startswith("/static/")
    response = reader.get(href)
    assert response.status_code == 200
    assert b"white-space: pre-wrap" in b"".join(response.streaming_content)
    assert "http://" not in body.replace(ARTICLE, "") and "//fonts." not in body


def test_page_of_a_thread_not_yet_created_touches_nothing(site, reader):
    before = rows()
    assert page(reader, url="https://news.example.org/new-story").status_code == 200
    assert rows() == before


# --- the whole loop -----------------------------------------------------------------


def test_send_then_see_pending_then_published(site, reader, api):
    before = rows()
    response = send(reader, author="Mina", body="First line\nSecond line")
    assert response.status_code == 303
    location = response["Location"]
    assert location.startswith("/embed/thread?")
    assert location.endswith("#your-comments")
    query = parse_qs(urlsplit(location).query)
    assert query["url"] == [ARTICLE]
    comment_id = int(query["sent"][0])
    assert rows() == (before[0] + 1, before[1] + 1, before[2] + 1)
    assert "tribune_commenter" in response.cookies

    own = reader.get(location)
    body = html(own)
    assert THANKS in body
    assert 'id="your-comments"' in body
    assert f'id="mine-{comment_id}"' in body
    assert AWAITING in body
    assert "First line\nSecond line" in body
    assert "0 published comments" in body

    stranger = Client()
    theirs = html(page(stranger))
    assert "Mina" not in theirs and "First line" not in theirs
    assert "Your comments" not in theirs

    decide(api, comment_id, action="approve")
    for client in (reader, stranger):
        body = html(page(client))
        assert f'id="comment-{comment_id}"' in body
        assert "First line\nSecond line" in body
        assert "1 published comment" in body
    mine = html(page(reader))
    assert '<p class="status status-published">Published</p>' in mine
    assert AWAITING not in mine


def test_second_comment_keeps_the_same_commenter(site, reader):
    send(reader, body="one")
    response = send(reader, body="two")
    assert "tribune_commenter" not in response.cookies  # already set, not renewed
    assert Commenter.objects.count() == 1
    body = html(reader.get(response["Location"]))
    assert body.count(AWAITING) == 2


def test_edit_with_clause_is_explained_to_everyone(site, reader, api):
    comment_id = sent_id(send(reader, body="They are all liars."))
    decide(api, comment_id, action="edit", body="They are wrong.", clause=2)

    public = html(page(Client()))
    assert "They are wrong." in public
    assert "They are all liars." not in public
    assert "Edited by a moderator under clause 2: Stick to the facts" in public
    assert f'/terms/{site.pk}?url=' in public and "#clause-2" in public

    mine = html(page(reader))
    assert "Published with changes by a moderator under clause 2: Stick to the facts" in mine
    assert "What you wrote" in mine and "They are all liars." in mine


def test_rejection_with_clause_is_told_to_the_author_only(site, reader, api):
    comment_id = sent_id(send(reader, author="Troll", body="You idiot."))
    decide(api, comment_id, action="reject", clause=3)

    mine = html(page(reader))
    assert "Not published under clause 3: No personal attacks or hate" in mine
    assert "You idiot." in mine
    assert "#clause-3" in mine

    public = html(page(Client()))
    assert "You idiot." not in public and "Troll" not in public


def test_decisions_through_the_services_show_too(site, moderator, reader):
    comment_id = sent_id(send(reader, body="Through the service."))
    comment_decide(comment_id=comment_id, moderator=moderator, action="approve")
    assert "Through the service." in html(page(Client()))


def test_post_moderated_thread_says_published(site, reader):
    make_published(url=ARTICLE)
    Thread.objects.filter(url=ARTICLE).update(moderation=ModerationMode.POST)
    response = send(reader, body="At once.")
    body = html(reader.get(response["Location"]))
    assert "Thank you. Your comment has been published." in body
    assert 'class="status status-published"' in body
    assert "At once." in html(page(Client()))


# --- replies ------------------------------------------------------------------------


def test_replies_are_nested_under_their_parent(site, reader):
    first = make_published(url=ARTICLE, author="A", body="first")
    reply = make_published(url=ARTICLE, author="B", body="reply", parent=first.pk)
    deeper = make_published(url=ARTICLE, author="C", body="deeper", parent=reply.pk)
    second = make_published(url=ARTICLE, author="D", body="second")

    tree = nesting(page(reader))
    assert tree[first.pk] == []
    assert tree[reply.pk] == [first.pk]
    assert tree[deeper.pk] == [first.pk, reply.pk]
    assert tree[second.pk] == []


def test_a_long_reply_chain_stops_nesting_and_says_whom_it_answers(site, reader):
    chain = [make_published(url=ARTICLE, author="Level 0", body="root")]
    for level in range(1, 8):
        chain.append(make_published(url=ARTICLE, author=f"Level {level}", body=f"l{level}",
                                    parent=chain[-1].pk))
    response = page(reader)
    tree = nesting(response)
    assert max(len(ancestors) for ancestors in tree.values()) <= 4
    assert set(tree) == {c.pk for c in chain}
    assert 'In reply to <span dir="auto">Level 5</span>' in html(response)


def test_reply_link_opens_the_form_as_a_reply(site, reader):
    parent = make_published(url=ARTICLE, author="Jae-won", body="Parent text")
    body = html(page(reader))
    assert f"/embed/thread?url=https%3A%2F%2Fnews.example.org%2F2026%2F11%2Farticle&amp;reply={parent.pk}#comment-form" in body  # noqa: E501

    replying = html(page(reader, reply=parent.pk))
    assert 'Replying to <strong dir="auto">Jae-won</strong>' in replying
    assert f'<input type="hidden" name="parent" value="{parent.pk}">' in replying
    assert "Cancel reply" in replying

    comment_id = sent_id(send(reader, body="My answer", parent=str(parent.pk)))
    assert Comment.objects.get(pk=comment_id).parent_id == parent.pk
    mine = html(page(reader))
    assert 'In reply to <span dir="auto">Jae-won</span>' in mine


@pytest.mark.parametrize("reply", ["abc", "0", "-3", "99999999", "1" * 40, "", " ", "1e3",
                                   "٣", "12abc"])
def test_an_unusable_reply_parameter_is_ignored(site, reader, reply):
    make_published(url=ARTICLE)
    response = page(reader, reply=reply)
    assert response.status_code == 200
    assert "Replying to" not in html(response)
    assert 'name="parent"' not in html(response)


def test_reply_to_a_pending_or_foreign_comment_is_ignored(site, reader):
    pending = make_comment(url=ARTICLE)
    foreign = make_published(url=OTHER_ARTICLE)
    for reply in (pending.pk, foreign.pk):
        response = page(reader, reply=reply)
        assert response.status_code == 200
        assert "Replying to" not in html(response)


# --- text: escaping and scripts -------------------------------------------------------


def test_markup_in_name_and_body_is_shown_as_text(site, reader, api):
    name = "<script>alert('n')</script>"
    text = ('<script>alert("b")</script>\n<b>bold</b> <a href="https://evil.example/">x</a>\n'
            "see https://evil.example/page")
    comment_id = sent_id(send(reader, author=name, body=text))

    for response in (page(reader),):
        body = html(response)
        assert "&lt;script&gt;alert(&#x27;n&#x27;)&lt;/script&gt;" in body
        assert "&lt;script&gt;alert(&quot;b&quot;)&lt;/script&gt;" in body
        assert_no_script(response)

    decide(api, comment_id, action="approve")
    public = page(Client())
    body = html(public)
    assert "&lt;script&gt;" in body
    assert "&lt;b&gt;bold&lt;/b&gt;" in body
    assert_no_script(public)
    assert "<b>" not in body
    assert 'href="https://evil.example' not in body  # URLs are never links
    assert "see https://evil.example/page" in body


def test_markup_is_kept_as_text_when_the_form_is_shown_again(site, reader):
    response = send(reader, author="<script>x</script>", body="")
    body = html(response)
    assert response.status_code == 400
    assert 'value="&lt;script&gt;x&lt;/script&gt;"' in body
    assert_no_script(response)


# --- refused input: 4xx, text kept, message shown, nothing stored ---------------------


@pytest.mark.parametrize(
    ("fields", "kept", "message", "field_id"),
    [
        ({"author": "", "body": "Kept body text"}, "Kept body text",
         "This field cannot be empty.", "author"),
        ({"author": "   ", "body": "Kept body text"}, "Kept body text",
         "This field cannot be empty.", "author"),
        ({"author": "Kept name", "body": "x" * 3001}, "Kept name",
         "This is 3001 characters long; the limit is 3000.", "body"),
        ({"author": "Kept name", "body": "bell\x07here"}, "Kept name",
         "invisible control character (U+0007)", "body"),
        ({"author": "Bell\x07", "body": "Kept body text"}, "Kept body text",
         "invisible control character (U+0007)", "author"),
        ({"author": "n" * 61, "body": "Kept body text"}, "Kept body text",
         "the limit is 60", "author"),
        ({"author": "Right\u202eleft", "body": "Kept body text"}, "Kept body text",
         "invisible control character (U+202E)", "author"),
        ({"author": None, "body": "Kept body text"}, "Kept body text",
         "This field cannot be empty.", "author"),
        ({"author": "Kept name", "body": None}, "Kept name",
         "This field cannot be empty.", "body"),
    ],
)
def test_refused_fields_are_explained_next_to_the_field(site, reader, fields, kept, message,
                                                        field_id):
    make_published(url=ARTICLE)
    before = rows()
    response = send(reader, **fields)
    body = html(response)
    assert response.status_code == 400
    assert rows() == before
    assert kept in unescape(body)
    assert 'class="error-summary"' in body and "Your comment was not sent" in body
    assert f'href="#id_{field_id}"' in body
    error = re.search(rf'<p class="error-message" id="{field_id}-error">(.*?)</p>', body, re.S)
    assert error and message in unescape(error[1])
    assert f'aria-describedby="{field_id}-hint {field_id}-error" aria-invalid="true"' in body
    assert "tribune_commenter" not in response.cookies
    assert_no_script(response)


def test_both_name_and_text_errors_are_shown_at_once(site, reader):
    response = send(reader, author="", body="")
    body = html(response)
    assert response.status_code == 400
    assert 'id="author-error"' in body and 'id="body-error"' in body
    assert body.index('href="#id_author"') < body.index('href="#id_body"')


def test_text_is_kept_exactly_as_typed_when_refused(site, reader):
    text = "Line one\n\n  indented line\nthird"
    response = send(reader, author="", body=text)
    # One newline after <textarea> is eaten by the HTML parser; ours is that one.
    assert f'aria-describedby="body-hint">\n{text}</textarea>' in html(response)


@pytest.mark.parametrize("parent_of", ["unknown", "other-thread", "pending", "garbage", "huge"])
def test_a_refused_parent_is_explained_and_dropped(site, reader, parent_of):
    make_published(url=ARTICLE)
    parent = {
        "unknown": "987654",
        "other-thread": str(make_published(url=OTHER_ARTICLE).pk),
        "pending": str(make_comment(url=ARTICLE).pk),
        "garbage": "abc",
        "huge": "9" * 30,
    }[parent_of]
    before = rows()
    response = send(reader, author="Kept name", body="Kept body text", parent=parent)
    body = html(response)
    assert response.status_code == 400
    assert rows() == before
    assert 'id="reply-to"' in body and 'href="#reply-to"' in body
    assert "Kept name" in body and "Kept body text" in body
    assert 'name="parent"' not in body  # sending again makes a new comment
    if parent_of in ("unknown", "other-thread", "pending"):
        assert "The comment you are replying to does not exist under this article." in body


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("https://unregistered.example.com/story", 404, "not a registered site"),
        ("not a url", 400, "spaces or control characters"),
        ("ftp://news.example.org/a", 400, "must start with http:// or https://"),
        ("", 400, "An article URL is required."),
        (None, 400, "An article URL is required."),
    ],
)
def test_a_post_for_a_bad_url_keeps_the_text(site, reader, url, status, message):
    before = rows()
    response = send(reader, url=url, author="Kept name", body="Kept body text")
    body = html(response)
    assert response.status_code == status
    assert rows() == before
    assert message in unescape(body)
    assert "Your text was not sent" in body
    assert "Kept name" in body and "Kept body text" in body
    assert_no_script(response)


def test_a_closed_thread_refuses_with_403_and_keeps_the_text(site, reader):
    make_published(url=ARTICLE)
    Thread.objects.filter(url=ARTICLE).update(is_open=False)
    response = page(reader)
    assert "Comments on this article are closed." in html(response)
    assert "<form" not in html(response) and "Reply</a>" not in html(response)

    before = rows()
    response = send(reader, author="Kept name", body="Kept body text")
    assert response.status_code == 403
    assert rows() == before
    body = html(response)
    assert "Comments on this article are closed." in body
    assert "Kept body text" in body


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"url": ARTICLE},
        {"url": [ARTICLE, "https://unregistered.example.com/"], "author": "a", "body": "b"},
        {"url": ARTICLE, "author": ["a", "b"], "body": "c"},
        {"url": ARTICLE + "\x00", "author": "a", "body": "b"},
        {"url": ARTICLE, "author": "a\x00", "body": "b"},
        {"url": "https://news.example.org/" + "a" * 2000, "author": "a", "body": "b"},
        {"url": ARTICLE, "author": "a", "body": "b", "parent": "\x00"},
        {"url": ARTICLE, "author": "a", "body": "b", "parent": "-1"},
    ],
)
def test_garbage_posts_never_fail_the_server(site, reader, data):
    response = reader.post("/embed/thread", data)
    assert response.status_code in (303, 400, 404)


def test_garbage_urls_in_a_get_are_clear_error_pages(site, reader):
    for query, status in (({}, 400), ({"url": "javascript:alert(1)"}, 400),
                          ({"url": "https://unregistered.example.com/x"}, 404),
                          ({"url": "https://news.example.org/a\x00"}, 400)):
        response = reader.get("/embed/thread", query)
        assert response.status_code == status
        assert response["Content-Type"].startswith("text/html")
        assert "<h1>" in html(response)
        assert "Content-Security-Policy" in response
        assert_no_script(response)
    body = html(reader.get("/embed/thread", {"url": "https://unregistered.example.com/x"}))
    assert ("Comments are not enabled for https://unregistered.example.com: "
            "it is not a registered site.") in body


def test_other_methods_are_refused(site, reader):
    assert reader.put("/embed/thread").status_code == 405
    assert reader.head("/embed/thread", {"url": ARTICLE}).status_code == 200


# --- CSRF -----------------------------------------------------------------------------


def test_the_form_is_protected_against_cross_site_posts(site):
    browser = Client(enforce_csrf_checks=True)
    assert send(browser).status_code == 403
    assert Comment.objects.count() == 0

    form = html(page(browser))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]
    # A browser also sends the form's signed timestamp (tribune.abuse.forms).
    issued = re.search(r'name="issued" value="([^"]+)"', form)[1]
    response = send(browser, csrfmiddlewaretoken=token, issued=issued)
    assert response.status_code == 303


@override_settings(CSRF_FAILURE_VIEW="tribune.reader.views.csrf_failure")
def test_a_csrf_refusal_explains_itself_and_keeps_the_text(site):
    browser = Client(enforce_csrf_checks=True)
    response = send(browser, author="Kept name", body="Kept body text")
    body = html(response)
    assert response.status_code == 403
    assert "security cookie" in body
    assert "Kept body text" in body
    assert "frame-ancestors 'self' https://news.example.org" in response["Content-Security-Policy"]
    assert_no_script(response)


# --- languages and scripts -------------------------------------------------------------


def test_rtl_desk_page_is_right_to_left_in_its_language(rtl_site, reader):
    response = page(reader, url=UG_ARTICLE)
    body = html(response)
    assert response.status_code == 200
    assert '<html lang="ug" dir="rtl">' in body
    assert response["Content-Language"] == "ug"
    assert "frame-ancestors 'self' https://uy.example.org" in response["Content-Security-Policy"]


def test_page_strings_and_dates_follow_the_desk_language(db, reader):
    make_site(origin="https://ko.example.org", desk_code="ko", name="Korean")
    make_published(url="https://ko.example.org/a", author="독자", body="좋은 기사입니다.")
    body = html(page(reader, url="https://ko.example.org/a"))
    assert '<html lang="ko" dir="ltr">' in body
    assert "년" in body  # Django's Korean date format: the desk's language was active


@pytest.mark.parametrize(
    ("url_fixture", "url", "author", "text"),
    [
        ("site", ARTICLE, "김민지", "기사 잘 읽었습니다.\n두 번째 줄."),
        ("site", ARTICLE, "བཀྲ་ཤིས་", "བོད་ཀྱི་གནས་ཚུལ་ལ་ཐུགས་རྗེ་ཆེ།"),
        ("rtl_site", UG_ARTICLE, "ئابدۇرېھىم", "بۇ ماقالە ناھايىتى ياخشى.\nرەھمەت!"),
        ("site", ARTICLE, "王小明", "谢谢你们的报道。繁體字也可以。"),
        ("site", ARTICLE, "Mixed ئا 김", "English, then ئۇيغۇرچە, then 한국어 and 中文."),
    ],
)
def test_text_in_every_script_round_trips(request, reader, api, admin, url_fixture, url, author,
                                         text):
    request.getfixturevalue(url_fixture)
    comment_id = sent_id(send(reader, url=url, author=author, body=text))
    stored = Comment.objects.get(pk=comment_id)
    assert (stored.author, stored.body) == (author, text)

    mine = html(page(reader, url=url))
    assert f'<h3 class="comment-author" id="mine-{comment_id}-author" dir="auto">{author}</h3>' in mine  # noqa: E501
    assert f'<div class="comment-body" dir="auto">{text}</div>' in mine

    if url_fixture == "rtl_site":
        # The api fixture's moderator has the English desk only; an admin decides.
        comment_decide(comment_id=comment_id, moderator=admin, action="approve")
    else:
        decide(api, comment_id, action="approve")
    public = html(page(Client(), url=url))
    assert f'id="comment-{comment_id}-author" dir="auto">{author}</h3>' in public
    assert f'<div class="comment-body" dir="auto">{text}</div>' in public


def test_text_is_normalised_to_nfc(site, reader):
    decomposed = "\u1100\u1161\u11a8"  # 각 as jamo
    comment_id = sent_id(send(reader, body=decomposed))
    assert Comment.objects.get(pk=comment_id).body == "각"
    assert '<div class="comment-body" dir="auto">각</div>' in html(page(reader))


# --- Terms of Use ---------------------------------------------------------------------


def test_terms_page_lists_numbered_clauses_and_links_back(site, reader):
    response = reader.get(f"/terms/{site.pk}", {"url": ARTICLE})
    body = html(response)
    assert response.status_code == 200
    for number, title in ((1, "Respect others&#x27; points of view"), (2, "Stick to the facts"),
                          (7, "No threats")):
        assert f'id="clause-{number}"' in body
        assert f"Clause {number}:</span> {title}" in body
    assert "Do not present rumours or falsehoods as facts." in body
    assert "Back to the comments" in body
    assert f'href="/embed/thread?url={ARTICLE.replace(":", "%3A").replace("/", "%2F")}"' in body
    assert "frame-ancestors 'self' https://news.example.org" in response["Content-Security-Policy"]
    assert "X-Frame-Options" not in response
    assert_no_script(response)


def test_terms_page_is_in_the_desk_language(rtl_site, reader):
    body = html(reader.get(f"/terms/{rtl_site.pk}"))
    assert '<html lang="ug" dir="rtl">' in body


def test_terms_page_ignores_an_article_of_another_site(site, rtl_site, reader):
    body = html(reader.get(f"/terms/{site.pk}", {"url": UG_ARTICLE}))
    assert '<html lang="en" dir="ltr">' in body
    assert "Back to the comments" not in body
    assert reader.get(f"/terms/{site.pk}", {"url": "garbage"}).status_code == 200


@pytest.mark.parametrize("site_id", ["999", "9" * 30, "0"])
def test_terms_of_an_unknown_site_is_a_404_page(site, reader, site_id):
    response = reader.get(f"/terms/{site_id}")
    assert response.status_code == 404
    assert "There are no Terms of Use at this address." in html(response)
    assert_no_script(response)


# --- reading stays cheap ----------------------------------------------------------------


def test_page_queries_do_not_grow_with_the_comments(site, reader, django_assert_max_num_queries):
    for n in range(3):
        make_published(url=ARTICLE, body=f"c{n}")
    send(reader, body="mine")
    with django_assert_max_num_queries(10) as few:
        page(reader)
    for n in range(20):
        make_published(url=ARTICLE, body=f"more {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page(reader)


# --- framing --------------------------------------------------------------------------


def test_inside_a_frame_the_page_offers_to_open_itself_in_its_own_page(site, reader):
    framed = reader.get("/embed/thread", {"url": ARTICLE}, headers={"Sec-Fetch-Dest": "iframe"})
    assert 'target="_blank" rel="noopener">Open the comments in their own page</a>' in html(framed)
    assert "Open the comments in their own page" not in html(page(reader))


def test_an_internationalised_origin_is_framed_by_its_ascii_name(db, reader):
    make_site(origin="https://bücher.example", desk_code="de", name="Bücher")
    response = page(reader, url="https://bücher.example/a")
    assert response.status_code == 200
    assert ("frame-ancestors 'self' https://xn--bcher-kva.example"
            in response["Content-Security-Policy"])


def test_an_origin_that_would_break_the_header_cannot_be_registered(db, reader):
    from tribune.core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        make_site(origin="https://a;script-src.example", desk_code="xx", name="Odd")
