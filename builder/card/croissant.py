"""``croissant.json``: MLCommons Croissant 1.0 JSON-LD of a build, generated from the schema and manifest.

One FileObject per Parquet file (with its sha256), one RecordSet per config whose fields carry
the schema's types and descriptions, and the Responsible-AI (``rai:``) properties filled from
what the project knows.
"""

from __future__ import annotations

import pyarrow as pa

from builder.card.facts import BuildFacts
from builder.card.header import LICENSE_URL, PRETTY_NAME, TAGS
from schema.catalog import ColumnSpec, primary_key
from schema.documents import DOCUMENTS

#: the Croissant version this file conforms to
CONFORMS_TO = "http://mlcommons.org/croissant/1.0"
#: the JSON-LD context of Croissant 1.0 (with the RAI namespace), as the specification gives it
CONTEXT = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "samplingRate": "cr:samplingRate",
    "equivalentProperty": "cr:equivalentProperty",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}
PARQUET = "application/x-parquet"
#: what the documents record set leaves to the flat record sets, and why
DOCUMENTS_NOTE = (
    "Each event's topics, participants and organizations are nested in the Parquet file; in this "
    "metadata they are described by the events, participants and organizations record sets (joined "
    "on event_id), because Croissant 1.0 reads one level of nesting."
)

#: Responsible-AI properties; each is a plain statement of what the project knows
RAI = {
    "rai:dataCollection": (
        "Chinese-language news articles about cybersecurity, saved as Markdown with YAML front matter "
        "(url, title, source, date, fetch date) from security media websites and WeChat public accounts. "
        "Each raw file is kept unchanged and identified by its sha256."
    ),
    "rai:dataCollectionType": ["Web Scraping"],
    "rai:dataPreprocessingProtocol": [
        "Front matter parsed with a safe YAML loader; URLs canonicalized (WeChat links keep __biz, mid, "
        "idx, sn; tracking parameters dropped) and hashed into article_id; the body cleaned of images, "
        "link targets, emphasis markers and platform boilerplate, paragraphs kept. Duplicate files "
        "(same bytes or canonical URL) and unreadable files are reported, not published."
    ],
    "rai:dataAnnotationProtocol": (
        "No human annotation of the published records: a deterministic rule-based extractor reads every "
        "field from the cleaned text and keeps the evidence sentence with exact offsets. A separate set "
        "of hand-annotated gold articles is used only to measure the extractor."
    ),
    "rai:dataUseCases": [
        "Training and evaluating document-level event extraction in Chinese (the documents record set).",
        "Analysis of cybersecurity events, their organizers and speakers (the flat tables and their joins).",
    ],
    "rai:dataLimitations": (
        "Records are what a rule-based extractor read from news reports, not verified facts; fields can "
        "be missed or wrong where phrasing is unusual. Dates without a year are resolved from the "
        "publication date. Attendance is a lower bound of a reported number. Truncated articles yield "
        "only what precedes the cut."
    ),
    "rai:dataBiases": (
        "Coverage follows a small set of Chinese security media and WeChat accounts, many of them "
        "organizers' own channels: events they report are over-represented, others are absent, and the "
        "tone of the source texts is often promotional."
    ),
    "rai:personalSensitiveInformation": (
        "Names of people in their public, professional role at events (speakers, moderators, panelists, "
        "awardees, guests) with affiliation, position and talk title as the article gives them. No "
        "contact data, dates of birth or private attributes are extracted."
    ),
    "rai:dataSocialImpact": (
        "Makes public reporting on cybersecurity events searchable and supports research on information "
        "extraction; it should not be used to profile individuals."
    ),
    "rai:dataReleaseMaintenancePlan": (
        "Regenerated by the builder from the raw articles; new articles and better rules are released as "
        "immutable, checksummed semantic versions. Errors are reported as issues naming the record, the "
        "field and the correct value, and fixed in the next version."
    ),
}


