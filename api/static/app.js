// The reviewer page: paste or drop a table, send it to the API, show it back annotated.
// Every text from the document is set with textContent (never innerHTML), so cell
// contents such as "<script>" are shown, not run.
"use strict";

const $ = (sel) => document.querySelector(sel);
const SEVERITY_RANK = { error: 3, warning: 2, info: 1 };
const SEVERITY_LABEL = { error: "错误", warning: "警告", info: "提示" };
const DIMENSION_LABEL = { S: "具体", M: "可衡量", A: "可实现", R: "相关", T: "有时限" };
// The indicator fields shown as table columns 2-7, in order (scorer/report/xlsx.py FIELDS).
const FIELDS = ["level1", "level2", "name", "description", "target", "basis"];
// Which cell a finding most likely means when its evidence fits several, by category: the
// same order as the exported workbook (scorer/report/xlsx.py _FIELD_PREFERENCE).
const TARGET_FIRST = ["target", "name", "description", "basis", "level2", "level1"];
const FIELD_PREFERENCE = {
  M: TARGET_FIRST, A: TARGET_FIRST, T: TARGET_FIRST,
  STRUCT: ["level1", "level2", "name", "basis", "target", "description"],
};
const DEFAULT_PREFERENCE = ["name", "description", "target", "basis", "level2", "level1"];
// model_versions keys as a reviewer reads them; the raw ids stay in the tooltip.
const MODEL_LABEL = { level_classifier: "层级模型", relevance_model: "相关性模型", embedder: "句向量模型" };
const MATCHER_LABEL = { combined: "综合", embeddings: "向量", auto: "自动", keywords: "关键词" };

const state = { payload: null, result: null };

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function setStatus(text, isError = false, title = "") {
  const status = $("#status");
  status.textContent = text;
  status.title = title;
  status.classList.toggle("error", isError);
}

// The message is the reviewer's (Chinese, says where and what was expected); the
// technical detail (English, for whoever runs the service) goes in the tooltip.
function showError(body, fallback) {
  const err = body && body.error;
  setStatus(err ? err.message : fallback, true, (err && err.detail) || "");
}

// -- input ------------------------------------------------------------------------------
function onPaste(event) {
  const data = event.clipboardData;
  if (!data) return;
  const html = data.getData("text/html");
  const text = data.getData("text/plain");
  event.preventDefault();
  const paste = $("#paste");
  paste.replaceChildren();
  if (html && /<table/i.test(html)) {
    state.payload = { body: html, type: "text/html" };
    // Preview the pasted tables, and the headings between them (a title, 项目名称 lines),
    // without any of their scripts, styles or event handlers.
    const doc = new DOMParser().parseFromString(html, "text/html");
    paste.append(...previewNodes(doc.body));
  } else {
    state.payload = { body: text, type: "text/plain" };
    paste.append(el("pre", { text }));
  }
  setStatus("已粘贴，点击“审核”。");
}

// The tables of a pasted fragment as clean copies, and each text block outside them as a
// paragraph, in document order (Word wraps its tables in <div class=WordSection1>).
function previewNodes(root) {
  const out = [];
  for (const child of root.children) {
    if (child.tagName === "TABLE") out.push(cleanTable(child));
    else if (child.querySelector("table")) out.push(...previewNodes(child));
    else if (/^(SCRIPT|STYLE|TEMPLATE)$/.test(child.tagName)) continue;
    else if ((child.textContent || "").trim()) out.push(el("p", { text: child.textContent.trim() }));
  }
  return out;
}

// Block elements that break a line inside a cell, as the server's HTML reader reads them
// (scorer/parsers/html.py _BLOCKS).
const BLOCK_TAGS = new Set(["P", "DIV", "H1", "H2", "H3", "H4", "H5", "H6", "LI"]);
const SKIPPED_TAGS = new Set(["SCRIPT", "STYLE", "TEMPLATE", "IMG", "svg", "OBJECT", "IFRAME"]);

