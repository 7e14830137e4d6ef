"""The dataset's own baseline scoreboard (`npm run evaluate -- --in DIR`).

Trains on the train split, picks early stopping and alarm thresholds on val, reports on test.
Models: persistence, linear trend extrapolation, ridge (L2-regularised linear / logistic
regression on the window features plus static demographics) and gradient-boosted trees
(LightGBM). Tasks: CGM glucose at t+1 and at each forecast horizon; the early-warning labels
label_{hypo,hyper}glycemia_within_{h}min; and the original label_hypoglycemia_risk.

Writes <DIR>/evaluation.json (temp file + rename) and prints a table. Deterministic: the same
dataset gives the same numbers (seeded subsampling, single-seeded deterministic LightGBM).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import warnings

import lightgbm as lgb
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import sklearn
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from scipy.linalg import LinAlgWarning

# The window's lags of slow signals (hour of day, insulin on board) are nearly collinear; ridge's
# penalty is there for exactly that, so scipy's conditioning warning is noise here.
warnings.filterwarnings("ignore", category=LinAlgWarning)

SPLITS = ("train", "val", "test")
# Consensus CGM episodes (Battelino et al. 2023): >= 15 consecutive minutes beyond the threshold.
EPISODE_MINUTES = 15
HYPO_BELOW = 70.0
HYPER_ABOVE = 250.0
CGM_MIN, CGM_MAX = 40.0, 400.0
# Persistence uses the last reading at most this old (a --cgm-gaps dataset has minutes without one).
MAX_READING_AGE_MINUTES = 15
# Static columns a modeller may join from demographics. The per-patient CGM summaries
# (cgm_*, gmi_pct) are left out: they are computed over the whole series, the future included.
STATIC_COLUMNS = [
    "age", "bmi", "height_cm", "weight_kg", "resting_hr_baseline", "max_heart_rate",
    "insulin_sensitivity_factor", "carb_ratio_g_per_unit", "correction_factor_mgdl_per_unit",
    "basal_rate_units_per_hour", "basal_glucose_mgdl", "qtc_baseline_ms",
    "cardiac_autonomic_neuropathy", "impaired_hypo_awareness", "control_struggle",
]
MODELS = ("persistence", "trend", "ridge", "gbt")


def log(message: str) -> None:
    print(f"[evaluate] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- reading


def table_files(dataset: Path, split: str) -> list[Path]:
    directory = dataset / f"timeseries_features_{split}.parquet"
    return sorted(directory.glob("part-*.parquet")) if directory.is_dir() else []


def read_split(dataset: Path, split: str, columns: list[str], fraction: float, seed: int) -> dict[str, np.ndarray]:
    """The chosen columns of a split, keeping each row with probability `fraction` (seeded per file)."""
    parts: dict[str, list[np.ndarray]] = {c: [] for c in columns}
    for index, file in enumerate(table_files(dataset, split)):
        table = pq.read_table(file, columns=columns)
        keep = None
        if fraction < 1.0:
            rng = np.random.default_rng([seed, index])
            keep = rng.random(table.num_rows) < fraction
        for column in columns:
            values = table.column(column).to_numpy()
            parts[column].append(values[keep] if keep is not None else values)
    return {c: (np.concatenate(v) if v else np.array([])) for c, v in parts.items()}


def static_features(dataset: Path) -> dict[str, np.ndarray]:
    table = pq.read_table(dataset / "patient_demographics.parquet", columns=["patient_id", "gender", *STATIC_COLUMNS])
    by_id = {pid: i for i, pid in enumerate(table.column("patient_id").to_pylist())}
    matrix = np.column_stack(
        [(np.array(table.column("gender").to_pylist()) == "M").astype(np.float64)]
        + [table.column(c).to_numpy().astype(np.float64) for c in STATIC_COLUMNS]
    )
    return {"index": by_id, "matrix": matrix}


def design_matrix(rows: dict[str, np.ndarray], feature_columns: list[str], statics: dict) -> np.ndarray:
    window = np.column_stack([rows[c] for c in feature_columns]).astype(np.float32)
    index = np.fromiter((statics["index"][pid] for pid in rows["patient_id"]), dtype=np.int64, count=len(rows["patient_id"]))
    return np.hstack([window, statics["matrix"][index].astype(np.float32)])


# ---------------------------------------------------------------- metrics


def clarke_zones(reference: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    """Clarke error grid zone (0 = A … 4 = E) of each pair, mg/dL (Clarke et al. 1987, Diabetes Care 10:622)."""
    x, y = reference, predicted
    zone = np.full(x.shape, 1, dtype=np.int8)  # B unless another zone applies
    d = ((x >= 240) & (y >= 70) & (y <= 180)) | ((x <= 175 / 3) & (y <= 180) & (y >= 70)) | ((x >= 175 / 3) & (x <= 70) & (y >= 6 / 5 * x))
    c = ((x >= 70) & (x <= 290) & (y >= x + 110)) | ((x >= 130) & (x <= 180) & (y <= 7 / 5 * x - 182))
    e = ((x >= 180) & (y <= 70)) | ((x <= 70) & (y >= 180))
    a = ((x <= 70) & (y <= 70)) | ((y <= 1.2 * x) & (y >= 0.8 * x))
    zone[d] = 3
    zone[c] = 2
    zone[e] = 4
    zone[a] = 0
    return zone


def glucose_metrics(reference: np.ndarray, predicted: np.ndarray) -> dict:
    error = predicted - reference
    zones = clarke_zones(reference, predicted)
    return {
        "rmse": float(np.sqrt(np.mean(error**2))),
        "mae": float(np.mean(np.abs(error))),
        "mard": float(100 * np.mean(np.abs(error) / reference)),
        "clarkeA": float(100 * np.mean(zones == 0)),
        "clarkeAB": float(100 * np.mean(zones <= 1)),
    }


def best_f1_threshold(labels: np.ndarray, scores: np.ndarray) -> float:
    """The score threshold that maximises window-level F1 (chosen on val)."""
    order = np.argsort(-scores, kind="stable")
    sorted_scores, sorted_labels = scores[order], labels[order]
    true_positives = np.cumsum(sorted_labels)
    alarms = np.arange(1, len(scores) + 1)
    positives = max(1, int(labels.sum()))
    f1 = 2 * true_positives / (alarms + positives)
    # Only cut between distinct scores.
    last_of_value = np.r_[sorted_scores[1:] != sorted_scores[:-1], True]
    f1 = np.where(last_of_value, f1, -1)
    best = int(np.argmax(f1))
    return float(sorted_scores[best])


def episode_onsets(glucose: np.ndarray, beyond: np.ndarray, horizon: int) -> list[int]:
    """Onsets of sustained episodes wholly visible in one patient's rows, with h rows before them."""
    onsets = []
    n = len(glucose)
    i = 0
    while i < n:
        if not beyond[i]:
            i += 1
            continue
        start = i
        while i < n and beyond[i]:
            i += 1
        # A run already under way at the first row, or cut by the last row short of 15 minutes, is unknown.
        if start > 0 and i - start >= EPISODE_MINUTES and start - horizon >= 0:
            onsets.append(start)
    return onsets


