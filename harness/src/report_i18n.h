/* hetbench — what the two report renderers (report_md.c, report_html.c) share: the fixed UI
 * strings in Chinese and English, null-tolerant readers of the report.json object, and number
 * formatting (3 significant digits, SI prefixes). Format of report.json: docs/acceptance.md §5. */
#ifndef HB_REPORT_I18N_H
#define HB_REPORT_I18N_H

#include <jansson.h>
#include <stddef.h>

/* ---- fixed UI strings: X(ID, English, Chinese) ---- */
#define HB__UI_STRINGS(X)                                                                          \
    X(TITLE, "Acceptance report", "验收报告")                                                      \
    X(LANG_NAME, "English", "中文")                                                                \
    X(SPEC, "Specification", "验收规范")                                                           \
    X(GENERATED_AT, "Generated", "生成时间")                                                       \
    X(GENERATOR, "Generator", "生成程序")                                                          \
    X(OVERALL, "Overall verdict", "总体结论")                                                      \
    X(VERDICTS, "Verdicts", "结论")                                                                \
    X(V_PASS, "pass", "通过")                                                                      \
    X(V_FAIL, "fail", "不通过")                                                                    \
    X(V_NM, "not measurable", "无法测量")                                                          \
    X(INFORMATIONAL, "informational", "仅供参考")                                                  \
    X(INFORMATIONAL_NOTE,                                                                          \
      "“informational”: the clause is not required and does not change the overall verdict",       \
      "“仅供参考”：该条款非必需，不影响总体结论")                                                  \
    X(CLAUSE, "Clause", "条款")                                                                    \
    X(NAME, "Title", "名称")                                                                       \
    X(TYPE, "Type", "类型")                                                                        \
    X(VERDICT, "Verdict", "结论")                                                                  \
    X(MEASURED, "Measured", "实测值")                                                              \
    X(THRESHOLD, "Threshold", "阈值")                                                              \
    X(REASON, "Reason", "原因")                                                                    \
    X(EVIDENCE, "Evidence", "依据")                                                                \
    X(SYS_CAPACITY, "System capacity", "系统算力")                                                 \
    X(PRECISION, "Precision", "精度")                                                              \
    X(VALUE, "Value", "数值")                                                                      \
    X(METHOD, "Method", "方法")                                                                    \
    X(NODE_TYPES, "Node types", "节点类型")                                                        \
    X(NODE_TYPE, "Node type", "节点类型")                                                          \
    X(ROLE, "Role", "角色")                                                                        \
    X(COUNT, "Count", "数量")                                                                      \
    X(TESTED, "Tested", "已测")                                                                    \
    X(MEDIAN, "Median", "中位数")                                                                  \
    X(MAD, "MAD", "MAD")                                                                           \
    X(LCB, "Lower confidence bound", "置信下界")                                                   \
    X(SYSTEM_PART, "System contribution", "系统贡献")                                              \
    X(NODE_CAPACITY, "Per-node capacity", "节点算力")                                              \
    X(LINE_MEDIAN, "median of the node type", "节点类型中位数")                                    \
    X(LINE_CUTOFF, "suspect cut-off", "可疑阈值")                                                  \
    X(LINE_NEEDED, "per-node capacity needed for the clause minimum",                              \
      "达到条款下限所需的单节点算力")                                                              \
    X(NEEDED_NOTE,                                                                                 \
      "clause minimum ÷ node count, the capacity every counted node would have to deliver",        \
      "条款下限 ÷ 节点数，即每个计入节点需要达到的算力")                                           \
    X(SUSPECT_NODES, "Suspect nodes", "可疑节点")                                                  \
    X(SUSPECT, "suspect", "可疑")                                                                  \
    X(NO_SUSPECTS, "No suspect node.", "无可疑节点。")                                             \
    X(NODES, "Nodes", "节点")                                                                      \
    X(HOST, "Host", "主机")                                                                        \
    X(RESULT, "Result file", "结果文件")                                                           \
    X(CAPACITY, "Capacity", "算力")                                                                \
    X(RATED_PEAK, "Rated peak", "标称峰值")                                                        \
    X(EFFICIENCY, "Efficiency", "计算效率")                                                        \
    X(KERNEL, "Kernel", "内核")                                                                    \
    X(DEVICE, "Device", "设备")                                                                    \
    X(REFERENCE, "Reference", "参考值")                                                            \
    X(RATIO, "Ratio", "比值")                                                                      \
    X(ABOVE_RATED, "above the rated peak", "高于标称峰值")                                         \
    X(ROOFLINE, "Roofline", "屋顶线模型")                                                          \
    X(DEVICE_TYPE, "Device type", "设备类型")                                                      \
    X(COMPUTE_ROOF, "Compute roof", "计算屋顶")                                                    \
    X(BW_ROOF, "Bandwidth roof", "带宽屋顶")                                                       \
    X(ROOF_SOURCE, "Source of the roofs", "屋顶来源")                                              \
    X(INTENSITY, "Arithmetic intensity (FLOP/B)", "计算强度 (FLOP/B)")                             \
    X(RATE, "Rate", "速率")                                                                        \
    X(POINTS, "Measured kernels", "实测内核")                                                      \
    X(NO_INTENSITY, "no arithmetic intensity: not plotted", "无计算强度，未绘制")                  \
    X(ENERGY, "Energy efficiency", "能效")                                                         \
    X(NO_METER, "no meter", "无能耗计量")                                                          \
    X(JOULES, "Energy", "能耗")                                                                    \
    X(POWER, "Power", "功率")                                                                      \
    X(METERS, "Meters", "计量来源")                                                                \
    X(NODE_POWER, "Node power", "节点功率")                                                        \
    X(UNCERTAIN, "uncertain", "不确定")                                                            \
    X(NOT_MEASURED, "not measured", "未测量")                                                      \
    X(LINE_ENERGY_MIN, "clause minimum", "条款下限")                                               \
    X(AUTONOMY, "Autonomy", "自主率")                                                              \
    X(DOMESTIC, "domestic", "国产")                                                                \
    X(FOREIGN, "foreign", "国外")                                                                  \
    X(UNKNOWN, "unknown", "未知")                                                                  \
    X(CATEGORY, "Category", "类别")                                                                \
    X(COUNT_BASED, "Count-based", "按部件数量")                                                    \
    X(COMPUTE_WEIGHTED, "Compute-weighted", "按算力加权")                                          \
    X(UNKNOWN_COMPONENTS, "Components of unknown origin", "来源未知的部件")                        \
    X(STRUCTURE, "Compute structure", "算力结构")                                                  \
    X(SHARE, "Share", "占比")                                                                      \
    X(TARGET, "Target", "目标")                                                                    \
    X(MET, "Met", "达标")                                                                          \
    X(YES, "yes", "是")                                                                            \
    X(NO, "no", "否")                                                                              \
    X(NORMALISATION, "Normalisation", "归一化规则")                                                \
    X(FACTOR, "Factor", "系数")                                                                    \
    X(NORMALISED, "Normalised", "归一化算力")                                                      \
    X(TOTAL, "Total", "合计")                                                                      \
    X(TOTAL_LC, "total", "合计")                                                                   \
    X(HAS_FAILED, "failed records", "有失败记录")                                                  \
    X(UNIT, "Unit", "单位")                                                                        \
    X(FAILED_RECORDS, "Failed records", "失败记录")                                                \
    X(STATUS, "Status", "状态")                                                                    \
    X(INPUTS, "Input files", "输入文件")                                                           \
    X(PATH, "Path", "路径")                                                                        \
    X(SCHEMA, "Schema", "格式版本")                                                                \
    X(IN_USED, "used", "已使用")                                                                   \
    X(IN_NOT_INV, "not in the spec’s inventory", "不在规范清单中")                                 \
    X(IN_SUPERSEDED, "superseded", "已被取代")                                                     \
    X(IN_MERGED, "merged into the latest run", "并入最新运行")                                     \
    X(CHARTS_NOTE, "The charts are in report.html.", "图表见 report.html。")                       \
    X(NO_DATA, "Not in this report.", "本报告中无此项。")                                          \
    X(CONTENTS, "Contents", "目录")

