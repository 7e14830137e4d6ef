"""Reads a generated dataset as Delta Lake tables, the way users would, and prints what it saw as JSON.

  check_delta.py tables ROOT            delta-rs, Polars and Spark (delta-spark): rows per table at
                                        the latest version and at version 0, timestamp types,
                                        label sums, history length
  check_delta.py snapshot ROOT          one snapshot through Delta and one plain directory read
  check_delta.py poll ROOT STOPFILE     snapshots in a loop until STOPFILE exists; counts

ROOT is a directory or s3://bucket/prefix (S3 settings from AWS_* variables).
"""
import glob
import json
import os
import sys
import time

import pyarrow.dataset as pads
from deltalake import DeltaTable

TABLES = ["patient_demographics", "timeseries_features_train", "timeseries_features_val", "timeseries_features_test"]
SERIES = TABLES[1:]
PROJECT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def storage_options():
    endpoint = os.environ.get("AWS_ENDPOINT_URL_S3")
    if not endpoint:
        return None
    return {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": os.environ["AWS_ACCESS_KEY_ID"],
        "AWS_SECRET_ACCESS_KEY": os.environ["AWS_SECRET_ACCESS_KEY"],
        "AWS_REGION": os.environ.get("AWS_REGION", "us-east-1"),
        "AWS_ALLOW_HTTP": "true",
    }


def table_uri(root, table):
    return f"{root.rstrip('/')}/{table}.parquet"


def patients_of(arrow_table):
    return set(arrow_table.column("patient_id").to_pylist())


def delta_snapshot():
    """The four tables at one version: the smallest of their latest versions."""
    tables = {t: DeltaTable(table_uri(root, t), storage_options=storage_options()) for t in TABLES}
    version = min(dt.version() for dt in tables.values())
    data = {}
    for t, dt in tables.items():
        if dt.version() != version:
            dt.load_as_version(version)
        data[t] = dt.to_pyarrow_dataset().to_table(columns=["patient_id"])
    return version, data


def plain_snapshot():
    """The four table directories read as plain Parquet (what a reader that ignores the log sees)."""
    data = {}
    for t in TABLES:
        if root.startswith("s3://"):
            from pyarrow import fs

            options = storage_options()
            s3 = fs.S3FileSystem(
                access_key=options["AWS_ACCESS_KEY_ID"],
                secret_key=options["AWS_SECRET_ACCESS_KEY"],
                endpoint_override=options["AWS_ENDPOINT_URL"],
                region=options["AWS_REGION"],
            )
            dataset = pads.dataset(table_uri(root, t)[len("s3://") :], filesystem=s3, format="parquet")
        else:
            dataset = pads.dataset(table_uri(root, t), format="parquet")
        data[t] = dataset.to_table(columns=["patient_id"])
    return data


def whole_runs(data):
    """Demographics hold patients 0…n−1 and the series tables hold exactly those patients."""
    demographics = patients_of(data["patient_demographics"])
    series = set().union(*(patients_of(data[t]) for t in SERIES))
    indices = {int(patient.rsplit("-p", 1)[1]) for patient in demographics}  # ids are s<seed>-p<index>
    return indices == set(range(len(demographics))) and series == demographics, len(demographics)


