"""Enforcement sectors (执法领域) as reference data, with the names agencies take in each sector.

Codes are English and stable; names are the Chinese terms used in Inner Mongolia's 2019
institutional reform (region-level bodies are 厅/委/局, league/city and banner/county bodies 局).
Taxation, customs and financial regulation are vertical (垂直管理) systems outside the region's
agency registry and are left out.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SectorSpec:
    code: str
    name: str
    region_agency: str  # suffix of the region-level body after 内蒙古自治区; "" when none exists
    local_agency: str  # suffix of the league/city and banner/county body, after the place name


SECTORS: tuple[SectorSpec, ...] = (
    SectorSpec("market", "市场监管", "市场监督管理局", "市场监督管理局"),
    SectorSpec("comprehensive", "综合行政执法", "", "综合行政执法局"),
    SectorSpec("ecology", "生态环境", "生态环境厅", "生态环境局"),
    SectorSpec("transport", "交通运输", "交通运输厅", "交通运输局"),
    SectorSpec("agriculture", "农牧", "农牧厅", "农牧局"),
    SectorSpec("natural_resources", "自然资源", "自然资源厅", "自然资源局"),
    SectorSpec("housing", "住房和城乡建设", "住房和城乡建设厅", "住房和城乡建设局"),
    SectorSpec("culture_tourism", "文化和旅游", "文化和旅游厅", "文化旅游体育局"),
    SectorSpec("emergency", "应急管理", "应急管理厅", "应急管理局"),
    SectorSpec("health", "卫生健康", "卫生健康委员会", "卫生健康委员会"),
    SectorSpec("public_security", "公安", "公安厅", "公安局"),
    SectorSpec("forestry_grassland", "林业和草原", "林业和草原局", "林业和草原局"),
    SectorSpec("water", "水利", "水利厅", "水利局"),
    SectorSpec("education", "教育", "教育厅", "教育局"),
    SectorSpec("civil_affairs", "民政", "民政厅", "民政局"),
    SectorSpec(
        "human_resources", "人力资源和社会保障", "人力资源和社会保障厅", "人力资源和社会保障局"
    ),
    SectorSpec("commerce", "商务", "商务厅", "商务局"),
    SectorSpec("justice", "司法行政", "司法厅", "司法局"),
    SectorSpec("medical_security", "医疗保障", "医疗保障局", "医疗保障局"),
    SectorSpec("energy", "能源", "能源局", "能源局"),
    SectorSpec("statistics", "统计", "统计局", "统计局"),
)

SECTOR_BY_CODE = {s.code: s for s in SECTORS}


def government_name(division_name: str) -> str:
    """The people's government of a division: 呼和浩特市 → 呼和浩特市人民政府."""
    return f"{division_name}人民政府"
