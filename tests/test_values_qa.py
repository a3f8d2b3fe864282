"""QA of the value normaliser on what 绩效目标表 really write: comparators in words and
symbols with inclusive notes, percent and per-mille in words, ranges, Chinese numerals,
magnitudes, approximate counts, compound units, deadlines and periods, durations, yes/no
and grades, changes against a baseline, trailing notes and junk. Each row is a 指标值 and
every field of the parsed Target that checks and the level classifier read."""

from __future__ import annotations

import pytest

from scorer.document import TargetKind
from scorer.values import MONEY_UNITS, TIME_UNITS, base_unit, cn_number, is_change, parse_target

#: (raw, kind, comparator, value, value_max, unit, deadline, text)
VALUES = [
    # --- comparators in words and symbols, with inclusive notes
    ('不低于95%', 'numeric', '>=', 95.0, None, '%', None, None),
    ('不少于3次', 'numeric', '>=', 3.0, None, '次', None, None),
    ('大于等于90%', 'numeric', '>=', 90.0, None, '%', None, None),
    ('≥95%', 'numeric', '>=', 95.0, None, '%', None, None),
    ('＞＝90％', 'numeric', '>=', 90.0, None, '%', None, None),
    ('>=85%', 'numeric', '>=', 85.0, None, '%', None, None),
    ('=>90%', 'numeric', '>=', 90.0, None, '%', None, None),
    ('＝100%', 'numeric', '=', 100.0, None, '%', None, None),
    ('﹦100%', 'numeric', '=', 100.0, None, '%', None, None),
    ('═100%', 'numeric', '=', 100.0, None, '%', None, None),
    ('95%≥', 'numeric', '>=', 95.0, None, '%', None, None),
    ('5个工作日≤', 'numeric', '<=', 5.0, None, '个工作日', None, None),
    ('≧90%', 'numeric', '>=', 90.0, None, '%', None, None),
    ('≦5%', 'numeric', '<=', 5.0, None, '%', None, None),
    ('≥９５％', 'numeric', '>=', 95.0, None, '%', None, None),
    ('＞９０％', 'numeric', '>', 90.0, None, '%', None, None),
    ('＜５％', 'numeric', '<', 5.0, None, '%', None, None),
    ('超过1000人', 'numeric', '>', 1000.0, None, '人', None, None),
    ('大于0', 'numeric', '>', 0.0, None, None, None, None),
    ('小于5%', 'numeric', '<', 5.0, None, '%', None, None),
    ('至少3次', 'numeric', '>=', 3.0, None, '次', None, None),
    ('最多2次', 'numeric', '<=', 2.0, None, '次', None, None),
    ('达到100%', 'numeric', '>=', 100.0, None, '%', None, None),
    ('不高于5%', 'numeric', '<=', 5.0, None, '%', None, None),
    ('不超过100万元', 'numeric', '<=', 100.0, None, '万元', None, None),
    ('低于5%', 'numeric', '<', 5.0, None, '%', None, None),
    ('高于90%', 'numeric', '>', 90.0, None, '%', None, None),
    ('控制在100万元以内', 'numeric', '<=', 100.0, None, '万元', None, None),
    ('95%以上', 'numeric', '>=', 95.0, None, '%', None, None),
    ('90%及以上', 'numeric', '>=', 90.0, None, '%', None, None),
    ('95%（含）以上', 'numeric', '>=', 95.0, None, '%', None, None),
    ('90%以上（含90%）', 'numeric', '>=', 90.0, None, '%', None, None),
    ('≥90%（含）', 'numeric', '>=', 90.0, None, '%', None, None),
    ('不低于90%（含）', 'numeric', '>=', 90.0, None, '%', None, None),
    ('≥100万元（含）', 'numeric', '>=', 100.0, None, '万元', None, None),
    ('90%以上（不含）', 'numeric', '>', 90.0, None, '%', None, None),
    ('5%以内', 'numeric', '<=', 5.0, None, '%', None, None),
    ('10%以下', 'numeric', '<=', 10.0, None, '%', None, None),
    ('95%左右', 'numeric', '~', 95.0, None, '%', None, None),
    ('约500人', 'numeric', '~', 500.0, None, '人', None, None),
    ('500人左右', 'numeric', '~', 500.0, None, '人', None, None),
    ('≥1', 'numeric', '>=', 1.0, None, None, None, None),
    ('=1', 'numeric', '=', 1.0, None, None, None, None),
    ('≥0', 'numeric', '>=', 0.0, None, None, None, None),
    ('0', 'numeric', '=', 0.0, None, None, None, None),
    # --- percent and per-mille
    ('１００％', 'numeric', '=', 100.0, None, '%', None, None),
    ('95.5%', 'numeric', '=', 95.5, None, '%', None, None),
    ('5‰', 'numeric', '=', 5.0, None, '‰', None, None),
    ('≤0.5‰', 'numeric', '<=', 0.5, None, '‰', None, None),
    ('千分之五', 'numeric', '=', 5.0, None, '‰', None, None),
    ('百分之九十五', 'numeric', '=', 95.0, None, '%', None, None),
    ('百分之百', 'numeric', '=', 100.0, None, '%', None, None),
    ('不低于百分之九十', 'numeric', '>=', 90.0, None, '%', None, None),
    ('≥100百分比', 'numeric', '>=', 100.0, None, '%', None, None),
    ('=99百分比', 'numeric', '=', 99.0, None, '%', None, None),
    ('1个百分点', 'numeric', '=', 1.0, None, '个百分点', None, None),
    # --- ranges
    ('80%-90%', 'numeric', '=', 80.0, 90.0, '%', None, None),
    ('80%~90%', 'numeric', '=', 80.0, 90.0, '%', None, None),
    ('80%～90%', 'numeric', '=', 80.0, 90.0, '%', None, None),
    ('80～100', 'numeric', '=', 80.0, 100.0, None, None, None),
    ('3-5个', 'numeric', '=', 3.0, 5.0, '个', None, None),
    ('3至5个', 'numeric', '=', 3.0, 5.0, '个', None, None),
    ('3个-5个', 'numeric', '=', 3.0, 5.0, '个', None, None),
    ('10-20万元', 'numeric', '=', 10.0, 20.0, '万元', None, None),
    ('0.5-1万元', 'numeric', '=', 0.5, 1.0, '万元', None, None),
    ('1万-2万元', 'numeric', '=', 1.0, 2.0, '万元', None, None),
    ('5-7个工作日', 'numeric', '=', 5.0, 7.0, '个工作日', None, None),
    ('≥80%且≤90%', 'numeric', '>=', 80.0, 90.0, '%', None, None),
    ('≥90%,≤100%', 'numeric', '>=', 90.0, 100.0, '%', None, None),
    ('90%-100%之间', 'numeric', '=', 90.0, 100.0, '%', None, None),
    # --- Chinese numerals
    ('三个', 'numeric', '=', 3.0, None, '个', None, None),
    ('十二期', 'numeric', '=', 12.0, None, '期', None, None),
    ('两次', 'numeric', '=', 2.0, None, '次', None, None),
    ('二十个', 'numeric', '=', 20.0, None, '个', None, None),
    ('一批', 'numeric', '=', 1.0, None, '批', None, None),
    ('一套', 'numeric', '=', 1.0, None, '套', None, None),
    ('两项', 'numeric', '=', 2.0, None, '项', None, None),
    ('三年', 'numeric', '=', 3.0, None, '年', None, None),
    ('一百万元', 'numeric', '=', 100.0, None, '万元', None, None),
    ('三百人', 'numeric', '=', 300.0, None, '人', None, None),
    ('两千五百元', 'numeric', '=', 2500.0, None, '元', None, None),
    ('一千二百人次', 'numeric', '=', 1200.0, None, '人次', None, None),
    ('三个月内完成', 'numeric', '<=', 3.0, None, '个月', None, None),
    ('零事故', 'numeric', '=', 0.0, None, None, None, '事故'),
    ('零投诉', 'numeric', '=', 0.0, None, None, None, '投诉'),
    ('一般', 'qualitative', None, None, None, None, None, '一般'),
    ('一致', 'qualitative', None, None, None, None, None, '一致'),
    ('一流', 'qualitative', None, None, None, None, None, '一流'),
    ('一站式服务', 'qualitative', None, None, None, None, None, '一站式服务'),
    ('十分满意', 'qualitative', None, None, None, None, None, '十分满意'),
    ('一次性', 'qualitative', None, None, None, None, None, '一次性'),
    ('一户一档', 'qualitative', None, None, None, None, None, '一户一档'),
    ('五个一工程', 'qualitative', None, None, None, None, None, '五个一工程'),
    ('四好农村路', 'qualitative', None, None, None, None, None, '四好农村路'),
    ('零星维修', 'qualitative', None, None, None, None, None, '零星维修'),
    # --- magnitudes and approximate counts
    ('1.2万人次', 'numeric', '=', 1.2, None, '万人次', None, None),
    ('3亿元', 'numeric', '=', 3.0, None, '亿元', None, None),
    ('5000万元', 'numeric', '=', 5000.0, None, '万元', None, None),
    ('2.5万户', 'numeric', '=', 2.5, None, '万户', None, None),
    ('1.5万亩', 'numeric', '=', 1.5, None, '万亩', None, None),
    ('≥2.1亿人次', 'numeric', '>=', 2.1, None, '亿人次', None, None),
    ('≥3万条', 'numeric', '>=', 3.0, None, '万条', None, None),
    ('≥10万㎡', 'numeric', '>=', 10.0, None, '万㎡', None, None),
    ('100余人', 'numeric', '>', 100.0, None, '人', None, None),
    ('300多人', 'numeric', '>', 300.0, None, '人', None, None),
    ('1000余户', 'numeric', '>', 1000.0, None, '户', None, None),
    ('3万余人', 'numeric', '>', 3.0, None, '万人', None, None),
    ('1.2万多人', 'numeric', '>', 1.2, None, '万人', None, None),
    ('≥1.2万', 'numeric', '>=', 1.2, None, None, None, '万'),  # 1.2万 what: ZB-M003 asks
    # --- compound units
    ('1600元/亩', 'numeric', '=', 1600.0, None, '元/亩', None, None),
    ('≤5万元/辆', 'numeric', '<=', 5.0, None, '万元/辆', None, None),
    ('≥1万人次/年', 'numeric', '>=', 1.0, None, '万人次/年', None, None),
    ('500元/人·月', 'numeric', '=', 500.0, None, '元/人·月', None, None),
    ('530元/人*月', 'numeric', '=', 530.0, None, '元/人·月', None, None),
    ('12元/平方米·月', 'numeric', '=', 12.0, None, '元/平方米·月', None, None),
    ('10台(套)', 'numeric', '=', 10.0, None, '台(套)', None, None),
    ('20台（套）', 'numeric', '=', 20.0, None, '台(套)', None, None),
    ('5台/套', 'numeric', '=', 5.0, None, '台/套', None, None),
    ('2个/年', 'numeric', '=', 2.0, None, '个/年', None, None),
    ('≤120元/人次', 'numeric', '<=', 120.0, None, '元/人次', None, None),
    ('≥4次/年', 'numeric', '>=', 4.0, None, '次/年', None, None),
    ('1次/季度', 'numeric', '=', 1.0, None, '次/季度', None, None),
    ('≥1次/月', 'numeric', '>=', 1.0, None, '次/月', None, None),
    ('2次/年', 'numeric', '=', 2.0, None, '次/年', None, None),
    ('12次/年', 'numeric', '=', 12.0, None, '次/年', None, None),
    ('≤28.4元/株', 'numeric', '<=', 28.4, None, '元/株', None, None),
    ('0.8万元/人/年', 'numeric', '=', 0.8, None, '万元/人/年', None, None),
    ('780元/生/年', 'numeric', '=', 780.0, None, '元/生/年', None, None),
    ('≤500元/100km', 'numeric', '<=', 500.0, None, '元/100km', None, None),
    ('0.5元/度', 'numeric', '=', 0.5, None, '元/度', None, None),
    ('=24人/次', 'numeric', '=', 24.0, None, '人/次', None, None),
    ('10吨/日', 'numeric', '=', 10.0, None, '吨/日', None, None),
    ('100立方米/天', 'numeric', '=', 100.0, None, '立方米/天', None, None),
    ('≤3天/件', 'numeric', '<=', 3.0, None, '天/件', None, None),
    ('≤2小时/次', 'numeric', '<=', 2.0, None, '小时/次', None, None),
    ('10批次', 'numeric', '=', 10.0, None, '批次', None, None),
    ('≥2架次', 'numeric', '>=', 2.0, None, '架次', None, None),
    ('3户次', 'numeric', '=', 3.0, None, '户次', None, None),
    ('≥35微克/立方米', 'numeric', '>=', 35.0, None, '微克/立方米', None, None),
    ('≤50mg/L', 'numeric', '<=', 50.0, None, 'mg/L', None, None),
    ('≤75分贝', 'numeric', '<=', 75.0, None, '分贝', None, None),
    ('≤10/10万', 'numeric', '<=', 10.0, None, '/10万', None, None),
    ('≥100km', 'numeric', '>=', 100.0, None, 'km', None, None),
    ('500m²', 'numeric', '=', 500.0, None, 'm²', None, None),
    ('≤24h', 'numeric', '<=', 24.0, None, 'h', None, None),
    ('30min', 'numeric', '=', 30.0, None, 'min', None, None),
    ('每年不少于2次', 'numeric', '>=', 2.0, None, '次', None, None),
    ('每季度1次', 'numeric', '=', 1.0, None, '次', None, None),
    ('每年2次', 'numeric', '=', 2.0, None, '次', None, None),
    # --- money
    ('50万元', 'numeric', '=', 50.0, None, '万元', None, None),
    ('≤50万元', 'numeric', '<=', 50.0, None, '万元', None, None),
    ('50.00万元', 'numeric', '=', 50.0, None, '万元', None, None),
    ('20.00万元', 'numeric', '=', 20.0, None, '万元', None, None),
    ('5,000元', 'numeric', '=', 5000.0, None, '元', None, None),
    ('5000元', 'numeric', '=', 5000.0, None, '元', None, None),
    ('≤300万元', 'numeric', '<=', 300.0, None, '万元', None, None),
    # --- deadlines
    ('2024年12月31日前', 'deadline', '<=', None, None, None, '2024-12-31', None),
    ('2024年12月31日', 'deadline', '<=', None, None, None, '2024-12-31', None),
    ('12月底前', 'deadline', '<=', None, None, None, '12-31', None),
    ('年底前', 'deadline', '<=', None, None, None, 'year-end', None),
    ('当年', 'deadline', '<=', None, None, None, 'year-end', None),
    ('2024年底前', 'deadline', '<=', None, None, None, '2024-12-31', None),
    ('2024年年底前', 'deadline', '<=', None, None, None, '2024-12-31', None),
    ('2024.12.31', 'deadline', '<=', None, None, None, '2024-12-31', None),
    ('2024.12.31前', 'deadline', '<=', None, None, None, '2024-12-31', None),
    ('2024-06', 'deadline', '<=', None, None, None, '2024-06-30', None),
    ('2024-06-30', 'deadline', '<=', None, None, None, '2024-06-30', None),
    ('2024/12', 'deadline', '<=', None, None, None, '2024-12-31', None),
    ('2024年6月', 'deadline', '<=', None, None, None, '2024-06-30', None),
    ('上半年', 'deadline', '<=', None, None, None, '06-30', None),
    ('下半年', 'deadline', '<=', None, None, None, '12-31', None),
    ('上半年完成', 'deadline', '<=', None, None, None, '06-30', None),
    ('2024年上半年', 'deadline', '<=', None, None, None, '2024-06-30', None),
    ('2024年度', 'deadline', '<=', None, None, None, '2024-12-31', None),
    ('2024年', 'deadline', '<=', None, None, None, '2024-12-31', None),
    ('2024年全年', 'deadline', '<=', None, None, None, '2024-12-31', None),
    ('2024年内', 'deadline', '<=', None, None, None, '2024-12-31', None),
    ('6月30日前完成', 'deadline', '<=', None, None, None, '06-30', None),
    ('10月底前完成', 'deadline', '<=', None, None, None, '10-31', None),
    ('第三季度末', 'deadline', '<=', None, None, None, '09-30', None),
    ('第四季度', 'deadline', '<=', None, None, None, '12-31', None),
    ('四季度', 'deadline', '<=', None, None, None, '12-31', None),
    ('2024年第四季度', 'deadline', '<=', None, None, None, '2024-12-31', None),
    ('12月前', 'deadline', '<=', None, None, None, '12-31', None),
    ('11月中旬前', 'deadline', '<=', None, None, None, '11-20', None),
    ('三月底前', 'deadline', '<=', None, None, None, '03-31', None),
    ('十二月三十一日前', 'deadline', '<=', None, None, None, '12-31', None),
    ('九月份完成', 'deadline', '<=', None, None, None, '09-30', None),
    ('2024年1月-12月', 'deadline', '<=', None, None, None, '2024-12-31', None),
    ('2024年1月至12月', 'deadline', '<=', None, None, None, '2024-12-31', None),
    ('1-12月', 'deadline', '<=', None, None, None, '12-31', None),
    ('2024.1-2024.12', 'deadline', '<=', None, None, None, '2024-12-31', None),
    ('2024年1月1日-2024年12月31日', 'deadline', '<=', None, None, None, '2024-12-31', None),
    ('2020年1月--2020年11月', 'deadline', '<=', None, None, None, '2020-11-30', None),
    ('2025.12', 'numeric', '=', 2025.12, None, None, None, None),
    ('2025.5万元', 'numeric', '=', 2025.5, None, '万元', None, None),
    # --- durations
    ('≤30个工作日', 'numeric', '<=', 30.0, None, '个工作日', None, None),
    ('30个工作日以内', 'numeric', '<=', 30.0, None, '个工作日', None, None),
    ('不超过15个工作日', 'numeric', '<=', 15.0, None, '个工作日', None, None),
    ('≤7天', 'numeric', '<=', 7.0, None, '天', None, None),
    ('15天内', 'numeric', '<=', 15.0, None, '天', None, None),
    ('7日内办结', 'numeric', '<=', 7.0, None, '日', None, '办结'),
    ('5个工作日内', 'numeric', '<=', 5.0, None, '个工作日', None, None),
    ('3个月内', 'numeric', '<=', 3.0, None, '个月', None, None),
    ('1个月', 'numeric', '=', 1.0, None, '个月', None, None),
    ('≤1年', 'numeric', '<=', 1.0, None, '年', None, None),
    ('2年内', 'numeric', '<=', 2.0, None, '年', None, None),
    ('≤2小时', 'numeric', '<=', 2.0, None, '小时', None, None),
    ('24小时内响应', 'numeric', '<=', 24.0, None, '小时', None, '响应'),
    ('7×24小时', 'numeric', '=', 168.0, None, '小时/周', None, None),
    # --- yes/no and grades
    ('是', 'qualitative', None, None, None, None, None, '是'),
    ('否', 'qualitative', None, None, None, None, None, '否'),
    ('有', 'qualitative', None, None, None, None, None, '有'),
    ('达标', 'qualitative', None, None, None, None, None, '达标'),
    ('合格', 'qualitative', None, None, None, None, None, '合格'),
    ('优', 'qualitative', None, None, None, None, None, '优'),
    ('良好', 'qualitative', None, None, None, None, None, '良好'),
    ('优良', 'qualitative', None, None, None, None, None, '优良'),
    ('A级', 'qualitative', None, None, None, None, None, 'A级'),
    ('良好及以上', 'qualitative', '>=', None, None, None, None, '良好及以上'),
    ('二级以上', 'numeric', '>=', 2.0, None, '级', None, None),
    ('3A级以上', 'numeric', '>=', 3.0, None, 'A级', None, None),
    ('≥4A', 'numeric', '>=', 4.0, None, 'A', None, None),
    ('三星级', 'numeric', '=', 3.0, None, '星级', None, None),
    ('等级达到二级', 'qualitative', None, None, None, None, None, '等级达到二级'),
    ('95分以上', 'numeric', '>=', 95.0, None, '分', None, None),
    ('≥85分（百分制）', 'numeric', '>=', 85.0, None, '分', None, '(百分制)'),
    ('达到90分以上', 'numeric', '>=', 90.0, None, '分', None, None),
    # --- changes against a baseline
    ('较上年增长5%', 'numeric', '=', 5.0, None, '%', None, '较上年增长'),
    ('同比下降10%', 'numeric', '=', 10.0, None, '%', None, '同比下降'),
    ('比上年提高2个百分点', 'numeric', '=', 2.0, None, '个百分点', None, '比上年提高'),
    ('增长5%以上', 'numeric', '>=', 5.0, None, '%', None, '增长'),
    ('降低10%以上', 'numeric', '>=', 10.0, None, '%', None, '降低'),
    ('提升10%', 'numeric', '=', 10.0, None, '%', None, '提升'),
    ('较上年减少5%', 'numeric', '=', 5.0, None, '%', None, '较上年减少'),
    ('下降2个百分点', 'numeric', '=', 2.0, None, '个百分点', None, '下降'),
    ('较2023年增长10%', 'numeric', '=', 10.0, None, '%', None, '较2023年增长'),
    ('同比增长不低于5%', 'numeric', '>=', 5.0, None, '%', None, '同比增长'),
    ('2024年增加100人', 'numeric', '=', 100.0, None, '人', None, '2024年增加'),
    ('不低于上年', 'qualitative', '>=', None, None, None, None, '不低于上年'),
    ('较上年提高', 'qualitative', None, None, None, None, None, '较上年提高'),
    ('≥上年水平', 'qualitative', '>=', None, None, None, None, '≥上年水平'),
    ('增加岗位', 'qualitative', None, None, None, None, None, '增加岗位'),
    # --- trailing notes
    ('≥95%（以抽查为准）', 'numeric', '>=', 95.0, None, '%', None, '(以抽查为准)'),
    ('100%，确保完成', 'numeric', '=', 100.0, None, '%', None, '确保完成'),
    ('≥90%(抽样调查)', 'numeric', '>=', 90.0, None, '%', None, '(抽样调查)'),
    ('≥98%，年底前', 'numeric', '>=', 98.0, None, '%', 'year-end', '年底前'),
    ('100%（全部完成）', 'numeric', '=', 100.0, None, '%', None, '(全部完成)'),
    ('100%完成', 'numeric', '=', 100.0, None, '%', None, None),
    # --- junk and empty
    ('/', 'empty', None, None, None, None, None, None),
    ('——', 'empty', None, None, None, None, None, None),
    ('—', 'empty', None, None, None, None, None, None),
    ('-', 'empty', None, None, None, None, None, None),
    ('**', 'empty', None, None, None, None, None, None),
    ('无', 'empty', None, None, None, None, None, None),
    ('无此项', 'empty', None, None, None, None, None, None),
    ('不适用', 'empty', None, None, None, None, None, None),
    ('详见附件', 'qualitative', None, None, None, None, None, '详见附件'),
    ('≥**%', 'qualitative', '>=', None, None, None, None, '≥**%'),
    ('按时完成', 'qualitative', None, None, None, None, None, '按时完成'),
    ('为民服务', 'qualitative', None, None, None, None, None, '为民服务'),
    ('控制在预算范围内', 'qualitative', '<=', None, None, None, None, '控制在预算范围内'),
]


