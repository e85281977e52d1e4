#!/usr/bin/env python3
"""What `ziping evaluate --framework yzjh-2017 --all` computes from schools, in pandas.

The peer ziping is measured against (docs/BENCHMARKS.md), written the way a capable
analyst writes it: only the columns needed (usecols), categorical keys, one pass of
vectorised arithmetic, group sums and groupby-transform (no joins, no copies of the
whole table), everything grouped by year, county and stage.

From the school CSV that `ziping demo-data` writes it computes, for the year ziping
evaluates (the latest; --all-years: every year, as a framework comparing years would):

- combined schools (九年一贯制, 十二年一贯制, 完全中学 given as one row) split into
  stages: facilities by the 1:1.1 / 1:1.1:1.32 / 1:1.2 student weights, other counts by
  plain student shares (DOMAIN.md §2.2); counts (classes, teachers, rooms) in whole
  numbers by the largest-remainder method, the bands kept within each stage's classes
  and the kinds of teacher within its teachers (docs/data.md, "Combined schools");
- per county and stage (小学, 初中) over the public compulsory schools (教学点 under 50
  pupils left out): the number of schools, the 7 resource indicators (sums over
  sums), each school's 6-of-7 rule with the 85% floor, and the student-weighted
  coefficient of variation of each indicator;
- per county over the compulsory schools: schools over the size caps (2000; 2500 for
  一贯制), schools short of music or art rooms (1 per 12 classes), classes over 45
  (小学) and 50 (初中) pupils, and the share of certified teachers.

It prints its timings. --out FILE writes the per-county results as CSV; --check
ZIPING.json compares every one of them with ziping's JSON output of the same file.

    apt-get install python3-pandas
    /usr/bin/python3 scripts/bench_pandas.py nation.csv [--all-years] [--out pandas.csv] [--check ziping.json]
"""
import argparse
import json
import math
import time

import numpy as np
import pandas as pd

USE = {  # source column -> name; nothing else is read
    "年度": "period", "学校代码": "code", "区县代码": "county", "学段": "stage", "学校类别": "type",
    "办学类型": "own", "在校生数": "students", "小学在校生数": "sp", "初中在校生数": "sj", "高中在校生数": "ss",
    "班级数": "classes", "45人及以下班级数": "c45", "46-50人班级数": "c46", "51-55人班级数": "c51", "56-65人班级数": "c56",
    "66人及以上班级数": "c66", "专任教师数": "teachers", "高于规定学历教师数": "above",
    "县级以上骨干教师数": "backbone", "体育艺术专任教师数": "pe_art", "持证专任教师数": "certified",
    "教学及辅助用房面积(㎡)": "teaching_area", "体育运动场馆面积(㎡)": "sports_area",
    "教学仪器设备值(元)": "equipment", "网络多媒体教室数": "multimedia", "音乐专用教室数": "music",
    "美术专用教室数": "art",
}
CATEGORIES = {"区县代码": "category", "学段": "category", "学校类别": "category", "办学类型": "category"}
# Every other column's type given, so that read_csv need not infer one.
DTYPES = {**CATEGORIES, "年度": "int16", "学校代码": "int64",
          **{c: "float64" for c in USE if c not in CATEGORIES and c not in ("年度", "学校代码")}}
FACILITY = ["teaching_area", "sports_area", "equipment"]  # amounts: fractions kept
ROOMS = ["multimedia", "music", "art"]  # counts split by the facility weights
BANDS = ["c45", "c46", "c51", "c56", "c66"]  # add up to classes
KINDS = ["above", "backbone", "pe_art", "certified"]  # counted within teachers
PEOPLE = ["classes", *BANDS, "teachers", *KINDS]  # counts split by plain student shares
# Combined school -> its stages: (stage, students column, facility weight).
COMBINED = {
    "九年一贯制": [("小学", "sp", 1.0), ("初中", "sj", 1.1)],
    "十二年一贯制": [("小学", "sp", 1.0), ("初中", "sj", 1.1), ("高中", "ss", 1.32)],
    "完全中学": [("初中", "sj", 1.0), ("高中", "ss", 1.2)],
}
STAGE_ORDER = {"小学": 0, "初中": 1, "高中": 2}
# The 7 indicators: (name, numerator, per 100 pupils?) and their standards by stage.
IND = [("high_edu_teachers_per100", "above", True), ("backbone_teachers_per100", "backbone", True),
       ("pe_art_teachers_per100", "pe_art", True), ("teaching_area_per_student", "teaching_area", False),
       ("sports_area_per_student", "sports_area", False), ("equipment_value_per_student", "equipment", False),
       ("multimedia_rooms_per100", "multimedia", True)]
