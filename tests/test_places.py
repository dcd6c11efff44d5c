"""Cities, countries and venues (builder/extract/places.py), on place phrases from the corpus."""

from __future__ import annotations

from builder.extract.chinese import simplified
from builder.extract.places import alias_city, country_of, first_city, first_county, is_online, parse_place


def test_parse_place_splits_country_city_and_venue() -> None:
    salt_lake = parse_place("美国盐湖城")
    assert (salt_lake.city, salt_lake.country, salt_lake.venue) == ("盐湖城", "US", None)
    beijing = parse_place("北京国家会议中心")
    assert (beijing.city, beijing.country, beijing.venue) == ("北京", "CN", "国家会议中心")
    assert parse_place("浙江乌镇").city == "乌镇"
    assert parse_place("福建福州").city == "福州"
    assert parse_place("福州市海峡国际会展中心").venue == "海峡国际会展中心"
    assert parse_place("成都高新区").venue is None


def test_parse_place_finds_a_city_inside_an_institution() -> None:
    supercomputer = parse_place("国家超级计算长沙中心")
    assert (supercomputer.city, supercomputer.venue) == ("长沙", "国家超级计算长沙中心")
    college = parse_place("西安交通大学")
    assert (college.city, college.venue) == ("西安", "西安交通大学")


def test_parse_place_reads_counties_and_span_for_traditional_text() -> None:
    county = parse_place("安吉县人民广场")
    assert (county.city, county.country, county.venue) == ("安吉县", "CN", "安吉县人民广场")
    phrase = "武漢大學"
    place = parse_place(simplified(phrase))
    assert phrase[slice(*place.city_span)] == "武漢"  # the caller slices the city as written


def test_foreign_and_special_region_cities_map_to_their_country() -> None:
    assert country_of("盐湖城") == "US"
    assert country_of("澳门") == "MO"
    assert country_of("香港") == "HK"
    assert country_of("新加坡") == "SG"
    assert country_of("北京") == "CN"
    macau = parse_place("澳门美高梅 2楼百宝箱厅")
    assert (macau.city, macau.country, macau.venue) == ("澳门", "MO", "美高梅 2楼百宝箱厅")


def test_alias_city_reads_one_character_short_names() -> None:
    sentence = simplified("中國互聯網大會在京開幕")
    city, start, end = alias_city(sentence)
    assert city == "北京" and sentence[start:end] == "京"
    assert alias_city("北京交通大学成功举办研讨会") is None


def test_first_city_and_county() -> None:
    assert first_city("苏州市委网信办组织开展了应急演练。")[0] == "苏州"
    assert first_county("9月5日上午，安吉县举行宣传周开幕仪式。")[0] == "安吉县"
    assert first_county("全县各乡镇各单位要深入开展网络安全进社区") is None


def test_is_online_tells_online_from_hybrid_events() -> None:
    assert is_online("FreeBuf甲方社群第十二期内部直播")
    assert is_online("第八届“强网杯”全国网络安全挑战赛线上赛")
    assert not is_online(simplified("論壇以“線下+線上”形式舉行"))
    assert not is_online("第八届“一带一路”园区建设国际合作峰会网络安全国际合作专题论坛")
