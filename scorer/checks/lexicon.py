"""Word lists and patterns the rule checks share.

They describe kinds of wording, not particular documents: the vague and generic phrases
were collected from the qualitative 指标值 and the names of ``corpus/indicators.tsv``
(rows from 70+ published tables) and from the defects the issue lists; the rate and unit
families follow the 财预〔2015〕88号 / 〔2021〕101号 guidance on how indicators are
written. Each list says what it is for; extend a list rather than adding a special case
to a check.
"""

from __future__ import annotations

import re

# --- 指标值 wording -------------------------------------------------------------------

#: Phrases that make a target unverifiable ("按要求完成", "效果明显", "持续改善" …).
#: Used to name the problem in ZB-M002 and to catch vague words after a number
#: ("0改善空气质量").
VAGUE_PHRASES: tuple[str, ...] = (
    "符合要求", "按要求", "按照要求", "按规定", "按时完成", "按期完成", "按期完工", "按质按量",
    "得到群众认可", "群众认可", "社会认可", "认可", "持续改善", "稳步提高", "稳步提升", "较好", "良好",
    "明显", "显著", "有效", "有力", "提高", "提升", "改善", "增强", "加强", "持续", "不断", "巩固",
    "满足", "正常", "顺利", "及时", "准确", "长期", "长远", "正面", "效果", "影响", "促进", "推动",
    "降低", "减少", "增加", "保障", "到位", "优良", "完成情况", "进一步", "逐步", "积极", "大力",
)
VAGUE_RE = re.compile("|".join(sorted(map(re.escape, VAGUE_PHRASES), key=len, reverse=True)))

#: Qualitative targets that are still verifiable yes/no outcomes: passing a review or an
#: acceptance, being 合格/达标/合规, a plain 是/否.
BINARY_OUTCOME_RE = re.compile(
    r"^(?:通过|完成|已完成|顺利通过)?(?:专家|上级|第三方)?"
    r"(?:评审|验收|审核|审计|评估|考核|鉴定|检查|复核|备案|批复)"
    r"(?:[和及与、](?:上级部门|专家|第三方)?(?:评审|验收|审核|审计|评估|考核|鉴定|检查))?[。.]?$"
    r"|^(?:合格|达标|合规|全部合格|全部达标|验收合格|达标排放|稳定达标|[是否])[。.]?$"
    # passing a review someone named: 通过省级文物部门验收, 通过市住建局竣工验收, 通过第三级
    # 等级保护测评; the reviewer asks that body (or sees its certificate)
    r"|^(?:顺利)?通过[\u4e00-\u9fffA-Za-z0-9（）()“”]{1,16}?"
    r"(?:评审|验收|审核|审计|评估|考核|鉴定|检查|复核|备案|批复|测评|审查|认证|评定|核查|质检|测试|检测|检验"
    # a named body's sampling or comparison test: 通过国家质控抽测, 通过省级飞行抽检, 通过比对核验
    r"|抽测|抽检|抽查|比对|核验|考评)(?:合格)?[。.]?$"
    # meeting a standard or specification the work is accepted against, named by what it
    # governs: 达到文物保护工程质量验收标准, 符合设计规范, 满足国家现行施工验收规范. Not a
    # standard nobody named (符合相关标准, 达到有关要求) nor a requirement (符合要求)
    # (a bare 国家标准 / 质量标准 / 行业标准 names none: it needs what it governs before it)
    r"|^(?:全部|均|稳定)?(?:达到|符合|满足|执行)(?!相关|有关|一定|较高|上级|规定)"
    r"(?:[\u4e00-\u9fffA-Za-z0-9/（）()《》“”-]{0,20}?(?:验收|设计|技术|施工|安全|卫生|排放)"
    # (what it governs, not a qualifier or a degree: 现行国家标准, 国家和行业标准, 良好管理标准
    # and 预期管理标准 name none)
    r"|(?:(?!现行|相关|有关|规定|一定|较高|上级|预期|优秀|" + "|".join(map(re.escape, VAGUE_PHRASES)) + r")"
    r"[\u4e00-\u9fffA-Za-z0-9/（）()《》“”-]){2,20}?(?<![和及与或、])(?:质量|建设|服务|管理|行业|国家|地方))"
    r"(?:标准|规范|规程)(?:要求)?[。.]?$"
    # a standard, rule or plan named by its title: 达到《城市公共厕所管理办法》要求
    r"|^(?:全部|均|严格)?(?:达到|符合|满足|执行|落实)《[^《》]{2,30}》(?:的?(?:要求|标准|规定))?[。.]?$"
    # every one of a known group reached: 100% of it, checkable against the list of eligible
    r"|^(?:实现|达到)?(?:全覆盖|全部覆盖)[。.]?$"
    # a grade on a scale someone assigns: A级, AAA级, 二级, 甲等
    r"|^(?:达到|评为|获得|保持|不低于|[≥>＞]=?)?(?:[A-Ea-e]{1,5}|[一二三四五甲乙丙])[级等](?:以上|及以上)?[。.]?$"
    # a grade or class of a named standard: 达到国家二级标准 (GB 3095), 一级A标准 (GB 18918),
    # 稳定达到Ⅲ类 (GB 3838), 达到二类公厕标准 (CJJ 14): checked against the standard's own limits
    r"|^(?:稳定|全部|均|持续)?(?:达到|符合|满足|执行|优于|不低于|保持)?(?:国家|省级?|地方|行业)?"
    r"(?:[一二三四五]|[ⅠⅡⅢⅣⅤ]|IV|V|I{1,3})[级类][A-Ba-b]?(?:(?:水质|水体|公路)(?:标准)?|[\u4e00-\u9fff]{0,4}?标准)?"
    r"(?:及以上|以上|或以上)?[。.]?$"
)