def event_metrics(test: dict, alarm: np.ndarray, labels: np.ndarray, kind: str, horizon: int) -> dict:
    """Share of test episodes with an alarm in the h minutes before onset; false alarms per patient-day."""
    glucose = test["feature_t0_glucose_mgdl"]
    beyond = glucose < HYPO_BELOW if kind == "hypo" else glucose > HYPER_ABOVE
    bounds = test["patient_bounds"]
    episodes = warned = false_alarms = 0
    for start, end in bounds:
        a = alarm[start:end]
        for onset in episode_onsets(glucose[start:end], beyond[start:end], horizon):
            episodes += 1
            warned += int(a[onset - horizon : onset].any())
        # An alarm is raised where the alarm signal rises; it is false if no episode minute follows within h.
        rises = np.flatnonzero(a & ~np.r_[False, a[:-1]])
        false_alarms += int(np.sum(labels[start:end][rises] == 0))
    patient_days = len(glucose) / 1440
    return {
        "episodes": episodes,
        "eventSensitivity": (warned / episodes) if episodes else None,
        "falseAlarmsPerPatientDay": false_alarms / patient_days if patient_days else None,
    }


def auroc(labels: np.ndarray, scores: np.ndarray) -> float | None:
    return float(roc_auc_score(labels, scores)) if 0 < labels.sum() < len(labels) else None