STD = {"小学": [4.2, 1, 0.9, 4.5, 7.5, 2000, 2.3], "初中": [5.3, 1, 0.9, 5.8, 10.2, 2500, 2.4]}
TOL = 1e-9  # ziping's relative slack in comparisons with standards


TIE = 1e-9  # remainders closer than this are equal (ziping's engine.Apportion)


def quota(whole, share):
    """whole × share rounded down, and the remainder; within rounding error of a whole
    number (TIE, relative above 1) it is that number (ziping's engine.quota)."""
    q = whole * share
    floor = np.floor(q)
    rem = q - floor
    tol = TIE * np.maximum(1, q)
    up = rem >= 1 - tol
    return floor + up, np.where((rem <= tol) | up, 0.0, rem)


def quota1(whole, share):
    """quota for one number, in plain floats: `within` runs per row on the few
    thousand rows that need it, where numpy's per-call cost would be most of the time."""
    q = whole * share
    floor = math.floor(q)
    rem = q - floor
    tol = TIE * max(1.0, q)
    if rem >= 1 - tol:
        return floor + 1.0, 0.0
    return float(floor), (0.0 if rem <= tol else rem)


def hamilton(whole, shares):
    """Largest remainder: each row's whole (n,) split by its shares (n, k) into whole
    numbers adding up to it; equal remainders to the earlier stage; a stage with share
    0 gets 0."""
    parts, rem = quota(whole[:, None], shares)
    parts = np.where(shares > 0, parts, 0.0)
    rem = np.where(shares > 0, rem, -1.0)
    left = whole - parts.sum(axis=1)
    k = shares.shape[1]
    rank = np.zeros(parts.shape)  # how many stages come before this one
    for i in range(k):
        for j in range(k):
            if j < i:
                rank[:, i] += rem[:, j] >= rem[:, i] - TIE
            elif j > i:
                rank[:, i] += rem[:, j] > rem[:, i] + TIE
    return parts + ((rank < left[:, None]) & (rem >= 0))


def within(counts, shares, cols):
    """Counts adding up to a whole already split into cols, split so that each count's
    parts add up to it and each stage's to its col, every part its quota rounded down
    or up: remainders largest first as far as the stage totals allow, the rest along
    alternating paths (ziping's engine.ApportionWithin). None when it cannot."""
    n, k = len(counts), len(shares)
    out = [[0.0] * k for _ in counts]
    rem = [[-1.0] * k for _ in counts]
    row_need, col_need = list(counts), list(cols)
    for b, c in enumerate(counts):
        for s in range(k):
            if shares[s] > 0:
                out[b][s], rem[b][s] = quota1(float(c), float(shares[s]))
                row_need[b] -= out[b][s]
                col_need[s] -= out[b][s]
    if sum(counts) != sum(cols) or min(col_need) < 0:
        return None
    up = [[False] * k for _ in counts]
    need = sum(row_need)
    while need > 0:
        best = None
        for b in range(n):
            for s in range(k):
                if row_need[b] > 0 and col_need[s] > 0 and not up[b][s] and rem[b][s] > TIE and \
                        (best is None or rem[b][s] > rem[best[0]][best[1]] + TIE):
                    best = (b, s)
        if best is None:
            break
        b, s = best
        up[b][s] = True
        row_need[b] -= 1
        col_need[s] -= 1
        need -= 1

    def augment(b0, any_cell):
        from_row, from_col, seen_col = {}, {b0: None}, set()
        queue = [b0]
        while queue:
            b = queue.pop(0)
            for s in range(k):
                if s in seen_col or up[b][s] or rem[b][s] < 0 or (not any_cell and rem[b][s] <= TIE):
                    continue
                seen_col.add(s)
                from_row[s] = b
                if col_need[s] > 0:
                    col_need[s] -= 1
                    while True:
                        r = from_row[s]
                        up[r][s] = True
                        if from_col[r] is None:
                            return True
                        s = from_col[r]
                        up[r][s] = False
                for r in range(n):
                    if up[r][s] and r not in from_col:
                        from_col[r] = s
                        queue.append(r)
        return False

    for any_cell in (False, True):
        for b in range(n):
            while need > 0 and row_need[b] > 0 and augment(b, any_cell):
                row_need[b] -= 1
                need -= 1
    if need != 0:
        return None
    return [[out[b][s] + up[b][s] for s in range(k)] for b in range(n)]