#: Things a department establishes once, whose existence is checked by the document that
#: sets them up (a 管护制度 issued, a 台账 kept): 长效管护机制, 应急预案, 运维管理制度.
INSTITUTION_NAME_RE = re.compile(r"机制|制度|办法|细则|规程|章程|公约|台账|档案|预案|方案|规划|清单|名录|数据库|体系")
#: Establishing one: 建立, 已建立, 建立并执行, 制定并印发, or the thing named in the value
#: (建立长效管护机制). Yes/no like 通过验收: the year-end check is whether the document exists
#: (and, with 并执行, is applied). Degrees of it (建立健全, 逐步完善, 不断健全) are not checkable.
ESTABLISHED_VALUE_RE = re.compile(
    r"^(?:已|全面)?(?:建立|建成|出台|制定|印发|编制|形成)"
    r"(?:[\u4e00-\u9fff]{0,12}?(?:" + INSTITUTION_NAME_RE.pattern + r"))?"
    r"(?:[并且和及](?:严格)?(?:执行|实施|落实|运行|运转|印发|公布|公开|备案))?[。.]?$"
)
ESTABLISH_DEGREE_RE = re.compile(r"健全|完善|逐步|不断|持续|进一步|初步")
#: Naming who is responsible (落实管护责任, 明确管护主体, 签订管护责任书): answered, like an
#: established rule, by the document that names them (the 责任书, the list of 管护员).
#: 落实 alone, or 落实 of anything else (落实政策), is not.
RESPONSIBILITY_VALUE_RE = re.compile(
    r"^(?:已|全面)?(?:落实|明确|签订|压实)[\u4e00-\u9fff]{0,6}?(?:责任人|责任书|责任|主体|管护员)[。.]?$"
)
#: The act a row names, reported done: 数字化成果异地备份 | 完成异地备份, 系统备案 | 已完成
#: 备案. Done or not is a yes/no the year end answers (the backup exists), when the act is the
#: row's own (its last two characters in the name) and not a task, plan or degree
#: (完成年度目标任务, 完成工作计划, 按时完成 stay vague).
DONE_ACT_VALUE_RE = re.compile(r"^(?:已|全部)?完成([\u4e00-\u9fff]{2,10})[。.]?$")
DONE_ACT_VAGUE_HEADS = frozenset({"任务", "计划", "目标", "工作", "内容", "要求", "指标", "情况", "事项", "年度", "全年"})
#: The clauses of a value that states several things (建立管护制度，落实管护责任).
CLAUSE_SPLIT_RE = re.compile(r"[，,；;、]|并且?(?=[建落明签制印编形出])")
#: A prohibition the work keeps or breaks, checked at acceptance like 通过验收: 不改变文物
#:原状 (文物保护法), 不破坏原有植被, 不占用基本农田. Only these verbs of harm to what exists
#: (不降低, 不影响 say nothing of how much).
PROHIBITION_VALUE_RE = re.compile(
    r"^(?:严格|确保|做到|坚持)?(?:不改变|不破坏|不占用|不损坏|不损毁|不污染|未改变|未破坏|未占用)"
    r"[\u4e00-\u9fff]{2,10}[。.]?$"
)