def label_metrics(labels: np.ndarray, scores: np.ndarray, alarm: np.ndarray, not_yet: np.ndarray) -> dict:
    has_both = 0 < labels.sum() < len(labels)
    true_positives = int(np.sum(alarm & (labels == 1)))
    return {
        "auroc": auroc(labels, scores),
        # Most positive windows lie inside an episode already under way, where "CGM is low now" is
        # enough; the early-warning case is the windows whose CGM is not yet beyond the threshold.
        "aurocNotYetBeyond": auroc(labels[not_yet], scores[not_yet]),
        "auprc": float(average_precision_score(labels, scores)) if has_both else None,
        "prevalence": float(labels.mean()),
        "windowSensitivity": true_positives / max(1, int(labels.sum())),
        "windowPrecision": (true_positives / int(alarm.sum())) if alarm.sum() else None,
    }


# ---------------------------------------------------------------- models


def trend_forecast(rows: dict, lag_columns: list[str], horizon: int) -> np.ndarray:
    """Least-squares line through the window's CGM readings (missing ones left out), read h minutes past
    t0, clipped to the CGM range; with fewer than two readings in the window, the last reading."""
    times = -np.arange(len(lag_columns), dtype=np.float64)  # t0 = 0, t1 = -1, …
    values = np.column_stack([rows[c] for c in lag_columns]).astype(np.float64)
    present = ~np.isnan(values)
    count = present.sum(axis=1)
    weights = present.astype(np.float64)
    mean_time = (weights @ times) / np.maximum(count, 1)
    mean_value = np.nansum(values, axis=1) / np.maximum(count, 1)
    centred_times = (times[None, :] - mean_time[:, None]) * weights
    centred_values = np.where(present, values - mean_value[:, None], 0.0)
    slope = (centred_values * centred_times).sum(axis=1) / np.maximum(1e-12, (centred_times**2).sum(axis=1))
    forecast = np.where(count >= 2, mean_value + slope * (horizon - mean_time), rows["last_reading"])
    return np.clip(forecast, CGM_MIN, CGM_MAX)


def impute(matrix: np.ndarray, last: np.ndarray, column_means: np.ndarray) -> np.ndarray:
    """NaN features (missing CGM readings) replaced by the window's last reading, else the column's train mean."""
    if not np.isnan(matrix).any():
        return matrix
    filled = np.where(np.isnan(matrix), last[:, None], matrix)
    return np.where(np.isnan(filled), column_means[None, :], filled).astype(matrix.dtype)


def last_reading(rows: dict, lag_columns: list[str], consecutive: bool) -> np.ndarray:
    """The last CGM reading no older than 15 minutes at each window's t0: the window's latest reading,
    else (rows of one patient minute after minute, as the test split is read) an earlier row's t0.
    NaN where the sensor gave nothing for 15 minutes (a --cgm-gaps dataset)."""
    latest = rows[lag_columns[0]].astype(np.float64).copy()
    for column in lag_columns[1:]:
        missing = np.isnan(latest)
        if not missing.any():
            return latest
        latest[missing] = rows[column][missing]
    if consecutive and np.isnan(latest).any():
        t0 = pd.Series(rows[lag_columns[0]].astype(np.float64))
        filled = t0.groupby(pd.Series(rows["patient_id"])).ffill(limit=MAX_READING_AGE_MINUTES).to_numpy()
        latest = np.where(np.isnan(latest), filled, latest)
    return latest


def gbt_params(objective: str, threads: int, seed: int) -> dict:
    return {
        "objective": objective,
        "learning_rate": 0.15,
        "num_leaves": 31,
        "min_data_in_leaf": 200,
        "feature_fraction": 0.8,
        "max_bin": 63,
        "lambda_l2": 1.0,
        "num_threads": threads,
        "seed": seed,
        "deterministic": True,
        "force_row_wise": True,
        "verbosity": -1,
    }


def fit_gbt(objective: str, x_train, y_train, x_val, y_val, threads: int, seed: int, rounds: int):
    train_set = lgb.Dataset(x_train, y_train, free_raw_data=True)
    val_set = lgb.Dataset(x_val, y_val, reference=train_set)
    return lgb.train(
        gbt_params(objective, threads, seed),
        train_set,
        num_boost_round=rounds,
        valid_sets=[val_set],
        callbacks=[lgb.early_stopping(20, verbose=False)],
    )