@pytest.mark.parametrize(("raw", "kind", "comparator", "value", "value_max", "unit", "deadline", "text"), VALUES,
                         ids=[row[0] for row in VALUES])
def test_value_as_tables_write_it(raw, kind, comparator, value, value_max, unit, deadline, text):
    t = parse_target(raw)
    assert (t.kind.value, t.comparator, t.value, t.value_max, t.unit, t.deadline, t.text) == (
        kind, comparator, value, value_max, unit, deadline, text)
    assert t.raw == raw


def test_the_table_covers_at_least_150_values():
    assert len({row[0] for row in VALUES}) >= 150


@pytest.mark.parametrize(("raw", "implied"), [
    ("较上年增长5%", True),      # a change without a comparator: = is implied
    ("增长5%以上", False),
    ("100余人", False),           # 余 says "more than": written, not implied
    ("三个", True),
    ("≥80%且≤90%", False),
])
def test_comparator_implied(raw, implied):
    assert parse_target(raw).comparator_implied is implied


@pytest.mark.parametrize(("raw", "change"), [
    ("较上年增长5%", True), ("同比下降10%", True), ("比上年提高2个百分点", True), ("提升10%", True),
    ("≥95%", False), ("100%，确保完成", False), ("≥90出除率达标", False), ("不低于上年", False),
])
def test_is_change_tells_an_increment_from_a_level(raw, change):
    assert is_change(parse_target(raw)) is change