#: A deadline the season or the work's calendar sets (汛前, 主汛期前, 秋季开学前, 春耕前,
#: 采暖期前): dated by the region's calendar, which the reviewer knows.
SEASON_DEADLINE = (
    r"(?:主?汛期?|(?:春|秋)季?开学|开学|春耕|春播|夏收|秋收|秋播|采暖期|供暖期|供暖季|森林防火期|防火期|"
    r"雨季|冬季|封冻|春节|元旦|国庆)(?:前|之前|以前)"
)
#: A recurring deadline or schedule: 每季度末前拨付, 按月发放, 每半年报送. It says when, every
#: time, as a date does once ("按时完成" says nothing of when, and is not one).
SCHEDULE_RE = re.compile(
    r"^(?:每个?|按)(?:季度|月|半年|年度?|周|旬|日|天|工作日)(?:末|底|初)?(?:前|内|之前|以内)?"
    # 按月足额发放, 每日实时上传: how much or how it goes does not blur when
    r"(?:足额|实时)?(?:完成|拨付|支付|下达|报送|上报|发放|兑付|到位|结算|上传|汇交|推送|更新"
    # work done at a set frequency, checked against its log: 每日增量备份, 每周巡检, 每日清运
    r"|(?:增量|全量)?备份|巡查|巡检|巡护|清扫|清运|保洁|消杀"
    # contributions paid monthly (人员经费: 社会保险 按月足额缴纳, 住房公积金 按月足额缴存)
    r"|缴纳|缴存|缴费)?[。.]?$"
    # refuse cleared the day it is produced (日产日清, 日清日结): the trade's daily deadline
    r"|^(?:日产日清|日清日结|日收日清|随产随清)[。.]?$"
    # at once, continuously: 实时上传, 实时 (a monitoring station's data to the national
    # platform), checked against the platform's transmission log
    r"|^(?:实时|即时)(?:上传|传输|推送|更新|发布|报送|上报|同步|联网)?[。.]?$"
    # the same day, every time: 当日受理, 当天办结, 即时办结
    r"|^(?:当日|当天|即时|随到随)(?:受理|办结|办理|处理|答复|审核|发放|到账|完成|报送|上报)[。.]?$"
    # a deadline set by the season or the calendar of the work: 汛前, 秋季开学前, 采暖期前完成
    r"|^(?:20\d{2}年)?" + SEASON_DEADLINE + r"(?:完成|完工|到位|发放|拨付|投入使用)?[。.]?$"
)

#: A value that is only a unit or comparator left from the template ("》 亩", "≧ %", "万人").
PLACEHOLDER_VALUE_RE = re.compile(
    r"^[\s》《>≥≧<≤≦=＝﹦═~*＊]*"
    r"(?:%|‰|万?元(?:/[\u4e00-\u9fff]+)?|万?亩|万?人|户|个|公里|米|万|吨|天|次|项)?[\s%]*$"
)
#: Template markers nobody filled in: ** in "购置**数量", "(≥**%)", ×× / XX.
PLACEHOLDER_RE = re.compile(r"\*\*|＊＊|××|ＸＸ|XX(?![A-Za-z])")
#: A template's note on how to write the value, kept in the name: "(≥**%)", "(≤**元/株)",
#: "≥**人". Once the 指标值 is filled it has been answered; "购置**数量" (a word to fill in)
#: has not.
VALUE_HINT_RE = re.compile(r"[(（]?\s*[≥≤<>＜＞=≧≦]\s*(?:\*\*|＊＊)[^()（）*＊]{0,12}[)）]?")

# --- names --------------------------------------------------------------------------

