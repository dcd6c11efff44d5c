"""Small real build folders and gold files for the ``builder evaluate`` tests.

The texts are shortened sentences of the seed article (shared/corpus/seed); every evidence span is
located in its article's text, so a build written here passes the evidence check unless a test
breaks a span on purpose.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

import schema
from builder.articles import canonical_url

SEED_URL = "https://mp.weixin.qq.com/s?__biz=MzA3&mid=2651&idx=1&sn=5f1e&chksm=84a1&scene=21#wechat_redirect"
SEED_TEXT = (
    "12月7日，第八届“一带一路”园区建设国际合作峰会网络安全国际合作专题论坛在北京举办，三百多人参会。\n\n"
    "本次论坛由《中国企业报》集团主办，中国联合网络通信集团有限公司联合主办。\n\n"
    "中国工程院院士吴世忠发表题为《共建“一带一路”网络空间命运共同体》的主旨演讲。\n\n"
    "新加坡南洋理工大学教授江明灶（MengChow Kang）作主题分享。\n\n"
    "北京航空航天大学网络空间安全学院原院长刘建伟主持圆桌对话。"
)
SUMMIT_URL = "https://www.example.org/news/2024/summit.html?utm_source=feed"
SUMMIT_TEXT = (
    "9月3日至5日，2024网络安全创新发展高端论坛在天津举行。\n\n"
    "论坛由天津市互联网信息办公室主办。\n\n"
    "中国科学院院士王小云作题为《密码学前沿》的报告。"
)
NEGATIVE_URL = "https://www.example.org/news/2024/paper.html"
NEGATIVE_TEXT = "我们的论文被第八届网络安全学术会议录用。\n\n欢迎读者关注。"


def gold_files() -> dict[str, dict]:
    """Gold of the three articles: two events (seed forum, Tianjin forum) and one negative article."""
    seed_event = {
        "name": "第八届“一带一路”园区建设国际合作峰会网络安全国际合作专题论坛",
        "event_type": "forum",
        "status": "held",
        "series": "“一带一路”园区建设国际合作峰会",
        "edition": 8,
        "parent_event": "第八届“一带一路”园区建设国际合作峰会",
        "start_date": "2024-12-07",
        "end_date": "2024-12-07",
        "city": "北京",
        "country": "CN",
        "venue": None,
        "theme": None,
        "attendance": 300,
        "organizations": [
            {"name": "《中国企业报》集团", "role": "organizer"},
            {"name": "中国联合网络通信集团有限公司", "role": "co_organizer"},
        ],
        "participants": [
            {
                "name": "吴世忠",
                "name_latin": None,
                "role": "speaker",
                "affiliation": "中国工程院",
                "position": "院士",
                "talk_title": "共建“一带一路”网络空间命运共同体",
            },
            {
                "name": "江明灶",
                "name_latin": "MengChow Kang",
                "role": "speaker",
                "affiliation": "新加坡南洋理工大学",
                "position": "教授",
                "talk_title": None,
            },
            {
                "name": "刘建伟",
                "name_latin": None,
                "role": "moderator",
                "affiliation": "北京航空航天大学网络空间安全学院",
                "position": "原院长",
                "talk_title": None,
            },
        ],
    }
    summit_event = {
        "name": "2024网络安全创新发展高端论坛",
        "event_type": "forum",
        "status": "held",
        "series": None,
        "edition": None,
        "parent_event": None,
        "start_date": "2024-09-03",
        "end_date": "2024-09-05",
        "city": "天津",
        "country": "CN",
        "venue": None,
        "theme": None,
        "attendance": None,
        "organizations": [{"name": "天津市互联网信息办公室", "role": "organizer"}],
        "participants": [
            {
                "name": "王小云",
                "name_latin": None,
                "role": "speaker",
                "affiliation": "中国科学院",
                "position": "院士",
                "talk_title": "密码学前沿",
            },
        ],
    }
    return {
        "seed.json": {
            "file": "seed.md",
            "url": SEED_URL.replace("&scene=21", "&scene=58"),
            "events": [seed_event],
        },
        "summit.json": {"file": "summit.md", "url": SUMMIT_URL, "events": [summit_event]},
        "paper.json": {"file": "paper.md", "url": NEGATIVE_URL, "events": []},
    }


def write_gold(folder: Path, files: dict[str, dict]) -> Path:
    """Write gold JSON files into ``folder`` and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (folder / name).write_text(json.dumps(content, ensure_ascii=False, indent=2), encoding="utf-8")
    return folder


def span(text: str, needle: str) -> dict:
    """Evidence columns for the first occurrence of ``needle`` in ``text``."""
    start = text.index(needle)
    return {"evidence": needle, "evidence_start": start, "evidence_end": start + len(needle)}


