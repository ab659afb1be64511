"""Every table of the test database hands out ids from 100,000 up, on SQLite and on PostgreSQL.

Vietnamese number formatting (``USE_THOUSAND_SEPARATOR``) renders the integer 1387 as ``1.387``. An id written
into a link, a form value or a data attribute as ``{{ officer.pk }}`` therefore works while ids are below 1,000
and breaks once a real database grows past that — which PostgreSQL's test run reached (its sequences are never
rolled back) and SQLite's never did (its ids are reused after every rollback). Starting every sequence at
100,000 makes every test see six-digit ids, so the whole class fails in every test instead of in one late
test of one database. Templates write ids with ``|unlocalize`` or through ``{% url %}``.
"""

from __future__ import annotations

FIRST_ID = 100_000


def start_ids_high(connection) -> None:
    """Move every id sequence of the connection's database to at least FIRST_ID."""
    with connection.cursor() as cursor:
        sequences = connection.introspection.sequence_list()
        if connection.vendor == "postgresql":
            for seq in sequences:
                table, column = seq["table"], seq["column"] or "id"
                cursor.execute(
                    f'SELECT setval(pg_get_serial_sequence(%s, %s), '
                    f'GREATEST(%s, (SELECT COALESCE(MAX("{column}"), 0) + 1 FROM "{table}")), false)',
                    [f'"{table}"', column, FIRST_ID],
                )
        elif connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%AUTOINCREMENT%'")
            tables = [row[0] for row in cursor.fetchall()]
            cursor.execute("SELECT name FROM sqlite_sequence")
            known = {row[0] for row in cursor.fetchall()}
            for table in tables:
                if table in known:
                    cursor.execute("UPDATE sqlite_sequence SET seq = MAX(seq, %s) WHERE name = %s",
                                   [FIRST_ID - 1, table])
                else:
                    cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, FIRST_ID - 1])
