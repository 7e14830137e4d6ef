"""Reads a generated dataset the way users do: Spark MLlib, pandas, pyarrow, DuckDB, Polars.

Prints one JSON object with what each reader saw; the node test asserts on it.
"""
import json
import os
import sys

dataset = sys.argv[1]
# Optional: a dataset generated with --cgm-gaps (nulls in the glucose columns) to read as well.
gaps_dataset = sys.argv[2] if len(sys.argv) > 2 else None
tables = ["patient_demographics", "timeseries_features_train", "timeseries_features_val", "timeseries_features_test"]
result = {"counts": {}, "types": {}}

import pandas as pd
import pyarrow.dataset as ds
import duckdb
import polars as pl

for table in tables:
    path = os.path.join(dataset, f"{table}.parquet")
    counts = {
        "pandas": len(pd.read_parquet(path)),
        "pyarrow": ds.dataset(path, format="parquet").count_rows(),
        "duckdb": duckdb.sql(f"SELECT count(*) FROM read_parquet('{path}/*.parquet')").fetchall()[0][0],
        "polars": pl.scan_parquet(f"{path}/*.parquet").select(pl.len()).collect().item(),
    }
    schema = ds.dataset(path, format="parquet").schema
    result["counts"][table] = counts
    result["types"][table] = {
        "pyarrow": {f.name: str(f.type) for f in schema},
        "polars": {k: str(v) for k, v in pl.scan_parquet(f"{path}/*.parquet").collect_schema().items()},
        "pandas": {k: str(v) for k, v in pd.read_parquet(path).dtypes.items()},
    }

from pyspark.sql import SparkSession
from pyspark.ml.feature import VectorAssembler
from pyspark.ml.regression import RandomForestRegressor
from pyspark.ml.classification import GBTClassifier

spark = (
    SparkSession.builder.master("local[2]")
    .appName("Diabetic ML Model")
    .config("spark.ui.enabled", "false")
    .config("spark.driver.bindAddress", "127.0.0.1")
    .config("spark.driver.host", "127.0.0.1")
    .config("spark.sql.shuffle.partitions", "4")
    .getOrCreate()
)
spark.sparkContext.setLogLevel("ERROR")

# The usage example of the product description, verbatim in spirit.
demographics = spark.read.parquet(os.path.join(dataset, "patient_demographics.parquet"))
train = spark.read.parquet(os.path.join(dataset, "timeseries_features_train.parquet"))
val = spark.read.parquet(os.path.join(dataset, "timeseries_features_val.parquet"))
result["spark_types"] = {f.name: f.dataType.simpleString() for f in train.schema.fields}
result["spark_nullable"] = {f.name: f.nullable for f in train.schema.fields}
# The first window's instant as epoch milliseconds in every reader: a UTC instant reads the same
# everywhere (Spark's unix_millis refuses a TIMESTAMP_NTZ column).
train_path = os.path.join(dataset, "timeseries_features_train.parquet")
result["first_instant_ms"] = {
    "pandas": int(pd.read_parquet(train_path, columns=["timestamp"])["timestamp"].min().value // 1_000_000),
    "pyarrow": min(ds.dataset(train_path, format="parquet").to_table(columns=["timestamp"]).column("timestamp").cast("int64").to_pylist()) // 1000,
    "polars": pl.scan_parquet(f"{train_path}/*.parquet").select(pl.col("timestamp").min().dt.epoch("ms")).collect().item(),
    "duckdb": duckdb.sql(f"SELECT epoch_ms(min(timestamp)) FROM read_parquet('{train_path}/*.parquet')").fetchall()[0][0],
    "spark": train.selectExpr("unix_millis(min(timestamp))").first()[0],
}
result["duckdb_timestamp_type"] = duckdb.sql(f"SELECT typeof(min(timestamp)) FROM read_parquet('{train_path}/*.parquet')").fetchall()[0][0]
result["spark_counts"] = {t: spark.read.parquet(os.path.join(dataset, f"{t}.parquet")).count() for t in tables}

train_full = train.join(demographics, on="patient_id", how="left")
val_full = val.join(demographics, on="patient_id", how="left")
feature_cols = [c for c in train_full.columns if c.startswith("feature_t")]
assembler = VectorAssembler(inputCols=feature_cols + ["age", "bmi", "insulin_sensitivity_factor"], outputCol="features")
train_ml = assembler.transform(train_full)
val_ml = assembler.transform(val_full)

rf = RandomForestRegressor(featuresCol="features", labelCol="target_glucose_mgdl", numTrees=10, maxDepth=6, seed=1)
model = rf.fit(train_ml)
predictions = model.transform(val_ml)
rmse = predictions.selectExpr("sqrt(avg(pow(prediction - target_glucose_mgdl, 2))) as rmse").first()["rmse"]
result["rf_rmse_mgdl"] = rmse
result["rf_predictions"] = predictions.count()

gbt = GBTClassifier(featuresCol="features", labelCol="label_hypoglycemia_risk", maxIter=5, maxDepth=3, seed=1)
clf_model = gbt.fit(train_ml)
clf_predictions = clf_model.transform(val_ml)
result["gbt_predictions"] = clf_predictions.count()
result["gbt_accuracy"] = clf_predictions.selectExpr("avg(cast(prediction = label_hypoglycemia_risk as double)) as a").first()["a"]

if gaps_dataset:
    # Every reader must see the same nulls, as nulls (not NaN, not 0), and only in the glucose columns.
    path = os.path.join(gaps_dataset, "timeseries_features_train.parquet")
    frame = pd.read_parquet(path)
    polars_frame = pl.read_parquet(f"{path}/*.parquet")
    spark_frame = spark.read.parquet(path)
    from pyspark.sql import functions as F

    spark_nulls = spark_frame.select([F.sum(F.col(c).isNull().cast("int")).alias(c) for c in spark_frame.columns]).first().asDict()
    result["gaps"] = {
        "rows": len(frame),
        "pandas": {c: int(frame[c].isna().sum()) for c in frame.columns},
        "polars": {c: int(polars_frame[c].null_count()) for c in polars_frame.columns},
        "duckdb": {
            c: duckdb.sql(f"SELECT count(*) - count(\"{c}\") FROM read_parquet('{path}/*.parquet')").fetchall()[0][0] for c in frame.columns
        },
        "spark": {c: int(v or 0) for c, v in spark_nulls.items()},
        # Spark reports every Parquet column as nullable; the file's own declaration is what pyarrow shows.
        "arrow_nullable": {f.name: f.nullable for f in ds.dataset(path, format="parquet").schema},
        "nan_in_polars": int(polars_frame.select(pl.col("feature_t0_glucose_mgdl").is_nan().sum()).item()),
        "truth_mard_pct": duckdb.sql(
            f"SELECT 100 * avg(abs(feature_t0_glucose_mgdl - blood_glucose_mgdl) / blood_glucose_mgdl) FROM read_parquet('{path}/*.parquet')"
        ).fetchall()[0][0],
    }

spark.stop()
print("INTEROP_RESULT " + json.dumps(result))
