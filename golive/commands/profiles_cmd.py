"""`golive profiles [NAME]`: the merchant-type profiles (which risk_item fields each type must send).

Without NAME: a table of every profile (name, title, parent, categories, field counts). With NAME:
the profile's description, categories with their names, and its required / recommended / optional
fields in Chinese and English with their formats (field catalogue: golive.lianlian.fields; format
descriptions: golive.lianlian.validators), plus the check severities it changes. ``--json`` prints
the same data for machines.
"""

from __future__ import annotations

import argparse
from typing import Any


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", nargs="?", help="a profile to show in detail (e.g. wealth_realname)")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of titles and descriptions")
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def _field_rows(profile: Any, names: tuple[str, ...]) -> list[dict[str, Any]]:
    from golive.lianlian.fields import describe
    from golive.lianlian.validators import FORMAT_DESCRIPTIONS

    rows = []
    for name in names:
        info = describe(name)
        fmt = profile.formats.get(name) or info.format
        desc = FORMAT_DESCRIPTIONS.get(fmt) if fmt else None
        rows.append({"field": name, "zh": info.title.zh, "en": info.title.en, "format": fmt,
                     "format_zh": desc.zh if desc else "", "format_en": desc.en if desc else "", "note": info.note})
    return rows


def _detail(profile: Any) -> dict[str, Any]:
    from golive.lianlian import codes

    data: dict[str, Any] = profile.to_dict()
    data["description"] = profile.description.to_dict() if profile.description else None
    data["categories"] = [
        {"code": code, "zh": codes.FRMS_WARE_CATEGORIES[code] if code in codes.FRMS_WARE_CATEGORIES else "",
         "en": codes.FRMS_WARE_CATEGORIES.en(code) if code in codes.FRMS_WARE_CATEGORIES else ""}
        for code in profile.categories
    ]
    for level in ("required", "recommended", "optional"):
        data[f"{level}_fields"] = _field_rows(profile, getattr(profile, f"{level}_fields"))
    data["checks"] = {cid: {"severity": o.severity.value if o.severity else None, "enabled": o.enabled}
                      for cid, o in profile.checks.items()}
    return data


def _print_list(lang: str) -> None:
    from rich.console import Console
    from rich.table import Table

    from golive.profile import available_profiles, load_profile

    zh = lang == "zh"
    table = Table(title="golive profiles" + ("（商户类型画像）" if zh else " (merchant types)"))
    table.add_column("name", no_wrap=True)
    for column in ("标题" if zh else "title", "extends", "类目" if zh else "categories",
                   "必填/建议" if zh else "required/recommended", "身份" if zh else "identity"):
        table.add_column(column)
    for name in available_profiles():
        p = load_profile(name)
        table.add_row(p.name, p.title.get(lang), p.extends[0] if p.extends else "",
                      ", ".join(p.categories) or ("不限" if zh else "any"),
                      f"{len(p.required_fields)}/{len(p.recommended_fields)}",
                      "✔" if p.identity_required else "")
    console = Console(soft_wrap=True)
    console.print(table)
    console.print("golive profiles NAME " + ("查看某个画像的字段（中英文）" if zh else "shows a profile's fields in both languages"))


def _print_detail(data: dict[str, Any], lang: str) -> None:
    from rich.console import Console
    from rich.table import Table

    zh = lang == "zh"
    console = Console(soft_wrap=True)
    console.print(f"[bold]{data['name']}[/bold] — {data['title']['zh']} / {data['title']['en']}")
    if data["extends"]:
        console.print(("继承" if zh else "extends") + ": " + " → ".join(data["extends"]))
    if data["description"]:
        console.print(data["description"]["zh" if zh else "en"])
    cats = ", ".join(f"{c['code']} {c['zh'] if zh else c['en']}".strip() for c in data["categories"])
    console.print(("类目" if zh else "categories") + ": " + (cats or ("不限" if zh else "any")))
    console.print(("类目表来自第三方转录（不确定），以连连分配的类目为准。" if zh else
                   "The category list is a third-party transcription (UNCERTAIN); the category LianLian assigned is what counts."))
    console.print(("认证支付身份（id_type、id_no、acct_name + flag_modify=1）" if zh else
                   "认证支付 identity (id_type, id_no, acct_name + flag_modify=1)") + ": " +
                  (("必须" if zh else "required") if data["identity_required"] else ("不要求" if zh else "not required")))
    titles = {"required": ("必填", "required"), "recommended": ("建议", "recommended"), "optional": ("可选", "optional")}
    for level, (t_zh, t_en) in titles.items():
        rows = data[f"{level}_fields"]
        if not rows:
            continue
        table = Table(title=f"{t_zh} / {t_en}", show_lines=False)
        table.add_column("field", no_wrap=True)
        for column in ("中文", "English", "format"):
            table.add_column(column)
        for row in rows:
            fmt = row["format"] or ""
            if fmt:
                fmt = f"{fmt}: {row['format_zh'] if zh else row['format_en']}"
            table.add_row(row["field"], row["zh"], row["en"], fmt)
        console.print(table)
    if data["checks"]:
        console.print(("检查项调整" if zh else "check overrides") + ": " + ", ".join(
            f"{cid} → {o['severity'] or ''}{'' if o['enabled'] else ' (off)'}" for cid, o in data["checks"].items()))


def run(args: argparse.Namespace) -> int:
    import json

    from golive.errors import InputError
    from golive.profile import available_profiles, load_profile

    if args.name:
        try:
            profile = load_profile(args.name)
        except InputError as exc:
            if exc.key == "merchant.profile":  # the loader's wording for golive.yaml; here it is an argument
                raise InputError(exc.message) from None
            raise
        data = _detail(profile)
        if args.json:
            print(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            _print_detail(data, args.lang)
        return 0
    if args.json:
        print(json.dumps([load_profile(n).to_dict() for n in available_profiles()], ensure_ascii=False, indent=2))
        return 0
    _print_list(args.lang)
    return 0
