"""Real vs generated: distribution distances of per-segment metrics, a discriminator, and
forecasting utility (train on synthetic, test on real), for `npm run fidelity`.

Input: a work directory written by src/fidelity/runFidelity.ts:
  segments.json   one row per segment: side, source, person, metrics (null where undefined)
  series.json     the dynamics series: side, source, person, offset and length in glucose.f64
  glucose.f64     float64 little-endian, mg/dL on the common 0.1 mmol/L grid, NaN = no reading
  options.json    seed, augmentation on/off, metric names
Output: result.json in the same directory. Progress lines go to stderr.

Nothing is fitted, scaled or stopped early on the real people a model is tested on.
"""

import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import lightgbm as lgb
import numpy as np
from scipy.stats import ks_2samp, wasserstein_distance
from sklearn.linear_model import Ridge
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

SLOT_MINUTES = 5
# Discriminator: complete 2-hour windows (24 readings), at most this many per person and side.
WINDOW_SLOTS = 24
WINDOWS_PER_PERSON = 60
# Forecasting: a 1-hour glucose history (12 readings), targets 30 and 60 minutes after its last.
HISTORY_SLOTS = 12
HORIZONS = (30, 60)
TRAIN_WINDOWS = 40_000
TEST_STRIDE = 3
BOOTSTRAP = 200
AUGMENT_K = (1, 2, 4)
AUGMENT_DRAWS = 10
AUGMENT_SYNTHETIC_WINDOWS = 20_000
MIN_GAIN_MGDL = 1.0

# Fixed, documented parameters (docs/FIDELITY.md): no tuning on anyone's data.
LGB_PARAMS = dict(
    n_estimators=300,
    learning_rate=0.05,
    num_leaves=31,
    min_child_samples=50,
    subsample=0.8,
    subsample_freq=1,
    colsample_bytree=0.9,
    n_jobs=2,
    # The same inputs give the same models, whatever the thread timing.
    deterministic=True,
    force_row_wise=True,
    verbose=-1,
)


def log(message):
    print(f"[fidelity] {message}", file=sys.stderr, flush=True)


def quartiles(values):
    return [float(np.percentile(values, q)) for q in (25, 50, 75)] if len(values) else None


def finite(values):
    values = np.asarray(values, dtype=float)
    return values[np.isfinite(values)]


def values_by_person(rows):
    """(person, value) rows grouped in one pass, people in sorted order (a set's order changes with Python's hash seed)."""
    grouped = defaultdict(list)
    for person, value in rows:
        grouped[person].append(value)
    return {person: np.array(grouped[person]) for person in sorted(grouped)}


def compare_metric(real_rows, synth_rows, name, rng):
    """Quartiles per side, KS and Wasserstein-1 over segments, 95 % CIs by resampling people."""
    real = [(r["person"], r["metrics"].get(name)) for r in real_rows]
    synth = [(r["person"], r["metrics"].get(name)) for r in synth_rows]
    real = [(p, v) for p, v in real if v is not None and np.isfinite(v)]
    synth = [(p, v) for p, v in synth if v is not None and np.isfinite(v)]
    if len(real) < 2:
        return None
    rv = np.array([v for _, v in real])
    if len(synth) < 2:
        # A figure the generated dataset does not record (meals, insulin): the real side alone.
        return {"real": quartiles(rv), "synthetic": None, "ks": None, "wasserstein": None, "realSegments": len(rv), "syntheticSegments": 0, "realPeople": len({p for p, _ in real})}
    sv = np.array([v for _, v in synth])
    result = {
        "real": quartiles(rv),
        "synthetic": quartiles(sv),
        "ks": float(ks_2samp(rv, sv).statistic),
        "wasserstein": float(wasserstein_distance(rv, sv)),
        "realSegments": len(rv),
        "syntheticSegments": len(sv),
        "realPeople": len({p for p, _ in real}),
    }
    # Bootstrap by person: resample people (with all their segments) on both sides.
    real_people, synth_people = values_by_person(real), values_by_person(synth)
    rk, sk = list(real_people), list(synth_people)
    ks, real_med, synth_med = [], [], []
    for _ in range(BOOTSTRAP):
        r = np.concatenate([real_people[rk[i]] for i in rng.integers(0, len(rk), len(rk))])
        s = np.concatenate([synth_people[sk[i]] for i in rng.integers(0, len(sk), len(sk))])
        ks.append(ks_2samp(r, s).statistic)
        real_med.append(np.median(r))
        synth_med.append(np.median(s))
    ci = lambda xs: [float(np.percentile(xs, 2.5)), float(np.percentile(xs, 97.5))]
    result["ksCi95"] = ci(ks)
    result["realMedianCi95"] = ci(real_med)
    result["syntheticMedianCi95"] = ci(synth_med)
    return result