def spark_session():
    from pyspark.sql import SparkSession

    jars = ",".join(sorted(glob.glob(os.path.join(PROJECT, ".tools/jars/*.jar"))))
    spark = (
        SparkSession.builder.master("local[1]")
        .appName("delta interop")
        .config("spark.jars", jars)
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.databricks.delta.snapshotPartitions", "1")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def tables_report():
    import polars as pl
    from pyspark.sql import functions as F

    spark = spark_session()
    report = {}
    for t in TABLES:
        uri = table_uri(root, t)
        dt = DeltaTable(uri)
        latest = dt.to_pyarrow_dataset().to_table()
        spark_latest = spark.read.format("delta").load(uri)
        polars_frame = pl.read_delta(uri)
        labels = [c for c in latest.column_names if c.startswith("label_")]
        entry = {
            "version": dt.version(),
            "history": len(dt.history()),
            "deltars_rows": latest.num_rows,
            "deltars_rows_v0": unless_missing(lambda: DeltaTable(uri, version=0).to_pyarrow_dataset().to_table().num_rows),
            "polars_rows": polars_frame.height,
            "polars_scan_rows": pl.scan_delta(uri).select(pl.len()).collect().item(),
            "spark_rows": spark_latest.count(),
            # Rows fetched, not count(): Spark answers count() from the log's numRecords without opening a file.
            "spark_rows_v0": unless_missing(
                lambda: len(spark.read.format("delta").option("versionAsOf", 0).load(uri).select("patient_id").collect())
            ),
            "spark_label_sums": {},
            "deltars_label_sums": {c: int(pa_sum(latest.column(c))) for c in labels},
        }
        entry.update(check_file_stats(dt, uri, latest.num_rows))
        if labels:
            row = spark_latest.agg(*[F.sum(c).alias(c) for c in labels]).collect()[0]
            entry["spark_label_sums"] = {c: int(row[c] or 0) for c in labels}
        if "timestamp" in latest.column_names:
            entry["deltars_timestamp"] = str(latest.schema.field("timestamp").type)
            entry["polars_timestamp"] = str(polars_frame.schema["timestamp"])
            entry["spark_timestamp"] = dict(spark_latest.dtypes)["timestamp"]
        report[t] = entry
    spark.stop()
    return report


def check_file_stats(dt, uri, total_rows):
    """Every add's stats (as delta-rs reads them) against the file itself: rows, and the patient_id and timestamp bounds."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    import pyarrow as pa

    actions = pa.table(dt.get_add_actions(flatten=True)).to_pylist()  # an arro3 table: through the Arrow C interface
    checked = mismatches = stats_rows = 0
    for action in actions:
        stats_rows += action["num_records"]
        if action.get("min.patient_id") is None:
            continue
        table = pq.read_table(f"{uri}/{action['path']}")
        checked += 1
        expected = {
            "min.patient_id": pc.min(table.column("patient_id")).as_py(),
            "max.patient_id": pc.max(table.column("patient_id")).as_py(),
        }
        if "timestamp" in table.column_names:
            expected["min.timestamp"] = pc.min(table.column("timestamp")).as_py()
            expected["max.timestamp"] = pc.max(table.column("timestamp")).as_py()
        for key, value in expected.items():
            seen = action.get(key)
            if hasattr(seen, "timestamp") and hasattr(value, "timestamp"):
                same = abs(seen.timestamp() - value.timestamp()) < 0.001
            else:
                same = seen == value
            if not same:
                mismatches += 1
    return {"stats_files_checked": checked, "stats_mismatches": mismatches, "stats_rows": stats_rows, "files": len(actions)}


def unless_missing(read):
    """Rows read at an old version, or None when its files are gone (versions before an overwrite)."""
    try:
        return read()
    except Exception as error:
        if "not found" in str(error).lower() or "FileNotFound" in type(error).__name__ or "FILE_NOT_EXIST" in str(error):
            return None
        raise


def pa_sum(column):
    import pyarrow.compute as pc

    return pc.sum(column).as_py() or 0


def snapshot_report():
    version, delta = delta_snapshot()
    delta_whole, delta_patients = whole_runs(delta)
    plain_whole, plain_patients = whole_runs(plain_snapshot())
    return {
        "version": version,
        "delta_whole": delta_whole,
        "delta_patients": delta_patients,
        "plain_whole": plain_whole,
        "plain_patients": plain_patients,
    }


def poll_report(stop_file):
    counts = {"snapshots": 0, "delta_partial": 0, "plain_reads": 0, "plain_partial": 0, "plain_errors": 0, "versions": []}
    while not os.path.exists(stop_file):
        try:
            version, delta = delta_snapshot()
        except Exception as error:  # no log yet (before the first commit)
            if "No files in log segment" in str(error) or "not a Delta table" in str(error).lower() or "TableNotFound" in type(error).__name__:
                time.sleep(0.05)
                continue
            raise
        whole, _ = whole_runs(delta)
        counts["snapshots"] += 1
        counts["delta_partial"] += 0 if whole else 1
        if version not in counts["versions"]:
            counts["versions"].append(version)
        try:
            plain_whole, _ = whole_runs(plain_snapshot())
            counts["plain_reads"] += 1
            counts["plain_partial"] += 0 if plain_whole else 1
        except Exception:
            counts["plain_errors"] += 1
    return counts


if __name__ == "__main__":
    mode, root = sys.argv[1], sys.argv[2]
    if mode == "tables":
        print(json.dumps(tables_report()))
    elif mode == "snapshot":
        print(json.dumps(snapshot_report()))
    elif mode == "poll":
        print(json.dumps(poll_report(sys.argv[3])))
    else:
        sys.exit(f"unknown mode {mode}")