typedef enum {
#define HB__UI_ENUM(id, en, zh) HB__UI_##id,
    HB__UI_STRINGS(HB__UI_ENUM)
#undef HB__UI_ENUM
        HB__UI_N_STRINGS
} hb__ui_id;

/* The UI string in `lang` ("zh" → Chinese, anything else → English). */
const char *hb__ui(const char *lang, hb__ui_id id);

/* The colon after a label: "：" in Chinese, ": " in English. */
const char *hb__rcolon(const char *lang);

/* The languages to render for a --lang value: "zh", "en" (1) or "both"/NULL (2: zh, en).
   0 for anything else. */
int hb__report_langs(const char *lang, const char *out[2]);

/* ---- readers: any argument may be NULL or of the wrong type ---- */
/* A text object {"en", "zh"} in `lang` (the other language when that one is missing), or a
   plain string as it is; NULL when there is none. */
const char *hb__rtext(const json_t *v, const char *lang);
const char *hb__rstr(const json_t *obj, const char *key);      /* string member or NULL */
int hb__rnum(const json_t *obj, const char *key, double *out); /* 1 when a number */
/* The precisions that appear in the report's capacities, in the order f64 f32 f16 bf16 i8,
   then any other in order of appearance. Returns the count (≤ max). */
size_t hb__rprecisions(const json_t *report, const char **out, size_t max);
/* The node type object with this id, or NULL. */
const json_t *hb__rnode_type(const json_t *report, const char *id);
/* 1 when the clause's "precision" (string or list) names `prec`. */
int hb__rclause_has_precision(const json_t *clause, const char *prec);
/* 1 when a capacity clause is about the capacity `key` (nodes[].capacity.<key>): its
   "capacity_key" when it has one, else its precision names `key`. */