def windows_of(values, length, stride=1):
    """Start indices of complete windows (no NaN) of `length` slots."""
    if len(values) < length:
        return np.empty(0, dtype=int)
    valid = np.isfinite(values).astype(np.int32)
    sums = np.convolve(valid, np.ones(length, dtype=np.int32), mode="valid")
    starts = np.nonzero(sums == length)[0]
    return starts[::stride] if stride > 1 else starts


def discriminator_windows(series, glucose, rng, cap):
    """Per person up to `cap` complete 2-hour windows, drawn uniformly without replacement."""
    rows, groups = [], []
    for s in series:
        values = glucose[s["offset"] : s["offset"] + s["length"]]
        starts = windows_of(values, WINDOW_SLOTS)
        if len(starts) == 0:
            continue
        chosen = rng.choice(starts, size=min(cap, len(starts)), replace=False)
        for start in chosen:
            rows.append(values[start : start + WINDOW_SLOTS])
            groups.append(f'{s["source"]}:{s["person"]}')
    return np.array(rows).reshape(-1, WINDOW_SLOTS), np.array(groups)


def discriminator_features(windows):
    return np.hstack([windows, np.diff(windows, axis=1)])


DISCRIMINATOR_FEATURE_NAMES = [f"value {-(WINDOW_SLOTS - 1 - i) * SLOT_MINUTES} min" for i in range(WINDOW_SLOTS)] + [
    f"change {-(WINDOW_SLOTS - 2 - i) * SLOT_MINUTES} min" for i in range(WINDOW_SLOTS - 1)
]


def discriminate(real_series, synth_series, glucose, seed):
    """LightGBM telling real from generated 2-hour windows: folds by person, balanced classes, AUROC with a CI by person."""
    rng = np.random.default_rng(seed)
    real_x, real_g = discriminator_windows(real_series, glucose, rng, WINDOWS_PER_PERSON)
    # The generated side: the same cap per person, then as many windows as the real side has.
    synth_x, synth_g = discriminator_windows(synth_series, glucose, rng, WINDOWS_PER_PERSON)
    n = min(len(real_x), len(synth_x))
    if n < 50 or len(set(real_g)) < 2 or len(set(synth_g)) < 2:
        return None
    pick_r = rng.choice(len(real_x), n, replace=False)
    pick_s = rng.choice(len(synth_x), n, replace=False)
    x = discriminator_features(np.vstack([real_x[pick_r], synth_x[pick_s]]))
    y = np.concatenate([np.ones(n), np.zeros(n)])
    # Folds by person: a person's windows, whichever side they are on, are tested by a model that never saw that person.
    groups = np.concatenate([real_g[pick_r], synth_g[pick_s]])
    folds = min(5, len(set(real_g[pick_r])), len(set(synth_g[pick_s])))
    scores = np.zeros(len(y))
    for train, test in GroupKFold(n_splits=folds).split(x, y, groups):
        model = lgb.LGBMClassifier(random_state=seed, **LGB_PARAMS).fit(x[train], y[train])
        scores[test] = model.predict_proba(x[test])[:, 1]
    auroc = float(roc_auc_score(y, scores))
    # The CI resamples people within each side.
    sides = np.concatenate([np.full(n, "real:"), np.full(n, "synthetic:")]).astype(object) + groups.astype(object)
    people = np.unique(sides)
    index = {p: np.nonzero(sides == p)[0] for p in people}
    real_people = [p for p in people if p.startswith("real:")]
    synth_people = [p for p in people if not p.startswith("real:")]
    boot = []
    for _ in range(BOOTSTRAP):
        chosen = np.concatenate(
            [index[p] for p in rng.choice(real_people, len(real_people))] + [index[p] for p in rng.choice(synth_people, len(synth_people))]
        )
        boot.append(roc_auc_score(y[chosen], scores[chosen]))
    full = lgb.LGBMClassifier(random_state=seed, importance_type="gain", **LGB_PARAMS).fit(x, y)
    gain = full.feature_importances_ / max(1e-12, full.feature_importances_.sum())
    top = np.argsort(gain)[::-1][:5]
    return {
        "auroc": auroc,
        "ci95": [float(np.percentile(boot, 2.5)), float(np.percentile(boot, 97.5))],
        "windowsPerSide": int(n),
        "folds": int(folds),
        "realPeople": len(real_people),
        "syntheticPeople": len(synth_people),
        "topFeatures": [{"feature": DISCRIMINATOR_FEATURE_NAMES[i], "gainShare": float(gain[i])} for i in top],
    }