#: Words that say nothing about *what* is measured on their own. A name made only of
#: these ("完成率", "社会影响力", "质量排名", "监测数据", "安全可靠") is too generic.
GENERIC_NAME_WORDS: tuple[str, ...] = (
    "完成率", "合格率", "优良率", "达标率", "及时率", "完成", "社会", "影响力", "影响", "质量", "排名",
    "监测数据", "监测", "数据", "效益", "经济", "生态", "可持续", "工作", "情况", "任务", "指标", "及时",
    "按时完成", "按时", "按期完成", "按期", "合格", "优良", "达标", "安全可靠", "安全", "可靠", "稳定",
    "效果", "水平", "能力", "提升", "提高", "加强", "保障", "确保", "掌握", "实施", "开展", "全年",
    "当期", "成果", "整体", "总体", "综合", "相关", "其他", "服务", "管理", "发展", "持续", "长期",
    "显著", "明显", "有效", "良好", "程度", "方面", "各项", "率", "度", "性",
)
GENERIC_NAME_RE = re.compile("|".join(sorted(map(re.escape, GENERIC_NAME_WORDS), key=len, reverse=True)))
#: Rates that name a technical property, made of generic words all the same: 监测数据有效率
#: (the share of valid monitoring data) is a standard indicator, not a vague one.
SPECIFIC_RATE_RE = re.compile(r"有效率|获取率|捕获率|完整率|传输率|上传率|在线率|联网率|检出率")

#: A letter (CJK or Latin): a text without one says nothing ("88", "—", "**").
LETTER_RE = re.compile(r"[\u4e00-\u9fffA-Za-z]")

#: Notes in brackets and numbering that are not part of the name ("指标1:", "(≥**%)").
#: Row numbering is a number and a separator ("1.", "2、"), not the digits a name starts
#: with ("65岁以上…", "2020年新增…", "12350举报…"), nor a decimal ("1.5万人次").
NAME_NOISE_RE = re.compile(r"[(（\[【][^()（）\[\]【】]*[)）\]】]|^指标\s*\d+\s*[:：]?|^\d{1,2}\s*[、.．:：](?!\d)|[★☆*%]+")

#: Names that measure a share, so the value should be a percentage.
PERCENT_NAME_RE = re.compile(r"(?:率|比例|比重|占比|百分比|满意度|满意程度|知晓度|认可度)$")
#: Rates that are not shares; 有效率 (the share that works) and 成功率 (the share that
#: succeeds) end in the same characters but are shares. 扫描分辨率 is in dpi.
NOT_PERCENT_NAME_RE = re.compile(r"(?:频率|(?<!成)功率|(?<!有)效率|速率|倍率|利用效率|分辨率|帧率|码率)$")
#: Names that count or measure an amount of something (参保人数, 维修面积, 培训人次): with
#: PERCENT_NAME_RE, MONEY_NAME_RE and TIME_NAME_RE they tell what kind of quantity a name
#: measures, so a rate and a count of the same people are two indicators, not one reworded.
COUNT_NAME_RE = re.compile(r"(?:数|数量|人次|个数|面积|里程|长度|规模|总量|[产销用]量)$")
#: Counts of the people, households or villages a fund reaches (受益行政村数量, 解决饮水安全问题
#: 人数, 免费开放接待观众人数): what the money delivers and whom it benefits at once, so the
#: 2015/2021 templates accept them under 数量 and under 社会效益 alike.
BENEFICIARY_COUNT_RE = re.compile(
    r"受益|惠及|带动|帮扶|救助|资助|覆盖|服务(?:对象|人口|人群)|接待|观众|游客|参观"
    r"|(?:人数|人次|户数|人口|村数|村庄数)(?:量)?$"
    # what a flood or slope work protects (保护下游耕地面积, 受保护农田): its beneficiaries
    r"|保护(?:下游|沿岸|沿线|周边)?(?:耕地|农田|人口|群众|村庄|城镇)"
)
#: Units of counted people, households and villages.
PEOPLE_UNITS: frozenset[str] = frozenset({"人", "万人", "人次", "万人次", "户", "万户", "村", "个村", "个行政村"})
#: Gains and savings in physical or money terms (年增粮食 3500公斤, 新增和改善灌溉面积 500亩,
#: 增收 80万元): an output's yield and an economic, social or ecological effect at once.
GAIN_NAME_RE = re.compile(r"增产|增收|年增|新增|增加|减少|节约|节省|节水|改善")
#: Coverage and distribution rates, between 数量 (how much of the target group was reached)
#: and 质量 (how fully): 灭火设备配备率, 补贴发放率, 疫苗接种率.
COVERAGE_RATE_RE = re.compile(r"(?:覆盖|配备|发放|到位|普及|接种|参保|参合|入学|建档|签约|兑付|落实|完成)率$")
#: Standards of a subsidy or allowance (农村低保标准 ≥530元/人·月): how generous the support
#: is (质量) and what each unit costs (成本).
SUBSIDY_STANDARD_RE = re.compile(r"标准$")

