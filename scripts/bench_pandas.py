#!/usr/bin/env python3
"""The reference computation of docs/BENCHMARKS.md, in pandas.

Reads the school CSV that `ziping demo-data` writes and computes, hard-coded, what
the yzjh-2017 framework computes from it: combined schools split by stage (facilities
by the 1:1.1 / 1:1.2 / 1:1.1:1.32 student weights, people by plain shares), the 7
resource indicators per school, the 6-of-7/85% rule, the student-weighted CV of each
indicator per county and stage, schools over the size caps, and classes of 56+ and
66+. It prints the timings and, with --out, writes per-county results to compare
with `ziping evaluate --format json`.

    apt-get install python3-pandas
    /usr/bin/python3 scripts/bench_pandas.py nation.csv [--out pandas.csv]
"""
import sys
import time

import numpy as np
import pandas as pd

STD = {  # stage -> (per-100 high-edu, backbone, pe/art, teaching ㎡, sports ㎡, 元, rooms per 100)
    "小学": [4.2, 1, 0.9, 4.5, 7.5, 2000, 2.3],
    "初中": [5.3, 1, 0.9, 5.8, 10.2, 2500, 2.4],
}
IND = ["high_edu", "backbone", "pe_art", "teaching", "sports", "equipment", "multimedia"]
FACILITY = ["teaching_area", "sports_area", "equipment_value", "multimedia_rooms"]
PEOPLE = ["teachers_above", "backbone_teachers", "pe_art_teachers", "classes", "c56", "c66"]
COLS = {
    "年度": "period", "学校代码": "code", "区县代码": "county", "学段": "stage", "学校类别": "type",
    "办学类型": "own", "在校生数": "students", "小学在校生数": "sp", "初中在校生数": "sj", "高中在校生数": "ss",
    "班级数": "classes", "56-65人班级数": "c56", "66人及以上班级数": "c66",
    "高于规定学历教师数": "teachers_above", "县级以上骨干教师数": "backbone_teachers",
    "体育艺术专任教师数": "pe_art_teachers", "教学及辅助用房面积(㎡)": "teaching_area",
    "体育运动场馆面积(㎡)": "sports_area", "教学仪器设备值(元)": "equipment_value", "网络多媒体教室数": "multimedia_rooms",
}


def split(df):
    """One row per stage: combined rows exploded with their shares."""
    plain = df[df.stage.isin(["小学", "初中", "高中"])]
    parts = [plain]
    for kind, stages in (("九年一贯制", [("小学", "sp", 1.0), ("初中", "sj", 1.1)]),
                         ("十二年一贯制", [("小学", "sp", 1.0), ("初中", "sj", 1.1), ("高中", "ss", 1.32)]),
                         ("完全中学", [("初中", "sj", 1.0), ("高中", "ss", 1.2)])):
        c = df[df.stage == kind]
        if c.empty:
            continue
        wsum = sum(w * c[col] for _, col, w in stages)
        nsum = sum(c[col] for _, col, _ in stages)
        for stage, col, w in stages:
            part = c.copy()
            part["stage"] = stage
            part["students"] = c[col]
            fshare = (w * c[col] / wsum).fillna(0)
            pshare = (c[col] / nsum).fillna(0)
            for f in FACILITY:
                part[f] = c[f] * fshare
            for p in PEOPLE:
                part[p] = c[p] * pshare
            parts.append(part[part.students > 0])
    return pd.concat(parts, ignore_index=True)


def compute(df):
    df = split(df)
    cmp = df[df.stage.isin(["小学", "初中"]) & ~df.type.isin(["特殊教育学校", "职业学校"])]
    # Size caps on the whole school (its compulsory stages summed), counted once.
    tot = cmp.groupby(["county", "code"]).agg(students=("students", "sum"), type=("type", "first")).reset_index()
    cap = np.where(tot.type.isin(["九年一贯制学校", "十二年一贯制学校"]), 2500, 2000)
    oversize = tot[tot.students > cap].groupby("county").size()
    classes = cmp.groupby("county")[["c56", "c66"]].sum()
    scope = cmp[(cmp.own == "公办") & ~((cmp.type == "教学点") & (cmp.students < 50)) & (cmp.students > 0)].copy()
    p = scope.students
    vals = np.column_stack([
        scope.teachers_above / p * 100, scope.backbone_teachers / p * 100, scope.pe_art_teachers / p * 100,
        scope.teaching_area / p, scope.sports_area / p, scope.equipment_value / p, scope.multimedia_rooms / p * 100])
    std = np.array([STD[s] for s in scope.stage])
    met = (vals >= std - 1e-9).sum(axis=1)
    floor = (vals >= 0.85 * std - 1e-9).all(axis=1)
    scope["fail"] = ~((met >= 6) & floor)
    for i, name in enumerate(IND):
        scope[name] = vals[:, i]
    # Student-weighted CV per county and stage: X̄ = Σw·x, S = √Σw(x−X̄)², w = P_i/P.
    g = scope.groupby(["county", "stage"])
    P = g.students.transform("sum")
    w = scope.students / P
    out = {}
    for name in IND:
        mean = (w * scope[name]).groupby([scope.county, scope.stage]).transform("sum")
        var = (w * (scope[name] - mean) ** 2).groupby([scope.county, scope.stage]).sum()
        m = (w * scope[name]).groupby([scope.county, scope.stage]).sum()
        out["cv_" + name] = np.sqrt(var) / m
    res = pd.DataFrame(out)
    res["fail"] = g.fail.sum()
    return res, oversize, classes


def main():
    path = sys.argv[1]
    t0 = time.perf_counter()
    df = pd.read_csv(path, usecols=list(COLS), dtype={"学校代码": str, "区县代码": str}).rename(columns=COLS)
    t1 = time.perf_counter()
    latest = df.period.max()
    res, oversize, classes = compute(df[df.period == latest])
    t2 = time.perf_counter()
    print(f"pandas {pd.__version__}: read {t1 - t0:.3f} s ({len(df)} rows), compute {t2 - t1:.3f} s, total {t2 - t0:.3f} s")
    print(f"counties with primary equipment CV > 0.50: {(res.xs('小学', level='stage').cv_equipment > 0.5).sum()}; "
          f"schools over the size caps: {oversize.sum()}; classes 56-65: {classes.c56.sum():.0f}, 66+: {classes.c66.sum():.0f}")
    if "--out" in sys.argv:
        res.to_csv(sys.argv[sys.argv.index("--out") + 1])


if __name__ == "__main__":
    main()