def perfect_prediction(gold: dict[str, dict]) -> dict[str, list[dict]]:
    """Rows of the four tables that say exactly what the gold says (the ``file`` names the article)."""
    texts = {
        "seed.md": (SEED_URL, SEED_TEXT),
        "summit.md": (SUMMIT_URL, SUMMIT_TEXT),
        "paper.md": (NEGATIVE_URL, NEGATIVE_TEXT),
    }
    rows: dict[str, list[dict]] = {table: [] for table in schema.TABLES}
    for item in gold.values():
        url, text = texts[item["file"]]
        article_id = hashlib.sha256(canonical_url(url).encode()).hexdigest()[:16]
        rows["articles"].append(
            {
                "article_id": article_id,
                "url": url,
                "canonical_url": canonical_url(url),
                "title": item["file"],
                "source": "test",
                "published_date": dt.date(2024, 12, 10),
                "fetched_at": None,
                "language": "zh",
                "text": text,
                "n_events": len(item["events"]),
                "raw_sha256": "0" * 64,
            }
        )
        for event in item["events"]:
            rows["events"].append(event_row(article_id, text, event))
            event_id = rows["events"][-1]["event_id"]
            for order, person in enumerate(event["participants"], start=1):
                rows["participants"].append(person_row(event_id, order, text, person))
            for order, organization in enumerate(event["organizations"], start=1):
                rows["organizations"].append(org_row(event_id, order, text, organization))
    return rows


def event_row(article_id: str, text: str, event: dict) -> dict:
    """An ``events`` row with the gold event's values; the evidence is the sentence naming it."""
    start = None if event["start_date"] is None else dt.date.fromisoformat(event["start_date"])
    end = None if event["end_date"] is None else dt.date.fromisoformat(event["end_date"])
    event_id = hashlib.sha256(f"{event['name']}|{start or ''}".encode()).hexdigest()[:16]
    sentence = next(line for line in text.split("\n\n") if event["name"][:6] in line)
    return {
        "event_id": event_id,
        "article_id": article_id,
        "name": event["name"],
        "event_type": event["event_type"],
        "status": event["status"],
        "series": event["series"],
        "edition": event["edition"],
        "parent_event": event["parent_event"],
        "start_date": start,
        "end_date": end,
        "city": event["city"],
        "country": event["country"],
        "venue": event["venue"],
        "theme": event["theme"],
        "topics": [],
        "attendance": event["attendance"],
        "attendance_text": None,
        **span(text, sentence),
    }


def person_row(event_id: str, order: int, text: str, person: dict) -> dict:
    """A ``participants`` row with the gold person's values."""
    fields = ("name", "name_latin", "role", "affiliation", "position", "talk_title")
    sentence = next(line for line in text.split("\n\n") if person["name"] in line)
    return {
        "event_id": event_id,
        "person_order": order,
        **{key: person[key] for key in fields},
        **span(text, sentence),
    }


def org_row(event_id: str, order: int, text: str, organization: dict) -> dict:
    """An ``organizations`` row with the gold organization's values."""
    sentence = next(line for line in text.split("\n\n") if organization["name"] in line)
    return {
        "event_id": event_id,
        "org_order": order,
        "name": organization["name"],
        "role": organization["role"],
        **span(text, sentence),
    }


def write_build(folder: Path, rows: dict[str, list[dict]], *, single_files: bool = False) -> Path:
    """Write the four tables in the contract's Arrow schema as ``<table>/train-…parquet``
    (or ``<table>.parquet`` with ``single_files``) and return ``folder``."""
    for table, table_rows in rows.items():
        arrow = pa.Table.from_pylist(table_rows, schema=schema.arrow_schema(table))
        path = (
            folder / f"{table}.parquet" if single_files else folder / table / "train-00000-of-00001.parquet"
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(arrow, path)
    return folder


def variant(rows: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """A deep copy of prediction rows, to change for one test."""
    return copy.deepcopy(rows)


def rows_from_gold(gold: dict[str, dict]) -> dict[str, list[dict]]:
    """Rows of the four tables that say what any gold set says; each article's text is the lines naming
    its events, people and organizations, so every evidence span is exact."""
    rows: dict[str, list[dict]] = {table: [] for table in schema.TABLES}
    for item in gold.values():
        names = [name for event in item["events"] for name in item_names(event)]
        text = "\n\n".join(dict.fromkeys(names)) or "无活动。"
        url = item["url"]
        article_id = hashlib.sha256(canonical_url(url).encode()).hexdigest()[:16]
        rows["articles"].append(
            {
                "article_id": article_id, "url": url, "canonical_url": canonical_url(url),
                "title": item["file"], "source": "test", "published_date": dt.date(2024, 12, 10),
                "fetched_at": None, "language": "zh", "text": text, "n_events": len(item["events"]),
                "raw_sha256": "0" * 64,
            }
        )  # fmt: skip
        for number, event in enumerate(item["events"]):
            row = {**event_row(article_id, text, event), **span(text, event["name"])}
            row["event_id"] = hashlib.sha256(f"{article_id}{number}".encode()).hexdigest()[:16]
            rows["events"].append(row)
            for order, person in enumerate(event["participants"], start=1):
                person = {
                    "name_latin": None,
                    "affiliation": None,
                    "position": None,
                    "talk_title": None,
                    **person,
                }
                rows["participants"].append({**person_row(row["event_id"], order, text, person),
                                             **span(text, person["name"])})  # fmt: skip
            for order, organization in enumerate(event["organizations"], start=1):
                rows["organizations"].append({**org_row(row["event_id"], order, text, organization),
                                              **span(text, organization["name"])})  # fmt: skip
    return rows


def item_names(event: dict) -> list[str]:
    """The event's name, then its people's and organizations' names."""
    return [
        event["name"],
        *(p["name"] for p in event["participants"]),
        *(o["name"] for o in event["organizations"]),
    ]