@pytest.mark.parametrize(("unit", "money", "time"), [
    ("元/亩", True, False), ("万元/人/年", True, False), ("亿元/年", True, False), ("元/人·月", True, False),
    ("天/件", False, True), ("小时/次", False, True), ("h", False, True),
    ("次/年", False, False), ("人/天", False, False), ("台(套)", False, False), ("/10万", False, False),
])
def test_unit_families_read_a_compound_by_its_first_unit(unit, money, time):
    assert (unit in MONEY_UNITS, unit in TIME_UNITS) == (money, time)


@pytest.mark.parametrize(("unit", "base"), [
    ("元/亩", "元"), ("万元/人/年", "万元"), ("台(套)", "台"), ("mg/L", "mg/L"), ("/10万", "/10万"), ("%", "%"),
])
def test_base_unit(unit, base):
    assert base_unit(unit) == base


@pytest.mark.parametrize(("text", "number"), [
    ("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("一百", 100), ("一百零五", 105), ("两千五百", 2500),
    ("一千二百", 1200), ("零", 0), ("一二", None), ("百千", None), ("", None),
])
def test_cn_number(text, number):
    assert cn_number(text) == number


def test_a_year_with_a_subject_stays_a_number_with_text():
    """"2020年新增造林面积" names something (ZB-S004 reads names through the parser)."""
    t = parse_target("2020年新增造林面积")
    assert (t.kind, t.value, t.unit, t.text) == (TargetKind.numeric, 2020.0, "年", "新增造林面积")


def test_a_run_of_per_words_is_read_in_linear_time():
    """"每"×60 once took minutes (the per-unit prefix could split a run of 每 in
    exponentially many ways): a hostile cell must not tie up a server thread. The alarm
    fails the test long before the old pattern would have finished."""
    import signal

    def too_slow(*_):
        raise TimeoutError("parse_target backtracked on a run of 每")

    previous = signal.signal(signal.SIGALRM, too_slow)
    signal.alarm(10)
    try:
        for n in (60, 2000):
            assert parse_target("每" * n + "x").kind == TargetKind.qualitative
            assert parse_target("每" * n).kind == TargetKind.qualitative
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("raw, comparator, value, unit, text", [
    ("≤2000/10万", "<=", 2000, "/10万", None),          # a rate per population, not October 2000
    ("≥1950/10万", ">=", 1950, "/10万", None),
    ("≥90%（不含市本级）", ">=", 90, "%", "(不含市本级)"),  # a scope note: the bound stays inclusive
    ("≥90%（包括市县两级）", ">=", 90, "%", "(包括市县两级)"),
    ("≥90%（含本数）", ">=", 90, "%", None),
])
def test_notes_and_rates_that_only_look_like_bounds_or_dates(raw, comparator, value, unit, text):
    t = parse_target(raw)
    assert (t.kind, t.comparator, t.value, t.unit, t.text) == (TargetKind.numeric, comparator, value, unit, text)