#: Satisfaction-type names; 幸福感/获得感/安全感 surveys are filed as satisfaction too.
SATISFACTION_RE = re.compile(r"满意|幸福感|获得感|安全感|认可度|好评")

#: Names that count something that should not happen (安全生产事故, 重大责任事故发生次数,
#: 有效投诉, 违法违纪案件): for them a 指标值 of "无" is a target of none, not an empty cell.
ADVERSE_EVENT_NAME_RE = re.compile(
    r"事故|事件|案件|违法|违规|违纪|投诉|信访|上访|伤亡|死亡|火灾|泄漏|差错|失误|纠纷"
    # outcomes a fund is there to prevent: 规模性返贫 (the 衔接资金's bottom line), 疫情, 溃坝
    r"|返贫|致贫|疫情|险情|内涝|溃坝|溃堤|决堤|垮坝|漫坝|坍塌|塌方|中毒|爆炸|踩踏"
    # a new infested area (松材线虫病 新疫区, 疫点) and the loss of what is kept (档案丢失,
    # 泄密, 数据泄露, 损毁): the bottom lines of pest control and of archives and IT funds
    r"|疫区|疫点|丢失|遗失|泄密|失密|泄露|损毁|被盗"
)
#: "无" as a value: nothing at all (empty) unless the name counts adverse events.
NONE_VALUE_RE = re.compile(r"^(?:无|没有|未发生)[。.]?$")
#: A value that says none of something happens (零, 零投诉, 无重大质量事故, 杜绝安全事故):
#: a checkable target when the name or the value names an adverse event.
#: Several events may be listed (不发生档案丢失、泄密事件, 不发生垮坝、漫坝事故), and the
#: period said (全年无重大安全事故).
ZERO_EVENTS_VALUE_RE = re.compile(
    r"^(?:全年|年内|年度内|项目实施期间|施工期间|运维期内)?(?:无|零|没有|未发生|不发生|杜绝)(?:发生)?"
    r"[\u4e00-\u9fff]{0,10}(?:[、和及或][\u4e00-\u9fff]{1,10}){0,3}[。.]?$"
)

#: Rates where more is better; an upper bound (< / ≤) on them points the wrong way.
POSITIVE_RATE_RE = re.compile(
    r"(?:满意(?:度|率|程度)"
    r"|(?:合格|优良|优秀|达标|完成|及时|到位|执行|覆盖|知晓|成活|存活|在线|完好|入学|就业|参与|通过|准确|"
    r"响应|出勤|利用|使用|普及|发放|兑付|拨付|支付|回收|查处|办结|结案|处置|处理|治理|修复|清运|收集|"
    r"接种|管理|规范|认可|好评|运行|运转|正确|受益|参保|参合|录入|上报|归档|整改|调解|扑灭|查明|"
    r"建档|签约|检测|监测|抽检|巡查|审核|验收|落实|保障|转化|应用|推广|预约)率)$"
)
#: ... unless the rate counts something bad (故障率, 不合格率, 事故发生率 …).
NEGATIVE_RATE_RE = re.compile(
    r"(?:不合格|不达标|未[\u4e00-\u9fff]{1,4}|超标|发生|事故|投诉|差错|故障|损失|失误|死亡|发病|辍学|"
    r"返工|空置|闲置|流失|违约|逾期|误报|漏报|漏检|结余|负债|变质|破损|遗失|缺陷)率$"
)

#: Pass or compliance rates of what is tested in the herd, the market or the environment
#: (免疫抗体合格率 ≥70%, 评价性抽检合格率, 地表水断面水质达标率): an outcome whose usual
#: level a national standard sets well below 100% (畜禽免疫抗体合格率 ≥70%), not the
#: share of planned work done (ZB-A005 leaves them alone).
MEASURED_OUTCOME_RATE_RE = re.compile(
    r"(?:抗体|血清|抽检|抽查|抽测|检测|监测|水质|空气|大气|土壤|断面|评价性|体质|体测|病原)"
    r"[\u4e00-\u9fff]{0,6}(?:合格|达标|优良)率$"
)

#: Words naming the project's own works or deliverables in a rate (工程验收合格率, 培训合格率,
#: 设备完好率): such a rate is the output's quality, not an effect on those it serves.
OWN_WORK_RE = re.compile(
    r"工程|施工|建设|建成|验收|完工|竣工|安装|维修|修缮|改造|培训|设备|设施|采购|项目|任务|完成|工作|作业|资金|经费|预算"
)