# ---------------------------------------------------------------- main


def patient_bounds(patient_ids: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) of each patient's rows; rows of a patient are contiguous and in time order."""
    if len(patient_ids) == 0:
        return []
    changes = np.flatnonzero(patient_ids[1:] != patient_ids[:-1]) + 1
    starts = np.r_[0, changes]
    ends = np.r_[changes, len(patient_ids)]
    return list(zip(starts.tolist(), ends.tolist()))


def evaluate(dataset: Path, max_train_rows: int, max_val_rows: int, seed: int, threads: int, rounds: int) -> dict:
    manifest = json.loads((dataset / "_manifest.json").read_text())
    last_config = manifest["runs"][-1]["config"]
    horizons = sorted(last_config.get("forecastHorizonsMinutes", []))
    window = int(last_config["windowSizeMinutes"])
    totals = {s: manifest["totals"][f"timeseries_features_{s}"]["rows"] for s in SPLITS}
    if min(totals.values()) == 0:
        raise SystemExit(f"error: invalid --in: {dataset} has an empty split ({totals}); evaluation needs rows in train, val and test")

    schema = pq.read_schema(table_files(dataset, "test")[0])
    feature_columns = [n for n in schema.names if n.startswith("feature_t")]
    lag_columns = [f"feature_t{k}_glucose_mgdl" for k in range(window)]
    glucose_targets = [("target_glucose_mgdl", 1)] + [(f"target_glucose_mgdl_{h}min", h) for h in horizons]
    label_tasks = [("label_hypoglycemia_risk", "hypoglycemia_risk", "hypo", 1)]
    for h in horizons:
        label_tasks.append((f"label_hypoglycemia_within_{h}min", "hypoglycemia_within", "hypo", h))
        label_tasks.append((f"label_hyperglycemia_within_{h}min", "hyperglycemia_within", "hyper", h))
    columns = ["patient_id", *feature_columns, *[c for c, _ in glucose_targets], *[c for c, *_ in label_tasks]]

    started = time.time()
    train_fraction = min(1.0, max_train_rows / totals["train"])
    val_fraction = min(1.0, max_val_rows / totals["val"])
    train = read_split(dataset, "train", columns, train_fraction, seed)
    val = read_split(dataset, "val", columns, val_fraction, seed + 1)
    test = read_split(dataset, "test", columns, 1.0, seed + 2)
    test["patient_bounds"] = patient_bounds(test["patient_id"])
    statics = static_features(dataset)
    x = {name: design_matrix(rows, feature_columns, statics) for name, rows in (("train", train), ("val", val), ("test", test))}
    log(f"read train {len(train['patient_id']):,} of {totals['train']:,} rows, val {len(val['patient_id']):,} of {totals['val']:,}, test {len(test['patient_id']):,} (all) in {time.time() - started:.1f} s")

    for name, rows in (("train", train), ("val", val), ("test", test)):
        # Train and val are row samples, so only the window's own readings count there.
        rows["last_reading"] = last_reading(rows, lag_columns, consecutive=name == "test")
    # Ridge takes no missing values: a missing CGM feature becomes the last reading, else the train mean.
    column_means = np.nanmean(x["train"], axis=0)
    x_ridge = {name: impute(x[name], g, column_means) for name, g in (("train", train["last_reading"]), ("val", val["last_reading"]), ("test", test["last_reading"]))}

    results = []
    # Kept for the subgroup rows: persistence and the best model at each horizon, and their hypo warnings.
    kept_forecasts: dict[str, dict[str, np.ndarray]] = {}
    kept_warnings: dict[str, dict[str, np.ndarray]] = {}
    g0 = {name: rows["last_reading"] for name, rows in (("train", train), ("val", val), ("test", test))}
    for column, horizon in glucose_targets:
        step = time.time()
        # Models learn the change from the last reading, on rows with a target and a last reading;
        # every model is scored on the same test rows (with a target, and a reading within 15 min).
        usable = {name: ~np.isnan(rows[column].astype(np.float64)) & ~np.isnan(g0[name]) for name, rows in (("train", train), ("val", val), ("test", test))}
        fit, check, scored = usable["train"], usable["val"], usable["test"]
        reference = test[column].astype(np.float64)[scored]
        ridge = make_pipeline(StandardScaler(), Ridge(alpha=1.0))
        ridge.fit(x_ridge["train"][fit], (train[column] - g0["train"])[fit])
        gbt = fit_gbt("regression", x["train"][fit], (train[column] - g0["train"])[fit], x["val"][check], (val[column] - g0["val"])[check], threads, seed, rounds)
        last = g0["test"][scored]
        predictions = {
            "persistence": last,
            "trend": trend_forecast(test, lag_columns, horizon)[scored],
            "ridge": np.clip(last + ridge.predict(x_ridge["test"][scored]), CGM_MIN, CGM_MAX),
            "gbt": np.clip(last + gbt.predict(x["test"][scored], num_threads=threads), CGM_MIN, CGM_MAX),
        }
        for model in MODELS:
            results.append({"task": "glucose", "target": column, "horizonMinutes": horizon, "model": model, "scoredRows": int(scored.sum()), **glucose_metrics(reference, predictions[model])})
        results[-1]["gbtRounds"] = gbt.best_iteration
        if horizon in SUBGROUP_HORIZONS:
            kept_forecasts[column] = {"rows": scored, "reference": reference, "persistence": predictions["persistence"], "gbt": predictions["gbt"], "horizon": horizon}
        log(f"{column}: {time.time() - step:.1f} s")

    for column, task, kind, horizon in label_tasks:
        step = time.time()
        y_train, y_val, y_test = train[column].astype(np.int32), val[column].astype(np.int32), test[column].astype(np.int32)
        sign = -1.0 if kind == "hypo" else 1.0
        threshold = HYPO_BELOW if kind == "hypo" else HYPER_ABOVE
        # Persistence and trend alarm by their own rule (glucose now / projected beyond the threshold);
        # their scores rank windows by how far beyond the threshold that glucose is.
        # Without a reading in 15 min there is nothing to alarm on: such windows rank last.
        scores = {
            "persistence": np.nan_to_num(sign * (g0["test"] - threshold), nan=-1e6),
            "trend": np.nan_to_num(sign * (trend_forecast(test, lag_columns, horizon) - threshold), nan=-1e6),
        }
        alarms = {
            "persistence": (g0["test"] < HYPO_BELOW) if kind == "hypo" else (g0["test"] > HYPER_ABOVE),
        }
        alarms["trend"] = scores["trend"] > 0
        learnable = 0 < y_train.sum() < len(y_train) and 0 < y_val.sum()
        if learnable:
            ridge = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=300))
            ridge.fit(x_ridge["train"], y_train)
            gbt = fit_gbt("binary", x["train"], y_train, x["val"], y_val, threads, seed, rounds)
            for model, predict, matrix in (
                ("ridge", lambda d: ridge.predict_proba(d)[:, 1], x_ridge),
                ("gbt", lambda d: gbt.predict(d, num_threads=threads), x),
            ):
                cut = best_f1_threshold(y_val, predict(matrix["val"]))
                scores[model] = predict(matrix["test"])
                alarms[model] = scores[model] >= cut
        if task == "hypoglycemia_within" and horizon in SUBGROUP_HORIZONS:
            kept_warnings[column] = {"labels": y_test, "horizon": horizon, "notYet": ~alarms["persistence"], **{f"{m}:{part}": source[m] for m in ("persistence", "gbt") if m in scores for part, source in (("score", scores), ("alarm", alarms))}}
        for model in MODELS:
            if model not in scores:
                results.append({"task": task, "target": column, "horizonMinutes": horizon, "model": model, "auroc": None, "auprc": None, "note": "no positives to learn from in train or val"})
                continue
            row = {"task": task, "target": column, "horizonMinutes": horizon, "model": model, **label_metrics(y_test, scores[model], alarms[model], ~alarms["persistence"])}
            if task != "hypoglycemia_risk":
                row.update(event_metrics(test, alarms[model], y_test, kind, horizon))
            results.append(row)
        log(f"{column}: {time.time() - step:.1f} s")

    results.extend(subgroup_rows(dataset, test["patient_id"], kept_forecasts, kept_warnings))

    return {
        "dataset": {
            "location": str(dataset),
            "datasetId": manifest["datasetId"],
            "schemaVersion": manifest["schemaVersion"],
            "lastRunId": manifest["runs"][-1]["runId"],
            "committedRuns": len(manifest["runs"]),
            "patients": manifest["totals"]["patient_demographics"]["rows"],
            "rows": totals,
            "windowSizeMinutes": window,
            "horizonsMinutes": horizons,
        },
        "trainRowsUsed": int(len(train["patient_id"])),
        "valRowsUsed": int(len(val["patient_id"])),
        "testRows": int(len(test["patient_id"])),
        "testPatientDays": len(test["patient_id"]) / 1440,
        "seed": seed,
        "software": {"scikit-learn": sklearn.__version__, "lightgbm": lgb.__version__, "numpy": np.__version__},
        "definitions": {
            "split use": "train: fitting (a seeded random subset of rows, trainRowsUsed); val: GBT early stopping and the alarm threshold of ridge and gbt (max window-level F1); test: every reported figure",
            "features": "all feature_t{k}_* window columns plus static demographics (gender, age, body size, heart-rate baselines, therapy settings, QTc, neuropathy, hypo awareness, control struggle, insulin sensitivity); the per-patient CGM summaries are left out (computed over the whole series, future included)",
            "persistence": "glucose: the last CGM reading at most 15 min old (in a --cgm-gaps dataset some windows have none); labels: alarm when CGM now is below 70 (hypo) / above 250 (hyper), ranked by distance beyond the threshold",
            "trend": "least-squares line through the window's CGM values, read h minutes ahead (clipped to 40-400); labels: alarm when that projection is beyond the threshold",
            "ridge": "glucose: ridge regression (alpha 1, standardised) of the change from the last CGM value; labels: L2-regularised logistic regression (C 1, standardised)",
            "gbt": "LightGBM gradient-boosted trees (31 leaves, learning rate 0.15, at most 200 rounds, early stopping on val), glucose as change from the last CGM value",
            "aurocNotYetBeyond": "AUROC over the test windows whose CGM at t0 is not yet beyond the threshold (>= 70 for hypo, <= 250 for hyper): early warning proper, where persistence has nothing to go on",
            "clarkeA, clarkeAB": "% of test predictions in Clarke error grid zone A, and A or B",
            "mard": "mean absolute relative difference, %",
            "scoredRows": "test rows a glucose target is scored on: those with a target and a CGM reading within the last 15 min (all rows unless --cgm-gaps); LightGBM takes missing readings as NaN, ridge gets them filled with the last reading",
            "eventSensitivity": "share of test-split sustained episodes (>= 15 consecutive minutes beyond the threshold, wholly visible, with h rows before onset) with at least one alarm in the h minutes before onset",
            "subgroup": "rows with a subgroup field score the same models (fitted on the whole train split) on the test windows of one therapy or one age group: persistence and gbt at 30 and 60 min, and the hypoglycaemia early warning within 30 and 60 min",
            "falseAlarmsPerPatientDay": "alarms (rising edges of the alarm signal) whose window label is 0, i.e. no sustained-episode minute within the next h minutes, per test patient-day",
        },
        "results": results,
    }