// A cell's text with its line breaks: text nodes, <br> and paragraph elements copied
// without any attribute. Its flattened text would lose them (a parsed fragment is not
// rendered, so innerText has no line breaks), and 审核 after editing a cell would then
// read "1、…\n2、…" goals as one sentence.
function cellContent(node, into) {
  for (const child of node.childNodes) {
    if (child.nodeType === Node.TEXT_NODE) into.append(child.data);
    else if (child.nodeType !== Node.ELEMENT_NODE || SKIPPED_TAGS.has(child.tagName)) continue;
    else if (child.tagName === "BR") into.append(el("br"));
    else if (BLOCK_TAGS.has(child.tagName)) into.append(cellContent(child, el("p")));
    else cellContent(child, into);
  }
  return into;
}

function cleanTable(table) {
  const out = el("table");
  for (const row of table.rows) {
    const tr = el("tr");
    for (const cell of row.cells) {
      const td = cellContent(cell, el("td"));
      if (cell.rowSpan > 1) td.rowSpan = cell.rowSpan;
      if (cell.colSpan > 1) td.colSpan = cell.colSpan;
      tr.append(td);
    }
    out.append(tr);
  }
  return out;
}

function currentPayload() {
  if (state.payload) return state.payload;
  const paste = $("#paste");
  // A pasted table edited in place (a cell fixed before 审核 again): its HTML keeps the
  // merged cells (rowspan/colspan), which the area's plain text loses: a row under a
  // merged 一级指标 would lose a cell and every value in it would shift one column left.
  if (paste.querySelector("table")) {
    return { body: `<html><body>${paste.innerHTML}</body></html>`, type: "text/html" };
  }
  // Typed or pasted without clipboard data: use the area's plain text.
  const text = paste.innerText.trim();
  return text ? { body: text, type: "text/plain" } : null;
}

// -- API calls ---------------------------------------------------------------------------
async function postScore(payload) {
  if (payload.file) {
    const form = new FormData();
    form.append("file", payload.file, payload.file.name);
    return fetch("/v1/score/file", { method: "POST", body: form });
  }
  return fetch("/v1/score", {
    method: "POST",
    headers: { "Content-Type": `${payload.type}; charset=utf-8` },
    body: payload.body,
  });
}

async function submit() {
  const payload = currentPayload();
  if (!payload) {
    setStatus("请先粘贴表格或选择文件。", true);
    return;
  }
  setStatus("审核中……");
  $("#submit").disabled = true;
  // The result on screen no longer matches the input: nothing exports it from here on.
  $("#export").disabled = true;
  try {
    const response = await postScore(payload);
    const body = await response.json().catch(() => null);
    if (!response.ok) {
      clearResults();
      showError(body, `请求失败（${response.status}）`);
      return;
    }
    state.payload = payload;
    state.result = body;
    render(body);
    const n = countFindings(body);
    setStatus(`审核完成：${body.projects.length} 个项目，${n} 条问题。`);
    $("#export").disabled = false;
  } catch (err) {
    clearResults();
    setStatus(`无法连接服务：${err}`, true);
  } finally {
    $("#submit").disabled = false;
  }
}

// Forget the shown result: the projects, the summary and what 导出 would send.
function clearResults() {
  state.result = null;
  $("#export").disabled = true;
  $("#results").replaceChildren();
  $("#summary").replaceChildren();
  $("#summary").hidden = true;
}

async function exportXlsx() {
  if (!state.result || $("#export").disabled) return;
  const response = await fetch("/v1/export/xlsx", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(state.result),
  });
  if (!response.ok) {
    const body = await response.json().catch(() => null);
    showError(body, "导出失败");
    return;
  }
  const url = URL.createObjectURL(await response.blob());
  const link = el("a", { href: url, download: downloadName(response) });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// The server names the file after the department (RFC 5987 filename*).