#: Rates of getting the planned work done, paid or passed; anything far below 100% as a
#: target says the plan itself is not meant to be met (ZB-A005).
COMPLETION_RATE_RE = re.compile(
    r"(?:完成|及时|到位|执行|支付|拨付|兑付|发放|合格|达标|通过|办结|结案|落实|整改)率$"
)

#: Outcomes that 100% of cases cannot plausibly reach: everyone satisfied, every tree
#: alive, every patient cured (ZB-A006).
TOTAL_IMPLAUSIBLE_RE = re.compile(r"满意|成活率|存活率|治愈率|好转率|就业率|知晓率|优良天数")

#: Growth-type names, which may legitimately exceed 100%.
GROWTH_NAME_RE = re.compile(r"增长|增幅|增加|提高|提升|同比|环比|倍|放大")
#: Names that measure a change, which a percentage states by how much (农药量较上年减少 2%).
CHANGE_NAME_RE = re.compile(GROWTH_NAME_RE.pattern + r"|减少|降低|下降|减轻|节约|节支|节省|压减|压缩|较上年|上升")
#: Words that make a name a share anywhere in it (知晓率显著提升, 覆盖全区, 完成进度,
#: 审核准确性, 影响程度, 居民健康素养水平, an official rate): a percentage then says how
#: much of it. Names without any of them ("维护社会稳定 ≥95%", "文明施工 ≥95%") leave open
#: what the percentage is of (ZB-M007).
SHARE_WORD_RE = re.compile(r"率|比例|比重|占比|百分|份额|覆盖|进度|满意|知晓|普及|程度|水平|指数|[感度性]$")

#: Names of money quantities: the value should be in 元/万元 (ZB-M006). Anchored at the
#: end, so 资金到位率 or 补助资金发放人数 (a rate, a count) are not money names.
MONEY_NAME_RE = re.compile(r"(?:成本|费用|经费|资金|金额|补助标准|补贴标准|单价|价格|投资额?|预算数?|支出|(?<![消经])费)$")

#: Amounts that cannot be zero (ZB-A009): what a unit, a person or a project costs.
COST_AMOUNT_NAME_RE = re.compile(r"成本|单价|造价|单位费用|人均费用|费用标准|补助标准|补贴标准")
#: Costs that may rightly be zero: differences (overspending, savings, new debt, losses),
#: controlled spending a department may be told to have none of (出差, 公务接待, 三公),
#: and what the public or a person pays (办事成本, 个人负担, 缴费), which policy may make free.
COST_DIFFERENCE_NAME_RE = re.compile(
    r"超|节约|节省|结余|差额|损失|浪费|增加|新增|增长|降低|下降|减少|偏差|变动|债|总成本|出差|差旅|接待|三公|公车|公务用车|会议|办公费"
    r"|群众|个人|自付|负担|缴费|办事|免费|亏损"
)
#: Quantities for which "≥0" is a real target (no decline, no loss, above freezing).
SIGNED_QUANTITY_NAME_RE = re.compile(r"增长|增幅|增加|同比|环比|变化|变动|利润|盈余|结余|收益|收入|余额|净|温度|气温|℃")

#: Indicators whose standard definition may be repeated word for word on every project:
#: satisfaction and fund execution (ZB-S003 leaves them alone).
STANDARD_DEFINITION_RE = re.compile(r"满意|(?:资金|预算|经费|补助|补贴)(?:支付|拨付|到位|执行|使用|发放|兑付)")
#: Names of durations or dates: the value should be a time (ZB-M006).
#: A name that measures a time: the time word is its head, at the end ("设备安装完成时间",
#: "工程工期"), like MONEY_NAME_RE; not a word inside it ("施工期间群众投诉次数" counts complaints).
TIME_NAME_RE = re.compile(r"(?:时间|时限|期限|工期|周期|天数|时长|日期|用时|年限)$")

#: Names that say when, or how fast, not what: 完成时限, 项目维持时效, 案件办理及时率,
#: 2020年12月完成. With :data:`MONEY_NAME_RE` (培训费, 建设项目成本) these are the
#: process indicators any fund may carry (relevance never calls them unrelated).
PROCESS_NAME_RE = re.compile(r"(?:时间|时限|期限|工期|周期|时效|进度|及时率|及时性)$|(?:^|年)\d{1,2}月(?:底|末)?前?完成$")

