"""The kind of work a fund pays for (教育, 卫生健康, 农业农村 …), read from its project name
and department.

Two things need it: the 指标库 counts how many *kinds* of project use an indicator (an
indicator found in many kinds is a legitimate common one, not boilerplate), and the
relevance model's training moves indicators into projects of *another* kind to make its
negatives. The patterns are ordered: the project name is tried before the department
(a 县农业农村局 also pays for 培训), and within a text the first matching kind wins, so
narrower kinds come before broader ones. Published indicator libraries (共性指标库) are
their own kind, 共性: their "projects" are project types (会议培训类, 课题研究类).
"""

from __future__ import annotations

import re
from functools import lru_cache

#: The kind for texts no pattern matches.
OTHER = "其他"
#: Rows of published indicator libraries: project types rather than funds.
LIBRARY = "共性"

_KINDS: tuple[tuple[str, str], ...] = (
    (LIBRARY, r"共性指标库|指标库示例|^[会议培训课题研究文字性成果编纂购置]+类(?:项目)?$"),
    ("生态环境", r"生态环境|环境保护|环境整治|环保|污染|大气|排污|空气质量|污水|水源地|生态保护|机动车尾气"),
    ("人员经费", r"人员经费|外聘|干部报酬|工资|劳务派遣|人员类项目"),
    ("教育", r"教育|学校|小学|初中|中学|幼儿园|民办园|学生|营养改善|教体|党校|主体班"),
    ("医疗保障", r"医疗保障|医保|医疗救助|医疗费|个人缴费"),
    ("民政与社会保障", r"民政|救助|养老|高龄|津贴|残疾|残联|特困|扶助|就业|人力资源|社会保障"),
    ("水利", r"水利|饮水|河道|水库"),
    ("交通", r"交通|道路|公路"),
    ("林业园林", r"林业|森林|园林|绿化"),
    ("文化旅游体育", r"文化|旅游|博物馆|纪念馆|文物|图书馆|共享工程|演出|剧团|体育|赛事|网球|忠烈祠|宗教"),
    ("农业农村", r"农业|农村|农田|种植|种养|马铃薯|生猪|牛羊|渔业|畜牧|兽医|动物疫病|农产品|三品一标|乡村|茶谷"),
    ("卫生健康", r"卫生|疾病|疾控|疫苗|病媒|婴幼儿|照护|急救|健康|计生|麻风"),
    ("城市管理", r"城市管理|城管|市容|雾炮|清洁|物业|执法局"),
    ("公安政法", r"公安|法院|检察|司法|雪亮|办案|陪审|政法|安可"),
    ("市场监管", r"市场监督|市场监管|食品安全|价格认证|消费"),
    ("粮食商贸", r"储备粮|粮食|供销|再生资源|商务"),
    ("自然资源", r"自然资源|不动产|卫片|国土|规划"),
    ("应急气象", r"应急|安全生产|气象|增雨|消防"),
    ("统计", r"统计|普查"),
    ("财政金融", r"财政|金融|普惠"),
    ("科技", r"科学|科技|科协|科普"),
    ("基层政务", r"镇|乡|村|街道|基层|党|机关|委托业务|档案|发改|政府"),
)
_COMPILED = tuple((kind, re.compile(pattern)) for kind, pattern in _KINDS)

#: Every kind, in the order they are tried (``OTHER`` last).
KINDS: tuple[str, ...] = (*(kind for kind, _ in _KINDS), OTHER)


@lru_cache(maxsize=1 << 16)
def kind_of_text(text: str) -> str | None:
    # Cached: the relevance features ask for the kind of every pair's project, so each
    # project name is classified once per indicator, trying some twenty patterns.
    for kind, pattern in _COMPILED:
        if pattern.search(text or ""):
            return kind
    return None


def project_kind(project_name: str, department: str = "") -> str:
    """The kind of a project: from its name, else its department, else ``OTHER``."""
    return kind_of_text(project_name) or kind_of_text(department) or OTHER