function downloadName(response) {
  const header = response.headers.get("Content-Disposition") || "";
  const match = /filename\*=UTF-8''([^;]+)/i.exec(header);
  return match ? decodeURIComponent(match[1]) : "绩效目标审核.xlsx";
}

async function sendFeedback(button, body, doneText) {
  const response = await fetch("/v1/feedback", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ document_sha256: state.result.document.sha256, ...body }),
  });
  if (response.ok) {
    button.textContent = doneText;
    button.classList.add("sent");
    button.disabled = true;
  } else {
    const data = await response.json().catch(() => null);
    showError(data, "反馈失败");
  }
}

function reportWrong(button, finding, project, indicator) {
  return sendFeedback(button, {
    kind: "finding_wrong",
    code: finding.code,
    project_index: project.index,
    indicator_index: finding.indicator,
    indicator: indicator ? indicatorRecord(project, indicator) : null,
  }, "已反馈");
}

// A level-disagreement finding can be accepted: the corrected level goes back as a label.
function acceptLevel(button, finding, project, indicator) {
  const suffix = (level) => (level.endsWith("指标") ? level : `${level}指标`);
  return sendFeedback(button, {
    kind: "level_corrected",
    code: finding.code,
    project_index: project.index,
    indicator_index: finding.indicator,
    indicator: indicatorRecord(project, indicator),
    level1: suffix(finding.details.predicted_level1),
    level2: suffix(finding.details.predicted_level2),
  }, "已采纳");
}

function indicatorRecord(project, ind) {
  return {
    project_name: project.name, department: (state.result && state.result.document.department) || "",
    level1: ind.level1, level2: ind.level2, level3: ind.name,
    description: ind.description, target_value: ind.target, basis: ind.basis,
  };
}

// -- rendering ---------------------------------------------------------------------------
function countFindings(result) {
  let n = (result.findings || []).length;
  for (const p of result.projects) {
    n += (p.findings || []).length;
    for (const ind of p.indicators) n += (ind.findings || []).length;
  }
  return n;
}

function worst(findings) {
  let best = null;
  for (const f of findings || []) {
    if (!best || SEVERITY_RANK[f.severity] > SEVERITY_RANK[best]) best = f.severity;
  }
  return best;
}

function findingItem(finding, project, indicator) {
  const wrong = el("button", { class: "wrong", type: "button", title: "这条提示不正确" }, "误报");
  wrong.addEventListener("click", () => reportWrong(wrong, finding, project, indicator));
  let accept = null;
  if (indicator && finding.details && finding.details.predicted_level2) {
    accept = el("button", { class: "wrong accept", type: "button", title: "按模型建议更正层级，作为训练样本" }, "采纳建议层级");
    accept.addEventListener("click", () => acceptLevel(accept, finding, project, indicator));
  }
  return el(
    "li",
    { "data-code": finding.code, "data-severity": finding.severity },
    el("span", { class: `code ${finding.severity}`, title: SEVERITY_LABEL[finding.severity] }, finding.code),
    el("span", { class: "message" }, finding.message),
    wrong,
    accept,
    finding.suggestion ? el("span", { class: "suggestion" }, `建议：${finding.suggestion}`) : null,
    finding.evidence ? el("span", { class: "evidence" }, `原文：${finding.evidence}`) : null,
  );
}

// The indicator field a finding is about, found from its evidence as the exported
// workbook does (scorer/report/xlsx.py offending_field): the cell equal to it, else the
// cell containing it; null if neither.
function offendingField(finding, ind) {
  const values = Object.fromEntries(FIELDS.map((f) => [f, String(ind[f] ?? "").trim()]));
  const evidence = String(finding.evidence ?? "").trim();
  const order = FIELD_PREFERENCE[finding.category] || DEFAULT_PREFERENCE;
  const equal = order.find((f) => values[f] === evidence);
  if (equal) return equal;
  return evidence ? order.find((f) => values[f].includes(evidence)) || null : null;
}

