// The check tab's report, in the page's language: written here from the answer's data (each
// problem's kind as a key, its operation, the node's right and wrong gradient, the graph as
// formulas), with the sentences of messages/<lang>.js. What check_engine says in its own words
// about a problem (its `detail`, in English) is quoted, marked as such; on a page in another
// language each problem first gets its kind's advice (`engine_hint_<key>`) in that language.
"use strict";
// A problem's kind in the page's language (the judge's English words for a kind it has no key for).
function engineKind(f, T, has) {
  return f.key && has("engine_kind_" + f.key) ? T("engine_kind_" + f.key) : f.kind;
}
// A phrase of the report (what was right, what was not checked): its words in the page's
// language when the catalogue has its key, its fields worded so in turn; else its English text.
function engineWords(what, T, has) {
  if (typeof what !== "object" || what === null) return String(what);
  if (!has("engine_phrase_" + what.key)) return what.text;
  const fields = {};
  for (const [k, v] of Object.entries(what.fields)) fields[k] = engineWords(v, T, has);
  return T("engine_phrase_" + what.key, fields);
}
function engineReport(answer, T, has, hints) {
  if (answer.reason) return T(answer.reason.key, answer.reason);
  const s = answer.summary, failures = answer.failures;
  const counts = T(s.not_checked.length ? "engine_counts_some" : "engine_counts",
    { right: s.right.length, not_checked: s.not_checked.length });
  const head = answer.passed ? "engine_report_right" : failures.length ? "engine_report_found" : "engine_report_none";
  const lines = [T(head, { name: s.name, k: failures.length, counts })];
  failures.forEach((f, n) => {
    const kind = engineKind(f, T, has);
    const hint = hints && f.key && has("engine_hint_" + f.key) ? T("engine_hint_" + f.key) : "";
    // a detail the catalogue has words for is said in the page's language, else quoted
    const said = typeof f.detail === "object" && has("engine_phrase_" + f.detail.key);
    const key = (f.op ? "engine_failure_op" : "engine_failure") + (said ? "_said" : "");
    lines.push(T(key, { i: n + 1, kind, op: f.op, hint, detail: engineWords(f.detail, T, has) }));
    if (f.leaf) {
      const number = (x) => String(Number(Number(x).toPrecision(6)));
      lines.push("   " + T("engine_numbers", { leaf: f.leaf, want: number(f.want), got: number(f.got) }));
    }
    for (const line of f.graph) lines.push("     " + line);
  });
  for (const i of [...new Set(s.not_checked.map(([, i]) => i))].sort((a, b) => a - b)) {
    const what = s.not_checked.filter(([, j]) => j === i).map(([w]) => engineWords(w, T, has)).join("; ");
    lines.push(T(i ? "engine_not_checked_because" : "engine_not_checked", { i, what }));
  }
  if (s.right.length) lines.push(T("engine_right_list", { list: s.right.map((w) => engineWords(w, T, has)).join(", ") }));
  if (s.skipped.length) lines.push(T("engine_skipped", { list: s.skipped.join(", ") }));
  for (const note of s.notes) lines.push(T("engine_note", { note }));
  if (answer.examples === 0) lines.push(T("engine_no_random"));
  return lines.join("\n");
}
