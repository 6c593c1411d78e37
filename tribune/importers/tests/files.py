"""Export files the tests make themselves: Disqus XML, WordPress WXR, Isso SQLite."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from xml.sax.saxutils import escape

DISQUS_HEAD = ('<?xml version="1.0" encoding="utf-8"?>\n'
               '<disqus xmlns="http://disqus.com" '
               'xmlns:dsq="http://disqus.com/disqus-internals" '
               'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
               '<category dsq:id="1"><forum>news</forum><title>General</title>'
               '<isDefault>true</isDefault></category>\n')


def disqus_thread(tid: str, link: str, title: str) -> str:
    return (f'<thread dsq:id="{tid}"><id>{tid}</id><forum>news</forum>'
            f'<category dsq:id="1"/><link>{escape(link)}</link><title>{escape(title)}</title>'
            '<message/><createdAt>2020-01-01T00:00:00Z</createdAt>'
            '<author><email>editor@example.org</email><name>Editor</name>'
            '<isAnonymous>false</isAnonymous><username>editor</username></author>'
            '<ipAddress>198.51.100.7</ipAddress><isClosed>false</isClosed>'
            '<isDeleted>false</isDeleted></thread>\n')


def disqus_post(pid: str, thread: str, message: str, *, name: str = "Reader",
                username: str = "", created: str = "2021-03-04T05:06:07Z",
                parent: str | None = None, spam: bool = False, deleted: bool = False,
                approved: bool | None = None, email: str = "reader@example.net",
                ip: str = "203.0.113.42") -> str:
    anonymous = "false" if username else "true"
    return (f'<post dsq:id="{pid}"><id/><message><![CDATA[{message}]]></message>'
            f'<createdAt>{created}</createdAt>'
            f'<isDeleted>{str(deleted).lower()}</isDeleted><isSpam>{str(spam).lower()}</isSpam>'
            + (f'<isApproved>{str(approved).lower()}</isApproved>' if approved is not None
               else '')
            + f'<author><email>{escape(email)}</email><name>{escape(name)}</name>'
            f'<isAnonymous>{anonymous}</isAnonymous><username>{escape(username)}</username>'
            f'</author><ipAddress>{ip}</ipAddress><thread dsq:id="{thread}"/>'
            + (f'<parent dsq:id="{parent}"/>' if parent else '') + '</post>\n')


def disqus_file(path: Path, parts: list[str]) -> Path:
    path.write_text(DISQUS_HEAD + "".join(parts) + "</disqus>\n", encoding="utf-8")
    return path


WXR_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
            '<title>Example News</title><link>https://news.example.org</link>'
            '<wp:wxr_version>1.2</wp:wxr_version>'
            '<wp:base_blog_url>https://news.example.org</wp:base_blog_url>\n'
            '<wp:author><wp:author_email>admin@example.org</wp:author_email></wp:author>\n')


def wp_comment(cid: int, content: str, *, author: str = "Reader", approved: str = "1",
               parent: int = 0, ctype: str = "comment", date: str = "2022-05-06 07:08:09",
               user_id: int = 0) -> str:
    return (f'<wp:comment><wp:comment_id>{cid}</wp:comment_id>'
            f'<wp:comment_author><![CDATA[{author}]]></wp:comment_author>'
            '<wp:comment_author_email><![CDATA[wpreader@example.net]]></wp:comment_author_email>'
            '<wp:comment_author_url>https://spam.example.com</wp:comment_author_url>'
            '<wp:comment_author_IP><![CDATA[192.0.2.55]]></wp:comment_author_IP>'
            f'<wp:comment_date><![CDATA[{date}]]></wp:comment_date>'
            f'<wp:comment_date_gmt><![CDATA[{date}]]></wp:comment_date_gmt>'
            f'<wp:comment_content><![CDATA[{content}]]></wp:comment_content>'
            f'<wp:comment_approved><![CDATA[{approved}]]></wp:comment_approved>'
            f'<wp:comment_type><![CDATA[{ctype}]]></wp:comment_type>'
            f'<wp:comment_parent>{parent}</wp:comment_parent>'
            f'<wp:comment_user_id>{user_id}</wp:comment_user_id></wp:comment>\n')


def wp_item(link: str, title: str, comments: list[str]) -> str:
    return (f'<item><title>{escape(title)}</title><link>{escape(link)}</link>'
            '<dc:creator><![CDATA[admin]]></dc:creator>'
            '<content:encoded><![CDATA[<p>The article.</p>]]></content:encoded>'
            '<wp:post_id>10</wp:post_id><wp:post_type>post</wp:post_type>'
            '<wp:status>publish</wp:status><wp:comment_status>open</wp:comment_status>\n'
            + "".join(comments) + '</item>\n')


def wxr_file(path: Path, items: list[str]) -> Path:
    path.write_text(WXR_HEAD + "".join(items) + "</channel>\n</rss>\n", encoding="utf-8")
    return path


# Isso's own schema (isso/db/threads.py and isso/db/comments.py).
ISSO_SCHEMA = """
CREATE TABLE IF NOT EXISTS preferences (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS threads (
    id INTEGER PRIMARY KEY, uri VARCHAR(256) UNIQUE, title VARCHAR(256));
CREATE TABLE IF NOT EXISTS comments (
    tid REFERENCES threads(id), id INTEGER PRIMARY KEY, parent INTEGER,
    created FLOAT NOT NULL, modified FLOAT, mode INTEGER, remote_addr VARCHAR,
    text VARCHAR, author VARCHAR, email VARCHAR, website VARCHAR,
    likes INTEGER DEFAULT 0, dislikes INTEGER DEFAULT 0, voters BLOB NOT NULL,
    notification INTEGER DEFAULT 0);
"""


def isso_db(path: Path, threads: list[tuple[int, str, str]],
            comments: list[tuple[int, int, int | None, float, int, str, str | None]]) -> Path:
    """``comments``: (id, tid, parent, created, mode, text, author)."""
    db = sqlite3.connect(path)
    db.executescript(ISSO_SCHEMA)
    db.executemany("INSERT INTO threads (id, uri, title) VALUES (?, ?, ?)", threads)
    db.executemany(
        "INSERT INTO comments (id, tid, parent, created, mode, text, author, email, "
        "remote_addr, voters) VALUES (?, ?, ?, ?, ?, ?, ?, 'isso@example.net', '192.0.2.9', x'')",
        comments)
    db.commit()
    db.close()
    return path