def split(df):
    """One row per stage; a combined row becomes its stages with students, shared out."""
    parts = [df[df.stage.isin(list(STAGE_ORDER))]]
    for kind, stages in COMBINED.items():
        c = df[df.stage == kind]
        if c.empty:
            continue
        wsum = sum(w * c[col] for _, col, w in stages).to_numpy()
        nsum = sum(c[col] for _, col, _ in stages).to_numpy()
        stu = np.column_stack([c[col].to_numpy() for _, col, _ in stages])
        fsh = np.column_stack([w * c[col].to_numpy() for _, col, w in stages]) / wsum[:, None]
        psh = stu / nsum[:, None]
        v = {x: c[x].to_numpy() for x in FACILITY + ROOMS + PEOPLE}
        split = {x: v[x][:, None] * fsh for x in FACILITY}
        split.update({x: hamilton(v[x], fsh) for x in ROOMS})
        split.update({x: hamilton(v[x], psh) for x in PEOPLE})
        # The few rows whose bands or kinds of teacher disagree with the stage totals.
        bad = (sum(split[x] for x in BANDS) != split["classes"]).any(axis=1)
        for i in np.flatnonzero(bad):
            out = within([v[x][i] for x in BANDS], psh[i], split["classes"][i])
            if out is not None:
                for x, o in zip(BANDS, out):
                    split[x][i] = o
        for x in KINDS:
            bad = (split[x] > split["teachers"]).any(axis=1) & (v[x] <= v["teachers"])
            for i in np.flatnonzero(bad):
                out = within([v[x][i], v["teachers"][i] - v[x][i]], psh[i], split["teachers"][i])
                if out is not None:
                    split[x][i] = out[0]
        for s, (stage, col, w) in enumerate(stages):
            has = stu[:, s] > 0
            part = c[has].copy()
            for x, a in split.items():
                part[x] = a[has, s]
            part["students"] = part[col]
            part["stage"] = stage
            parts.append(part)
    out = pd.concat(parts)
    out["stage"] = out.stage.astype(pd.CategoricalDtype(list(STAGE_ORDER)))
    # Source order, and a combined school's stages in order, as ziping keeps rows.
    out["stage_order"] = out.stage.cat.codes
    return out.sort_values(["src", "stage_order"], kind="stable")


def compute(df):
    """Per (year, county) and per (year, county, stage) results."""
    df = split(df)
    keys = [df.period, df.county]
    compulsory = df.stage.isin(["小学", "初中"]) & ~df.type.isin(["特殊教育学校", "职业学校"])
    first = ~df.duplicated(["period", "code"])
    comp_students = df.students.where(df.stage.isin(["小学", "初中"]), 0)
    school_students = comp_students.groupby([df.period, df.code]).transform("sum")
    cap = np.where(df.type.isin(["九年一贯制学校", "十二年一贯制学校"]), 2500, 2000)
    over_cap = np.where(df.stage == "小学", df.c46 + df.c51 + df.c56 + df.c66,
                        np.where(df.stage == "初中", df.c51 + df.c56 + df.c66, 0))
    county = pd.DataFrame({
        "oversize_schools": compulsory & first & (school_students > cap),
        "special_rooms_short": compulsory & first & ((df.music * 12 < df.classes) | (df.art * 12 < df.classes)),
        "primary.over_cap_classes": np.where(compulsory & (df.stage == "小学"), over_cap, 0),
        "junior.over_cap_classes": np.where(compulsory & (df.stage == "初中"), over_cap, 0),
        "certified": df.certified.where(compulsory, 0), "teachers": df.teachers.where(compulsory, 0),
    }).groupby(keys, observed=True).sum()
    county["certified_rate"] = county.pop("certified") / county.pop("teachers") * 100

    scope = df[compulsory & (df.own == "公办") & ~((df.type == "教学点") & (df.students < 50))]
    p = scope.students.to_numpy()
    vals = np.column_stack([scope[num].to_numpy() / p * (100 if per100 else 1) for _, num, per100 in IND])
    std = np.where((scope.stage == "小学").to_numpy()[:, None], STD["小学"], STD["初中"])
    applies = p > 0
    met = (vals >= std - TOL * np.maximum(1, std)).sum(axis=1)
    floor = (vals >= 0.85 * std - TOL * np.maximum(1, 0.85 * std)).all(axis=1)
    fail = applies & ~((met >= 6) & floor)
    skeys = [scope.period, scope.county, scope.stage]
    names = [n for n, _, _ in IND]
    w = pd.DataFrame(vals * p[:, None], columns=names, index=scope.index)  # P_i * x_i
    g = pd.concat([w, scope[["students"]], scope[[num for _, num, _ in IND]]], axis=1).groupby(skeys, observed=True)
    sums = g.sum()
    P = sums.students
    stage = pd.DataFrame({"schools": g.size(), "resource_fail": pd.Series(fail, index=scope.index).groupby(skeys, observed=True).sum()})
    for name, num, per100 in IND:
        stage[name] = sums[num] / P * (100 if per100 else 1)
    # Student-weighted CV: X̄ = Σ P_i x_i / P, S = √(Σ P_i (x_i − X̄)² / P), CV = S / X̄.
    mean = w.groupby(skeys, observed=True).transform("sum").to_numpy() / scope.groupby(skeys, observed=True).students.transform("sum").to_numpy()[:, None]
    dev = pd.DataFrame((vals - mean) ** 2 * p[:, None], columns=names, index=scope.index)
    var = dev.groupby(skeys, observed=True).sum().div(P, axis=0)
    for name in names:
        stage["cv." + name] = np.sqrt(var[name]) / (sums[name] / P)
    return county, stage