SUBGROUP_HORIZONS = (30, 60)
SUBGROUP_FIELDS = ("therapy", "age_group")


def subgroup_rows(dataset: Path, patient_ids: np.ndarray, forecasts: dict, warnings: dict) -> list[dict]:
    """Scores of the kept predictions on the test rows of each therapy and each age group (schema >= 3)."""
    demographics = pq.read_table(dataset / "patient_demographics.parquet")
    if not all(field in demographics.column_names for field in SUBGROUP_FIELDS):
        return []
    rows = []
    ids = demographics.column("patient_id").to_pylist()
    # Look each test patient up once, not each of its windows.
    test_ids, window_patient = np.unique(patient_ids, return_inverse=True)
    for field in SUBGROUP_FIELDS:
        value_of = dict(zip(ids, demographics.column(field).to_pylist()))
        row_values = np.array([value_of[pid] for pid in test_ids])[window_patient]
        for value in sorted(set(row_values.tolist())):
            mask = row_values == value
            subgroup = {"therapy" if field == "therapy" else "ageGroup": value}
            for column, kept in forecasts.items():
                scored = mask[kept["rows"]]
                for model in ("persistence", "gbt"):
                    rows.append({"task": "glucose", "target": column, "horizonMinutes": kept["horizon"], "model": model, "subgroup": subgroup, "testRows": int(scored.sum()), **glucose_metrics(kept["reference"][scored], kept[model][scored])})
            for column, kept in warnings.items():
                for model in ("persistence", "gbt"):
                    if f"{model}:score" not in kept:
                        continue
                    metrics = label_metrics(kept["labels"][mask], kept[f"{model}:score"][mask], kept[f"{model}:alarm"][mask], kept["notYet"][mask])
                    rows.append({"task": "hypoglycemia_within", "target": column, "horizonMinutes": kept["horizon"], "model": model, "subgroup": subgroup, "testRows": int(mask.sum()), **metrics})
    return rows


