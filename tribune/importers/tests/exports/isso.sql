-- Shaped like an Isso comments database (isso/db/__init__.py, threads.py,
-- comments.py): the same tables, columns and trigger, with rows as Isso writes
-- them. Isso keeps only a truncated address (remote_addr: 192.0.2.0), the
-- voters' Bloom filter as a blob, and, for a deleted comment that has replies,
-- an empty row in mode 4 (text and author wiped). The tests load it into a
-- SQLite file with sqlite3.executescript.
CREATE TABLE IF NOT EXISTS preferences (key VARCHAR PRIMARY KEY, value VARCHAR);
INSERT INTO preferences (key, value) VALUES ('session-key', '3b8c2f0e5d6a4b1c9e7f');
CREATE TABLE IF NOT EXISTS threads (
    id INTEGER PRIMARY KEY, uri VARCHAR(256) UNIQUE, title VARCHAR(256));
CREATE TABLE IF NOT EXISTS comments (
    tid REFERENCES threads(id), id INTEGER PRIMARY KEY, parent INTEGER,
    created FLOAT NOT NULL, modified FLOAT, mode INTEGER, remote_addr VARCHAR,
    text VARCHAR, author VARCHAR, email VARCHAR, website VARCHAR,
    likes INTEGER DEFAULT 0, dislikes INTEGER DEFAULT 0, voters BLOB NOT NULL,
    notification INTEGER DEFAULT 0);
CREATE TRIGGER remove_stale_threads AFTER DELETE ON comments BEGIN
    DELETE FROM threads WHERE id NOT IN (SELECT tid FROM comments);
END;

INSERT INTO threads (id, uri, title) VALUES
    (1, '/2019/05/budget/', 'The budget, line by line'),
    (2, '/2019/06/verdict/', NULL),
    (3, 'https://blog.elsewhere.example/post', 'Elsewhere');

-- created 2019-05-01T10:00:00Z = 1556704800
INSERT INTO comments (tid, id, parent, created, modified, mode, remote_addr, text, author,
                      email, website, likes, dislikes, voters, notification) VALUES
    -- published, edited by its author, liked, with a website and replies wanted by e-mail
    (1, 1, NULL, 1556704800.25, 1556705400.5, 1, '192.0.2.0',
     'Plain *markdown* text' || char(10) || 'second line', 'Iris', 'iris@mail.example.net',
     'https://iris.example.com', 7, 2, x'0000000000000000000000000000000000000000', 1),
    -- an anonymous reply (Isso asks for no name)
    (1, 2, 1, 1556708400.0, NULL, 1, '192.0.2.0', 'An anonymous reply', NULL, NULL, NULL,
     0, 0, x'00', 0),
    -- another anonymous reader
    (1, 3, NULL, 1556712000.0, NULL, 1, '198.51.100.0', 'Another anonymous reader', '',
     NULL, NULL, 1, 0, x'00', 0),
    -- waiting for the moderator (Isso's moderation enabled)
    (1, 4, NULL, 1556715600.0, NULL, 2, '203.0.113.0', 'Waiting for a moderator', 'Jo',
     'jo@mail.example.net', NULL, 0, 0, x'00', 0),
    -- deleted while it had a reply: Isso keeps an empty row
    (1, 5, NULL, 1556719200.0, NULL, 4, '192.0.2.0', '', NULL, NULL, NULL, 0, 0, x'00', 0),
    -- the reply of the deleted comment
    (1, 6, 5, 1556722800.0, NULL, 1, '192.0.2.0', 'Reply to a deleted comment', 'Ko', NULL,
     NULL, 0, 0, x'00', 0),
    -- parent chains that do not hold
    (1, 7, 99, 1556726400.0, NULL, 1, '192.0.2.0', 'Reply to a comment not in the file',
     'Lu', NULL, NULL, 0, 0, x'00', 0),
    (1, 8, 11, 1559556000.0, NULL, 1, '192.0.2.0', 'Reply to a comment under another article',
     'Lu', NULL, NULL, 0, 0, x'00', 0),
    (1, 9, 10, 1556964000.0, NULL, 1, '192.0.2.0', 'First of a cycle', 'Lu', NULL, NULL,
     0, 0, x'00', 0),
    (1, 10, 9, 1556967600.0, NULL, 1, '192.0.2.0', 'Second of a cycle', 'Lu', NULL, NULL,
     0, 0, x'00', 0),
    -- under the second article
    (2, 11, NULL, 1559469600.0, NULL, 1, '192.0.2.0', 'On the verdict', 'Mo', NULL, NULL,
     0, 0, x'00', 0),
    -- on another publisher's page
    (3, 12, NULL, 1559469600.0, NULL, 1, '192.0.2.0', 'Not ours', 'No', NULL, NULL,
     0, 0, x'00', 0);