def forecast_windows(series, glucose, horizon_slots, stride=1, on_board=None):
    """History (12 readings) and the reading `horizon` after its last, both complete; grouped by person.
    With `on_board` (insulin and carbs on board per slot), their values at the history's last
    reading join the history as two more columns, and windows without them are left out."""
    xs, ys, groups = [], [], []
    length = HISTORY_SLOTS + horizon_slots
    for s in series:
        values = glucose[s["offset"] : s["offset"] + s["length"]]
        history = windows_of(values, HISTORY_SLOTS, 1)
        if len(history) == 0:
            continue
        ok = history[history + length - 1 < len(values)]
        ok = ok[np.isfinite(values[ok + length - 1])]
        if on_board is not None:
            iob, cob = (a[s["offset"] : s["offset"] + s["length"]] for a in on_board)
            last = ok + HISTORY_SLOTS - 1
            ok = ok[np.isfinite(iob[last]) & np.isfinite(cob[last])]
        ok = ok[::stride]
        if len(ok) == 0:
            continue
        window = values[ok[:, None] + np.arange(HISTORY_SLOTS)]
        if on_board is not None:
            last = ok + HISTORY_SLOTS - 1
            window = np.hstack([window, iob[last][:, None], cob[last][:, None]])
        xs.append(window)
        ys.append(values[ok + length - 1])
        groups.append(np.full(len(ok), f'{s["source"]}:{s["person"]}'))
    if not xs:
        return np.empty((0, HISTORY_SLOTS + (2 if on_board is not None else 0))), np.empty(0), np.empty(0, dtype=object)
    return np.vstack(xs), np.concatenate(ys), np.concatenate(groups)


def subsample(x, y, n, rng):
    if len(y) <= n:
        return x, y
    pick = rng.choice(len(y), n, replace=False)
    return x[pick], y[pick]


def features(x):
    """The glucose history, its last three changes, and (when given) insulin and carbs on board."""
    glucose, extra = x[:, :HISTORY_SLOTS], x[:, HISTORY_SLOTS:]
    return np.hstack([glucose, np.diff(glucose, axis=1)[:, -3:], extra])


def fit(kind, x, y, seed):
    if kind == "ridge":
        return make_pipeline(StandardScaler(), Ridge(alpha=1.0)).fit(features(x), y)
    return lgb.LGBMRegressor(random_state=seed, **LGB_PARAMS).fit(features(x), y)


def rmse(model, x, y):
    return float(np.sqrt(np.mean((model.predict(features(x)) - y) ** 2)))


