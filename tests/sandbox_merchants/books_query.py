"""The merchant's own order query on its books, as a command: ``python books_query.py DB NO_ORDER``.

Prints ``{"no_order": ..., "status": ..., "credits": N}`` -- how many credit rows the order has in the
merchant's database. golive.yaml's ``live.credits`` runs it (a read of the merchant's books, no
endpoint of the merchant's app); any merchant can write the same query against its staging database.
"""

from __future__ import annotations

import json
import sqlite3
import sys


def main(argv: list[str]) -> int:
    database, no_order = argv[1], argv[2]
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=10)
    try:
        row = conn.execute("SELECT status FROM orders WHERE no_order=?", (no_order,)).fetchone()
        credits = conn.execute("SELECT count(*) FROM credits WHERE no_order=?", (no_order,)).fetchone()[0]
    finally:
        conn.close()
    print(json.dumps({"no_order": no_order, "status": row[0] if row else None, "credits": credits}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