def read(path):
    df = pd.read_csv(path, usecols=list(USE), dtype=DTYPES, encoding="utf-8-sig", memory_map=True)
    df.columns = [USE[c] for c in df.columns]
    df["src"] = np.arange(len(df))
    return df


def flatten(county, stage):
    """One row per (year, county): ziping's metric ids as columns."""
    out = county.copy()
    prefix = {"小学": "primary.", "初中": "junior."}
    wide = stage.unstack("stage")
    for col, st in wide.columns:
        if st in prefix:
            out[prefix[st] + col] = wide[(col, st)]
    return out


def check(flat, path):
    """Compares every result with ziping's JSON of the latest year; prints the worst."""
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    latest = flat.xs(flat.index.get_level_values(0).max(), level=0)
    worst, compared, missing = 0.0, 0, 0
    for res in doc["results"]:
        row = latest.loc[res["unit"]["code"]] if res["unit"]["code"] in latest.index else None
        for m in res["metrics"]:
            if row is None or m["id"] not in row.index:
                continue
            ours, theirs = row[m["id"]], m["value"]
            if theirs is None or (isinstance(ours, float) and math.isnan(ours)):
                missing += (theirs is None) != (isinstance(ours, float) and math.isnan(ours))
                continue
            worst = max(worst, abs(ours - theirs) / max(1.0, abs(theirs)))
            compared += 1
    print(f"check against {path}: {compared} values compared, worst relative difference {worst:.3g}, "
          f"{missing} computed by one side only")
    return worst < 1e-9 and missing == 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("csv")
    ap.add_argument("--all-years", action="store_true", help="every year in the file, not only the latest")
    ap.add_argument("--out", help="write the per-county results as CSV")
    ap.add_argument("--check", help="compare with ziping's JSON (evaluate --format json)")
    a = ap.parse_args()
    t0 = time.perf_counter()
    df = read(a.csv)
    t1 = time.perf_counter()
    if not a.all_years:
        df = df[df.period == df.period.max()]
    county, stage = compute(df)
    t2 = time.perf_counter()
    years = sorted(county.index.get_level_values(0).unique())
    print(f"pandas {pd.__version__}: read {t1 - t0:.3f} s ({len(df)} rows of {years}), compute {t2 - t1:.3f} s, "
          f"total {t2 - t0:.3f} s")
    print(f"counties with primary equipment CV > 0.50: "
          f"{(stage.xs('小学', level='stage')['cv.equipment_value_per_student'] > 0.5).sum()}; "
          f"schools over the size caps: {county.oversize_schools.sum()}; "
          f"failing the 6-of-7 rule: {stage.resource_fail.sum()}")
    flat = None
    if a.out or a.check:
        flat = flatten(county, stage)
    if a.out:
        flat.to_csv(a.out)
    if a.check and not check(flat, a.check):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