def forecasting(real_series, synth_series, glucose, seed, on_board=None):
    rng = np.random.default_rng(seed)
    out = {}
    for horizon in HORIZONS:
        slots = horizon // SLOT_MINUTES
        real_x, real_y, real_g = forecast_windows(real_series, glucose, slots, TEST_STRIDE, on_board)
        synth_x, synth_y, _ = forecast_windows(synth_series, glucose, slots, 1, on_board)
        if len(real_y) == 0 or len(synth_y) == 0:
            out[str(horizon)] = None
            continue
        persistence = float(np.sqrt(np.mean((real_x[:, HISTORY_SLOTS - 1] - real_y) ** 2)))
        sx, sy = subsample(synth_x, synth_y, TRAIN_WINDOWS, rng)
        tstr = {kind: rmse(fit(kind, sx, sy, seed), real_x, real_y) for kind in ("ridge", "lightgbm")}
        trtr = {}
        people = np.unique(real_g)
        if len(people) >= 2:
            for kind in ("ridge", "lightgbm"):
                squared = np.zeros(len(real_y))
                for train, test in GroupKFold(n_splits=2).split(real_x, real_y, real_g):
                    tx, ty = subsample(real_x[train], real_y[train], TRAIN_WINDOWS, rng)
                    model = fit(kind, tx, ty, seed)
                    squared[test] = (model.predict(features(real_x[test])) - real_y[test]) ** 2
                trtr[kind] = float(np.sqrt(squared.mean()))
        gain = {
            kind: (persistence - tstr[kind]) / (persistence - trtr[kind])
            if kind in trtr and persistence - trtr[kind] >= MIN_GAIN_MGDL
            else None
            for kind in ("ridge", "lightgbm")
        }
        out[str(horizon)] = {
            "persistence": persistence,
            "tstr": tstr,
            "trtr": trtr or None,
            "realGainCaptured": gain,
            "realWindows": int(len(real_y)),
            "realPeople": int(len(people)),
            "syntheticTrainWindows": int(len(sy)),
        }
    return out


def stack(windows):
    """Several people's (x, y) windows as one pair of arrays, in order."""
    windows = [(x, y) for x, y in windows if len(y)]
    if not windows:
        return np.empty((0, HISTORY_SLOTS)), np.empty(0)
    return np.vstack([x for x, _ in windows]), np.concatenate([y for _, y in windows])


def augmentation(real_series, synth_series, glucose, seed):
    """k real people for training, alone or with generated data, tested on the other real people; paired over seeded draws."""
    rng = np.random.default_rng(seed + 1)
    people = sorted({(s["source"], s["person"]) for s in real_series})
    out = []
    for horizon in HORIZONS:
        slots = horizon // SLOT_MINUTES
        synth_x, synth_y, _ = forecast_windows(synth_series, glucose, slots, 1)
        sx, sy = subsample(synth_x, synth_y, AUGMENT_SYNTHETIC_WINDOWS, rng)
        # Each real person's windows once (to train on, and every third to test on): a draw only picks people.
        train_windows = [forecast_windows([s], glucose, slots, 1)[:2] for s in real_series]
        test_windows = [forecast_windows([s], glucose, slots, TEST_STRIDE)[:2] for s in real_series]
        for k in AUGMENT_K:
            if len(people) < k + 1:
                continue
            real_only, with_synth = [], []
            for draw in range(AUGMENT_DRAWS):
                chosen = {people[i] for i in rng.choice(len(people), k, replace=False)}
                drawn = [(s["source"], s["person"]) in chosen for s in real_series]
                tx, ty = stack([w for w, d in zip(train_windows, drawn) if d])
                ex, ey = stack([w for w, d in zip(test_windows, drawn) if not d])
                if len(ty) < 50 or len(ey) == 0:
                    continue
                tx, ty = subsample(tx, ty, TRAIN_WINDOWS, rng)
                real_only.append(rmse(fit("lightgbm", tx, ty, seed + draw), ex, ey))
                with_synth.append(rmse(fit("lightgbm", np.vstack([tx, sx]), np.concatenate([ty, sy]), seed + draw), ex, ey))
                log(f"augmentation {horizon} min, {k} real people, draw {draw + 1}/{AUGMENT_DRAWS}")
            if not real_only:
                continue
            diff = np.array(with_synth) - np.array(real_only)
            boot = [rng.choice(diff, len(diff)).mean() for _ in range(2000)]
            out.append(
                {
                    "horizon": horizon,
                    "realPeople": k,
                    "draws": len(diff),
                    "realOnly": float(np.mean(real_only)),
                    "realPlusSynthetic": float(np.mean(with_synth)),
                    "diffMean": float(diff.mean()),
                    "diffCi95": [float(np.percentile(boot, 2.5)), float(np.percentile(boot, 97.5))],
                }
            )
    return out