def data_type(arrow_type: pa.DataType) -> str:
    """The schema.org type of an Arrow type (lists map to their element type, marked repeated)."""
    if pa.types.is_list(arrow_type) or pa.types.is_large_list(arrow_type):
        return data_type(arrow_type.value_type)
    if pa.types.is_integer(arrow_type):
        return "sc:Integer"
    if pa.types.is_floating(arrow_type):
        return "sc:Float"
    if pa.types.is_boolean(arrow_type):
        return "sc:Boolean"
    if pa.types.is_date(arrow_type):
        return "sc:Date"
    if pa.types.is_timestamp(arrow_type):
        return "sc:DateTime"
    return "sc:Text"


def _description(spec: ColumnSpec) -> str:
    text = spec.description
    if spec.categories:
        text += " Allowed values: " + ", ".join(spec.categories) + "."
    return text


def _field(
    spec: ColumnSpec, record_set: str, file_id: str, column: str, json_path: str | None = None
) -> dict:
    """A Croissant field; a field nested in a list of records reads its column through a JSONPath.

    Croissant 1.0 loaders read one level of nesting (a JSONPath yields one value per element), so
    lists inside the nested records (an event's topics, participants and organizations) are left
    to the record sets of their own tables, joined on ``event_id``.
    """
    field_id = f"{record_set}/{spec.name}"
    source: dict = {"fileObject": {"@id": file_id}, "extract": {"column": column}}
    if json_path:
        source["transform"] = {"jsonPath": json_path}
    field: dict = {
        "@type": "cr:Field",
        "@id": field_id,
        "name": spec.name,
        "description": _description(spec),
        "dataType": data_type(spec.arrow_type),
        "source": source,
    }
    if pa.types.is_list(spec.arrow_type):
        field["repeated"] = True
    if spec.children:
        field.pop("dataType")
        field["subField"] = [
            _field(child, field_id, file_id, column, child.name)
            for child in spec.children
            if not pa.types.is_list(child.arrow_type)
        ]
    return field


def _record_set(config: str, file_id: str, specs: tuple[ColumnSpec, ...], description: str) -> dict:
    record_set: dict = {
        "@type": "cr:RecordSet",
        "@id": config,
        "name": config,
        "description": description,
        "field": [_field(spec, config, file_id, spec.name) for spec in specs],
    }
    if config == DOCUMENTS:
        record_set["description"] += " " + DOCUMENTS_NOTE
        record_set["key"] = {"@id": f"{config}/article_id"}
        return record_set
    keys = primary_key(config)
    record_set["key"] = (
        [{"@id": f"{config}/{key}"} for key in keys] if len(keys) > 1 else {"@id": f"{config}/{keys[0]}"}
    )
    # Foreign keys are stated in the field descriptions and in datapackage.json, not as Croissant
    # `references`: mlcroissant 1.1 turns a reference into a join that fails when the referenced
    # table is empty (a build without events) and when its records were read before.
    return record_set


def croissant(facts: BuildFacts, *, citation: str, url: str = "", published: str | None = None) -> dict:
    """The Croissant JSON-LD of a build as a dict (written with sorted keys)."""
    distribution = []
    record_sets = []
    for config in facts.configs:
        file_id = f"{config.name}-parquet"
        distribution.append(
            {
                "@type": "cr:FileObject",
                "@id": file_id,
                "name": file_id,
                "description": f"The Parquet file of the {config.name} config.",
                "contentUrl": config.path,
                "contentSize": f"{config.file_bytes} B",
                "encodingFormat": PARQUET,
                "sha256": config.sha256,
            }
        )
        record_sets.append(_record_set(config.name, file_id, config.columns, config.description))
    metadata = {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": CONFORMS_TO,
        "name": "chinese-cybersecurity-events",
        "alternateName": PRETTY_NAME,
        "description": (
            "Cybersecurity events (forums, summits, conferences, competitions, ...) reported in Chinese "
            "news articles, with their participants and organizations; every row carries the evidence "
            "sentence and its offsets in the article text."
        ),
        "license": LICENSE_URL,
        "version": facts.dataset_version,
        "inLanguage": "zh",
        "keywords": list(TAGS),
        "citeAs": citation,
        "isLiveDataset": False,
        "distribution": distribution,
        "recordSet": record_sets,
        **RAI,
        "rai:machineAnnotationTools": [
            f"builder {facts.builder_version}, extractor {facts.extractor_name} {facts.extractor_version}"
        ],
    }
    if published:
        metadata["datePublished"] = published
    if url:
        metadata["url"] = url
    return metadata
