"""The same-card rule as one SQL statement over the logical schema, for DuckDB, PostgreSQL and SQLite.

`audit_sql(source, dialect, cards, ...)` wraps a relation `source` -- any SELECT giving the logical
columns as text: ``line, user_id, kind, no_order, amount, card1..cardN, time, status, problem,
detail`` (`problem` set for rows the source itself could not split, e.g. a CSV line with a stray
quote) -- in three stages of common table expressions:

1. **normalise** (`n`): trim, map kind and status words, parse the amount into exact integer
   micro-yuan and the time into epoch microseconds, derive card tokens, and name the first problem
   of a row that cannot be read. Only portable SQL is used: ``substr``, ``length``, ``replace``,
   ``trim``/``ltrim`` with a character set, ``lower``, ``CASE``, ``CAST`` to a 64-bit integer and
   integer arithmetic -- no regular expressions, no date functions, no DECIMAL (SQLite has none of
   them portably), so the time is computed with the days-from-civil formula.
2. **replay** (`run`): the rows that move money (successful payments, earnings and refunds;
   successful and pending withdrawals), ordered per user by (time, line), with two window
   aggregates in one sort: the running balance ``Σ credits − Σ withdrawals`` and the row's sequence
   number. A withdrawal breaks the amount bound iff the balance after it is negative -- the same as
   ``withdrawn > paid + earnings − refunds``, since it adds nothing to the credits.
3. **judge**: the card rule is an equi-join -- some card token of the withdrawal was first paid
   with by that user at an earlier sequence number (`paying`: the earliest sequence per user and
   token, one GROUP BY; one LEFT JOIN per card column, each a hash join). Violations, counts, the running figures of the first `max_findings` violations
   (one join limited to those users) and the first `max_broken` unreadable rows come back as one
   result set of tagged rows (`rtype` C, V, K, B), so a database runs one statement and sends
   back only what the report shows.

SQL features relied on (all in DuckDB ≥ 0.9, PostgreSQL ≥ 12, SQLite ≥ 3.35, Spark SQL ≥ 3.0,
Trino, ClickHouse ≥ 23 with its SQL-standard window support): common table expressions, window
functions with ``ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW``, ``ROW_NUMBER``, equi-joins
(``LEFT JOIN``, no correlated subquery), ``UNION ALL``, ``ORDER BY … LIMIT`` in a derived table,
``trim``/``ltrim`` with a character set and 64-bit integer arithmetic. The
`Dialect` names the few spellings that differ (integer division, substring position, the 64-bit
integer type, CTE materialisation).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from golive.books.schema import AMOUNT_INT_DIGITS, AMOUNT_SCALE, ASCII_SPACE, KINDS, STATUSES, UNICODE_SPACE

# The instants a time may stand for: years 1000-9999 in China Standard Time (as the Python reader).
CST_FIRST_US = (int((dt.datetime(1000, 1, 1) - dt.datetime(1970, 1, 1)).total_seconds()) - 28800) * 1_000_000
CST_LAST_US = (int((dt.datetime(9999, 12, 31, 23, 59, 59) - dt.datetime(1970, 1, 1)).total_seconds()) - 28800) \
    * 1_000_000 + 999_999

# Result columns of the audit statement (see `audit_sql`).
TEXT_COLUMNS = ("s1", "s2", "s3", "s4", "s5")
INT_COLUMNS = tuple(f"n{i}" for i in range(1, 14))


@dataclass(frozen=True)
class Dialect:
    """The spellings that differ between SQL engines."""

    name: str
    bigint: str = "BIGINT"
    text: str = "VARCHAR"
    int_div: str = "/"  # DuckDB's / is float division; // is integer division
    position: str = "instr({s}, {sub})"
    materialized: str = "MATERIALIZED "
    trim: str = "trim({s}, {chars})"
    # DuckDB's trim/ltrim with a character set cost ~4 s per million rows: there, regular
    # expressions instead.
    regex: bool = False
    # The code point of a text's first character (NULL or 0 for ''): a fast path skips trimming the
    # usual value, printable ASCII at both ends (DuckDB's trim is slow, and PostgreSQL's btrim with a
    # multibyte character set decodes the set on every call).
    code: str | None = None
    # Ends each normalising CTE so the planner keeps it a separate step (streamed, not stored):
    # inlined into one projection, a value used by several later expressions would be copied into
    # each -- exponentially, through the layers of the time parse (PostgreSQL then asks for 1 GB).
    barrier: str = ""

    def strip(self, s: str, chars: str) -> str:
        """`s` without the characters of `chars` at either end."""
        trimmed = self.trim.format(s=s, chars=lit(chars))
        # The fast path (ends already printable ASCII: nothing to strip) holds only when every
        # character to strip lies outside printable ASCII -- whitespace, not a mask's '*' or 'x'.
        if self.code and not any(33 <= ord(ch) <= 126 for ch in chars):
            return f"(CASE WHEN {s} = '' THEN '' WHEN {self.code}({s}) BETWEEN 33 AND 126 " \
                   f"AND {self.code}(right({s}, 1)) BETWEEN 33 AND 126 THEN {s} ELSE {trimmed} END)"
        return trimmed

    def native_amount(self, x: str) -> tuple[str, str, str] | None:
        """(valid, units, scale) of the plain amount -- 1 to 6 digits, at most 6 places -- through
        one regular expression and a DECIMAL cast where the engine has both cheap (DuckDB); None
        elsewhere (the portable substr arithmetic)."""
        if self.name != "duckdb":
            return None
        # Below a million yuan: DuckDB multiplies the DECIMAL's scaled int64 by 10^6 and would
        # overflow above that (the general branch reads the rest).
        valid = f"regexp_full_match({x}, '[0-9]{{1,6}}(\\.[0-9]{{0,{AMOUNT_SCALE}}})?')"
        units = f"CAST(CAST({x} AS DECIMAL(18, {AMOUNT_SCALE})) * 1000000 AS BIGINT)"
        scale = f"(CASE WHEN strpos({x}, '.') = 0 THEN 0 ELSE length({x}) - strpos({x}, '.') END)"
        return valid, units, scale

    def time14(self, tt: str) -> str:
        """Whether `tt` takes the yyyyMMddHHmmss branch. Portably: 14 ASCII digits. In DuckDB, whose
        try_strptime is strict (digits only, once the ends are trimmed), any 14 characters that
        cannot be ISO 8601 (no ``-`` after the year): a regular expression costs more than the parse."""
        if self.name == "duckdb":
            return f"(length({tt}) = 14 AND substr({tt}, 5, 1) <> '-')"
        return f"(length({tt}) = 14 AND {self.digits(tt)})"

    def fast_time(self, tt: str, fmt: str) -> str | None:
        """Epoch microseconds of `tt` in a fixed format read as China Standard Time, or NULL when
        it is not a valid time -- through a native parser where the engine has one that never
        raises (DuckDB's try_strptime, ~10x faster than the portable arithmetic); None elsewhere."""
        if self.name != "duckdb":
            return None
        pattern = "%Y%m%d%H%M%S" if fmt == "14" else "%Y-%m-%d %H:%M:%S"
        return f"(epoch_us(try_strptime({tt}, {lit(pattern)})) - 28800000000)"

    def only(self, s: str, chars: str) -> str:
        """Every character of `s` is one of `chars` (true for '')."""
        if self.regex:
            pattern = "[" + "".join("\\" + c if c in "]\\^-" else c for c in chars) + "]*"
            return f"regexp_full_match({s}, {lit(pattern)})"
        return f"(ltrim({s}, {lit(chars)}) = '')"

    def digits(self, s: str) -> str:
        """All ASCII digits, and not empty."""
        if self.regex:
            return f"regexp_full_match({s}, '[0-9]+')"
        return f"({s} <> '' AND ltrim({s}, '0123456789') = '')"

    def idiv(self, left: str, right: str) -> str:
        return f"(({left}) {self.int_div} ({right}))"

    def pos(self, s: str, sub: str) -> str:
        return self.position.format(s=s, sub=sub)

    def int(self, expr: str) -> str:
        return f"CAST({expr} AS {self.bigint})"


DUCKDB = Dialect("duckdb", int_div="//", regex=True, code="unicode")
POSTGRESQL = Dialect("postgresql", text="TEXT", position="strpos({s}, {sub})", trim="btrim({s}, {chars})",
                     barrier=" OFFSET 0", code="ascii")
SQLITE = Dialect("sqlite", bigint="INTEGER", text="TEXT", barrier=" LIMIT -1 OFFSET 0")
DIALECTS = {d.name: d for d in (DUCKDB, POSTGRESQL, SQLITE)}


def lit(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def _in(expr: str, words: list[str]) -> str:
    return f"{expr} IN ({', '.join(lit(w) for w in sorted(words))})"


def _word_case(expr: str, table: dict[str, str], values: tuple[str, ...]) -> str:
    branches = " ".join(f"WHEN {_in(expr, [w for w, v in table.items() if v == value])} THEN {lit(value)}"
                        for value in values)
    return f"CASE {branches} END"


def _digits(expr: str) -> str:
    """All ASCII digits (and not empty), without regular expressions."""
    return f"({expr} <> '' AND ltrim({expr}, '0123456789') = '')"


def _days_from_civil(d: Dialect, y: str, m: str, day: str) -> str:
    """Days since 1970-01-01 of a valid proleptic Gregorian date (years >= 1): H. Hinnant's
    formula, integer arithmetic only, all operands non-negative so truncation is floor."""
    yy = f"({y} - {d.idiv(f'14 - {m}', '12')})"  # minus one in January and February, without a CASE
    era = d.idiv(yy, "400")
    yoe = f"({yy} - {era} * 400)"
    mp = f"(({m} + 9) % 12)"
    doy = f"({d.idiv(f'153 * {mp} + 2', '5')} + {day} - 1)"
    doe = f"({yoe} * 365 + {d.idiv(yoe, '4')} - {d.idiv(yoe, '100')} + {doy})"
    return f"({era} * 146097 + {doe} - 719468)"


def _days_in_month(d: Dialect, y: str, m: str) -> str:
    leap = f"(CASE WHEN ({y} % 4 = 0 AND {y} % 100 <> 0) OR {y} % 400 = 0 THEN 1 ELSE 0 END)"
    return f"(CASE WHEN {m} = 2 THEN 28 + {leap} WHEN {m} IN (4, 6, 9, 11) THEN 30 ELSE 31 END)"


def user_key(d: Dialect, column: str) -> str:
    """The user id a row is judged under: the text without ASCII white space at either end."""
    return d.strip(f"COALESCE(CAST({column} AS {d.text}), '')", ASCII_SPACE)


def normalise_sql(d: Dialect, source: str, cards: int, has_status: bool) -> str:
    """The CTEs that turn `source` (logical columns as text) into normalised rows `n`:
    line, user_id, kind, no_order, card, tok1..tokN, time_text, t, status, amount_u, scale,
    problem, detail. Returned as the text of several ``name AS (...)`` items.

    Engines inline these CTEs into one projection and do not share a subexpression used inside
    CASE branches, so each value is computed by a *fast branch* straight from the trimmed text
    (a plain amount, a 14-digit or ``yyyy-MM-dd HH:mm:ss`` time: nearly every row) and a general
    branch, written as further CTE columns, that only the unusual rows reach."""
    i = d.int
    uni = UNICODE_SPACE
    card_cols = [f"card{j}" for j in range(1, cards + 1)]

    def strip(column: str, chars: str) -> str:
        return d.strip(f"COALESCE(CAST({column} AS {d.text}), '')", chars)

    strip_cards = ", ".join(f"{strip(c, uni)} AS {c}" for c in card_cols)
    status_expr = strip("status", uni) if has_status else lit("success")
    f0 = f"""f0 AS (
  SELECT line, problem, detail,
    {user_key(d, "user_id")} AS user_id,
    {strip("kind", uni)} AS kind_text,
    {strip("no_order", uni)} AS no_order,
    {strip("amount", uni)} AS amount_text,
    {strip("time", uni)} AS time_text,
    {status_expr} AS status_text,
    {strip_cards}
  FROM {source})"""

    # -- amount: the plain form (digits, one optional point) in the fast branch -----------------------
    def amount_parts(x: str) -> tuple[str, str, str, str]:
        """(valid, units, scale, integer digits) of a sign-less amount text `x`."""
        dot = d.pos(f"{x} || '.'", "'.'")
        ip, fp = f"substr({x}, 1, {dot} - 1)", f"substr({x}, {dot} + 1)"
        valid = (f"({x} <> '' AND {x} <> '.' AND {d.only(x, '0123456789.')} "
                 f"AND length({x}) - length(replace({x}, '.', '')) <= 1)")
        units = f"{i(f'{lit(chr(48))} || {ip}')} * 1000000 + {i(f'substr({fp} || {lit(chr(48) * AMOUNT_SCALE)}, 1, {AMOUNT_SCALE})')}"
        int_digits = f"(CASE WHEN length({ip}) <= {AMOUNT_INT_DIGITS} THEN length({ip}) ELSE length(ltrim({ip}, '0')) END)"
        return valid, units, f"length({fp})", int_digits

    fast_valid, fast_units, fast_scale, fast_ints = amount_parts("amount_text")
    native = d.native_amount("amount_text")
    if native is not None:  # only amounts within both bounds take the fast branch
        fast_valid, fast_units, fast_scale = native
        fast_ints = "0"
    f1 = f"""f1 AS (
  SELECT f0.*, {fast_valid} AS plain,
    {d.time14('time_text')} AS time14,
    (length(time_text) = 19 AND substr(time_text, 5, 1) = '-' AND substr(time_text, 8, 1) = '-'
     AND substr(time_text, 11, 1) = ' ' AND substr(time_text, 14, 1) = ':' AND substr(time_text, 17, 1) = ':') AS space19
  FROM f0)"""
    # The general amount: drop a leading ¥/￥, a trailing 元, every comma and white space (as the
    # Python reader does), then a sign. A few replace() per CTE: SQLite's parser stack is shallow.
    yuan = "(CASE WHEN substr(amount_text, 1, 1) IN ('¥', '￥') THEN substr(amount_text, 2) ELSE amount_text END)"
    chain = [f"""g0 AS (
  SELECT f1.*, CASE WHEN plain THEN NULL WHEN amount_text LIKE '%元' THEN substr({yuan}, 1, length({yuan}) - 1)
                    ELSE {yuan} END AS g0
  FROM f1)"""]
    noise_chars = ",，" + uni
    steps = [noise_chars[k:k + 8] for k in range(0, len(noise_chars), 8)]
    for index, chars in enumerate(steps, 1):
        expr = f"g{index - 1}"
        for ch in chars:
            expr = f"replace({expr}, {lit(ch)}, '')"
        chain.append(f"""g{index} AS (SELECT g{index - 1}.*, {expr} AS g{index} FROM g{index - 1})""")
    last = f"g{len(steps)}"
    chain.append(f"""f2 AS (
  SELECT {last}.*, CASE WHEN plain THEN FALSE ELSE substr({last}, 1, 1) = '-' END AS neg,
    CASE WHEN plain THEN NULL WHEN substr({last}, 1, 1) IN ('+', '-') THEN substr({last}, 2) ELSE {last} END AS body
  FROM {last})""")
    g_valid, g_units, g_scale, g_ints = amount_parts("body")

    # -- time: yyyyMMddHHmmss and yyyy-MM-dd HH:mm:ss in the fast branch, ISO 8601 in the other ------
    tt = "time_text"

    def clock(parts: dict[str, str], micros: str, offset: str) -> tuple[str, str]:
        """(valid, epoch microseconds) of integer expressions y, mo, dd, hh, mi, ss."""
        y, mo, dd, hh, mi, ss = (parts[k] for k in ("y", "mo", "dd", "hh", "mi", "ss"))
        valid = (f"({y} >= 1000 AND {mo} BETWEEN 1 AND 12 AND {dd} >= 1 AND {dd} <= {_days_in_month(d, y, mo)} "
                 f"AND {hh} <= 23 AND {mi} <= 59 AND {ss} <= 59)")
        value = (f"(({_days_from_civil(d, y, mo, dd)} * 86400 + {hh} * 3600 + {mi} * 60 + {ss} - {offset}) "
                 f"* 1000000 + {micros})")
        return valid, value

    p14 = {k: i(f"substr({tt}, {a}, {b})") for k, (a, b) in
           {"y": (1, 4), "mo": (5, 2), "dd": (7, 2), "hh": (9, 2), "mi": (11, 2), "ss": (13, 2)}.items()}
    p19 = {k: i(f"substr({tt}, {a}, {b})") for k, (a, b) in
           {"y": (1, 4), "mo": (6, 2), "dd": (9, 2), "hh": (12, 2), "mi": (15, 2), "ss": (18, 2)}.items()}
    v14, t14 = clock(p14, "0", "28800")
    v19, t19 = clock(p19, "0", "28800")
    digits19 = d.digits(f"substr({tt}, 1, 4) || substr({tt}, 6, 2) || substr({tt}, 9, 2) || substr({tt}, 12, 2) "
                        f"|| substr({tt}, 15, 2) || substr({tt}, 18, 2)")
    # ISO: yyyy-MM-dd, then optional [T t space]hh[:mm[:ss]][.f|,f][Z|±hh[[:]mm]]
    r = "iso_rest"
    iso = [f"""h0 AS (
  SELECT f2.*, CASE WHEN time14 OR space19 THEN NULL ELSE substr({tt}, 12) END AS iso_rest FROM f2)""",
           f"""h1 AS (
  SELECT h0.*,
    substr({r}, 1, 2) AS ih,
    CASE WHEN substr({r}, 3, 1) = ':' THEN substr({r}, 4, 2) ELSE '00' END AS imi,
    CASE WHEN substr({r}, 3, 1) = ':' AND substr({r}, 6, 1) = ':' THEN substr({r}, 7, 2) ELSE '00' END AS isec,
    CASE WHEN substr({r}, 3, 1) <> ':' THEN substr({r}, 3) WHEN substr({r}, 6, 1) <> ':' THEN substr({r}, 6)
         ELSE substr({r}, 9) END AS after_sec
  FROM h0)"""]
    a = "after_sec"
    frac_digits = f"(length(substr({a}, 2)) - length(ltrim(substr({a}, 2), '0123456789')))"
    iso.append(f"""h2 AS (
  SELECT h1.*, CASE WHEN substr({a}, 1, 1) IN ('.', ',') AND substr({r}, 3, 1) = ':' AND substr({r}, 6, 1) = ':'
                    THEN {frac_digits} ELSE 0 END AS nfrac FROM h1)""")
    iso.append(f"""h3 AS (
  SELECT h2.*,
    CASE WHEN nfrac > 0 THEN substr({a}, 2, nfrac) ELSE '' END AS ifrac,
    CASE WHEN nfrac > 0 THEN substr({a}, 2 + nfrac) ELSE {a} END AS izone
  FROM h2)""")
    z = "izone"
    zone_ok = (f"({z} = '' OR {z} IN ('Z', 'z') OR (substr({z}, 1, 1) IN ('+', '-') AND {d.digits(f'substr({z}, 2, 2)')} "
               f"AND (length({z}) = 3 OR (length({z}) = 5 AND {d.digits(f'substr({z}, 4, 2)')}) "
               f"OR (length({z}) = 6 AND substr({z}, 4, 1) = ':' AND {d.digits(f'substr({z}, 5, 2)')}))))")
    date_ok = (f"(length({tt}) >= 10 AND substr({tt}, 5, 1) = '-' AND substr({tt}, 8, 1) = '-' AND "
               f"{d.digits(f'substr({tt}, 1, 4) || substr({tt}, 6, 2) || substr({tt}, 9, 2)')})")
    iso_ok = (f"({date_ok} AND (length({tt}) = 10 OR (substr({tt}, 11, 1) IN ('T', 't', ' ') AND length({r}) >= 2 "
              f"AND {d.digits('ih')} AND length(imi) = 2 AND {d.digits('imi')} AND length(isec) = 2 "
              f"AND {d.digits('isec')} AND {zone_ok})))")
    zone_min = (f"(CASE WHEN length({z}) = 6 THEN {i(f'substr({z}, 5, 2)')} "
                f"WHEN length({z}) = 5 THEN {i(f'substr({z}, 4, 2)')} ELSE 0 END)")
    iso.append(f"""h4 AS (
  SELECT h3.*, CASE WHEN iso_rest IS NOT NULL AND {iso_ok} THEN 1 ELSE 0 END AS iso_ok FROM h3)""")
    iso.append(f"""h5 AS (
  SELECT h4.*,
    CASE WHEN iso_ok = 1 THEN {i(f'substr({tt}, 1, 4)')} END AS iy,
    CASE WHEN iso_ok = 1 THEN {i(f'substr({tt}, 6, 2)')} END AS imo,
    CASE WHEN iso_ok = 1 THEN {i(f'substr({tt}, 9, 2)')} END AS idd,
    CASE WHEN iso_ok = 1 AND length({tt}) > 10 THEN {i('ih')} ELSE 0 END AS ihh,
    CASE WHEN iso_ok = 1 AND length({tt}) > 10 THEN {i('imi')} ELSE 0 END AS imm,
    CASE WHEN iso_ok = 1 AND length({tt}) > 10 THEN {i('isec')} ELSE 0 END AS iss,
    CASE WHEN iso_ok = 1 AND ifrac <> '' THEN {i(f"substr(ifrac || {lit('0' * 6)}, 1, 6)")} ELSE 0 END AS imicros,
    CASE WHEN iso_ok = 0 THEN 0 WHEN {z} = '' THEN 28800 WHEN {z} IN ('Z', 'z') THEN 0
         ELSE (CASE WHEN substr({z}, 1, 1) = '-' THEN -1 ELSE 1 END) * ({i(f'substr({z}, 2, 2)')} * 3600 + {zone_min} * 60)
    END AS ioffset
  FROM h4)""")
    vi, ti = clock({"y": "iy", "mo": "imo", "dd": "idd", "hh": "ihh", "mi": "imm", "ss": "iss"}, "imicros", "ioffset")
    native14, native19 = d.fast_time(tt, "14"), d.fast_time(tt, "19")
    fast14 = f"CASE WHEN substr({tt}, 1, 1) IN ('1', '2') THEN {native14} END" if native14 else \
        f"CASE WHEN substr({tt}, 1, 1) IN ('1', '2') AND {v14} THEN {t14} END"
    fast19 = f"CASE WHEN substr({tt}, 1, 1) IN ('1', '2') AND {digits19} THEN {native19} END" if native19 else \
        f"CASE WHEN {digits19} AND substr({tt}, 1, 1) IN ('1', '2') AND {v19} THEN {t19} END"
    t_expr = f"""CASE
      WHEN time14 THEN {fast14}
      WHEN space19 THEN {fast19}
      WHEN iso_ok = 1 AND ioffset BETWEEN -86399 AND 86399 AND {zone_min} <= 59 AND {vi}
           AND {ti} BETWEEN {CST_FIRST_US} AND {CST_LAST_US} THEN {ti}
    END"""
    # The canonical word first: one comparison for nearly every row, the hundred words for the rest.
    kinds, statuses = ("payment", "withdrawal", "earning", "refund"), ("success", "failed", "pending")
    kind = f"CASE WHEN {_in('kind_text', list(kinds))} THEN kind_text ELSE {_word_case('lower(kind_text)', KINDS, kinds)} END"
    status = (f"CASE WHEN {_in('status_text', list(statuses))} THEN status_text "
              f"ELSE {_word_case('lower(status_text)', STATUSES, statuses)} END")
    f9 = f"""f9 AS (
  SELECT h5.*, {kind} AS kind0, {status} AS status0, {t_expr} AS t0,
    CASE WHEN plain THEN 0 WHEN NOT {g_valid} THEN 1
         WHEN {g_scale} > {AMOUNT_SCALE} THEN 2 WHEN {g_ints} > {AMOUNT_INT_DIGITS} THEN 3 ELSE 0 END AS amount_bad,
    CASE WHEN plain THEN {fast_scale} ELSE {g_scale} END AS scale0
  FROM h5)"""
    a_units = f"CASE WHEN plain THEN {fast_units} ELSE {g_units} END"
    problem = f"""CASE
      WHEN problem IS NOT NULL THEN problem
      WHEN user_id = '' THEN 'user'
      WHEN kind0 IS NULL THEN 'kind'
      WHEN amount_bad = 1 THEN 'amount'
      WHEN scale0 > {AMOUNT_SCALE} OR amount_bad = 2 THEN 'amount_scale'
      WHEN amount_bad = 3 OR (plain AND {fast_ints} > {AMOUNT_INT_DIGITS}) THEN 'amount_big'
      WHEN t0 IS NULL THEN 'time'
      WHEN status0 IS NULL THEN 'status'
      WHEN neg AND kind0 = 'withdrawal' THEN 'negative'
    END"""
    f10 = f"""f10 AS (
  SELECT f9.*, {problem} AS problem0 FROM f9)"""
    detail = """CASE
      WHEN problem0 IS NULL THEN NULL
      WHEN problem IS NOT NULL THEN detail
      WHEN problem0 = 'kind' THEN kind_text
      WHEN problem0 IN ('amount', 'amount_scale', 'amount_big', 'negative') THEN amount_text
      WHEN problem0 = 'time' THEN time_text
      WHEN problem0 = 'status' THEN status_text
    END"""
    tokens = ",\n    ".join(_token(d, c, f"tok{j}") for j, c in enumerate(card_cols, 1))
    first_card = ("COALESCE(" + ", ".join(f"NULLIF({c}, '')" for c in card_cols) + ", '')"
                  if len(card_cols) > 1 else card_cols[0])
    n = f"""n AS (
  SELECT line, user_id, no_order, {first_card} AS card, time_text, t0 AS t, status0 AS status,
    CASE WHEN neg AND kind0 = 'payment' THEN 'refund' ELSE kind0 END AS kind,
    CASE WHEN problem0 IS NOT NULL THEN NULL WHEN neg AND kind0 = 'earning' THEN -({a_units}) ELSE {a_units} END
      AS amount_u,
    scale0 AS scale,
    {tokens},
    problem0 AS problem,
    {detail} AS detail,
    CASE WHEN problem0 IS NULL AND (status0 = 'success' OR (status0 = 'pending' AND kind0 = 'withdrawal'))
         THEN 1 ELSE 0 END AS mv
  FROM f10)"""
    layers = [f1, *chain, *iso, f9, f10]
    if d.barrier:
        layers = [layer[:layer.rindex(")")] + d.barrier + ")" for layer in layers]
    return ",\n".join([f0, *layers, n])


def _token(d: Dialect, card: str, name: str) -> str:
    """card_token of the Python reader: a last four or a masked number -> '#1234'; a no_agree or
    any other value as it is; '' -> NULL. Nested CASE so the usual no_agree (all digits) never
    reaches the mask test."""
    last4 = f"substr({card}, length({card}) - 3)"
    head = f"substr({card}, 1, length({card}) - 4)"
    mask = f"ltrim({head}, '0123456789')"
    masked = (f"({d.digits(last4)} AND {mask} <> '' AND length({head}) - length({mask}) <= 8 "
              f"AND substr({mask}, 1, 1) IN ('*', 'x', 'X', '•') AND {d.strip(mask, '*xX•' + UNICODE_SPACE)} = '')")
    # Only a last four gets '#'; a masked number needs a mask character (four memchr-like tests
    # spare the usual no_agree, all digits, the costlier checks).
    mask_char = " OR ".join(f"{d.pos(card, lit(c))} > 0" for c in ("*", "x", "X", "•"))
    return (f"CASE WHEN {card} = '' THEN NULL "
            f"WHEN length({card}) = 4 THEN (CASE WHEN {d.digits(card)} THEN '#' || {card} ELSE {card} END) "
            f"WHEN length({card}) > 4 AND ({mask_char}) THEN (CASE WHEN {masked} THEN '#' || {last4} ELSE {card} END) "
            f"ELSE {card} END AS {name}")


def audit_sql(d: Dialect, source: str, cards: int = 1, has_status: bool = True, max_findings: int = 200,
              max_broken: int = 20) -> str:
    """The whole audit as one statement over `source` (a table name or a parenthesised SELECT with
    an alias). Result rows (columns rtype, line, s1..s5, n1..n13):

    - ``C`` once: n1 rows, n2 judged, n3 withdrawals, n4 failed, n5 pending, n6 broken, n7 users,
      n8 violations;
    - ``V`` per violation shown (first `max_findings` by line): s1 user, s2 no_order, s3 card as
      written, s4 time as written; n1 amount (micro-yuan), n2 its scale, n3/n4 paid and its scale,
      n5/n6 earned, n7/n8 refunded, n9/n10 withdrawn before, n11 card ok (0/1), n12 has a card
      (0/1), n13 amount ok (0/1);
    - ``K`` per paying card of a shown violation's user before it: line, s1 token;
    - ``B`` per unreadable row shown (first `max_broken` by line): s1 problem code, s2 detail.
    """
    tok_cols = [f"tok{j}" for j in range(1, cards + 1)]
    i = d.int
    order = "PARTITION BY user_id ORDER BY t, line"
    paying_union = " UNION ALL ".join(
        f"SELECT user_id, {t} AS tok, seq FROM run WHERE mv = 1 AND kind = 'payment' AND {t} IS NOT NULL"
        for t in tok_cols)
    # The card rule as one hash join per card column: `paying` holds one row per (user, token), so
    # each join finds at most one; a correlated EXISTS would be a nested loop where the planner does
    # not decorrelate it (PostgreSQL does not, over a CTE).
    card_joins = "\n  ".join(f"LEFT JOIN paying p{j} ON p{j}.user_id = w.user_id AND p{j}.tok = w.{t}"
                              for j, t in enumerate(tok_cols, 1))
    card_ok = " OR ".join(f"p{j}.first_seq < w.seq" for j in range(1, cards + 1))
    has_card = " OR ".join(f"{t} IS NOT NULL" for t in tok_cols)

    def row(rtype: str, line: str, texts: list[str], ints: list[str]) -> str:
        texts = texts + ["NULL"] * (len(TEXT_COLUMNS) - len(texts))
        ints = ints + ["NULL"] * (len(INT_COLUMNS) - len(ints))
        cols = [f"{lit(rtype)} AS rtype", f"{i(line)} AS line"]
        cols += [f"CAST({v} AS {d.text}) AS {c}" for v, c in zip(texts, TEXT_COLUMNS)]
        cols += [f"{i(v)} AS {c}" for v, c in zip(ints, INT_COLUMNS)]
        return ", ".join(cols)

    # One pass over the books (`run`, the one relation materialised): every row, each user's in
    # (time, line) order -- the sequence number and the running balance of the rows that move money
    # (`mv`); broken and failed rows ride along (they move nothing) so the counts, the unreadable
    # rows and the violations' own text all come from it.
    # Texts only where a finding may quote them (a withdrawal's order, card and time; a broken
    # row's detail): the materialised relation stays narrow.
    keep = ", ".join(tok_cols)
    rule = f"""run AS {d.materialized}(
  SELECT line, user_id, kind, status, t, amount_u, scale, {keep}, problem, detail, mv,
    CASE WHEN kind = 'withdrawal' THEN no_order END AS no_order,
    CASE WHEN kind = 'withdrawal' THEN card END AS card,
    CASE WHEN kind = 'withdrawal' THEN time_text END AS time_text,
    ROW_NUMBER() OVER ({order}) AS seq,
    {i(f"SUM(CASE WHEN mv = 0 THEN 0 WHEN kind IN ('withdrawal', 'refund') THEN -amount_u ELSE amount_u END) "
       f"OVER ({order} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)")} AS balance,
    {i(f"SUM(CASE WHEN problem IS NULL AND status <> 'failed' THEN 1 ELSE 0 END) "
       f"OVER ({order} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)")} AS judged_so_far
  FROM n),
paying AS (
  SELECT user_id, tok, MIN(seq) AS first_seq FROM ({paying_union}) pt GROUP BY user_id, tok),
judged AS (
  SELECT w.line, w.user_id, w.no_order, w.card, w.time_text, w.seq, w.amount_u, w.scale,
    CASE WHEN {card_ok} THEN 1 ELSE 0 END AS card_ok,
    CASE WHEN {has_card} THEN 1 ELSE 0 END AS has_card,
    CASE WHEN w.balance >= 0 THEN 1 ELSE 0 END AS amount_ok
  FROM run w
  {card_joins}
  WHERE w.mv = 1 AND w.kind = 'withdrawal'),
violations AS (
  SELECT * FROM judged WHERE card_ok = 0 OR amount_ok = 0),
shown AS (
  SELECT * FROM (SELECT * FROM violations ORDER BY line LIMIT {int(max_findings)}) lim),
figures AS (
  SELECT s.line,
    SUM(CASE WHEN r.kind = 'payment' THEN r.amount_u ELSE 0 END) AS paid,
    MAX(CASE WHEN r.kind = 'payment' THEN r.scale ELSE 0 END) AS paid_scale,
    SUM(CASE WHEN r.kind = 'earning' THEN r.amount_u ELSE 0 END) AS earned,
    MAX(CASE WHEN r.kind = 'earning' THEN r.scale ELSE 0 END) AS earned_scale,
    SUM(CASE WHEN r.kind = 'refund' THEN r.amount_u ELSE 0 END) AS refunded,
    MAX(CASE WHEN r.kind = 'refund' THEN r.scale ELSE 0 END) AS refunded_scale,
    SUM(CASE WHEN r.kind = 'withdrawal' THEN r.amount_u ELSE 0 END) AS withdrawn,
    MAX(CASE WHEN r.kind = 'withdrawal' THEN r.scale ELSE 0 END) AS withdrawn_scale
  FROM shown s LEFT JOIN run r ON r.user_id = s.user_id AND r.seq < s.seq AND r.mv = 1
  GROUP BY s.line),
counts AS (
  SELECT COUNT(*) AS rows_all,
    SUM(CASE WHEN problem IS NULL AND status <> 'failed' THEN 1 ELSE 0 END) AS judged,
    SUM(CASE WHEN problem IS NULL AND status <> 'failed' AND kind = 'withdrawal' THEN 1 ELSE 0 END) AS withdrawals,
    SUM(CASE WHEN problem IS NULL AND status = 'failed' THEN 1 ELSE 0 END) AS failed,
    SUM(CASE WHEN problem IS NULL AND status = 'pending' THEN 1 ELSE 0 END) AS pending,
    SUM(CASE WHEN problem IS NOT NULL THEN 1 ELSE 0 END) AS broken,
    SUM(CASE WHEN problem IS NULL AND status <> 'failed' AND judged_so_far = 1 THEN 1 ELSE 0 END) AS users
  FROM run)"""
    counts = row("C", "0", [], ["rows_all", "judged", "withdrawals", "failed", "pending", "broken", "users",
                                "(SELECT COUNT(*) FROM violations)"])
    shown = row("V", "s.line", ["s.user_id", "s.no_order", "s.card", "s.time_text"],
                ["s.amount_u", "s.scale", "COALESCE(f.paid, 0)", "COALESCE(f.paid_scale, 0)", "COALESCE(f.earned, 0)",
                 "COALESCE(f.earned_scale, 0)", "COALESCE(f.refunded, 0)", "COALESCE(f.refunded_scale, 0)",
                 "COALESCE(f.withdrawn, 0)", "COALESCE(f.withdrawn_scale, 0)", "s.card_ok", "s.has_card",
                 "s.amount_ok"])
    cards_rows = row("K", "s.line", ["p.tok"], [])
    broken = row("B", "b.line", ["b.problem", "b.detail"], [])
    return f"""WITH
{normalise_sql(d, source, cards, has_status)},
{rule}
SELECT {counts} FROM counts
UNION ALL
SELECT {shown} FROM shown s LEFT JOIN figures f ON f.line = s.line
UNION ALL
SELECT {cards_rows} FROM shown s JOIN paying p ON p.user_id = s.user_id AND p.first_seq < s.seq
UNION ALL
SELECT {broken} FROM (SELECT line, problem, detail FROM run WHERE problem IS NOT NULL ORDER BY line LIMIT {int(max_broken)}) b
"""


def _moves_sql(d: Dialect, source: str, has_status: bool) -> str:
    """The normalising CTEs and `m`: per row only what the first pass judges with -- numbers, flags,
    the user and the card token (the counts need only `cls`: 0 unreadable, 1 failed, 2 pending,
    3 successful). Every byte more would be carried through the window sort and spilled with it."""
    return f"""{normalise_sql(d, source, 1, has_status)},
m AS (
  SELECT line, user_id, t, tok1,
    CASE WHEN mv = 0 THEN 0 WHEN kind IN ('withdrawal', 'refund') THEN -amount_u ELSE amount_u END AS delta,
    mv = 1 AND kind = 'payment' AS pays,
    mv = 1 AND kind = 'withdrawal' AS wd,
    CAST(CASE WHEN problem IS NOT NULL THEN 0 WHEN status = 'failed' THEN 1 WHEN status = 'pending' THEN 2 ELSE 3 END
         AS TINYINT) AS cls
  FROM n)"""


_REPLAY = "PARTITION BY user_id ORDER BY t, line ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW"
# A row's place in (time, line) order as one number (lines below 2^40).
_ORDER_KEY = "(CAST(t AS HUGEINT) * 1099511627776 + line)"


def _first_pass_counts(max_findings: int, max_broken: int) -> str:
    """The first eleven columns every first pass returns (see `single_pass_sql`), over a relation
    with `line`, `user_id`, `cls`, `wd`, `violation` and `first_judged`."""
    return f"""COUNT(*),
  COUNT(*) FILTER (WHERE cls >= 2),
  COUNT(*) FILTER (WHERE wd),
  COUNT(*) FILTER (WHERE cls = 1),
  COUNT(*) FILTER (WHERE cls = 2),
  COUNT(*) FILTER (WHERE cls = 0),
  COUNT(*) FILTER (WHERE first_judged),
  COUNT(*) FILTER (WHERE violation),
  min(line, {int(max_findings)}) FILTER (WHERE violation),
  min_by(user_id, line, {int(max_findings)}) FILTER (WHERE violation),
  min(line, {int(max_broken)}) FILTER (WHERE cls = 0)"""


def single_pass_sql(d: Dialect, source: str, has_status: bool = True, max_findings: int = 200,
                    max_broken: int = 20, max_unsure: int = 2000) -> str:
    """The audit's first pass for DuckDB over a one-card ledger: one scan, ONE window sort (per
    user in (time, line) order), one aggregate -- nothing materialised. Returns one row: n1 rows,
    n2 judged, n3 withdrawals, n4 failed, n5 pending, n6 broken, n7 users, n8 violations, then the
    lines of the first `max_findings` violations and their users, the lines of the first
    `max_broken` unreadable rows, and the *unsure* withdrawals: their count, and (up to
    `max_unsure`) their lines and users.

    The amount bound is the running balance. The card rule rides on the same sort: the running
    smallest and largest card token the user has paid with so far (`lo`, `hi`) settle it for every
    withdrawal whose token is one of them (paid) or outside [lo, hi] or absent (never paid). Only a
    token strictly between two paying tokens -- a user who paid with three or more cards, or
    withdraws to a card between two -- is unsure; `card_check_sql` settles those rows exactly (see
    golive.books.duck). A second window partitioned by (user, card) would settle every row at once,
    but it is a second sort of the whole ledger: it took a third of the time at 10M rows."""
    if d.name != "duckdb":
        raise ValueError("single_pass_sql uses DuckDB's list aggregates")
    return f"""WITH
{_moves_sql(d, source, has_status)},
w AS (
  SELECT line, user_id, cls, wd, tok1,
    SUM(delta) OVER replay AS balance,
    MIN(CASE WHEN pays THEN tok1 END) OVER replay AS lo,
    MAX(CASE WHEN pays THEN tok1 END) OVER replay AS hi,
    COUNT(CASE WHEN cls >= 2 THEN 1 END) OVER replay AS judged_so_far
  FROM m
  WINDOW replay AS ({_REPLAY})),
j AS (
  SELECT line, user_id, cls, wd,
    wd AND (balance < 0 OR tok1 IS NULL OR lo IS NULL OR tok1 < lo OR tok1 > hi) AS violation,
    wd AND balance >= 0 AND tok1 > lo AND tok1 < hi AS unsure,
    cls >= 2 AND judged_so_far = 1 AS first_judged
  FROM w)
SELECT {_first_pass_counts(max_findings, max_broken)},
  COUNT(*) FILTER (WHERE unsure),
  min(line, {max(1, int(max_unsure))}) FILTER (WHERE unsure),
  min_by(user_id, line, {max(1, int(max_unsure))}) FILTER (WHERE unsure)
FROM j"""


def card_check_sql(d: Dialect, source: str, has_status: bool, lines: list[int]) -> str:
    """Of the withdrawals on `lines` (the first pass's unsure rows), the ones whose card token no
    successful payment of the same user carried before them: ``(line, user_id)`` rows. `source`
    should hold only those users' rows (the window needs all of a user's rows, nobody else's)."""
    wanted = ", ".join(str(int(line)) for line in lines) or "NULL"
    return f"""WITH
{_moves_sql(d, source, has_status)},
c AS (
  SELECT line, user_id,
    tok1 IS NOT NULL AND COALESCE(MIN(CASE WHEN pays THEN {_ORDER_KEY} END) OVER (PARTITION BY user_id, tok1)
                                  < {_ORDER_KEY}, FALSE) AS card_ok
  FROM m)
SELECT line, user_id FROM c WHERE line IN ({wanted}) AND NOT card_ok ORDER BY line"""


def exact_pass_sql(d: Dialect, source: str, has_status: bool = True, max_findings: int = 200,
                   max_broken: int = 20) -> str:
    """`single_pass_sql`'s first eleven columns with every card settled in the pass: a second window
    sort, partitioned by (user, card token). A withdrawal's card is a paying card iff the first
    successful payment of that user with that token comes before it in (time, line) order -- a MIN
    over the partition, which needs no ordered frame. For ledgers with more unsure withdrawals than
    `card_check_sql` takes by line."""
    if d.name != "duckdb":
        raise ValueError("exact_pass_sql uses DuckDB's list aggregates")
    return f"""WITH
{_moves_sql(d, source, has_status)},
c AS (
  SELECT line, user_id, t, delta, wd, cls,
    tok1 IS NOT NULL AND COALESCE(MIN(CASE WHEN pays THEN {_ORDER_KEY} END) OVER (PARTITION BY user_id, tok1)
                                  < {_ORDER_KEY}, FALSE) AS card_ok
  FROM m),
w AS (
  SELECT line, user_id, cls, wd,
    wd AND NOT (card_ok AND SUM(delta) OVER ({_REPLAY}) >= 0) AS violation,
    cls >= 2 AND COUNT(CASE WHEN cls >= 2 THEN 1 END) OVER ({_REPLAY}) = 1 AS first_judged
  FROM c)
SELECT {_first_pass_counts(max_findings, max_broken)}
FROM w"""