// One indicator cell; the cell a finding is about gets its worst severity's stronger
// colour and the findings' messages as its tooltip, like the workbook's cell comment.
function fieldCell(ind, field, hits) {
  if (!hits || !hits.length) return el("td", { "data-field": field }, ind[field]);
  const sev = worst(hits);
  const title = hits.map((f) => `${f.code} ${SEVERITY_LABEL[f.severity]}：${f.message}` +
    (f.suggestion ? `\n建议：${f.suggestion}` : "")).join("\n");
  return el("td", {
    class: `hit hit-${sev}`, "data-field": field, "data-codes": hits.map((f) => f.code).join(" "), title,
  }, ind[field]);
}

function gradeBadge(grade) {
  return el("span", { class: `grade grade-${grade || ""}` }, grade || "");
}

const ISSUE_SEVERITY = { error: "错误", warning: "警告", info: "提示" };

// What the reader could not place (a row not understood, cells without a heading): rows the
// review did not see, so the reviewer is told where and why (in Chinese; the English
// message is for results saved before it had one).
function parseNotes(result) {
  const issues = result.parse_issues || [];
  if (!issues.length) return null;
  return el("details", { class: "parse-issues" },
    el("summary", {}, `读取提示 ${issues.length} 条：以下行或单元格没有按表格读入，请核对原表`),
    el("ul", {}, ...issues.map((issue) => {
      // The sheet (or Word table) too: in a workbook a row number alone does not say where.
      const loc = issue.location || {};
      const where = [loc.table ? `表格「${loc.table}」` : "", loc.row ? `第 ${loc.row} 行` : ""].filter(Boolean).join("，");
      return el("li", { class: `sev-${issue.severity}` },
        `${ISSUE_SEVERITY[issue.severity] || issue.severity}${where ? `（${where}）` : ""}：${issue.zh || issue.message}`);
    })));
}

function renderSummary(result) {
  const section = $("#summary");
  section.hidden = false;
  const dept = result.department || {};
  const rows = (dept.ranking || []).map((r, i) =>
    el("tr", {}, el("td", {}, i + 1), el("td", {}, r.name), el("td", {}, Number(r.score).toFixed(1)), el("td", {}, gradeBadge(r.grade))));
  // (replaceChildren writes a null child as the text "null": the parts left out are filtered)
  section.replaceChildren(...[
    el("strong", {}, `部门得分 ${dept.score ?? ""} `), gradeBadge(dept.grade),
    el("span", { class: "muted" }, ` ${result.document.department || ""} ${result.document.title || ""}`),
    rows.length ? el("table", { class: "ranking" },
      el("thead", {}, el("tr", {}, el("th", {}, "排名"), el("th", {}, "项目"), el("th", {}, "得分"), el("th", {}, "等级"))),
      el("tbody", {}, ...rows)) : null,
    parseNotes(result),
  ].filter((part) => part !== null && part !== undefined));
}

// One line per SMART dimension, coloured by how much of it the findings took away.
function smartCell(smart) {
  if (!smart) return "";
  return el("span", { class: "dims" }, ...["S", "M", "A", "R", "T"].map((k) => {
    const value = smart[k] === undefined ? null : Number(smart[k]);
    const level = value === null ? "" : value >= 1 ? "full" : value >= 0.5 ? "part" : "low";
    return el("span", { class: `dim ${level}`, title: DIMENSION_LABEL[k] }, `${k} ${value === null ? "-" : value.toFixed(1)}`);
  }));
}