int hb__rclause_is_capacity(const json_t *clause, const char *key);
/* The unit of the capacity `key`: the "unit" of system.capacity.<key> or of a node type's
   capacity.<key>; "FLOP/s" when none says. */
const char *hb__rcapacity_unit(const json_t *report, const char *key);
/* The unit of a rate at a precision: "OP/s" for i8, else "FLOP/s". */
const char *hb__rrate_unit(const char *prec);
/* GFLOP/J, or GOP/J for an integer precision (i8, i32) */
const char *hb__renergy_unit(const char *prec);
/* A node's energy entry's efficiency with its unit (GFLOP/J, GOP/J), or "no meter". */
void hb__rfmt_energy(char *buf, size_t n, const json_t *e, const char *lang);

/* ---- words ---- */
const char *hb__rverdict_word(const char *lang, const char *verdict); /* NULL if unknown */
const char *hb__rinput_status_word(const char *lang, const char *status);
const char *hb__rcmp_symbol(const char *comparison); /* ">=" → "≥"; NULL → "" */

/* ---- numbers: 3 significant digits ---- */
/* 5.12e15, "FLOP/s" → "5.12 PFLOP/s"; unit may be NULL (prefix only, "5.12 P"). */
void hb__rfmt_si(char *buf, size_t n, double v, const char *unit);
void hb__rfmt_num(char *buf, size_t n, double v);     /* integers as such, else 3 digits */
void hb__rfmt_pct(char *buf, size_t n, double ratio); /* 0.753 → "75.3 %" */
/* A value with its unit: SI prefixes for FLOP/s, FLOP, OP/s, B/s, B, W, J, Hz; "ratio" and
   "share" (0–1) as a percentage; any other unit written after the number; NULL unit: the number
   alone. */
void hb__rfmt_value(char *buf, size_t n, double v, const char *unit);
/* A JSON member formatted with hb__rfmt_value, or "—" when it is not a number. */
void hb__rfmt_member(char *buf, size_t n, const json_t *obj, const char *key, const char *unit);
/* A structure target {"max": x} / {"min": x} / {"approx": x, "tolerance": t} → "≤ 30 %". */
void hb__rfmt_target(char *buf, size_t n, const json_t *target);

#define HB__DASH "—"

#endif