#: Time words: an indicator or goal that mentions one has a time frame (ZB-T001/T002).
TIMING_RE = re.compile(
    SEASON_DEADLINE + r"|实时|及时|按时|按期|准时|限时|如期|限内|当日|当天|即时|时间|时限|时长|期限|工期|周期|进度|时效|当期|当年|年度|全年|年底|年末|"
    r"月底|月末|季度|半年|截止|截至|之前|以前|前完成|内完成|每[日天周月年季]|/[日天周月年]|按[日天周月季年]|逐[日月年]|"
    r"\d+\s*(?:个)?(?:月|日|天|小时|工作日|年)|[一二三四五六七八九十]+(?:个)?月|(?:19|20)\d{2}"
    # a time of day (16时前, 17:00前, 8:05, 0:30): h:mm with a deadline word after it or with
    # a zero a ratio has not (生师比 1:15 is no time, as scorer.values reads it)
    r"|\d{1,2}\s*时(?![间段效长限])|\d{1,2}\s*点(?:前|之前|以前)"
    r"|\d{1,2}[:：][0-5]\d\s*(?:前|之前|以前|截止|止)|(?<![\d.])(?:\d{1,3}[:：]0\d|0\d?[:：][0-5]\d)(?![\d.])"
)

# --- units beyond scorer.values.UNITS -------------------------------------------------

#: Measure words a value may carry that the value normaliser does not know; read from
#: the start of the text after the number ("≥100组", "550万粒", "25TB", "≥0.97比例"), and
#: any other single measure word that is all the text says ("≥260樘", "3眼", "500盏以上":
#: tables count in more of them than a list holds), but not a magnitude ("5亿").
EXTRA_UNIT_RE = re.compile(
    r"^(?:百分比|百分点|比例|标箱|标台|人/次|万[\u4e00-\u9fff]{0,3}|"
    r"[组粒起村栋幢宗例枚双箱袋瓶盒包把根块片艘架列尾羽卷](?:次)?|"
    r"(?![亿千百十以及约共余多])[\u4e00-\u9fff](?=次?(?:以上|以下|以内|左右)?$)次?|"
    r"(?:TB|GB|MB|kWh|kW|MW|km|kg|KG|mm|cm|M|m|t)(?![A-Za-z]))"
)
#: "(万元)", "(个)", "(%)", "(≥**%)" in a name give the unit the value leaves out.
NAME_UNIT_RE = re.compile(r"[(（][^()（）]*?(%|万元|元|个|人次|人|次|篇|份|件|台|辆|套|项|天|日|月|年|户|亩|场|期|所|座|处)[^()（）]*[)）]|%$")
#: Names ending in a count of something imply its unit: 参与次数 → 次.
IMPLIED_UNITS: dict[str, str] = {
    "次数": "次", "人数": "人", "人次": "人次", "天数": "天", "个数": "个", "户数": "户", "场次": "场",
    "批次": "批", "件数": "件", "台数": "台", "项数": "项", "期数": "期",
}
IMPLIED_UNIT_NAME_RE = re.compile("(" + "|".join(IMPLIED_UNITS) + ")$")
#: Quantities without a unit: indices, coefficients and scores ("路面使用性能指数PQI ≥85",
#: "数据中心PUE ≤1.4", "考核得分 ≥90"). Their bare number is complete.
DIMENSIONLESS_NAME_RE = re.compile(r"指数|系数|倍数|比值|评分|得分|分值|PUE|PQI|MQI|PCI|RQI|AQI", re.IGNORECASE)

# --- level-1 families used by the coverage check ----------------------------------------

#: Basis categories of the official form (指标值确定依据): named as a category
#: ("计划标准", "行业标准：…") or leading the cell ("历史数据", "计划任务"), so that a
#: document title that merely contains 行业 ("《关于整改规范塑料行业的通知》") is not one.
#: A cost row's value set by the budget's own 支出标准 (预算标准, 预算支出标准, 财政支出标准,
#: as 财预〔2021〕101号 has cost values set) is a category as well.
BASIS_CATEGORY_RE = re.compile(
    r"^\s*(?:历史|行业|计划|其他|其它)|历史标准|行业标准|计划标准|其他|其它|预算(?:支出)?标准|支出标准"
)

# --- goal / indicator matching ----------------------------------------------------------