function renderProject(project) {
  const node = $("#project-template").content.firstElementChild.cloneNode(true);
  node.dataset.project = project.index;
  node.querySelector(".project-name").textContent = `${project.index + 1}. ${project.name || project.code || "项目"}`;
  node.querySelector(".grade").replaceWith(gradeBadge(project.grade));
  const meta = [];
  if (project.code) meta.push(`编码 ${project.code}`);
  if (project.budget_total !== null && project.budget_total !== undefined) meta.push(`预算 ${project.budget_total} 万元`);
  if (project.score !== undefined) meta.push(`得分 ${project.score}`);
  node.querySelector(".project-meta").textContent = meta.join(" · ");
  const projectFindings = node.querySelector(".project-findings");
  for (const f of project.findings || []) projectFindings.append(findingItem(f, project, null));
  const tbody = node.querySelector("tbody");
  project.indicators.forEach((ind, i) => {
    const sev = worst(ind.findings);
    const tr = el("tr", { class: sev ? `sev-${sev}` : "sev-none", "data-indicator": i });
    const list = el("ul", { class: "findings" }, ...(ind.findings || []).map((f) => findingItem(f, project, ind)));
    const byField = {};
    for (const f of ind.findings || []) {
      const field = offendingField(f, ind);
      if (field) (byField[field] = byField[field] || []).push(f);
    }
    tr.append(
      el("td", {}, ind.location && ind.location.row ? ind.location.row : i + 1),
      ...FIELDS.map((field) => fieldCell(ind, field, byField[field])),
      el("td", { class: "smart" }, smartCell(ind.smart)),
      el("td", { class: "score" }, ind.score ?? ""),
      el("td", {}, list),
    );
    tbody.append(tr);
  });
  return node;
}

function render(result) {
  renderSummary(result);
  const results = $("#results");
  results.replaceChildren(...result.projects.map(renderProject));
  const docFindings = result.findings || [];
  if (docFindings.length) {
    results.prepend(el("ul", { class: "findings document-findings" }, ...docFindings.map((f) => findingItem(f, {}, null))));
  }
  showVersions(result.model_versions);
}

function modelLabel(key) {
  if (MODEL_LABEL[key]) return MODEL_LABEL[key];
  if (key.startsWith("goal_matcher:")) {
    const name = key.slice("goal_matcher:".length);
    return `目标匹配模型（${MATCHER_LABEL[name] || name}）`;
  }
  return "其他模型";
}

// The header names the models in Chinese; the raw ids (key = version) are in the tooltips.
function showVersions(versions) {
  const entries = Object.entries(versions || {});
  const node = $("#model-version");
  node.title = entries.map(([k, v]) => `${k} = ${v}`).join("\n");
  if (!entries.length) {
    node.replaceChildren();
    return;
  }
  const labels = entries.map(([k, v]) =>
    el("span", { class: "model", "data-model": k, title: `${k} = ${v}` }, modelLabel(k)));
  node.replaceChildren("模型：", ...labels.flatMap((label, i) => (i ? ["、", label] : [label])));
}

// -- wiring ------------------------------------------------------------------------------
function useFile(file) {
  state.payload = { file };
  $("#paste").replaceChildren(el("p", {}, `文件：${file.name}（${Math.ceil(file.size / 1024)} KB）`));
  submit();
}

function init() {
  const paste = $("#paste");
  paste.addEventListener("paste", onPaste);
  paste.addEventListener("input", () => { state.payload = null; });
  paste.addEventListener("dragover", (e) => { e.preventDefault(); paste.classList.add("dragover"); });
  paste.addEventListener("dragleave", () => paste.classList.remove("dragover"));
  paste.addEventListener("drop", (e) => {
    e.preventDefault();
    paste.classList.remove("dragover");
    if (e.dataTransfer.files.length) useFile(e.dataTransfer.files[0]);
  });
  $("#file").addEventListener("change", (e) => {
    const file = e.target.files[0];
    // Emptied at once so that choosing the same file again fires another change.
    e.target.value = "";
    if (file) useFile(file);
  });
  $("#submit").addEventListener("click", submit);
  $("#export").addEventListener("click", exportXlsx);
  $("#clear").addEventListener("click", () => {
    paste.replaceChildren();
    state.payload = null;
    $("#file").value = "";
    clearResults();
    setStatus("");
  });
  fetch("/readyz").then((r) => r.json()).then((body) => {
    const versions = body.model_versions || {};
    showVersions(versions);
  }).catch(() => {});
}

document.addEventListener("DOMContentLoaded", init);
