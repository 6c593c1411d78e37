"""Desk word lists in the moderation workspace, through HTTP and a real browser:
a desk editor imports a list, reviews it, confirms; moderators only read; the
reminder that lists hold insults and slurs only, never political words or names."""

from __future__ import annotations

import pytest
from django.test import Client
from playwright.sync_api import expect

from tribune.core.testing import make_comment, make_moderator, make_site
from tribune.triage.models import CommentTriage, Term

REMINDER = "Word lists are for insults and slurs only."
NEVER = "Never list political words, or the names of people"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def zh_site(db):
    return make_site(origin="https://zh.example.org", desk_code="zh", name="Mandarin")


@pytest.fixture
def editor(zh_site):
    return make_moderator(name="mei", desk_codes=["zh"], role="editor")


def test_an_editor_reviews_an_import_before_anything_is_added(editor):
    desk = client_for(editor)
    page = desk.get("/moderate/triage/words/zh")
    assert page.status_code == 200
    html = page.content.decode()
    assert REMINDER in html and NEVER in html
    review = desk.post("/moderate/triage/words/zh", {
        "action": "preview", "terms": "# insults\n傻逼\n\n脑残\n傻逼\n" + "长" * 101 + "\n"})
    assert review.status_code == 200
    html = review.content.decode()
    assert "These 2 terms will be added:" in html
    assert "Line 6: This is 101 characters long; the limit is 100." in html
    assert REMINDER in html
    assert not Term.objects.exists()  # nothing is written before the editor confirms
    done = desk.post("/moderate/triage/words/zh", {"action": "import", "terms": "傻逼\n脑残"},
                     follow=True)
    assert "2 terms added to the list." in done.content.decode()
    assert sorted(Term.objects.values_list("term", flat=True)) == ["傻逼", "脑残"]
    assert Term.objects.get(term="傻逼").added_by == editor
    # The list now works on the desk's comments: Han has no model, the list is its signal.
    comment = make_comment(url="https://zh.example.org/2026/12/news", body="你这个傻逼懂什么")
    labels = CommentTriage.objects.get(pk=comment.pk).labels
    assert {"code": "listed_terms", "terms": ["傻逼"], "n": 1} in labels
    again = desk.post("/moderate/triage/words/zh", {"action": "preview", "terms": "脑残"})
    assert "1 term is already listed." in again.content.decode()
    assert "Nothing new to add." in again.content.decode()
    gone = desk.post("/moderate/triage/words/zh", {"action": "remove", "term": "脑残"},
                     follow=True)
    assert "is no longer listed." in gone.content.decode()
    assert list(Term.objects.values_list("term", flat=True)) == ["傻逼"]


def test_a_file_is_imported_and_bad_files_get_a_clear_400(editor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    desk = client_for(editor)
    good = SimpleUploadedFile("list.txt", "\ufeff蠢货\r\n".encode())
    review = desk.post("/moderate/triage/words/zh", {"action": "preview", "file": good})
    assert review.status_code == 200 and "This term will be added:" in review.content.decode()
    latin1 = SimpleUploadedFile("list.txt", "idiot\ncr\xe9tin\n".encode("latin-1"))
    refused = desk.post("/moderate/triage/words/zh", {"action": "preview", "file": latin1})
    assert refused.status_code == 400
    assert "The file is not UTF-8 text." in refused.content.decode()
    huge = SimpleUploadedFile("list.txt", b"a\n" * 200_000)
    too_big = desk.post("/moderate/triage/words/zh", {"action": "preview", "file": huge})
    assert too_big.status_code == 400 and "a word list may be at most 256 KB" in (
        too_big.content.decode())
    many = desk.post("/moderate/triage/words/zh", {"action": "preview",
                                                   "terms": "x\n" * 2500})
    assert many.status_code == 400 and "import at most 2000 at a time" in many.content.decode()
    controls = desk.post("/moderate/triage/words/zh", {"action": "import", "terms": "a\x00b"})
    assert controls.status_code == 303 and not Term.objects.exists()
    odd = desk.post("/moderate/triage/words/zh", {"action": "bogus"})
    assert odd.status_code == 400
    assert not Term.objects.exists()


def test_moderators_read_but_only_the_desks_editors_change_a_list(editor, zh_site, site):
    Term.objects.create(desk=zh_site.default_desk, term="傻逼", added_at=editor.date_joined)
    reader_of_zh = make_moderator(name="wang", desk_codes=["zh"])
    desk = client_for(reader_of_zh)
    page = desk.get("/moderate/triage/words/zh")
    assert page.status_code == 200
    html = page.content.decode()
    assert "傻逼" in html and "Import terms" not in html and REMINDER in html
    refused = desk.post("/moderate/triage/words/zh", {"action": "import", "terms": "脑残"})
    assert refused.status_code == 403
    assert "Only a desk editor changes this list" in refused.content.decode()
    assert desk.post("/moderate/triage/words/zh",
                     {"action": "remove", "term": "傻逼"}).status_code == 403
    assert list(Term.objects.values_list("term", flat=True)) == ["傻逼"]
    # A desk the moderator does not see is not there for them.
    assert desk.get(f"/moderate/triage/words/{site.default_desk.code}").status_code == 404
    overview = client_for(editor).get("/moderate/triage/words/").content.decode()
    assert "review and import" in overview and REMINDER in overview
    assert Client().get("/moderate/triage/words/zh").status_code == 302  # log in first


@pytest.mark.browser
@pytest.mark.usefixtures("transactional_db")
def test_an_editor_imports_a_word_list_in_a_browser(page, live_server, screenshots):
    desk = make_site(origin="https://bo.example.org", desk_code="bo", name="Tibet").default_desk
    editor = make_moderator(name="dolma", desk_codes=["bo"], role="editor")
    page.goto(f"{live_server.url}/moderate/")
    page.get_by_label("User name").fill(editor.username)
    page.get_by_label("Password").fill(editor.raw_password)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Word lists").click()
    expect(page.get_by_role("note")).to_contain_text(REMINDER)
    page.get_by_role("link", name=desk.name, exact=True).click()
    expect(page.get_by_role("heading", name=f"Word list of {desk.name}")).to_be_visible()
    page.get_by_label("Terms, one a line").fill("ཁྱི་\nམགོ་སྐོར་\n")
    page.get_by_role("button", name="Review").click()
    expect(page.get_by_role("heading", name="Review the import")).to_be_visible()
    expect(page.locator("ul.new-terms li")).to_have_count(2)
    expect(page.get_by_role("note")).to_contain_text("Never list political words")
    page.screenshot(path=str(screenshots / "wordlist-review.png"))
    page.get_by_role("button", name="Add these 2 terms").click()
    expect(page.get_by_text("2 terms added to the list.")).to_be_visible()
    expect(page.locator("ul.listed-terms li")).to_have_count(2)
    assert sorted(Term.objects.values_list("term", flat=True)) == ["ཁྱི་", "མགོ་སྐོར་"]