#: Short forms budget tables use beside the full term (城区环卫保洁经费 | 市容环境卫生, 医保 |
#: 医疗保险参保率): the keyword matcher reads both as the short form, so an indicator written
#: out in full still meets a project named by the short form, and the other way round.
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "环卫": ("环境卫生",), "城管": ("城市管理",), "医保": ("医疗保障", "医疗保险"), "社保": ("社会保险",),
    "低保": ("最低生活保障",), "农机": ("农业机械",), "计生": ("计划生育",), "危改": ("危房改造",),
    "公卫": ("公共卫生",), "疾控": ("疾病预防控制",), "人社": ("人力资源和社会保障",),
}

#: Words too common in goals and indicators to show that two of them are about the same
#: thing ("完成", "工作", "保障", "要求" …). Function words and punctuation are dropped too.
MATCH_STOPWORDS: frozenset[str] = frozenset(
    """的 了 和 与 及 或 并 对 为 在 中 等 地 得 着 是 有 以 于 由 把 被 将 使 让 向 从 按 按照 根据 通过 进行
    完成 工作 任务 保障 保证 确保 开展 实现 提高 提升 加强 要求 相关 项目 提供 用于 全市 我市 全县 全区 各项
    有效 达到 满足 能够 情况 指标 数量 比例 百分比 率 度 年 月 日 其中 以及 一个 各级 上级 政府 规定 计划 实施
    组织 推进 落实 做好 严格 全面 持续 不断 进一步 基本 正常 顺利 及时 认可 得到 产生 反映 考察 主要""".split()
)

#: Indicators any project that builds or runs something may carry, whatever it is for:
#: safety (重大安全责任事故, 安全生产事故发生数), the long-term mechanism that keeps it
#: running (设施长效运维机制) and how long it lasts (道路设计使用年限, 设备使用寿命).
OPERATING_COMMON_RE = re.compile(
    r"安全(?:责任|生产)?事故|安全生产|长效(?:运维|管理|运行|管护)?机制|(?:设计)?使用(?:年限|寿命)"
    # how long the result keeps working, as 可持续影响 rows word it (项目持续发挥效益年限)
    r"|发挥(?:效益|作用|效用)的?年限|(?:效益|受益)年限"
    # the security rating every government information system must pass (网络安全等级保护测评,
    # 等保三级, 商用密码应用安全性评估): the 信息化 counterpart of an acceptance
    r"|等级保护|等保|密码应用安全性评估|密评"
)

#: Indicators every project may carry, which no goal needs to mention (issue 5 calls them
#: legitimate common indicators): satisfaction, fund execution, timeliness, acceptance,
#: safety and upkeep; and the spending controls every 部门整体支出 table reports (“三公”
#: 经费控制率, 结转结余率, 公用经费), the internal control every unit must keep (内部控制
#: 制度, 内控制度执行率: the 行政事业单位内部控制规范) and the state assets it must account for
#: (固定资产账实相符率, 资产管理制度: 行政事业性国有资产管理条例).
COMMON_INDICATOR_RE = re.compile(
    r"满意|(?:资金|预算|经费|补助|补贴)?(?:支付|拨付|到位|执行|使用|发放|兑付)(?:及时)?率|及时率|按时完成率|"
    r"按期完成率|完成率|合格率|达标率|通过率|响应率|在线率|完好率|运行率|成本|预算|节支|采购|"
    r"三公|公用经费|经费控制|结转结余|内部控制|内控制度|账实相符|资产管理|资产(?:盘点|清查)|"
    + OPERATING_COMMON_RE.pattern
)

#: Description cells that only note the indicator's direction (a column some templates
#: have), not its content: "指标方向:正向".
DIRECTION_NOTE_RE = re.compile(r"^(?:指标)?方向\s*[:：]?\s*(?:正向|反向|定性|定量)")

# --- truncation ---------------------------------------------------------------------------

#: A cell that ends mid-phrase: on a comma, an enumeration mark, an opening bracket or a
#: dangling 的 / 以及. (Single connecting characters are not used: 参与, 普及, 行为 end in them.)
TRUNCATED_END_RE = re.compile(r"(?:[、，,；;：:（(《“‘—]|(?<!目)的|以及)$")
BRACKET_PAIRS: tuple[tuple[str, str], ...] = (("（", "）"), ("(", ")"), ("《", "》"), ("“", "”"), ("【", "】"))