def fmt(value, digits=2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def print_table(evaluation: dict) -> None:
    out = sys.stdout
    out.write(f"\nBaselines on the test split ({evaluation['testRows']:,} windows, {evaluation['testPatientDays']:.1f} patient-days); trained on {evaluation['trainRowsUsed']:,} train rows\n\n")
    out.write(f"{'glucose target':<28} {'model':<12} {'RMSE':>7} {'MAE':>7} {'MARD%':>7} {'A%':>6} {'A+B%':>6}\n")
    whole = [r for r in evaluation["results"] if "subgroup" not in r]
    for r in whole:
        if r["task"] == "glucose":
            out.write(f"{r['target']:<28} {r['model']:<12} {fmt(r['rmse']):>7} {fmt(r['mae']):>7} {fmt(r['mard']):>7} {fmt(r['clarkeA'], 1):>6} {fmt(r['clarkeAB'], 1):>6}\n")
    out.write(f"\n{'label':<34} {'model':<12} {'AUROC':>6} {'AUROC*':>6} {'AUPRC':>6} {'sens':>6} {'prec':>6} {'events':>7} {'ev.sens':>7} {'FA/pd':>6}\n")
    for r in whole:
        if r["task"] != "glucose":
            out.write(
                f"{r['target']:<34} {r['model']:<12} {fmt(r.get('auroc'), 3):>6} {fmt(r.get('aurocNotYetBeyond'), 3):>6} {fmt(r.get('auprc'), 3):>6} {fmt(r.get('windowSensitivity')):>6} {fmt(r.get('windowPrecision')):>6}"
                f" {r.get('episodes', '—'):>7} {fmt(r.get('eventSensitivity')):>7} {fmt(r.get('falseAlarmsPerPatientDay')):>6}\n"
            )
    out.write("AUROC*: over windows not yet beyond the threshold at t0; sens/prec: per window at the threshold chosen on val; ev.sens: share of episodes warned within h minutes before onset; FA/pd: false alarms per patient-day\n")
    groups = [r for r in evaluation["results"] if "subgroup" in r]
    if groups:
        out.write(f"\nBy subgroup (test windows of one therapy or age group; models fitted on all of train)\n")
        out.write(f"{'subgroup':<22} {'target':<34} {'model':<12} {'rows':>9} {'RMSE':>7} {'MARD%':>7} {'AUROC':>6} {'AUROC*':>6} {'sens':>6}\n")
        for r in groups:
            name = "=".join(next(iter(r["subgroup"].items())))
            out.write(
                f"{name:<22} {r['target']:<34} {r['model']:<12} {r['testRows']:>9,} {fmt(r.get('rmse')):>7} {fmt(r.get('mard')):>7}"
                f" {fmt(r.get('auroc'), 3):>6} {fmt(r.get('aurocNotYetBeyond'), 3):>6} {fmt(r.get('windowSensitivity')):>6}\n"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--max-train-rows", type=int, default=250_000)
    parser.add_argument("--max-val-rows", type=int, default=150_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    started = time.time()
    evaluation = evaluate(args.dataset, args.max_train_rows, args.max_val_rows, args.seed, args.threads, args.rounds)
    target = args.dataset / "evaluation.json"
    temporary = args.dataset / f".evaluation.json.{os.getpid()}.tmp"
    temporary.write_text(json.dumps(evaluation, indent=2) + "\n")
    os.replace(temporary, target)
    print_table(evaluation)
    print(f"\nevaluation.json: {target}\nwall time {time.time() - started:.1f} s", flush=True)


if __name__ == "__main__":
    main()