def main(work):
    work = Path(work)
    options = json.loads((work / "options.json").read_text())
    seed = int(options["seed"])
    segments = json.loads((work / "segments.json").read_text())
    series = json.loads((work / "series.json").read_text())
    glucose = np.fromfile(work / "glucose.f64", dtype="<f8")
    timings = {}

    started = time.time()
    log("metrics: distances between real and generated segments")
    real_rows = [r for r in segments if r["side"] == "real"]
    synth_rows = [r for r in segments if r["side"] == "synthetic"]
    truth_rows = [r for r in segments if r["side"] == "syntheticTruth"]
    rng = np.random.default_rng(seed)
    sources = sorted({r["source"] for r in real_rows})

    def metric_table(real):
        table = {}
        for name in options["metrics"]:
            compared = compare_metric(real, synth_rows, name, rng)
            if compared is not None:
                table[name] = compared
        return table

    result = {"metrics": metric_table(real_rows), "perSource": {}}
    if truth_rows:
        result["syntheticTruth"] = {
            name: quartiles(finite([r["metrics"].get(name) if r["metrics"].get(name) is not None else np.nan for r in truth_rows]))
            for name in ("sd5", "acf30", "acf60")
        }
    for source in sources:
        rows = [r for r in real_rows if r["source"] == source]
        result["perSource"][source] = {"metrics": result["metrics"] if len(rows) == len(real_rows) else metric_table(rows)}
    timings["metrics"] = time.time() - started

    real_series = [s for s in series if s["side"] == "real"]
    synth_series = [s for s in series if s["side"] == "synthetic"]
    started = time.time()
    log(f"discriminator: {len(real_series)} real and {len(synth_series)} generated people with 5-minute dynamics")
    def pooled_and_per_source(name, measure):
        """The measure on every real person, then on each set's people (a set needs two)."""
        result[name] = measure(real_series, synth_series, glucose, seed) if real_series else None
        for source in sources:
            subset = [s for s in real_series if s["source"] == source]
            if len(subset) == len(real_series):
                result["perSource"][source][name] = result[name]  # one set: the pooled figures are its own
            else:
                result["perSource"][source][name] = measure(subset, synth_series, glucose, seed) if len(subset) >= 2 else None

    pooled_and_per_source("discriminator", discriminate)
    timings["discriminator"] = time.time() - started

    started = time.time()
    log("forecasting: persistence, trained on generated (TSTR), trained on other real people (TRTR)")
    pooled_and_per_source("forecasting", forecasting)
    # Glucose + insulin + carbs on board, on the real people whose set logs insulin and meals.
    on_board_files = [work / "iob.f64", work / "cob.f64"]
    with_events = [s for s in real_series if s.get("insulinCarbs")]
    if len(with_events) >= 2 and all(f.exists() for f in on_board_files):
        log(f"forecasting: glucose + insulin + carbs on board, {len(with_events)} real people")
        on_board = tuple(np.fromfile(f, dtype="<f8") for f in on_board_files)
        result["forecastingWithInsulinCarbs"] = forecasting(with_events, synth_series, glucose, seed, on_board)
    else:
        result["forecastingWithInsulinCarbs"] = None
    timings["forecasting"] = time.time() - started

    started = time.time()
    if options.get("augmentation", True) and len(real_series) >= 2:
        log("augmentation: real alone vs real + generated, seeded draws")
        result["augmentation"] = augmentation(real_series, synth_series, glucose, seed)
    else:
        result["augmentation"] = None
    timings["augmentation"] = time.time() - started
    (work / "result.json").write_text(json.dumps(result, allow_nan=False))


if __name__ == "__main__":
    main(sys.argv[1])
